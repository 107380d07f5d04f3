//! Runs the events stage alone over a JSONL corpus (one `{"text": ...}` object per line), for
//! profiling it apart from the other stages: `events_only FILE [REPEAT]` runs the earlier
//! stages once, then codes events REPEAT times (10 by default) and prints the throughput, per
//! wall-clock second and per second on the CPU. With `EVENTS_DUMP` set in the environment it
//! prints each document's events as one JSON line instead, to check that a change keeps them.

use annals_document::Document;
use annals_pipeline::{Pipeline, Recognized};
use std::process::ExitCode;
use std::time::Instant;

/// The allocator of the `annals` binary, so that the figures match its `bench`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: events_only FILE [REPEAT]");
        return ExitCode::FAILURE;
    };
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let docs: Vec<Document> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .map(Document::new)
        .collect();
    let pipeline = Pipeline::new();
    let Recognized {
        sentences,
        times,
        places,
        actors,
    } = pipeline.recognize_batch(&docs);
    let code = |i: usize, d: &Document| {
        pipeline.events(d, &sentences[i], &times[i], &places[i], &actors[i])
    };
    if std::env::var_os("EVENTS_DUMP").is_some() {
        for (i, d) in docs.iter().enumerate() {
            println!("{}", serde_json::to_string(&code(i, d)).unwrap_or_default());
        }
        return ExitCode::SUCCESS;
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let cpu_start = cpu_ns();
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..repeat {
        for (i, d) in docs.iter().enumerate() {
            found += code(i, d).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_ns().saturating_sub(cpu_start) as f64 / 1e9;
    let mb = (bytes * repeat) as f64 / 1e6;
    eprintln!(
        "events: {found} found, {:.2} MB/s, {:.2} cpu MB/s",
        mb / secs.max(1e-9),
        mb / cpu.max(1e-9)
    );
    ExitCode::SUCCESS
}

/// Nanoseconds this thread has run on a CPU (Linux), else 0.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
