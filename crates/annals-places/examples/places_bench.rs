//! Times the place stage alone over a JSONL corpus (`{"text": ...}` per line):
//! `places_bench FILE [REPEAT] [--dump]`. With `--dump` it prints every mention as JSON instead.

use annals_places::PlaceContext;
use annals_places::PlaceRecognizer;
use annals_segment::NewsSegmenter;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Time this thread has spent on a CPU (Linux), else wall-clock time since `since`.
fn cpu(since: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| since.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: places_bench FILE [REPEAT] [--dump]");
        return;
    };
    let repeat: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let dump = args.iter().any(|a| a == "--dump");
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return;
        }
    };
    let docs: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    let seg = NewsSegmenter::new();
    let sentences: Vec<_> = docs.iter().map(|d| seg.segment(d)).collect();
    let start = Instant::now();
    let c0 = cpu(start);
    let rec = PlaceRecognizer::new();
    let load = cpu(start) - c0;
    let ctx = PlaceContext::default();
    if dump {
        for (d, s) in docs.iter().zip(&sentences) {
            for m in rec.recognize(d, s, &ctx) {
                println!("{}", serde_json::to_string(&m).unwrap_or_default());
            }
        }
        return;
    }
    let bytes: usize = docs.iter().map(String::len).sum::<usize>() * repeat;
    let start = Instant::now();
    let c0 = cpu(start);
    let mut found = 0;
    for _ in 0..repeat {
        for (d, s) in docs.iter().zip(&sentences) {
            found += rec.recognize(d, s, &ctx).len();
        }
    }
    let secs = cpu(start) - c0;
    println!(
        "load {:.1} cpu ms; places {:.2} cpu MB/s ({found} found, {:.1} ms)",
        load * 1e3,
        bytes as f64 / 1e6 / secs,
        secs * 1e3
    );
}
