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

use annals_actors::{ActorMention, ActorRecognizer};
use annals_document::{Document, Sentence};
use annals_events::{Event, EventCoder};
use annals_places::{PlaceContext, PlaceMention, PlaceRecognizer};
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
    /// Places, resolved to gazetteer entries with coordinates.
    pub places: Vec<PlaceMention>,
    /// Actors: states, organizations, people, groups and media, coded country + sector.
    pub actors: Vec<ActorMention>,
    /// Events coded to PLOVER and CAMEO, with their arguments, dates, places and attribution.
    pub events: Vec<Event>,
}

/// The stages, loaded once and shared across documents (and threads).
pub struct Pipeline {
    segmenter: NewsSegmenter,
    times: TimeRecognizer,
    places: PlaceRecognizer,
    actors: ActorRecognizer,
    events: EventCoder,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl Pipeline {
    /// The default pipeline: built-in lexicons and rules.
    pub fn new() -> Pipeline {
        Pipeline {
            segmenter: NewsSegmenter::new(),
            times: TimeRecognizer::new(),
            places: PlaceRecognizer::new(),
            actors: ActorRecognizer::new(),
            events: EventCoder::new(),
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

    /// Recognizes and geocodes the places of `document`.
    pub fn places(&self, document: &Document, sentences: &[Sentence]) -> Vec<PlaceMention> {
        self.places
            .recognize(&document.text, sentences, &PlaceContext::default())
    }

    /// Recognizes and codes the actors of `document`.
    pub fn actors(&self, document: &Document, sentences: &[Sentence]) -> Vec<ActorMention> {
        self.actors
            .recognize(&document.text, sentences, document.date)
    }

    /// Codes the events of `document` from the findings of the earlier stages.
    pub fn events(
        &self,
        document: &Document,
        sentences: &[Sentence],
        times: &TimeAnnotations,
        places: &[PlaceMention],
        actors: &[ActorMention],
    ) -> Vec<Event> {
        self.events
            .code(&document.text, sentences, times, places, actors, document)
    }

    /// Runs every stage over `document`.
    pub fn extract(&self, document: Document) -> Extraction {
        let sentences = self.segment(&document);
        let times = self.times(&document, &sentences);
        let places = self.places(&document, &sentences);
        let actors = self.actors(&document, &sentences);
        let events = self.events.code(
            &document.text,
            &sentences,
            &times,
            &places,
            &actors,
            &document,
        );
        let TimeAnnotations {
            expressions,
            narrative,
        } = times;
        Extraction {
            document,
            sentences,
            times: expressions,
            narrative_times: narrative,
            places,
            actors,
            events,
        }
    }
}
