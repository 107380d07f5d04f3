//! Events: PLOVER/CAMEO coding with modality, quantities and attribution.
//!
//! [`EventCoder`] finds event triggers (built-in lexicon in `data/events/`, plus any
//! PETRARCH/TABARI verb dictionaries), then the arguments of each trigger's clause without a
//! syntactic parser: the source actor in subject position, the target after the trigger,
//! passives with a `by` agent, compound actors, and reporting frames ("X said that Y attacked Z"
//! codes Y attacked Z attributed to X). Every event carries its modality, attribution chain
//! (outermost first), quantities (ACLED conventions), date, reported date and place.
//!
//! ```
//! use annals_document::{Document, Sentence, SentenceKind, Span};
//! use annals_events::{ActorRef, EventCoder, TimeFacts};
//!
//! let text = "Arnor troops attacked Gondor on Monday, officials said.";
//! let doc = Document::new(text.to_string());
//! let sentences = vec![Sentence { span: Span::new(0, text.len()), kind: SentenceKind::Body, rule: "t".into() }];
//! let actors = vec![
//!     ActorRef::new(Span::new(0, 12), "ARNMIL"),
//!     ActorRef::new(Span::new(22, 28), "GON"),
//! ];
//! let coder = EventCoder::new();
//! let events = coder.code(text, &sentences, &TimeFacts::default(), &[] as &[annals_events::PlaceRef], &actors, &doc);
//! assert_eq!(events[0].event, "ASSAULT");
//! assert_eq!(events[0].actor[0].code, "ARNMIL");
//! assert_eq!(events[0].recipient[0].code, "GON");
//! assert_eq!(events[0].attribution[0].text, "officials");
//! ```

mod coder;
pub mod dictionary;
pub mod lexicon;
pub mod text;

use annals_document::Span;
use serde::Serialize;
use std::borrow::Cow;

pub use coder::EventCoder;
pub use dictionary::{DictionaryError, VerbDictionary};

/// How sure the text is that the event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Stated as fact by the article.
    Asserted,
    /// Stated by a named or typed source.
    Reported,
    /// Claimed or alleged (by an anonymous source, or with "allegedly", "claimed").
    Alleged,
    /// Denied by its source.
    Denied,
    /// Negated ("did not attack").
    Negated,
    /// Announced for the future ("will").
    Future,
    /// Possible ("could", "may", "would").
    Hypothetical,
    /// Dependent on a condition ("if", "unless").
    Conditional,
}

impl Modality {
    /// Every modality, in declaration order.
    pub const ALL: [Modality; 8] = [
        Modality::Asserted,
        Modality::Reported,
        Modality::Alleged,
        Modality::Denied,
        Modality::Negated,
        Modality::Future,
        Modality::Hypothetical,
        Modality::Conditional,
    ];

    /// The modality's name, as it serializes (`asserted`, `reported`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Reported => "reported",
            Modality::Alleged => "alleged",
            Modality::Denied => "denied",
            Modality::Negated => "negated",
            Modality::Future => "future",
            Modality::Hypothetical => "hypothetical",
            Modality::Conditional => "conditional",
        }
    }
}

/// An actor or recipient of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// The mention's text.
    pub text: String,
    /// The actor code (CAMEO style, e.g. `RUSMIL`).
    pub code: String,
    /// ISO-3 country, when known.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// PLOVER sector, when known.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sector: String,
    /// The mention in the document text.
    pub span: Span,
}

/// When an event happened or was reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDate {
    /// The date value (ISO 8601, possibly partial).
    pub value: String,
    /// Earliest possible day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    /// Latest possible day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// The time expression's text (empty when taken from the publication date).
    pub text: String,
    /// The evidence: the time expression, or none for the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Which rule chose this date.
    pub rule: Cow<'static, str>,
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventLoc {
    /// The place name as written.
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
    /// Precision of the coordinates (city, region, country...).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub precision: String,
    /// The mention.
    pub span: Span,
}

/// A count attached to an event (ACLED conventions: the most conservative figure).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    /// The figure.
    pub value: u64,
    /// The counted noun (`soldiers`), empty when none.
    pub unit: String,
    /// Whether the text gives it as approximate ("about", "dozens", a range).
    pub approximate: bool,
    /// The quantity's text.
    pub text: String,
    /// Its span.
    pub span: Span,
    /// The rule that read it.
    pub rule: Cow<'static, str>,
}

