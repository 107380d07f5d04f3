//! Prints the time expressions and narrative times of a text file: `show FILE [YYYY-MM-DD]`.

use annals_time::TimeRecognizer;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: show FILE [YYYY-MM-DD]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let date = args.next().and_then(|d| d.parse().ok());
    let sentences = annals_segment::NewsSegmenter::new().segment(&text);
    let found = TimeRecognizer::new().recognize(&text, &sentences, date);
    for e in &found.expressions {
        println!("{}", serde_json::to_string(e).unwrap_or_default());
    }
    for n in &found.narrative {
        println!("{}", serde_json::to_string(n).unwrap_or_default());
    }
}
