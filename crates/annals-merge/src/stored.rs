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
use serde_json::Value;

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

/// The modality named `name` (its serialized form), else asserted.
pub(crate) fn modality_named(name: &str) -> Modality {
    use Modality::*;
    [
        Asserted,
        Reported,
        Alleged,
        Denied,
        Negated,
        Future,
        Hypothetical,
        Conditional,
    ]
    .into_iter()
    .find(|m| {
        serde_json::to_value(m)
            .ok()
            .as_ref()
            .and_then(Value::as_str)
            == Some(name)
    })
    .unwrap_or(Asserted)
}

fn source_kind(name: &str) -> SourceKind {
    use SourceKind::*;
    [Media, Official, Intelligence, Anonymous, SocialMedia, Other]
        .into_iter()
        .find(|k| {
            serde_json::to_value(k)
                .ok()
                .as_ref()
                .and_then(Value::as_str)
                == Some(name)
        })
        .unwrap_or(Other)
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

impl Report {
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
