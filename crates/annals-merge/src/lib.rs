//! Merging: event reports from different articles that describe the same happening become one
//! [`Happening`] with its reports, outlets, original sources, corroboration and contradictions.
//!
//! Each [`Report`] is one coded event with its article's metadata. [`Merger::merge`] blocks the
//! reports by quad code, actor country and date (so it never compares all pairs), scores each
//! candidate pair on five explainable signals (event type, actors, date, place, wording), joins
//! pairs above the threshold with union-find, and assembles happenings in a deterministic order.
//! Every join is kept as a [`MergeReason`] listing the signals that made it.
//!
//! - A join is refused when the reports of the resulting happening would no longer share a day
//!   (within `date_tolerance_days`), so chains of pairwise matches cannot stretch a happening
//!   over weeks.
//! - Only reports of one modality class merge: factual (asserted, reported, alleged), future,
//!   or hypothetical. A denied or negated report joins the happening it best matches as a
//!   denying report and a `denial` contradiction.
//! - A factual REJECT whose sentence has a denial cue (`data/merge/denial_cues.txt`) and whose
//!   actor is the accused party of a happening dated up to `denial_window_days` before it is
//!   flagged as a `denial` on that happening (it stays a REJECT happening of its own).
//! - Sources are independent when their innermost attribution links differ and their outlets
//!   differ; `corroboration.independent_sources` counts the groups of dependent reports.
//! - Differing figures (`quantity`), disjoint dates (`date`) and distant places (`place`) among
//!   the supporting reports are flagged as contradictions.
//! - A report with neither an event date nor a publication date is never compared: it stays a
//!   happening of its own. Weights and thresholds are in `data/merge/` (see its README).
//!
//! ```
//! use annals_document::Document;
//! use annals_merge::{MergeConfig, Merger, Report};
//! use annals_pipeline::Pipeline;
//!
//! let pipeline = Pipeline::new();
//! let mut reports = Vec::new();
//! for (outlet, text) in [
//!     ("Daily Courier", "Russian troops attacked Kharkiv on Thursday, the Ukrainian military said."),
//!     ("Evening Star", "Russian forces attacked Kharkiv on Thursday, local officials said."),
//! ] {
//!     let mut doc = Document::new(text.into()).with_date(Some("2024-10-04".parse().unwrap()));
//!     doc.outlet = Some(outlet.into());
//!     reports.extend(Report::from_extraction(&pipeline.extract(doc)));
//! }
//! let happenings = Merger::new(MergeConfig::default()).merge(&reports);
//! assert_eq!(happenings.len(), 1);
//! assert_eq!(happenings[0].reports.len(), 2);
//! assert_eq!(happenings[0].corroboration.independent_sources, 2);
//! ```

mod config;
mod merge;
mod stored;

pub use config::{MergeConfig, MergeError};
pub use merge::{Merger, Profile};
pub use stored::{event_as_stored, event_from_json, event_from_str};

use annals_document::Date;
use annals_events::{Event, Modality};
use annals_pipeline::Extraction;
use serde::Serialize;

/// One coded event together with the metadata of the article that reports it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The article's document id.
    pub doc_id: String,
    /// The event's index in the article's event list.
    pub event_index: usize,
    /// The outlet that published the article, when known.
    pub outlet: Option<String>,
    /// The article's publication date, when known.
    pub published: Option<Date>,
    /// The text of the sentence the event was coded from (for the wording signal).
    pub sentence: String,
    /// The coded event.
    pub event: Event,
}

impl Report {
    /// The reports of every event of one extraction record.
    pub fn from_extraction(extraction: &Extraction) -> Vec<Report> {
        let doc = &extraction.document;
        extraction
            .events
            .iter()
            .enumerate()
            .map(|(i, event)| Report {
                doc_id: doc.id.clone(),
                event_index: i,
                outlet: doc.outlet.clone(),
                published: doc.date,
                sentence: event.sentence.slice(&doc.text).to_string(),
                event: event.clone(),
            })
            .collect()
    }

    /// The report's key, `doc_id#event_index`, used in merge reasons and contradictions.
    pub fn key(&self) -> String {
        let index = self.event_index.to_string();
        let mut key = String::with_capacity(self.doc_id.len() + 1 + index.len());
        key.push_str(&self.doc_id);
        key.push('#');
        key.push_str(&index);
        key
    }
}

