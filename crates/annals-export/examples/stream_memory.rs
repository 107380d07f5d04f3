//! Peak memory of each event writer over many events: writes N synthetic events (a coded event
//! with varying ids, dates and figures) to a file in one format and prints the process's peak
//! resident memory (Linux `VmHWM`) after 1% of the events and at the end.
//!
//! `cargo run --release -p annals-export --example stream_memory -- FORMAT N OUT`

use annals_export::{DocMeta, ExportEvent, Format, event_sink};
use serde_json::json;
use std::io::BufWriter;

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn event(i: u64) -> ExportEvent {
    let day = format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
    let doc = DocMeta {
        id: format!("{:032x}", i / 3),
        date: Some(day.clone()),
        outlet: Some(format!("Outlet {}", i % 97)),
        url: Some(format!("https://news.example/{i}")),
        title: Some(format!("Report number {i}")),
        ..DocMeta::default()
    };
    let value = json!({
        "id": format!("e{i}"), "event": "ASSAULT", "mode": ["heavy-weapons"], "cameo": "194",
        "quad_code": 4, "modality": "reported",
        "actor": [{"text": "government troops", "code": "SYRMIL", "country": "SYR", "sector": "MIL"}],
        "recipient": [{"text": "villagers", "code": "SYRCVL", "country": "SYR", "sector": "CVL"}],
        "date": {"value": day, "earliest": day, "latest": day},
        "event_loc": {"name": "Aleppo", "country": "SYR", "lat": 36.2, "lon": 37.16, "precision": "city"},
        "dead": {"value": i % 50}, "attribution": [{"text": "a monitoring group"}],
        "trigger": {"text": "shelled"}, "sentence": {"start": 0, "end": 120}, "confidence": 0.7
    });
    let mut e = ExportEvent::from_value(doc, i % 3, &value, None);
    e.sentence = Some(format!(
        "Government troops shelled a village near Aleppo on day {i}, killing {} people, a \
         monitoring group said.",
        i % 50
    ));
    e
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(format), Some(n), Some(out)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: stream_memory FORMAT N OUT");
        std::process::exit(2);
    };
    let format: Format = format.parse()?;
    let n: u64 = n.parse()?;
    let file = BufWriter::new(std::fs::File::create(out)?);
    let mut sink = event_sink(format, file)?;
    let mut early = None;
    for i in 0..n {
        sink.write(&event(i))?;
        if i + 1 == (n / 100).max(1) {
            early = peak_kib();
        }
    }
    sink.finish()?;
    println!(
        "{format:?}: {n} events; peak RSS after {} events {} KiB, at the end {} KiB",
        (n / 100).max(1),
        early.unwrap_or(0),
        peak_kib().unwrap_or(0)
    );
    Ok(())
}
