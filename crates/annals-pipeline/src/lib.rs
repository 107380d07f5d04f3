//! The pipeline: runs every recognizer over a [`Document`] and assembles the [`Extraction`]
//! record that `annals extract` prints as one JSON line.
//!
//! ```
//! use annals_document::Document;
//! use annals_pipeline::Pipeline;
//!
//! let pipeline = Pipeline::new();
//! let record = pipeline.extract(Document::new("Troops moved. They left.".into()));
//! assert_eq!(record.sentences.len(), 2);
//! ```

use annals_document::{Document, Sentence};
use annals_segment::NewsSegmenter;
use annals_time::{NarrativeTime, TimeAnnotations, TimeExpression, TimeRecognizer};
use serde::Serialize;

/// Everything annals finds in one document: the document and each stage's findings.
///
/// Later stages (times, places, actors, events) add their own fields here; every finding
/// carries a span into `document.text` and the id of the rule that produced it.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    /// The document, metadata and text.
    #[serde(flatten)]
    pub document: Document,
    /// Its sentences, in order.
    pub sentences: Vec<Sentence>,
    /// Time expressions, normalized to TIMEX3 values with calendar intervals.
    pub times: Vec<TimeExpression>,
    /// The narrative time of each sentence (the date its clauses are about).
    pub narrative_times: Vec<NarrativeTime>,
}

/// The stages, loaded once and shared across documents (and threads).
#[derive(Debug, Default)]
pub struct Pipeline {
    segmenter: NewsSegmenter,
    times: TimeRecognizer,
}

impl Pipeline {
    /// The default pipeline: built-in lexicons and rules.
    pub fn new() -> Pipeline {
        Pipeline {
            segmenter: NewsSegmenter::new(),
            times: TimeRecognizer::new(),
        }
    }

    /// Segments `document` only (the first stage, for benchmarks).
    pub fn segment(&self, document: &Document) -> Vec<Sentence> {
        self.segmenter.segment(&document.text)
    }

    /// Recognizes the time expressions of `document` given its sentences.
    pub fn times(&self, document: &Document, sentences: &[Sentence]) -> TimeAnnotations {
        self.times
            .recognize(&document.text, sentences, document.date)
    }

    /// Runs every stage over `document`.
    pub fn extract(&self, document: Document) -> Extraction {
        let sentences = self.segment(&document);
        let TimeAnnotations {
            expressions,
            narrative,
        } = self.times(&document, &sentences);
        Extraction {
            document,
            sentences,
            times: expressions,
            narrative_times: narrative,
        }
    }
}
