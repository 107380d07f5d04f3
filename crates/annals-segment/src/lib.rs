//! Sentence segmentation for news.
//!
//! PLACEHOLDER API — being implemented; see ARCHITECTURE.md.

use annals_document::{Sentence, SentenceKind, Span};

/// Splits news text into sentences.
#[derive(Debug, Default)]
pub struct NewsSegmenter {}

impl NewsSegmenter {
    /// A segmenter for English news.
    pub fn new() -> NewsSegmenter {
        NewsSegmenter {}
    }

    /// The sentences of `text`, in order, as trimmed spans.
    pub fn segment(&self, text: &str) -> Vec<Sentence> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if !t.is_empty() {
                let s = start + (line.len() - line.trim_start().len());
                out.push(Sentence { span: Span::new(s, s + t.len()), kind: SentenceKind::Body, rule: "segment/line".into() });
            }
            start += line.len();
        }
        out
    }
}
