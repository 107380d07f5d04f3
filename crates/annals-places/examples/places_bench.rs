//! Measures recognition throughput over a JSON-lines corpus (one object with a `text` a line).

use annals_places::{PlaceContext, PlaceRecognizer};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_default();
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let texts: Vec<String> = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let rec = PlaceRecognizer::new();
    let ctx = PlaceContext::default();
    let started = Instant::now();
    let mut found = 0;
    for _ in 0..repeat {
        for t in &texts {
            found += rec.recognize(t, &[], &ctx).len();
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mb = (bytes * repeat) as f64 / 1e6;
    println!(
        "{} docs, {mb:.2} MB in {secs:.3} s: {:.2} MB/s, {found} places",
        texts.len() * repeat,
        mb / secs
    );
}
