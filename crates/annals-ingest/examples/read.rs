//! Reads inputs and prints one JSON document per line; diagnostics and timing go to stderr.
//!
//! `cargo run --release -p annals-ingest --example read -- [--quiet] PATH...`

use annals_ingest::{Item, ReadOptions, expand, read_input};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut quiet = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--quiet" {
            quiet = true;
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let start = Instant::now();
    let inputs = expand(&paths, &mut |item| {
        if let Item::Diagnostic(d) = item {
            eprintln!("{d}");
        }
    });
    let options = ReadOptions::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut docs, mut bytes) = (0u64, 0u64);
    for input in &inputs {
        read_input(input, &options, &mut |item| match item {
            Item::Document(doc) => {
                docs += 1;
                bytes += doc.text.len() as u64;
                if !quiet {
                    let line = serde_json::to_string(&doc).unwrap_or_default();
                    let _ = writeln!(out, "{line}");
                }
            }
            Item::Diagnostic(d) => eprintln!("{d}"),
        });
    }
    let _ = out.flush();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{docs} documents, {bytes} text bytes in {secs:.3} s ({:.0} docs/s, {:.1} MB/s)",
        docs as f64 / secs.max(1e-9),
        bytes as f64 / secs.max(1e-9) / 1e6
    );
}
