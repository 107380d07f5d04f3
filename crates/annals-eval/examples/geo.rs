//! Runs the geo evaluation on a file or folder: `cargo run --release -p annals-eval --example geo -- PATH [--errors]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/eval/geo".to_string());
    let with_errors = args.any(|a| a == "--errors");
    match annals_eval::geo::run(std::path::Path::new(&path), with_errors) {
        Ok(r) => {
            print!("{r}");
            for e in &r.errors {
                println!("{e}");
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
