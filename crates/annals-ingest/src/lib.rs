//! Readers: turn inputs (files, folders, stdin) into [`Document`]s plus [`Diagnostic`]s.
//!
//! PLACEHOLDER API — being implemented; see ARCHITECTURE.md.

use annals_document::{Diagnostic, Document};
use std::path::PathBuf;

/// The input formats annals reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text with an optional `key value` header (`date 2024-10-21`).
    Text,
    /// One JSON article per line.
    Jsonl,
    /// An HTML page.
    Html,
    /// An RSS 2.0 or Atom feed.
    Feed,
}

/// What a reader reports: a document, or a message about an input.
#[derive(Debug, Clone)]
pub enum Item {
    /// A document read from an input.
    Document(Box<Document>),
    /// A warning or error about an input; the run goes on.
    Diagnostic(Diagnostic),
}

/// Options for reading.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Force a format instead of guessing from extension and content.
    pub format: Option<Format>,
}

/// One input: a file path, or `-` for standard input.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path (`-` for stdin).
    pub path: PathBuf,
    /// Size in bytes when known (for progress).
    pub size: Option<u64>,
}

/// Expands paths: folders recursively into their files (sorted), `-` kept as stdin.
pub fn expand(paths: &[PathBuf], sink: &mut dyn FnMut(Item)) -> Vec<Input> {
    let _ = sink;
    paths.iter().map(|p| Input { path: p.clone(), size: None }).collect()
}

/// Reads one input, reporting documents and diagnostics to `sink`.
pub fn read_input(input: &Input, options: &ReadOptions, sink: &mut dyn FnMut(Item)) {
    let _ = options;
    match std::fs::read(&input.path) {
        Ok(bytes) => read_bytes(&input.path.display().to_string(), &bytes, options, sink),
        Err(e) => sink(Item::Diagnostic(Diagnostic::error(input.path.display().to_string(), e.to_string()))),
    }
}

/// Reads one input already in memory; `name` is used in messages and origins.
pub fn read_bytes(name: &str, bytes: &[u8], options: &ReadOptions, sink: &mut dyn FnMut(Item)) {
    let _ = (name, options);
    let text = String::from_utf8_lossy(bytes).into_owned();
    sink(Item::Document(Box::new(Document::new(text))));
}
