//! The flat event the writers read: one coded event with its article's metadata.
//!
//! Built from an event as JSON (as `annals extract` prints it and the store keeps it) plus the
//! columns of its document, so every writer works the same on a store, a JSONL dump or an
//! in-memory extraction. Every field is read defensively: a missing or malformed field becomes
//! empty.

use annals_pipeline::Extraction;
use serde_json::Value;

/// The article an event comes from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocMeta {
    /// Document id.
    pub id: String,
    /// Headline.
    pub title: Option<String>,
    /// Publication date (ISO 8601).
    pub date: Option<String>,
    /// Publisher.
    pub outlet: Option<String>,
    /// Address of the article.
    pub url: Option<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// When the document was added to the store (ISO 8601 date-time), when known.
    pub added: Option<String>,
}

/// An actor or recipient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportParty {
    /// The mention's text.
    pub text: String,
    /// Actor code (CAMEO style, e.g. `RUSMIL`).
    pub code: String,
    /// ISO-3 / CAMEO country code, or empty.
    pub country: String,
    /// PLOVER/CAMEO sector (`GOV`, `MIL`, ...), or empty.
    pub sector: String,
}

/// Where an event happened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportPlace {
    /// The place name as written.
    pub name: String,
    /// ISO-3 country code, or empty.
    pub country: String,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Precision (`city`, `region`, `country`, ...), or empty.
    pub precision: String,
}

/// One coded event with its article's metadata: what every writer reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportEvent {
    /// The article.
    pub doc: DocMeta,
    /// The event's position in the article's event list.
    pub idx: u64,
    /// The event's id within the article (else `doc_id#idx`).
    pub id: String,
    /// PLOVER event type.
    pub event: String,
    /// PLOVER modes.
    pub mode: Vec<String>,
    /// PLOVER contexts.
    pub context: Vec<String>,
    /// CAMEO code.
    pub cameo: String,
    /// PLOVER quad code (1..4), 0 when unknown.
    pub quad_code: u8,
    /// Source actors.
    pub actors: Vec<ExportParty>,
    /// Target actors.
    pub recipients: Vec<ExportParty>,
    /// The event date as coded (ISO 8601, possibly partial or a TIMEX value).
    pub date: Option<String>,
    /// Earliest possible day (YYYY-MM-DD).
    pub earliest: Option<String>,
    /// Latest possible day (YYYY-MM-DD).
    pub latest: Option<String>,
    /// When its source said it.
    pub reported_date: Option<String>,
    /// Where it happened.
    pub place: Option<ExportPlace>,
    /// Killed.
    pub dead: Option<u64>,
    /// Injured.
    pub injured: Option<u64>,
    /// Arrested or detained.
    pub arrested: Option<u64>,
    /// Size (troops, protesters).
    pub size: Option<u64>,
    /// Modality (`asserted`, `denied`, ...).
    pub modality: String,
    /// Who says so, outermost first.
    pub attribution: Vec<String>,
    /// The trigger words.
    pub trigger: String,
    /// The sentence the event was coded from, when known.
    pub sentence: Option<String>,
    /// Byte offsets of the sentence in the article text.
    pub sentence_span: Option<(u64, u64)>,
    /// Whether the sentence lies in the article's first paragraph, when known.
    pub lead: Option<bool>,
    /// Confidence in `[0, 1]`.
    pub confidence: Option<f64>,
}

