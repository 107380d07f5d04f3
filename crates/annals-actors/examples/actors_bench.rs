//! Times actor recognition over a JSONL corpus (one `{"text": ...}` record a line):
//! `cargo run --release -p annals-actors --example actors_bench -- FILE [REPEAT]`.

use annals_actors::ActorRecognizer;
use annals_segment::NewsSegmenter;

// The allocator of the `annals` binary, so that the figures compare with `annals bench`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Time this thread has spent on a CPU (Linux), else wall-clock time since `since`.
fn cpu(since: std::time::Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| since.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: actors_bench FILE.jsonl [REPEAT]");
        return;
    };
    let repeat: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let raw = std::fs::read_to_string(path).unwrap_or_default();
    let segmenter = NewsSegmenter::new();
    let docs: Vec<(String, Vec<annals_document::Sentence>)> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .map(|t| {
            let s = segmenter.segment(&t);
            (t, s)
        })
        .collect();
    let bytes: usize = docs.iter().map(|d| d.0.len()).sum();
    let recognizer = ActorRecognizer::new();
    let start = std::time::Instant::now();
    let c0 = cpu(start);
    let mut total = 0;
    for _ in 0..repeat {
        for (text, sentences) in &docs {
            total += recognizer.recognize(text, sentences, None).len();
        }
    }
    let secs = cpu(start) - c0;
    if std::env::var_os("ACTORS_DUMP").is_some() {
        for (text, sentences) in &docs {
            let mentions = recognizer.recognize(text, sentences, None);
            println!("{}", serde_json::to_string(&mentions).unwrap_or_default());
        }
    }
    eprintln!(
        "{} docs, {total} mentions, {:.2} cpu MB/s ({:.1} ms)",
        docs.len(),
        (bytes * repeat) as f64 / 1e6 / secs,
        secs * 1e3
    );
}
