//! Runs the event evaluations: `events_eval plover FILE.jsonl [--errors]`, `events_eval petrarch DIR [--errors]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let errors = args.iter().any(|a| a == "--errors");
    let (Some(kind), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: events_eval plover|petrarch PATH [--errors]");
        return;
    };
    let path = std::path::Path::new(path);
    let report = match kind.as_str() {
        "plover" => annals_eval::plover::run(path, errors),
        _ => annals_eval::petrarch::run(path, errors),
    };
    match report {
        Ok(r) => {
            print!("{r}");
            for e in &r.errors {
                println!("  {e}");
            }
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
