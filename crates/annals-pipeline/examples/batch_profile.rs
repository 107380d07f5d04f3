//! Development aid: runs `Pipeline::extract_batch` over a JSONL corpus in batches of 32, as
//! `annals bench` does for its "extract, stage by stage" row, for profiling the whole extraction:
//! `batch_profile FILE [REPEAT] [STAGE]`. STAGE (`all` by default) picks one stage to repeat
//! instead: `segment`, `times`, `places`, `actors` or `events`; `dump` prints every record as
//! a JSON line instead, to check that a change keeps the output.

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
        eprintln!("usage: batch_profile FILE [REPEAT] [STAGE]");
        return ExitCode::FAILURE;
    };
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let stage = args.next().unwrap_or_else(|| "all".into());
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
        .filter_map(|v| {
            let t = v.get("text")?.as_str()?.to_string();
            let date = v
                .get("date")
                .and_then(|d| d.as_str())
                .and_then(|d| d.get(..10))
                .and_then(|d| d.parse().ok());
            Some(Document::new(t).with_date(date))
        })
        .collect();
    let pipeline = Pipeline::new();
    if stage == "dump" {
        // Every record as one JSON line, to check that a change keeps the output.
        for batch in docs.chunks(32) {
            for r in pipeline.extract_batch(batch.to_vec()) {
                println!("{}", serde_json::to_string(&r).unwrap_or_default());
            }
        }
        return ExitCode::SUCCESS;
    }
    let Recognized {
        sentences,
        times,
        places,
        actors,
    } = pipeline.recognize_batch(&docs);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let cpu_start = cpu_ns();
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..repeat {
        match stage.as_str() {
            "segment" => docs.iter().for_each(|d| found += pipeline.segment(d).len()),
            "times" => docs
                .iter()
                .enumerate()
                .for_each(|(i, d)| found += pipeline.times(d, &sentences[i]).expressions.len()),
            "places" => docs
                .iter()
                .enumerate()
                .for_each(|(i, d)| found += pipeline.places(d, &sentences[i]).len()),
            "actors" => docs
                .iter()
                .enumerate()
                .for_each(|(i, d)| found += pipeline.actors(d, &sentences[i]).len()),
            "events" => docs.iter().enumerate().for_each(|(i, d)| {
                found += pipeline
                    .events(d, &sentences[i], &times[i], &places[i], &actors[i])
                    .len()
            }),
            _ => {
                for batch in docs.chunks(32) {
                    let records = pipeline.extract_batch(batch.to_vec());
                    found += records.iter().map(|r| r.events.len()).sum::<usize>();
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_ns().saturating_sub(cpu_start) as f64 / 1e9;
    let mb = (bytes * repeat) as f64 / 1e6;
    eprintln!(
        "{stage}: {found} found, {:.2} MB/s, {:.2} cpu MB/s",
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
