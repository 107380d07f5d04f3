//! Scores the time recognizer on a TimeML folder: `timeml DIR [--errors]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: timeml DIR [--errors]");
        std::process::exit(2);
    };
    let with_errors = args.any(|a| a == "--errors");
    match annals_eval::timeml::run(std::path::Path::new(&dir), with_errors) {
        Ok(report) => {
            print!("{report}");
            for e in &report.errors {
                println!("{e}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
