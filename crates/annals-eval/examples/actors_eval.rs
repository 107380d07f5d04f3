//! Runs the actor scorer: `cargo run --release -p annals-eval --example actors_eval -- FILE [DICTIONARY...] [--errors]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: actors_eval FILE [DICTIONARY...] [--errors]");
        return;
    };
    let errors = args.iter().any(|a| a == "--errors");
    let dicts: Vec<&String> = args
        .iter()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let recognizer = match annals_actors::ActorRecognizer::with_dictionaries(&dicts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    match annals_eval::actors::run_with(std::path::Path::new(path), errors, &recognizer) {
        Ok(report) => {
            print!("{report}");
            for e in &report.errors {
                println!("{e}");
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
