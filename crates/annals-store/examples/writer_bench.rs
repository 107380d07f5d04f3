//! Measures the ingest writer: extraction records (as `annals extract` prints them) stored in
//! batches, each batch's events merged into happenings right after it, as `annals ingest` does.
//!
//! `cargo run --release -p annals-store --example writer_bench -- RECORDS.jsonl [BATCH] [DB|-] [CHUNK]`
//!
//! Prints the CPU seconds spent storing and merging, and a digest of the happenings written
//! (their report groups), so that two builds can be checked to merge alike.

use annals_merge::{MergeConfig, Merger};
use annals_store::{Record, Store};
use std::io::BufRead;

/// CPU time of the calling thread so far, in seconds (0 where the system does not tell).
fn cpu_secs() -> f64 {
    // Linux: the first field of schedstat is the time on CPU, in nanoseconds.
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// Bytes this process has handed to write system calls so far (0 where the system does not tell).
fn written_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("wchar:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .ok_or("usage: writer_bench RECORDS.jsonl [BATCH] [DB|-] [CHUNK]")?;
    let batch: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let dir = std::env::temp_dir().join(format!("annals-writer-bench-{}", std::process::id()));
    let path = match args.next().filter(|p| p != "-") {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            std::fs::create_dir_all(&dir)?;
            dir.join("bench.db")
        }
    };
    // Pending events merged per transaction after each batch; 0: all of them once, at the end.
    let chunk: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let file = std::io::BufReader::new(std::fs::File::open(&input)?);
    let mut records = Vec::new();
    for line in file.lines() {
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        records.push(Record::from_value(value));
    }
    let merger = Merger::new(MergeConfig::default());
    let mut store = Store::open(&path)?;
    let (mut storing, mut merging, mut events) = (0.0, 0.0, 0);
    let (mut stored_bytes, mut merged_bytes) = (0, 0);
    let wall = std::time::Instant::now();
    for batch in records.chunks(batch.max(1)) {
        let (t, tb) = (cpu_secs(), written_bytes());
        events += store.insert_records(batch)?.events;
        let (m, mb) = (cpu_secs(), written_bytes());
        if chunk > 0 {
            store.merge_all_pending(&merger, chunk)?;
        }
        merging += cpu_secs() - m;
        storing += m - t;
        merged_bytes += written_bytes() - mb;
        stored_bytes += mb - tb;
    }
    if chunk == 0 {
        // Merging once, at the end (as `annals ingest` does for an input of this size).
        let (m, mb) = (cpu_secs(), written_bytes());
        store.merge_all_pending(&merger, 50_000)?;
        merging += cpu_secs() - m;
        merged_bytes += written_bytes() - mb;
    }
    let secs = wall.elapsed().as_secs_f64();
    let n = records.len() as f64;
    println!(
        "{} docs, {events} events: storing {storing:.3} CPU s, merging {merging:.3} CPU s \
         ({:.0} us per article, {:.0} us per event); {secs:.2} s wall",
        records.len(),
        (storing + merging) * 1e6 / n,
        (storing + merging) * 1e6 / events.max(1) as f64,
    );
    println!(
        "written: {:.1} MB storing, {:.1} MB merging",
        stored_bytes as f64 / 1e6,
        merged_bytes as f64 / 1e6
    );
    // Closing folds the write-ahead log back into the store file.
    let c = cpu_secs();
    drop(store);
    println!("closing: {:.3} CPU s", cpu_secs() - c);
    let conn = rusqlite::Connection::open(&path)?;
    let groups: String = conn.query_row(
        "SELECT COUNT(*) || ' happenings, digest ' || COALESCE(SUM(x), 0) FROM (
             SELECT happening_id, LENGTH(group_concat(doc_id || '#' || idx, ',')) AS x
             FROM (SELECT * FROM happening_reports ORDER BY doc_id, idx) GROUP BY happening_id)",
        [],
        |r| r.get(0),
    )?;
    println!("{groups}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