/// The type of an attribution link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A news outlet.
    Media,
    /// An official, ministry, government or military body.
    Official,
    /// An intelligence service.
    Intelligence,
    /// An unnamed source.
    Anonymous,
    /// A social media channel.
    SocialMedia,
    /// A named person or body of unknown type.
    Other,
}

/// One link of an attribution chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionLink {
    /// The source as written.
    pub text: String,
    /// Its type.
    pub kind: SourceKind,
    /// Its span.
    pub span: Span,
    /// The rule that found it.
    pub rule: Cow<'static, str>,
}

/// A text span with its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The covered text.
    pub text: String,
    /// Its span.
    pub span: Span,
}

/// One coded event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Id, unique within the document.
    pub id: String,
    /// PLOVER event type.
    pub event: String,
    /// PLOVER modes.
    pub mode: Vec<String>,
    /// PLOVER contexts (with auxiliary modes `future`, `hypothetical`, `negation`).
    pub context: Vec<String>,
    /// CAMEO code.
    pub cameo: String,
    /// PLOVER quad code (1 verbal cooperation .. 4 material conflict).
    pub quad_code: u8,
    /// Source actors.
    pub actor: Vec<Party>,
    /// Target actors.
    pub recipient: Vec<Party>,
    /// When it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<EventDate>,
    /// When its source said it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_date: Option<EventDate>,
    /// Where it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_loc: Option<EventLoc>,
    /// Killed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead: Option<Quantity>,
    /// Injured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub injured: Option<Quantity>,
    /// Arrested or detained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrested: Option<Quantity>,
    /// Size (troops, protesters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Quantity>,
    /// Weapons counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weapons: Option<Quantity>,
    /// Modality.
    pub modality: Modality,
    /// Who says so, outermost first.
    pub attribution: Vec<AttributionLink>,
    /// The trigger words.
    pub trigger: Evidence,
    /// The sentence.
    pub sentence: Span,
    /// Rule ids that fired.
    pub rules: Vec<Cow<'static, str>>,
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
}

/// A calendar day, kept as numbers so that only days an event uses get printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Year.
    pub year: i16,
    /// Month, 1..=12.
    pub month: u8,
    /// Day of the month, 1..=31.
    pub day: u8,
}

