//! Runs the actor scorer: `cargo run --release -p annals-eval --example actors_eval -- FILE [--errors]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: actors_eval FILE [--errors]");
        return;
    };
    let errors = args.iter().any(|a| a == "--errors");
    match annals_eval::actors::run(std::path::Path::new(path), errors) {
        Ok(report) => {
            print!("{report}");
            for e in &report.errors {
                println!("{e}");
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