impl ExportEvent {
    /// The event at `idx` of an article, read from its JSON form.
    ///
    /// `text` is the article text, when at hand: it gives the sentence and whether the event is
    /// in the lead paragraph.
    pub fn from_value(doc: DocMeta, idx: u64, ev: &Value, text: Option<&str>) -> ExportEvent {
        let field = |k: &str| ev.get(k);
        let (date, earliest, latest) = match field("date") {
            Some(Value::Object(d)) => (
                text_of(d.get("value")),
                text_of(d.get("earliest")),
                text_of(d.get("latest")),
            ),
            other => (text_of(other), None, None),
        };
        let day = |v: &Option<String>| v.as_deref().and_then(crate::dates::day_of).is_some();
        let full = date.clone().filter(|_| day(&date));
        // Without bounds, a full calendar date bounds the event, else the publication day.
        let fallback = full.or_else(|| doc.date.clone().filter(|_| day(&doc.date)));
        let earliest = earliest.or_else(|| fallback.clone());
        let latest = latest.or(fallback);
        let reported_date = match field("reported_date") {
            Some(Value::Object(d)) => text_of(d.get("value")),
            other => text_of(other),
        };
        let place = match field("event_loc") {
            Some(Value::Object(l)) => Some(ExportPlace {
                name: text_of(l.get("name")).unwrap_or_default(),
                country: text_of(l.get("country")).unwrap_or_default(),
                lat: number_of(l.get("lat")).filter(|v| (-90.0..=90.0).contains(v)),
                lon: number_of(l.get("lon")).filter(|v| (-180.0..=180.0).contains(v)),
                precision: text_of(l.get("precision")).unwrap_or_default(),
            }),
            _ => None,
        };
        let sentence_span = field("sentence").and_then(|s| {
            let start = s.get("start")?.as_u64()?;
            let end = s.get("end")?.as_u64()?;
            (start <= end).then_some((start, end))
        });
        let sentence = text.zip(sentence_span).and_then(|(t, (s, e))| {
            let (s, e) = (usize::try_from(s).ok()?, usize::try_from(e).ok()?);
            t.get(s..e).map(|x| x.trim().to_string())
        });
        let lead = text.zip(sentence_span).map(|(t, (s, _))| {
            let body = t.trim_start();
            let offset = t.len() - body.len();
            let end = body.find("\n\n").map_or(t.len(), |p| p + offset);
            usize::try_from(s).is_ok_and(|s| s < end)
        });
        let id = text_of(field("id")).unwrap_or_else(|| format!("{}#{idx}", doc.id));
        ExportEvent {
            idx,
            id,
            event: code_of(field("event")).unwrap_or_default(),
            mode: strings(field("mode")),
            context: strings(field("context")),
            cameo: text_of(field("cameo")).unwrap_or_default(),
            quad_code: field("quad_code")
                .and_then(Value::as_u64)
                .and_then(|q| u8::try_from(q).ok())
                .filter(|q| (1..=4).contains(q))
                .unwrap_or(0),
            actors: parties(field("actor")),
            recipients: parties(field("recipient")),
            date,
            earliest,
            latest,
            reported_date,
            place,
            dead: count_of(field("dead")),
            injured: count_of(field("injured")),
            arrested: count_of(field("arrested")),
            size: count_of(field("size")),
            modality: text_of(field("modality")).unwrap_or_default(),
            attribution: attribution(field("attribution")),
            trigger: match field("trigger") {
                Some(Value::Object(t)) => text_of(t.get("text")).unwrap_or_default(),
                other => text_of(other).unwrap_or_default(),
            },
            sentence: sentence.filter(|s| !s.is_empty()),
            sentence_span,
            lead,
            confidence: number_of(field("confidence")),
            doc,
        }
    }

    /// Every event of an extraction record.
    pub fn from_extraction(extraction: &Extraction) -> Vec<ExportEvent> {
        let d = &extraction.document;
        let doc = DocMeta {
            id: d.id.clone(),
            title: d.title.clone(),
            date: d.date.map(|x| x.to_string()),
            outlet: d.outlet.clone(),
            url: d.url.clone(),
            language: Some(d.language.clone()),
            added: None,
        };
        extraction
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let value = serde_json::to_value(e).unwrap_or(Value::Null);
                ExportEvent::from_value(doc.clone(), i as u64, &value, Some(&d.text))
            })
            .collect()
    }

    /// `doc_id#idx`: the event's key across the store.
    pub fn key(&self) -> String {
        format!("{}#{}", self.doc.id, self.idx)
    }

    /// A numeric id stable across exports: 53 bits of a hash of [`ExportEvent::key`] (so that
    /// it stays exact in readers that hold numbers as doubles).
    pub fn numeric_id(&self) -> u64 {
        numeric_id(&self.key())
    }

    /// The day the event is dated to: its earliest day (YYYY-MM-DD), when known.
    pub fn day(&self) -> Option<(i32, u32, u32)> {
        self.earliest.as_deref().and_then(crate::dates::day_of)
    }

    /// The country of the event: its place's, else its first actor's.
    pub fn country(&self) -> Option<&str> {
        self.place
            .as_ref()
            .map(|p| p.country.as_str())
            .filter(|c| !c.is_empty())
            .or_else(|| {
                self.actors
                    .iter()
                    .map(|a| a.country.as_str())
                    .find(|c| !c.is_empty())
            })
    }

    /// The place's coordinates, when both are known.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.place.as_ref().and_then(|p| p.lat.zip(p.lon))
    }
}

