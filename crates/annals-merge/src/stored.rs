//! Reports rebuilt from stored JSON: an event as `annals extract` prints it, read back.
//!
//! The event types only serialize, so a store that keeps events as JSON reads them back here.
//! Every field is read defensively: a missing or malformed field takes its empty value, so an
//! event written by an older or newer annals still merges on what it has.

use crate::Report;
use annals_document::{Date, Span};
use annals_events::{
    AttributionLink, Event, EventDate, EventLoc, Evidence, Modality, Party, Quantity, SourceKind,
};
use annals_pipeline::Extraction;
use serde_json::Value;
use std::sync::OnceLock;

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn opt_text(v: Option<&Value>) -> Option<String> {
    Some(text(v)).filter(|s| !s.is_empty())
}

fn span(v: Option<&Value>) -> Option<Span> {
    let v = v?;
    let start = v.get("start")?.as_u64()?;
    let end = v.get("end")?.as_u64()?;
    Some(Span::new(
        usize::try_from(start).ok()?,
        usize::try_from(end).ok()?,
    ))
}

fn span_or_empty(v: Option<&Value>) -> Span {
    span(v).unwrap_or(Span::new(0, 0))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(|x| opt_text(Some(x))).collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn parties(v: Option<&Value>) -> Vec<Party> {
    let one = |p: &Value| -> Option<Party> {
        let code = opt_text(p.get("code"))?;
        Some(Party {
            text: text(p.get("text")),
            code,
            country: text(p.get("country")),
            sector: text(p.get("sector")),
            span: span_or_empty(p.get("span")),
        })
    };
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(p @ Value::Object(_)) => one(p).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn event_date(v: Option<&Value>) -> Option<EventDate> {
    let v = v?;
    if !v.is_object() {
        return None;
    }
    Some(EventDate {
        value: text(v.get("value")),
        earliest: opt_text(v.get("earliest")),
        latest: opt_text(v.get("latest")),
        text: text(v.get("text")),
        span: span(v.get("span")),
        rule: text(v.get("rule")).into(),
    })
}

fn finite(v: Option<&Value>) -> Option<f64> {
    v?.as_f64().filter(|x| x.is_finite())
}

fn event_loc(v: Option<&Value>) -> Option<EventLoc> {
    let v = v?;
    let name = opt_text(v.get("name"))?;
    Some(EventLoc {
        name,
        country: text(v.get("country")),
        lat: finite(v.get("lat")),
        lon: finite(v.get("lon")),
        precision: text(v.get("precision")),
        span: span_or_empty(v.get("span")),
    })
}

fn quantity(v: Option<&Value>) -> Option<Quantity> {
    let v = v?;
    Some(Quantity {
        value: v.get("value")?.as_u64()?,
        unit: text(v.get("unit")),
        approximate: v.get("approximate").and_then(Value::as_bool) == Some(true),
        text: text(v.get("text")),
        span: span_or_empty(v.get("span")),
        rule: text(v.get("rule")).into(),
    })
}

/// Each value with its serialized name, in the order given.
fn named<T: serde::Serialize + Copy>(values: &[T]) -> Vec<(String, T)> {
    values
        .iter()
        .filter_map(|v| {
            let name = serde_json::to_value(v).ok()?.as_str()?.to_string();
            Some((name, *v))
        })
        .collect()
}

/// The modality named `name` (its serialized form), else asserted.
pub(crate) fn modality_named(name: &str) -> Modality {
    Modality::ALL
        .into_iter()
        .find(|m| m.name() == name)
        .unwrap_or(Modality::Asserted)
}

fn source_kind(name: &str) -> SourceKind {
    use SourceKind::*;
    static NAMES: OnceLock<Vec<(String, SourceKind)>> = OnceLock::new();
    NAMES
        .get_or_init(|| named(&[Media, Official, Intelligence, Anonymous, SocialMedia, Other]))
        .iter()
        .find(|(n, _)| n == name)
        .map_or(Other, |(_, k)| *k)
}

fn attribution(v: Option<&Value>) -> Vec<AttributionLink> {
    let Some(Value::Array(list)) = v else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|a| {
            Some(AttributionLink {
                text: opt_text(a.get("text"))?,
                kind: source_kind(&text(a.get("kind"))),
                span: span_or_empty(a.get("span")),
                rule: text(a.get("rule")).into(),
            })
        })
        .collect()
}

/// The event a JSON object describes (as `annals extract` prints it); `None` when it is not an
/// object or has no event type.
pub fn event_from_json(v: &Value) -> Option<Event> {
    if !v.is_object() {
        return None;
    }
    let event = opt_text(v.get("event"))?;
    let trigger = v.get("trigger");
    Some(Event {
        id: text(v.get("id")),
        event,
        mode: strings(v.get("mode")),
        context: strings(v.get("context")),
        cameo: text(v.get("cameo")),
        quad_code: v
            .get("quad_code")
            .and_then(Value::as_u64)
            .and_then(|q| u8::try_from(q).ok())
            .unwrap_or(0),
        actor: parties(v.get("actor")),
        recipient: parties(v.get("recipient")),
        date: event_date(v.get("date")),
        reported_date: event_date(v.get("reported_date")),
        event_loc: event_loc(v.get("event_loc")),
        dead: quantity(v.get("dead")),
        injured: quantity(v.get("injured")),
        arrested: quantity(v.get("arrested")),
        size: quantity(v.get("size")),
        weapons: quantity(v.get("weapons")),
        modality: modality_named(&text(v.get("modality"))),
        attribution: attribution(v.get("attribution")),
        trigger: Evidence {
            text: text(trigger.and_then(|t| t.get("text"))),
            span: span_or_empty(trigger.and_then(|t| t.get("span"))),
        },
        sentence: span_or_empty(v.get("sentence")),
        rules: strings(v.get("rules"))
            .into_iter()
            .map(Into::into)
            .collect(),
        confidence: finite(v.get("confidence")).unwrap_or(0.0),
    })
}

/// Typed mirrors of the event JSON, read in one pass (see [`event_from_str`]). Any field of an
/// unexpected type fails the whole read, and the caller falls back on [`event_from_json`], so
/// both readings agree on every input.
mod typed {
    use serde::Deserialize;
    use serde::de::{Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};
    use std::marker::PhantomData;

    /// `T` read from a JSON object only (derived structs would also take an array).
    pub(super) struct Obj<T>(pub(super) T);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Obj<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                    T::deserialize(MapAccessDeserializer::new(map)).map(Obj)
                }
            }
            d.deserialize_map(V(PhantomData))
        }
    }

    #[derive(Deserialize)]
    pub(super) struct SpanJ {
        pub start: Option<u64>,
        pub end: Option<u64>,
    }

    #[derive(Deserialize)]
    pub(super) struct PartyJ {
        pub text: Option<String>,
        pub code: Option<String>,
        pub country: Option<String>,
        pub sector: Option<String>,
        pub span: Option<Obj<SpanJ>>,
    }

    #[derive(Deserialize)]
    pub(super) struct DateJ {
        pub value: Option<String>,
        pub earliest: Option<String>,
        pub latest: Option<String>,
        pub text: Option<String>,
        pub span: Option<Obj<SpanJ>>,
        pub rule: Option<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct LocJ {
        pub name: Option<String>,
        pub country: Option<String>,
        pub lat: Option<f64>,
        pub lon: Option<f64>,
        pub precision: Option<String>,
        pub span: Option<Obj<SpanJ>>,
    }

    #[derive(Deserialize)]
    pub(super) struct QuantityJ {
        pub value: Option<u64>,
        pub unit: Option<String>,
        pub approximate: Option<bool>,
        pub text: Option<String>,
        pub span: Option<Obj<SpanJ>>,
        pub rule: Option<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct LinkJ {
        pub text: Option<String>,
        pub kind: Option<String>,
        pub span: Option<Obj<SpanJ>>,
        pub rule: Option<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct TriggerJ {
        pub text: Option<String>,
        pub span: Option<Obj<SpanJ>>,
    }

    #[derive(Deserialize)]
    pub(super) struct EventJ {
        pub id: Option<String>,
        pub event: Option<String>,
        pub mode: Option<Vec<String>>,
        pub context: Option<Vec<String>>,
        pub cameo: Option<String>,
        pub quad_code: Option<u64>,
        pub actor: Option<Vec<Obj<PartyJ>>>,
        pub recipient: Option<Vec<Obj<PartyJ>>>,
        pub date: Option<Obj<DateJ>>,
        pub reported_date: Option<Obj<DateJ>>,
        pub event_loc: Option<Obj<LocJ>>,
        pub dead: Option<Obj<QuantityJ>>,
        pub injured: Option<Obj<QuantityJ>>,
        pub arrested: Option<Obj<QuantityJ>>,
        pub size: Option<Obj<QuantityJ>>,
        pub weapons: Option<Obj<QuantityJ>>,
        pub modality: Option<String>,
        pub attribution: Option<Vec<Obj<LinkJ>>>,
        pub trigger: Option<Obj<TriggerJ>>,
        pub sentence: Option<Obj<SpanJ>>,
        pub rules: Option<Vec<String>>,
        pub confidence: Option<f64>,
    }
}

/// [`event_from_json`] on the text of a JSON value: read in one typed pass when every field
/// has its usual type, else through a [`Value`], so the result is the same either way.
pub fn event_from_str(json: &str) -> Option<Event> {
    match serde_json::from_str::<typed::Obj<typed::EventJ>>(json) {
        Ok(typed::Obj(e)) => event_from_typed(e),
        Err(_) => event_from_json(&serde_json::from_str::<Value>(json).ok()?),
    }
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn typed_span(s: Option<typed::Obj<typed::SpanJ>>) -> Option<Span> {
    let s = s?.0;
    Some(Span::new(
        usize::try_from(s.start?).ok()?,
        usize::try_from(s.end?).ok()?,
    ))
}

fn typed_span_or_empty(s: Option<typed::Obj<typed::SpanJ>>) -> Span {
    typed_span(s).unwrap_or(Span::new(0, 0))
}

fn typed_strings(v: Option<Vec<String>>) -> Vec<String> {
    let mut v = v.unwrap_or_default();
    v.retain(|s| !s.is_empty());
    v
}

fn typed_parties(v: Option<Vec<typed::Obj<typed::PartyJ>>>) -> Vec<Party> {
    v.unwrap_or_default()
        .into_iter()
        .filter_map(|typed::Obj(p)| {
            Some(Party {
                code: nonempty(p.code)?,
                text: p.text.unwrap_or_default(),
                country: p.country.unwrap_or_default(),
                sector: p.sector.unwrap_or_default(),
                span: typed_span_or_empty(p.span),
            })
        })
        .collect()
}

fn typed_date(v: Option<typed::Obj<typed::DateJ>>) -> Option<EventDate> {
    let d = v?.0;
    Some(EventDate {
        value: d.value.unwrap_or_default(),
        earliest: nonempty(d.earliest),
        latest: nonempty(d.latest),
        text: d.text.unwrap_or_default(),
        span: typed_span(d.span),
        rule: d.rule.unwrap_or_default().into(),
    })
}

fn typed_quantity(v: Option<typed::Obj<typed::QuantityJ>>) -> Option<Quantity> {
    let q = v?.0;
    Some(Quantity {
        value: q.value?,
        unit: q.unit.unwrap_or_default(),
        approximate: q.approximate == Some(true),
        text: q.text.unwrap_or_default(),
        span: typed_span_or_empty(q.span),
        rule: q.rule.unwrap_or_default().into(),
    })
}

fn event_from_typed(e: typed::EventJ) -> Option<Event> {
    let event = nonempty(e.event)?;
    let trigger = e.trigger.map(|t| t.0);
    let (trigger_text, trigger_span) = match trigger {
        Some(t) => (t.text.unwrap_or_default(), typed_span_or_empty(t.span)),
        None => (String::new(), Span::new(0, 0)),
    };
    Some(Event {
        id: e.id.unwrap_or_default(),
        event,
        mode: typed_strings(e.mode),
        context: typed_strings(e.context),
        cameo: e.cameo.unwrap_or_default(),
        quad_code: e.quad_code.and_then(|q| u8::try_from(q).ok()).unwrap_or(0),
        actor: typed_parties(e.actor),
        recipient: typed_parties(e.recipient),
        date: typed_date(e.date),
        reported_date: typed_date(e.reported_date),
        event_loc: e.event_loc.and_then(|typed::Obj(l)| {
            Some(EventLoc {
                name: nonempty(l.name)?,
                country: l.country.unwrap_or_default(),
                lat: l.lat.filter(|x| x.is_finite()),
                lon: l.lon.filter(|x| x.is_finite()),
                precision: l.precision.unwrap_or_default(),
                span: typed_span_or_empty(l.span),
            })
        }),
        dead: typed_quantity(e.dead),
        injured: typed_quantity(e.injured),
        arrested: typed_quantity(e.arrested),
        size: typed_quantity(e.size),
        weapons: typed_quantity(e.weapons),
        modality: modality_named(e.modality.as_deref().unwrap_or("")),
        attribution: e
            .attribution
            .unwrap_or_default()
            .into_iter()
            .filter_map(|typed::Obj(a)| {
                Some(AttributionLink {
                    text: nonempty(a.text)?,
                    kind: source_kind(a.kind.as_deref().unwrap_or("")),
                    span: typed_span_or_empty(a.span),
                    rule: a.rule.unwrap_or_default().into(),
                })
            })
            .collect(),
        trigger: Evidence {
            text: trigger_text,
            span: trigger_span,
        },
        sentence: typed_span_or_empty(e.sentence),
        rules: typed_strings(e.rules).into_iter().map(Into::into).collect(),
        confidence: e.confidence.filter(|x| x.is_finite()).unwrap_or(0.0),
    })
}

/// `x` as its JSON text reads back (`None` when it has none: not finite). The default reading
/// of `serde_json` may miss the nearest double on long mantissas, so the text is read back
/// rather than assumed to give `x`.
fn as_json_reads(x: f64) -> Option<f64> {
    if !x.is_finite() {
        return None;
    }
    serde_json::from_str(&serde_json::to_string(&x).ok()?).ok()
}

/// The event that [`event_from_str`] reads back from `serde_json::to_string(&event)`, without
/// writing it: `None` when it has no event type. What that reading drops (empty modes, contexts
/// and rules, parties without a code, links without a text, a place without a name, empty
/// bounds) is dropped here, and figures take the value their JSON text reads back as.
pub fn event_as_stored(mut e: Event) -> Option<Event> {
    if e.event.is_empty() {
        return None;
    }
    e.mode.retain(|s| !s.is_empty());
    e.context.retain(|s| !s.is_empty());
    e.rules.retain(|s| !s.is_empty());
    e.actor.retain(|p| !p.code.is_empty());
    e.recipient.retain(|p| !p.code.is_empty());
    for d in [&mut e.date, &mut e.reported_date].into_iter().flatten() {
        d.earliest = d.earliest.take().filter(|s| !s.is_empty());
        d.latest = d.latest.take().filter(|s| !s.is_empty());
    }
    e.event_loc = e.event_loc.filter(|l| !l.name.is_empty()).map(|mut l| {
        l.lat = l.lat.and_then(as_json_reads);
        l.lon = l.lon.and_then(as_json_reads);
        l
    });
    e.attribution.retain(|a| !a.text.is_empty());
    e.confidence = as_json_reads(e.confidence).unwrap_or(0.0);
    Some(e)
}

impl Report {
    /// The report of every event of one extraction record as a store gives it back once the
    /// record is written (`None` for an event that is not a report), taking the events out of
    /// the record: what [`Report::from_json_str`] gives on the stored event JSON, sentence and
    /// document columns.
    pub fn stored_from_extraction(extraction: Extraction) -> Vec<Option<Report>> {
        let doc = extraction.document;
        // The document's date is stored as text and read back from its first ten characters.
        let published = doc
            .date
            .and_then(|d| d.to_string().get(..10).and_then(|d| d.parse::<Date>().ok()));
        extraction
            .events
            .into_iter()
            .enumerate()
            .map(|(i, event)| {
                let sentence = event.sentence.slice(&doc.text).to_string();
                Some(Report {
                    doc_id: doc.id.clone(),
                    event_index: i,
                    outlet: doc.outlet.clone(),
                    published,
                    sentence,
                    event: event_as_stored(event)?,
                })
            })
            .collect()
    }

    /// [`Report::from_json`] on the text of the stored event object (see [`event_from_str`]).
    pub fn from_json_str(
        doc_id: &str,
        event_index: usize,
        outlet: Option<String>,
        published: Option<Date>,
        sentence: String,
        event: &str,
    ) -> Option<Report> {
        Some(Report {
            doc_id: doc_id.to_string(),
            event_index,
            outlet,
            published,
            sentence,
            event: event_from_str(event)?,
        })
    }

    /// A report rebuilt from a stored event object (see [`event_from_json`]) and its article's
    /// metadata; `None` when the object is not an event.
    pub fn from_json(
        doc_id: &str,
        event_index: usize,
        outlet: Option<String>,
        published: Option<Date>,
        sentence: String,
        event: &Value,
    ) -> Option<Report> {
        Some(Report {
            doc_id: doc_id.to_string(),
            event_index,
            outlet,
            published,
            sentence,
            event: event_from_json(event)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use annals_pipeline::Pipeline;

    #[test]
    fn round_trips_extracted_events() {
        let text = "Police arrested about 20 protesters in Lyon on Friday, the prefecture said. \
                    Russian troops attacked Kharkiv on Thursday, killing 3 people.";
        let doc = annals_document::Document::new(text.into())
            .with_date(Some("2024-03-02".parse().unwrap()));
        let extraction = Pipeline::new().extract(doc);
        assert!(!extraction.events.is_empty());
        for e in &extraction.events {
            let json = serde_json::to_value(e).unwrap();
            assert_eq!(event_from_json(&json).as_ref(), Some(e));
        }
    }

    #[test]
    fn typed_reading_agrees_with_the_value_reading() {
        let text = "Police arrested about 20 protesters in Lyon on Friday, the prefecture said. \
                    Russian troops attacked Kharkiv on Thursday, killing 3 people.";
        let doc = annals_document::Document::new(text.into())
            .with_date(Some("2024-03-02".parse().unwrap()));
        let extraction = Pipeline::new().extract(doc);
        for e in &extraction.events {
            let json = serde_json::to_string(e).unwrap();
            assert_eq!(event_from_str(&json).as_ref(), Some(e));
        }
        // Odd shapes: numbers for strings, arrays for objects, nulls, a lone party object,
        // repeated keys, empty strings, figures out of range. Each reads as the value reading
        // reads it.
        for json in [
            r#"{"event": "PROTEST", "id": 7, "mode": "march", "quad_code": 3}"#,
            r#"{"event": "PROTEST", "date": ["2024-01-01", "2024-01-02"], "sentence": [0, 5]}"#,
            r#"{"event": "PROTEST", "actor": {"code": "FRA", "text": "France"}}"#,
            r#"{"event": "PROTEST", "actor": [{"code": ""}, {"code": "FRA"}, null]}"#,
            r#"{"event": "PROTEST", "event": "ASSAULT", "quad_code": 4}"#,
            r#"{"event": "", "quad_code": 4}"#,
            r#"{"event": "ASSAULT", "quad_code": 900, "dead": {"value": 3.5}}"#,
            r#"{"event": "ASSAULT", "dead": {"value": 3, "approximate": "yes"}}"#,
            r#"{"event": "ASSAULT", "event_loc": {"name": "Lyon", "lat": 45, "lon": "x"}}"#,
            r#"{"event": "ASSAULT", "event_loc": {"name": "", "lat": 45}, "trigger": "hit"}"#,
            r#"{"event": "ASSAULT", "date": null, "trigger": null, "modality": "alleged"}"#,
            r#"{"event": "ASSAULT", "date": {"value": "2024-01-01", "span": {"start": 9}}}"#,
            r#"{"event": "ASSAULT", "attribution": {"text": "police"}, "rules": ["a", 1]}"#,
            r#"{"event": "ASSAULT", "attribution": [{"text": "police", "kind": "official"}]}"#,
            r#"{"event": "ASSAULT", "sentence": {"start": 9, "end": 2}, "confidence": "high"}"#,
            r#"{"event": "ASSAULT", "mode": ["", "raid"], "context": null, "extra": [1, {}]}"#,
            r#"["event", "ASSAULT"]"#,
            r#""ASSAULT""#,
            r#"{"event": "ASSAULT""#,
        ] {
            let value: Option<Value> = serde_json::from_str(json).ok();
            let expected = value.as_ref().and_then(event_from_json);
            assert_eq!(event_from_str(json), expected, "{json}");
        }
    }

    #[test]
    fn events_as_stored_are_the_events_read_back() {
        let text = "Police arrested about 20 protesters in Lyon on Friday, the prefecture said. \
                    Russian troops attacked Kharkiv on Thursday, killing 3 people. \
                    Farmers may march on Paris next week, a union leader said.";
        let doc = annals_document::Document::new(text.into())
            .with_date(Some("2024-03-02".parse().unwrap()));
        let mut events = Pipeline::new().extract(doc).events;
        assert!(!events.is_empty());
        // Odd events: what a reading drops or mends, and figures whose shortest text has a
        // long mantissa.
        let mut odd = events[0].clone();
        odd.mode.push(String::new());
        odd.rules.push("".into());
        if let Some(p) = odd.actor.first().cloned() {
            odd.actor.insert(
                0,
                Party {
                    code: String::new(),
                    ..p
                },
            );
        }
        odd.attribution.push(AttributionLink {
            text: String::new(),
            kind: SourceKind::Media,
            span: Span::new(0, 0),
            rule: "x".into(),
        });
        odd.date = Some(EventDate {
            value: "2024-03".into(),
            earliest: Some(String::new()),
            latest: Some("2024-03-31".into()),
            text: "March".into(),
            span: None,
            rule: "r".into(),
        });
        odd.event_loc = Some(EventLoc {
            name: "Lyon".into(),
            country: "FRA".into(),
            lat: Some(0.1 + 0.2),
            lon: Some(34.0 / 7.0),
            precision: String::new(),
            span: Span::new(3, 7),
        });
        odd.confidence = f64::NAN;
        let mut unnamed = odd.clone();
        if let Some(l) = unnamed.event_loc.as_mut() {
            l.name.clear();
            l.lat = Some(f64::INFINITY);
        }
        unnamed.confidence = 1.0 / 3.0;
        let mut untyped = odd.clone();
        untyped.event.clear();
        events.extend([odd, unnamed, untyped]);
        for e in events {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(event_as_stored(e), event_from_str(&json), "{json}");
        }
    }

    #[test]
    fn malformed_objects_are_read_defensively() {
        assert!(event_from_json(&serde_json::json!([1])).is_none());
        assert!(event_from_json(&serde_json::json!({"mode": "x"})).is_none());
        let e = event_from_json(&serde_json::json!({
            "event": "PROTEST", "modality": "nonsense", "quad_code": 900,
            "actor": [{"text": "x"}, {"code": "FRA"}], "dead": {"value": -1},
            "event_loc": {"name": "Lyon", "lat": "x"}, "sentence": {"start": 5}
        }))
        .unwrap();
        assert_eq!(e.modality, Modality::Asserted);
        assert_eq!(e.quad_code, 0);
        assert_eq!(e.actor.len(), 1);
        assert!(e.dead.is_none());
        assert_eq!(e.event_loc.unwrap().lat, None);
    }
}
