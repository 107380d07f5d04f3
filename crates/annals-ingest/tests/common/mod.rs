//! Shared helpers for the reader tests.

#![allow(dead_code)]

use annals_document::{Diagnostic, Document, Severity};
use annals_ingest::{Input, Item, ReadOptions, read_bytes, read_input};
use std::path::PathBuf;

/// A fixture's path, as a test would pass it on the command line.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Everything a reader reports for one input.
#[derive(Debug, Default)]
pub struct Outcome {
    pub docs: Vec<Document>,
    pub diags: Vec<Diagnostic>,
}

impl Outcome {
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    pub fn warnings(&self) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect()
    }

    fn push(&mut self, item: Item) {
        match item {
            Item::Document(doc) => self.docs.push(*doc),
            Item::Diagnostic(d) => self.diags.push(d),
        }
    }
}

/// Reads a fixture file through `read_input`.
pub fn read_fixture(name: &str, options: &ReadOptions) -> Outcome {
    let path = fixture(name);
    let size = std::fs::metadata(&path).ok().map(|m| m.len());
    let mut out = Outcome::default();
    read_input(&Input { path, size }, options, &mut |item| out.push(item));
    out
}

/// Reads bytes through `read_bytes`.
pub fn read_mem(name: &str, bytes: &[u8], options: &ReadOptions) -> Outcome {
    let mut out = Outcome::default();
    read_bytes(name, bytes, options, &mut |item| out.push(item));
    out
}

/// Parses `YYYY-MM-DD`.
pub fn date(s: &str) -> annals_document::Date {
    s.parse().unwrap()
}