/// 53 bits of the FNV-1a hash of `key`.
pub fn numeric_id(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h & ((1 << 53) - 1)
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn code_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Object(m) => text_of(m.get("code")).or_else(|| text_of(m.get("type"))),
        Value::Array(list) => list.iter().find_map(|x| code_of(Some(x))),
        other => text_of(Some(other)),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(|x| code_of(Some(x))).collect(),
        other => code_of(other).into_iter().collect(),
    }
}

fn number_of(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

fn count_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Object(q) => q.get("value").and_then(Value::as_u64),
        other => other.as_u64(),
    }
}

fn parties(v: Option<&Value>) -> Vec<ExportParty> {
    let one = |p: &Value| match p {
        Value::Object(m) => {
            let code = text_of(m.get("code")).unwrap_or_default();
            let country = text_of(m.get("country")).unwrap_or_default();
            (!code.is_empty() || !country.is_empty()).then(|| ExportParty {
                text: text_of(m.get("text")).unwrap_or_default(),
                code,
                country,
                sector: text_of(m.get("sector")).unwrap_or_default(),
            })
        }
        Value::String(_) => text_of(Some(p)).map(|code| ExportParty {
            code,
            ..ExportParty::default()
        }),
        _ => None,
    };
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(p) => one(p).into_iter().collect(),
        None => Vec::new(),
    }
}

fn attribution(v: Option<&Value>) -> Vec<String> {
    let one = |a: &Value| match a {
        Value::Object(m) => text_of(m.get("text")),
        other => text_of(Some(other)),
    };
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(a) => one(a).into_iter().collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> DocMeta {
        DocMeta {
            id: "d".into(),
            date: Some("2024-03-02".into()),
            ..DocMeta::default()
        }
    }

    #[test]
    fn reads_a_full_event() {
        let text = "Lead sentence here.\n\nSecond paragraph: troops attacked.";
        let ev = json!({
            "id": "d-e1", "event": "ASSAULT", "mode": ["aerial"], "cameo": "195", "quad_code": 4,
            "actor": [{"text": "troops", "code": "RUSMIL", "country": "RUS", "sector": "MIL"}],
            "recipient": {"code": "UKR"},
            "date": {"value": "2024-03-01", "earliest": "2024-03-01", "latest": "2024-03-01"},
            "event_loc": {"name": "Kyiv", "country": "UKR", "lat": 50.45, "lon": "30.52"},
            "dead": {"value": 3}, "attribution": [{"text": "officials"}, "a witness"],
            "trigger": {"text": "attacked"}, "sentence": {"start": 21, "end": 55},
            "modality": "reported", "confidence": 0.5
        });
        let e = ExportEvent::from_value(doc(), 2, &ev, Some(text));
        assert_eq!(e.key(), "d#2");
        assert_eq!(e.actors[0].sector, "MIL");
        assert_eq!(e.recipients[0].code, "UKR");
        assert_eq!(e.coordinates(), Some((50.45, 30.52)));
        assert_eq!(e.dead, Some(3));
        assert_eq!(e.attribution, ["officials", "a witness"]);
        assert_eq!(
            e.sentence.as_deref(),
            Some("Second paragraph: troops attacked.")
        );
        assert_eq!(e.lead, Some(false));
        assert_eq!(e.day(), Some((2024, 3, 1)));
        assert_eq!(e.country(), Some("UKR"));
        assert!(e.numeric_id() < 1 << 53);
    }

    #[test]
    fn malformed_fields_become_empty() {
        let text = "é€ text";
        for ev in [
            json!(null),
            json!("garbage"),
            json!([1, 2]),
            json!({"event": 7, "mode": "demo", "actor": [null, 3, {"code": ""}], "date": "PAST_REF",
                   "event_loc": {"lat": 123.0, "lon": "x"}, "sentence": {"start": 1, "end": 4},
                   "dead": "many", "quad_code": 9}),
            json!({"sentence": {"start": 9, "end": 2}, "date": {"value": "2024-02-30"}}),
        ] {
            let e = ExportEvent::from_value(doc(), 0, &ev, Some(text));
            assert!(e.actors.is_empty());
            assert_eq!(e.quad_code, 0);
            assert_eq!(e.dead, None);
            assert_eq!(e.coordinates(), None);
            assert_eq!(
                e.sentence, None,
                "a span off char boundaries or reversed gives nothing"
            );
            assert_eq!(
                e.earliest.as_deref(),
                Some("2024-03-02"),
                "publication day stands in"
            );
        }
    }
}
