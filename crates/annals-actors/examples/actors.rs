//! Prints the actors of a text file: `cargo run -p annals-actors --example actors -- FILE [DATE] [DICT...]`.

use annals_actors::ActorRecognizer;
use annals_segment::NewsSegmenter;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: actors FILE [YYYY-MM-DD] [DICTIONARY...]");
        return;
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let date = args.get(1).and_then(|d| d.parse().ok());
    let dicts: Vec<&String> = args.iter().skip(2).collect();
    let recognizer = match ActorRecognizer::with_dictionaries(&dicts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let sentences = NewsSegmenter::new().segment(&text);
    if let Ok(n) = std::env::var("ACTORS_BENCH")
        .unwrap_or_default()
        .parse::<usize>()
    {
        let start = std::time::Instant::now();
        let mut total = 0;
        for _ in 0..n {
            total += recognizer.recognize(&text, &sentences, date).len();
        }
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{n} runs, {total} mentions, {:.0} documents/s",
            n as f64 / secs
        );
    }
    for (i, m) in recognizer
        .recognize(&text, &sentences, date)
        .iter()
        .enumerate()
    {
        println!(
            "{i:3} {:<12} {:<13} {:<40} name={:?} role={:?} coref={:?} {} {:.2}",
            m.code,
            m.kind.as_str(),
            m.text,
            m.name,
            m.role,
            m.coref_of,
            m.rule,
            m.confidence
        );
    }
}