impl Day {
    /// The day as `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        if (0..=9999).contains(&self.year) && self.month < 100 && self.day < 100 {
            let y = self.year as u16;
            let digit = |v: u16| char::from(b'0' + (v % 10) as u8);
            let mut out = String::with_capacity(10);
            out.push(digit(y / 1000));
            out.push(digit(y / 100));
            out.push(digit(y / 10));
            out.push(digit(y));
            out.push('-');
            out.push(digit(u16::from(self.month) / 10));
            out.push(digit(u16::from(self.month)));
            out.push('-');
            out.push(digit(u16::from(self.day) / 10));
            out.push(digit(u16::from(self.day)));
            out
        } else {
            format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

impl From<annals_document::Date> for Day {
    fn from(d: annals_document::Date) -> Day {
        Day {
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }
}

/// A time expression as the coder sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRef {
    /// The expression's span.
    pub span: Span,
    /// Its value.
    pub value: String,
    /// Earliest day.
    pub earliest: Option<Day>,
    /// Latest day.
    pub latest: Option<Day>,
}

/// Time information the coder needs: expressions and each sentence's narrative time.
pub trait TimeView {
    /// Every time expression of the document.
    fn expressions(&self) -> Vec<TimeRef>;
    /// The narrative time of sentence `index` (the time its events happen by default).
    fn narrative(&self, index: usize) -> Option<TimeRef>;
}

/// A plain [`TimeView`]: expressions and per-sentence narrative times.
#[derive(Debug, Clone, Default)]
pub struct TimeFacts {
    /// Time expressions.
    pub expressions: Vec<TimeRef>,
    /// Narrative time per sentence.
    pub narrative: Vec<Option<TimeRef>>,
}

impl TimeView for TimeFacts {
    fn expressions(&self) -> Vec<TimeRef> {
        self.expressions.clone()
    }
    fn narrative(&self, index: usize) -> Option<TimeRef> {
        self.narrative.get(index).cloned().flatten()
    }
}

/// An actor mention as the coder sees it.
pub trait ActorView {
    /// The mention's span.
    fn span(&self) -> Span;
    /// Its actor code.
    fn code(&self) -> &str;
    /// Its country (ISO-3), or `""`.
    fn country(&self) -> &str {
        ""
    }
    /// Its sector, or `""`.
    fn sector(&self) -> &str {
        ""
    }
    /// Further full codes the same actor stands for (a dictionary entry with several codes).
    fn other_codes(&self) -> &[String] {
        &[]
    }
}

/// A plain [`ActorView`].
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRef {
    /// Span.
    pub span: Span,
    /// Code.
    pub code: String,
    /// Country.
    pub country: String,
    /// Sector.
    pub sector: String,
}

impl ActorRef {
    /// An actor mention with a code; country and sector derived from a 6-letter code.
    pub fn new(span: Span, code: &str) -> ActorRef {
        let country = code.get(..3).unwrap_or("").to_string();
        let sector = code.get(3..6).unwrap_or("").to_string();
        ActorRef {
            span,
            code: code.to_string(),
            country,
            sector,
        }
    }
}

impl ActorView for ActorRef {
    fn span(&self) -> Span {
        self.span
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn country(&self) -> &str {
        &self.country
    }
    fn sector(&self) -> &str {
        &self.sector
    }
}

/// A place mention as the coder sees it.
pub trait PlaceView {
    /// The mention's span.
    fn span(&self) -> Span;
    /// Country (ISO-3), or `""`.
    fn country(&self) -> &str {
        ""
    }
    /// Latitude and longitude.
    fn coordinates(&self) -> Option<(f64, f64)> {
        None
    }
    /// Precision name.
    fn precision(&self) -> &str {
        ""
    }
}

/// A plain [`PlaceView`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRef {
    /// Span.
    pub span: Span,
    /// Country.
    pub country: String,
    /// Coordinates.
    pub coordinates: Option<(f64, f64)>,
    /// Precision.
    pub precision: String,
}

impl PlaceView for PlaceRef {
    fn span(&self) -> Span {
        self.span
    }
    fn country(&self) -> &str {
        &self.country
    }
    fn coordinates(&self) -> Option<(f64, f64)> {
        self.coordinates
    }
    fn precision(&self) -> &str {
        &self.precision
    }
}

impl TimeView for annals_time::TimeAnnotations {
    fn expressions(&self) -> Vec<TimeRef> {
        self.expressions
            .iter()
            .filter(|e| e.timex_type == "DATE" || e.timex_type == "TIME")
            .map(|e| TimeRef {
                span: e.span,
                value: e.value.clone(),
                earliest: e.earliest.map(Day::from),
                latest: e.latest.map(Day::from),
            })
            .collect()
    }
    fn narrative(&self, index: usize) -> Option<TimeRef> {
        // Narrative times come in sentence order: search, then check.
        let at = self.narrative.partition_point(|n| n.sentence < index);
        let found = match self.narrative.get(at) {
            Some(n) if n.sentence == index => Some(n),
            _ => self.narrative.iter().find(|n| n.sentence == index),
        };
        found.map(|n| TimeRef {
            span: n.span.unwrap_or(Span::new(0, 0)),
            value: n.value.clone(),
            earliest: n.earliest.map(Day::from),
            latest: n.latest.map(Day::from),
        })
    }
}

impl ActorView for annals_actors::ActorMention {
    fn span(&self) -> Span {
        self.span
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn country(&self) -> &str {
        self.country.as_deref().unwrap_or("")
    }
    fn sector(&self) -> &str {
        self.sector.as_deref().unwrap_or("")
    }
    fn other_codes(&self) -> &[String] {
        &self.other_codes
    }
}

impl PlaceView for annals_places::PlaceMention {
    fn span(&self) -> Span {
        self.span
    }
    fn country(&self) -> &str {
        &self.country
    }
    fn coordinates(&self) -> Option<(f64, f64)> {
        self.lat.zip(self.lon)
    }
    fn precision(&self) -> &str {
        self.precision
    }
}

#[cfg(test)]
mod tests {
    use super::Modality;

    #[test]
    fn modality_names_are_the_serialized_ones() {
        for m in Modality::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
    }
}
