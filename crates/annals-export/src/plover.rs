//! PLOVER JSONL: one event per line, with the PLOVER manual's field names.

use crate::model::{ExportEvent, ExportParty};
use crate::tables::Tables;
use crate::{EventSink, ExportError, country_name};
use serde_json::{Map, Value, json};
use std::io::Write;

/// Writes events as PLOVER JSON lines.
#[derive(Debug)]
pub struct PloverWriter<W: Write> {
    out: W,
}

impl<W: Write> PloverWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> PloverWriter<W> {
        PloverWriter { out }
    }
}

/// The PLOVER entity object of a party.
fn entity(p: &ExportParty) -> Value {
    let mut m = Map::new();
    // PLOVER `code` is the 3-character top-level entity (a country or IGO-like code).
    let top = if p.country.is_empty() {
        p.code.get(..3).unwrap_or(&p.code)
    } else {
        &p.country
    };
    m.insert("code".into(), json!(top));
    if !p.sector.is_empty() {
        m.insert("sector".into(), json!(p.sector));
    }
    if !p.text.is_empty() {
        m.insert("entity_text".into(), json!(p.text));
    }
    if let Some(name) = country_name(&p.country) {
        m.insert("country".into(), json!(name));
    }
    m.insert("actor_code".into(), json!(p.code));
    Value::Object(m)
}

/// The PLOVER `resolution` of a place precision: 5 sub-city .. 1 country.
fn resolution(precision: &str) -> Option<u8> {
    match precision {
        "poi" | "district" | "neighbourhood" | "neighborhood" | "site" => Some(5),
        "city" | "town" | "village" => Some(4),
        "county" | "admin2" => Some(3),
        "region" | "state" | "province" | "admin1" => Some(2),
        "country" => Some(1),
        _ => None,
    }
}

/// The PLOVER record of one event.
pub fn record(e: &ExportEvent) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        if !(v.is_null() || v.as_str() == Some("") || v.as_array().is_some_and(Vec::is_empty)) {
            m.insert(k.to_string(), v);
        }
    };
    put("id", json!(e.id));
    put("date", json!(e.earliest));
    if e.latest != e.earliest {
        put("enddate", json!(e.latest));
    }
    put("event", json!([e.event]));
    put("mode", json!(e.mode));
    put("context", json!(e.context));
    put("quad_code", json!((e.quad_code > 0).then_some(e.quad_code)));
    put("event_scale", json!(Tables::builtin().score(e)));
    put("cameo", json!(e.cameo));
    put("actor", Value::Array(e.actors.iter().map(entity).collect()));
    put(
        "recipient",
        Value::Array(e.recipients.iter().map(entity).collect()),
    );
    if let Some(p) = &e.place {
        let mut l = Map::new();
        l.insert("extracted_place".into(), json!(p.name));
        if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
            l.insert("lat".into(), json!(lat));
            l.insert("lon".into(), json!(lon));
        }
        if let Some(name) = country_name(&p.country) {
            l.insert("country".into(), json!(name));
        }
        if !p.country.is_empty() {
            l.insert("country_code".into(), json!(p.country));
        }
        if let Some(r) = resolution(&p.precision) {
            l.insert("resolution".into(), json!(r));
        }
        put("event_loc", Value::Object(l));
    }
    put("event_text", json!([e.trigger]));
    put("dead", json!(e.dead));
    put("injured", json!(e.injured));
    put("arrested", json!(e.arrested));
    put("size", json!(e.size));
    put("modality", json!(e.modality));
    put("event_date_text", json!(e.date));
    put("reported_date", json!(e.reported_date));
    put("sources", json!(e.attribution));
    put("text", json!(e.sentence));
    if let Some((start, end)) = e.sentence_span {
        put("text_info", json!({"start": start, "end": end}));
    }
    let mut cite = Map::new();
    for (k, v) in [
        ("url", &e.doc.url),
        ("title", &e.doc.title),
        ("language", &e.doc.language),
        ("publication", &e.doc.outlet),
        ("date", &e.doc.date),
    ] {
        if let Some(v) = v {
            cite.insert(k.into(), json!(v));
        }
    }
    cite.insert("citation".into(), json!(e.doc.id));
    cite.insert("coder".into(), json!("annals"));
    put("cite_info", Value::Object(cite));
    put("confidence", json!(e.confidence));
    put("coder", json!("annals"));
    Value::Object(m)
}

impl<W: Write> EventSink for PloverWriter<W> {
    fn write(&mut self, event: &ExportEvent) -> Result<bool, ExportError> {
        serde_json::to_writer(&mut self.out, &record(event))?;
        self.out.write_all(b"\n")?;
        Ok(true)
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        Ok(self.out.flush()?)
    }
}
