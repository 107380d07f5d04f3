//! Measures segmentation throughput on one thread.
//!
//! `cargo run --release -p annals-segment --example segbench -- FILE [REPEAT]` reads FILE as one
//! text, segments it REPEAT times (default 5) and prints bytes, sentences and MB/s.

use annals_segment::NewsSegmenter;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: segbench FILE [REPEAT]");
        std::process::exit(2);
    };
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("segbench: {path}: {err}");
            std::process::exit(1);
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let started = Instant::now();
    let segmenter = NewsSegmenter::new();
    let load = started.elapsed();
    let mut sentences = 0;
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let t = Instant::now();
        sentences = segmenter.segment(&text).len();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "{path}: {:.1} MB, {sentences} sentences, best of {repeat}: {:.3} s = {:.0} MB/s (load {:.2} ms)",
        mb,
        best,
        mb / best,
        load.as_secs_f64() * 1e3
    );
}
