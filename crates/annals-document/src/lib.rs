//! The document model every annals stage shares.
//!
//! A [`Document`] is one news article: metadata plus its `text`. Every later stage annotates
//! the text with findings that carry a [`Span`] (byte offsets into [`Document::text`]) and a
//! rule id (a stable `/`-separated name such as `segment/boundary/period` or
//! `time/relative/days_before`) saying which rule or lexicon entry produced them.
//!
//! ```
//! use annals_document::{Document, Span};
//!
//! let doc = Document::new("Seoul summoned the ambassador.".to_string())
//!     .with_date(Some("2024-10-21".parse().unwrap()));
//! assert_eq!(doc.id.len(), 32);
//! assert_eq!(Span::new(0, 5).slice(&doc.text), "Seoul");
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// A calendar date without time zone (the publication date of an article).
pub type Date = jiff::civil::Date;

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given in the wrong order).
    pub fn new(start: usize, end: usize) -> Span {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The text the span covers, or `""` when it does not fall on character boundaries of `text`.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Whether `other` lies entirely within this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The same span moved `offset` bytes to the right (for findings made on a slice).
    pub fn shift(&self, offset: usize) -> Span {
        Span {
            start: self.start + offset,
            end: self.end + offset,
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Where a document was read from, for messages and provenance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The input path as given (`-` for standard input).
    pub path: String,
    /// 1-based line number within a JSONL input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based item number within a feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<u64>,
    /// The id the input itself gave the article (a JSONL `id`, a feed item's guid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The reader that produced the document (`text`, `jsonl`, `html`, `feed`).
    pub format: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(item) = self.item {
            write!(f, " (item {item})")?;
        }
        Ok(())
    }
}

/// One news article: its metadata and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: the first 16 bytes, in hex, of SHA-256 over the normalized text and the date.
    pub id: String,
    /// Headline, when the input has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date: the anchor for relative times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// The outlet (publisher) credited for the article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Where the article was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// BCP 47 language tag; `en` unless the input says otherwise.
    pub language: String,
    /// Where this document was read from.
    pub origin: Origin,
    /// The article text; every span of every stage points into it.
    pub text: String,
}

impl Document {
    /// A document with the given text, language `en`, no metadata, and its id computed.
    pub fn new(text: String) -> Document {
        let mut doc = Document {
            id: String::new(),
            title: None,
            date: None,
            outlet: None,
            url: None,
            language: "en".to_string(),
            origin: Origin::default(),
            text,
        };
        doc.refresh_id();
        doc
    }

    /// The same document with its publication date set (and its id recomputed).
    pub fn with_date(mut self, date: Option<Date>) -> Document {
        self.date = date;
        self.refresh_id();
        self
    }

    /// Recomputes [`Document::id`] from the text and date; call after changing either.
    pub fn refresh_id(&mut self) {
        self.id = document_id(&self.text, self.date);
    }
}

/// The stable id of a document: SHA-256 over its whitespace-normalized text and its date.
///
/// Normalization folds every run of Unicode white space to one space and trims the ends, so the
/// same article read from HTML, a feed or plain text gets the same id.
pub fn document_id(text: &str, date: Option<Date>) -> String {
    let mut hasher = Sha256::new();
    if let Some(date) = date {
        hasher.update(date.to_string().as_bytes());
    }
    hasher.update([0u8]);
    let mut first = true;
    for word in text.split_whitespace() {
        if !first {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
        first = false;
    }
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// How a sentence functions in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    /// Running text.
    Body,
    /// A heading or headline: a line of its own without final punctuation.
    Heading,
}

/// One sentence: a span of the document text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// The sentence's bytes in the document text, white space trimmed.
    pub span: Span,
    /// Body or heading.
    pub kind: SentenceKind,
    /// The rule that ended this sentence (e.g. `segment/boundary/period`).
    pub rule: String,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input was read, with a repair (e.g. invalid UTF-8 replaced).
    Warning,
    /// The input, or part of it, could not be read.
    Error,
}

/// A message about one input, shown on stderr; never fatal to the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The input it concerns, as `path` or `path:line`.
    pub input: String,
    /// What went wrong, one sentence without a final period.
    pub message: String,
}

impl Diagnostic {
    /// An error about `input`.
    pub fn error(input: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            input: input.into(),
            message: message.into(),
        }
    }

    /// A warning about `input`.
    pub fn warning(input: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            input: input.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.input, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ignores_whitespace_layout_but_not_date() {
        let a = document_id("Troops  moved.\n\nThen left.", None);
        let b = document_id(" Troops moved. Then left. ", None);
        assert_eq!(a, b);
        let dated = document_id(
            "Troops moved. Then left.",
            Some("2024-10-21".parse().unwrap()),
        );
        assert_ne!(a, dated);
        assert_ne!(a, document_id("Troops moved. Then stayed.", None));
    }

    #[test]
    fn span_slice_is_safe_off_char_boundaries() {
        let text = "Koreaʼs";
        assert_eq!(Span::new(0, 5).slice(text), "Korea");
        assert_eq!(Span::new(0, 6).slice(text), "");
        assert_eq!(Span::new(9, 3), Span::new(3, 9));
    }

    #[test]
    fn document_serializes_date_as_iso() {
        let doc = Document::new("x".into()).with_date(Some("2024-10-21".parse().unwrap()));
        let json = serde_json::to_string(&doc).unwrap();
        assert!(json.contains("\"date\":\"2024-10-21\""), "{json}");
    }
}
