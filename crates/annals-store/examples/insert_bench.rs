//! Measures store throughput: inserting synthetic records (with events) in batches, a rerun that
//! skips them all, and a few searches.
//!
//! `cargo run --release -p annals-store --example insert_bench -- [DOCS] [BATCH]`

use annals_store::{Query, Record, Store};
use serde_json::json;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let batch: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let dir = std::env::temp_dir().join(format!("annals-store-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.db");
    let records: Vec<Record> = (0..n)
        .map(|i| {
            Record::from_value(json!({
                "id": format!("{i:032x}"), "title": format!("Bulletin {i}"),
                "date": format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1), "language": "en",
                "origin": {"path": "bench", "format": "jsonl"},
                "text": format!("Officials in district {} met union leaders on Monday about \
                    wages; police said {} people marched. Talks resume next week.", i % 97, i % 500),
                "sentences": [],
                "events": [
                    {"event": "PROTEST", "mode": "demonstrate", "modality": "asserted",
                     "actor": {"code": "XXXLAB", "country": "XXX"},
                     "event_loc": {"name": format!("District {}", i % 97),
                                   "lat": (i % 90) as f64, "lon": (i % 180) as f64},
                     "attribution": [{"text": "police", "kind": "official"}]},
                    {"event": "CONSULT", "actor": {"code": "XXXGOV"}, "recipient": {"code": "XXXLAB"}}
                ]
            }))
        })
        .collect();
    let bytes: usize = records.iter().map(|r| r.text.len() + r.record.len()).sum();
    let mut store = Store::open(&path)?;
    let t = Instant::now();
    for chunk in records.chunks(batch) {
        store.insert_records(chunk)?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "insert: {n} docs ({:.1} MB) in {secs:.2} s = {:.0} docs/s",
        bytes as f64 / 1e6,
        n as f64 / secs
    );
    let t = Instant::now();
    for chunk in records.chunks(batch) {
        store.insert_records(chunk)?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!("rerun (all skipped): {:.0} docs/s", n as f64 / secs);
    let queries = [
        (
            "text",
            Query {
                text: Some("union wages".into()),
                limit: Some(20),
                ..Query::default()
            },
        ),
        (
            "actor",
            Query {
                actor: Some("XXXG".into()),
                limit: Some(20),
                ..Query::default()
            },
        ),
        (
            "text+bbox",
            Query {
                text: Some("marched".into()),
                bbox: Some("10,10,20,20".parse()?),
                limit: Some(20),
                ..Query::default()
            },
        ),
    ];
    for (name, q) in &queries {
        let t = Instant::now();
        let hits = store.search(q)?;
        println!(
            "search {name}: {} hits in {:.1} ms",
            hits.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    println!(
        "file: {:.1} MB",
        std::fs::metadata(&path)?.len() as f64 / 1e6
    );
    drop(store);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
