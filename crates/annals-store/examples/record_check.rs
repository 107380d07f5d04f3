//! Checks, over real articles, that the rows the store writes for an extraction record are the
//! same whether read straight from the typed record or through its JSON value.
//!
//! `cargo run --release -p annals-store --example record_check -- INPUT...`
//!
//! Reads the inputs as `annals extract` does (JSONL, text, HTML, feeds), extracts every
//! document, and compares `Record::from_extraction` and `Record::from_extraction_owned` with
//! `Record::from_extraction_value`, field by field. Prints the first differences and exits with
//! status 1 if any document differs.

use annals_document::Document;
use annals_ingest::{Item, ReadOptions};
use annals_pipeline::Pipeline;
use annals_store::Record;
use std::path::PathBuf;
use std::process::ExitCode;

/// The names of the fields where two rows differ.
fn differences(a: &Record, b: &Record) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |name: &str, same: bool| {
        if !same {
            out.push(name.to_string());
        }
    };
    check("id", a.id == b.id);
    check("title", a.title == b.title);
    check("date", a.date == b.date);
    check("outlet", a.outlet == b.outlet);
    check("url", a.url == b.url);
    check("language", a.language == b.language);
    check("origin", a.origin == b.origin);
    check("text", a.text == b.text);
    check("record", a.record == b.record);
    check("events (count)", a.events.len() == b.events.len());
    for (i, (x, y)) in a.events.iter().zip(&b.events).enumerate() {
        if x != y {
            let json = if x.json == y.json { "" } else { " (json)" };
            out.push(format!("event {i}{json}: {x:?} != {y:?}"));
        }
    }
    out
}

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: record_check INPUT...");
        return ExitCode::from(2);
    }
    let mut docs: Vec<Document> = Vec::new();
    let mut sink = |item: Item| match item {
        Item::Document(doc) => docs.push(*doc),
        Item::Diagnostic(d) => eprintln!("{}: {}", d.input, d.message),
    };
    let inputs = annals_ingest::expand(&paths, &mut sink);
    for input in &inputs {
        annals_ingest::read_input(input, &ReadOptions::default(), &mut sink);
    }
    let pipeline = Pipeline::new();
    let (mut checked, mut events, mut bad) = (0usize, 0usize, 0usize);
    for chunk in docs.chunks(64) {
        for extraction in pipeline.extract_batch(chunk.to_vec()) {
            let reference = Record::from_extraction_value(&extraction);
            let direct = Record::from_extraction(&extraction);
            let owned = Record::from_extraction_owned(extraction.clone());
            checked += 1;
            events += reference.events.len();
            for (name, rows) in [("from_extraction", &direct), ("owned", &owned)] {
                let diff = differences(rows, &reference);
                if !diff.is_empty() {
                    bad += 1;
                    if bad <= 5 {
                        eprintln!(
                            "{} ({name}) differs: {}",
                            extraction.document.id,
                            diff.join("; ")
                        );
                    }
                }
            }
        }
    }
    println!("{checked} documents, {events} events checked; {bad} differ");
    if bad == 0 && checked > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