/// Whether a report supports the happening or denies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// The report says the happening took place (or is announced, for future happenings).
    Supports,
    /// The report denies or negates it.
    Denies,
}

/// One report of a happening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRef {
    /// `doc_id#event_index`.
    pub key: String,
    /// The article's document id.
    pub doc_id: String,
    /// The event's index in the article.
    pub event_index: usize,
    /// The event's id within the article.
    pub event_id: String,
    /// The outlet, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// When it was reported: the article's date, else the event's reported date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_date: Option<String>,
    /// The event type this report was coded as.
    pub event: String,
    /// Its modality.
    pub modality: Modality,
    /// Who says so, outermost first.
    pub attribution: Vec<String>,
    /// Supports or denies.
    pub stance: Stance,
    /// The sentence it was coded from.
    pub sentence: String,
}

/// The date interval of a happening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HappeningDate {
    /// Earliest day (ISO 8601).
    pub earliest: String,
    /// Latest day (ISO 8601).
    pub latest: String,
    /// `intersection` when the reports' intervals share days, else `union`.
    pub basis: String,
}

/// The place of a happening: the place most of its reports name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HappeningPlace {
    /// The place name.
    pub name: String,
    /// ISO-3 country code.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// Latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// How many reports name it.
    pub reports: usize,
}

/// An original source: the innermost link of an attribution chain (or the outlet itself when
/// the article states the event without attribution).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OriginalSource {
    /// The source as written (first spelling seen).
    pub name: String,
    /// Its type (`official`, `media`, ... or `outlet` for unattributed statements).
    pub kind: String,
    /// Keys of the reports that go back to it.
    pub reports: Vec<String>,
}

/// A group of reports that depend on each other (same original source or same outlet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceGroup {
    /// The original sources in the group.
    pub sources: Vec<String>,
    /// The outlets in the group.
    pub outlets: Vec<String>,
    /// The report keys.
    pub reports: Vec<String>,
}

/// How well independent sources agree on a happening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corroboration {
    /// The number of independent source groups among the supporting reports.
    pub independent_sources: usize,
    /// Whether at least two independent sources agree.
    pub corroborated: bool,
    /// The independent groups.
    pub sources: Vec<SourceGroup>,
}

/// Two reports of a happening that disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contradiction {
    /// `denial`, `quantity`, `date` or `place`.
    pub kind: String,
    /// The two report keys.
    pub between: (String, String),
    /// What differs, in words.
    pub detail: String,
}

/// Why two reports were merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeReason {
    /// One report key.
    pub a: String,
    /// The other report key.
    pub b: String,
    /// The weighted score in `[0, 1]`.
    pub score: f64,
    /// The signals, in words.
    pub signals: Vec<String>,
}

/// One happening: the events that several reports describe, merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Happening {
    /// Stable id: a hash of its earliest report's key.
    pub id: String,
    /// PLOVER event type (the most frequent among its supporting reports).
    pub event: String,
    /// PLOVER modes of the reports coded with that type.
    pub mode: Vec<String>,
    /// CAMEO code (the most frequent).
    pub cameo: String,
    /// PLOVER quad code.
    pub quad_code: u8,
    /// The strongest modality among its supporting reports.
    pub modality: Modality,
    /// Actor codes.
    pub actor: Vec<String>,
    /// Recipient codes.
    pub recipient: Vec<String>,
    /// When it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<HappeningDate>,
    /// Where it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_loc: Option<HappeningPlace>,
    /// Its reports, earliest first.
    pub reports: Vec<ReportRef>,
    /// The outlets that carried it.
    pub outlets: Vec<String>,
    /// The original sources of its supporting reports.
    pub original_sources: Vec<OriginalSource>,
    /// The earliest report date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_reported: Option<String>,
    /// The latest report date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reported: Option<String>,
    /// Independent sources that agree.
    pub corroboration: Corroboration,
    /// Denials and differing figures, dates or places.
    pub contradictions: Vec<Contradiction>,
    /// Why its reports were merged (one per join).
    pub merge_reasons: Vec<MergeReason>,
}

/// A comparison of two reports, for explaining why they were or were not merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Whether the pair passes the merge rules.
    pub merged: bool,
    /// The weighted score (0 when vetoed).
    pub score: f64,
    /// The signals, in words; a veto is the last one, prefixed `veto:`.
    pub signals: Vec<String>,
}
