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

use annals_actors::{ActorMention, ActorRecognizer, DictionaryKind};
use annals_document::{Document, Sentence};
use annals_events::{Event, EventCoder, VerbDictionary};
use annals_places::{PlaceContext, PlaceMention, PlaceRecognizer};
use annals_segment::NewsSegmenter;
use annals_time::{NarrativeTime, TimeAnnotations, TimeExpression, TimeRecognizer};
use serde::Serialize;
use std::path::Path;

/// Why a user dictionary could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The dictionary file could not be read.
    #[error("cannot read dictionary {path}: {message}")]
    Read {
        /// The dictionary path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The dictionary could not be parsed.
    #[error("cannot load dictionary {path}: {message}")]
    Parse {
        /// The dictionary path.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Whether a PETRARCH/TABARI dictionary text is a verb dictionary (`---  VERB  [code]` synset
/// headers followed by `- pattern [code]` lines) rather than an actor or agent dictionary.
fn is_verb_dictionary(text: &str) -> bool {
    let mut headers = 0;
    let mut patterns = 0;
    for line in text.lines().take(20_000) {
        if line.starts_with("---") && line.contains('[') {
            headers += 1;
        } else if line.starts_with("- ") {
            patterns += 1;
        }
    }
    headers > 0 && patterns > 0
}

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

/// What the stages before events found in each document of a batch
/// ([`Pipeline::recognize_batch`]): one entry per document, in order, in every list.
#[derive(Debug, Clone, Default)]
pub struct Recognized {
    /// Each document's sentences.
    pub sentences: Vec<Vec<Sentence>>,
    /// Each document's time expressions and narrative times.
    pub times: Vec<TimeAnnotations>,
    /// Each document's places.
    pub places: Vec<Vec<PlaceMention>>,
    /// Each document's actors.
    pub actors: Vec<Vec<ActorMention>>,
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

    /// The default pipeline plus PETRARCH/TABARI dictionaries: verb dictionaries (CAMEO.2.0
    /// format) are used beside the built-in event triggers, actor and agent dictionaries beside
    /// the built-in actor lexicon. The kind of each file is told from its content.
    pub fn with_dictionaries<P: AsRef<Path>>(paths: &[P]) -> Result<Pipeline, PipelineError> {
        let mut pipeline = Pipeline::new();
        for path in paths {
            let path = path.as_ref();
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| PipelineError::Read {
                path: name.clone(),
                message: e.to_string(),
            })?;
            let text = String::from_utf8_lossy(&bytes);
            let parse = |message: String| PipelineError::Parse {
                path: name.clone(),
                message,
            };
            if is_verb_dictionary(&text) {
                let verbs = VerbDictionary::parse(&text).map_err(|e| parse(e.to_string()))?;
                pipeline.events.add_dictionary(&verbs, false);
            } else {
                let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
                pipeline
                    .actors
                    .add_dictionary_text(
                        &text,
                        file.as_deref().unwrap_or(&name),
                        DictionaryKind::Auto,
                    )
                    .map_err(|e| parse(e.to_string()))?;
            }
        }
        Ok(pipeline)
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

    /// Runs the stages before events over `documents`, one stage over all of them before the
    /// next (see [`Pipeline::extract_batch`]): each document's findings, by stage, in order.
    pub fn recognize_batch(&self, documents: &[Document]) -> Recognized {
        let sentences: Vec<Vec<Sentence>> = documents.iter().map(|d| self.segment(d)).collect();
        let times = documents
            .iter()
            .zip(&sentences)
            .map(|(d, s)| self.times(d, s))
            .collect();
        let places = documents
            .iter()
            .zip(&sentences)
            .map(|(d, s)| self.places(d, s))
            .collect();
        let actors = documents
            .iter()
            .zip(&sentences)
            .map(|(d, s)| self.actors(d, s))
            .collect();
        Recognized {
            sentences,
            times,
            places,
            actors,
        }
    }

    /// Runs every stage over `documents`, one stage over all of them before the next: the same
    /// records as [`Pipeline::extract`] on each, in order, but each stage's tables stay in the
    /// processor's caches while it works through the batch instead of being evicted by the other
    /// stages' after every document. Batches of a few dozen documents are enough.
    pub fn extract_batch(&self, documents: Vec<Document>) -> Vec<Extraction> {
        let Recognized {
            sentences,
            times,
            places,
            actors,
        } = self.recognize_batch(&documents);
        let events: Vec<Vec<Event>> = documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                self.events
                    .code(&d.text, &sentences[i], &times[i], &places[i], &actors[i], d)
            })
            .collect();
        documents
            .into_iter()
            .zip(sentences)
            .zip(times)
            .zip(places)
            .zip(actors)
            .zip(events)
            .map(
                |(((((document, sentences), times), places), actors), events)| Extraction {
                    document,
                    sentences,
                    times: times.expressions,
                    narrative_times: times.narrative,
                    places,
                    actors,
                    events,
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_gives_each_document_the_record_it_gets_alone() {
        let texts = [
            "Rebels attacked a convoy near Goma on Tuesday, the army said. Two soldiers died.",
            "",
            "Protesters marched in Santiago. Police arrested about 40 of them a day later.",
            "Japan and South Korea agreed on Friday to resume talks, officials told reporters.",
        ];
        let docs: Vec<Document> = texts
            .iter()
            .map(|t| Document::new((*t).into()).with_date(Some("2024-05-10".parse().unwrap())))
            .collect();
        let pipeline = Pipeline::new();
        let alone: Vec<String> = docs
            .iter()
            .map(|d| serde_json::to_string(&pipeline.extract(d.clone())).unwrap())
            .collect();
        let batch: Vec<String> = pipeline
            .extract_batch(docs)
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        assert_eq!(batch, alone);
        assert!(alone[0].contains("ASSAULT"), "{}", alone[0]);
    }

    #[test]
    fn every_stage_adds_its_findings_with_spans_into_the_text() {
        let doc = Document::new(
            "On Monday, the Norwegian army deployed troops near Tromso. \
             The next day, protesters gathered in Oslo."
                .into(),
        )
        .with_date(Some("2023-03-08".parse().unwrap()));
        let record = Pipeline::new().extract(doc);
        let text = &record.document.text;
        assert_eq!(record.sentences.len(), 2);
        assert!(
            record.times.iter().any(|t| t.value == "2023-03-06"),
            "{:?}",
            record.times
        );
        assert!(
            record.places.iter().any(|p| p.span.slice(text) == "Oslo"),
            "{:?}",
            record.places
        );
        assert!(!record.actors.is_empty());
        for t in &record.times {
            assert_eq!(t.span.slice(text), t.text);
        }
        let json = serde_json::to_value(&record).unwrap();
        for key in [
            "id",
            "date",
            "text",
            "sentences",
            "times",
            "narrative_times",
            "places",
            "actors",
            "events",
        ] {
            assert!(json.get(key).is_some(), "record lacks {key}");
        }
    }

    #[test]
    fn verb_dictionaries_are_told_from_actor_dictionaries() {
        assert!(is_verb_dictionary(
            "---  ATTACK   [190]  ---\n- * CITY  [193]\n"
        ));
        assert!(!is_verb_dictionary("GONDOR [GON]\n+GONDORIAN\n"));
    }

    #[test]
    fn a_missing_dictionary_is_an_error_naming_it() {
        let err = Pipeline::with_dictionaries(&["no/such/dictionary.txt"])
            .err()
            .unwrap();
        assert!(err.to_string().contains("no/such/dictionary.txt"), "{err}");
    }
}
