//! Turning an extraction record into the rows the store writes.
//!
//! A record given as JSON ([`Record::from_value`]) is read defensively: every event field is
//! optional, so records written by other versions still load. A typed record
//! ([`Record::from_extraction`]) gives the same rows, byte for byte, without building its JSON
//! value: each event's JSON is written by the sorted writer, the record column by the same writer
//! with its keys left in the order the types give them (only ever parsed back, the record is the
//! same value, see [`RecordColumn`]), and the event columns read from the typed events by the
//! rules [`EventRow::from_value`] applies to their JSON (the tests hold the two paths to the same
//! rows).

use crate::sorted_json::{self, SortedJson};
use annals_document::Document;
use annals_events::{Event, Party};
use annals_pipeline::Extraction;
use serde_json::{Map, Value};
use std::cell::RefCell;

/// One document ready to be written: its columns, its record and its events.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The document id (primary key).
    pub id: String,
    /// Headline.
    pub title: Option<String>,
    /// Publication date, ISO 8601.
    pub date: Option<String>,
    /// Publisher.
    pub outlet: Option<String>,
    /// Address of the article.
    pub url: Option<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// Where the document was read from, as JSON.
    pub origin: String,
    /// The article text.
    pub text: String,
    /// The whole extraction record as JSON, without its `text` (kept in its own column) and with
    /// its `events` list left empty (each event is kept in its own row); compressed as the
    /// store keeps it when the row is built, so that the writer only copies it.
    pub record: RecordColumn,
    /// The events found in the document, in record order.
    pub events: Vec<EventRow>,
}

/// The `documents.record` column of a [`Record`]: the record JSON, and the bytes written for it
/// (the JSON compressed, see `packed`), made together so that the two always agree.
///
/// The column is only read by parsing it ([`crate::Store::record`]), so its object keys may come
/// in any order: a record written from a typed extraction keeps the order of its fields (putting
/// them in order cost about a tenth of building the rows). Two columns are equal when their JSON
/// is the same value.
#[derive(Debug, Clone)]
pub struct RecordColumn {
    /// The record JSON.
    json: String,
    /// The JSON packed as the column's BLOB; empty when it cannot be (the JSON is then
    /// written as TEXT).
    packed: Vec<u8>,
}

impl RecordColumn {
    /// The column for this record JSON; compresses it.
    pub fn new(json: String) -> RecordColumn {
        thread_local! {
            /// Room to compress into, kept from one record to the next.
            static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let pack = |room: &mut Vec<u8>| {
            crate::packed::pack_into(&json, room).map_or_else(Vec::new, <[u8]>::to_vec)
        };
        let packed = SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut buffer) => pack(&mut buffer),
            Err(_) => pack(&mut Vec::new()),
        });
        RecordColumn { json, packed }
    }

    /// The record JSON.
    pub fn as_str(&self) -> &str {
        &self.json
    }

    /// The value written to the column: the packed BLOB, or the JSON as TEXT.
    pub(crate) fn value(&self) -> rusqlite::types::ValueRef<'_> {
        if self.packed.is_empty() {
            rusqlite::types::ValueRef::Text(self.json.as_bytes())
        } else {
            rusqlite::types::ValueRef::Blob(&self.packed)
        }
    }
}

impl PartialEq for RecordColumn {
    fn eq(&self, other: &RecordColumn) -> bool {
        self.json == other.json
            || matches!(
                (
                    serde_json::from_str::<Value>(&self.json),
                    serde_json::from_str::<Value>(&other.json),
                ),
                (Ok(a), Ok(b)) if a == b
            )
    }
}

impl Eq for RecordColumn {}

impl std::ops::Deref for RecordColumn {
    type Target = str;

    fn deref(&self) -> &str {
        &self.json
    }
}

impl From<RecordColumn> for String {
    fn from(column: RecordColumn) -> String {
        column.json
    }
}

/// One participant of an event (an actor or a recipient).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    /// Actor code (CAMEO style, e.g. `USAGOV`).
    pub code: Option<String>,
    /// Country code of the participant.
    pub country: Option<String>,
}

/// The searchable columns of one event, plus the event itself as JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventRow {
    /// Position of the event in the record's `events` list.
    pub idx: i64,
    /// PLOVER event type.
    pub event: Option<String>,
    /// PLOVER modes, joined with `,` (an event may have several).
    pub mode: Option<String>,
    /// Modality (asserted, denied, hypothetical, ...).
    pub modality: Option<String>,
    /// The event date as written in the record.
    pub date: Option<String>,
    /// Earliest day the event may have happened (else the date, else the document date).
    pub earliest: Option<String>,
    /// Latest day the event may have happened (else the end of the date, else the document
    /// date); a partial date is padded with `-99` so that it sorts after each of its days.
    pub latest: Option<String>,
    /// Actors (the side that acts).
    pub actors: Vec<Participant>,
    /// Recipients (the side acted upon).
    pub recipients: Vec<Participant>,
    /// Place name.
    pub place: Option<String>,
    /// Country code of the place.
    pub place_country: Option<String>,
    /// Place latitude.
    pub lat: Option<f64>,
    /// Place longitude.
    pub lon: Option<f64>,
    /// Attribution sources (who says so), joined with `; `.
    pub source: Option<String>,
    /// PLOVER quad code (1 verbal cooperation .. 4 material conflict).
    pub quad_code: Option<i64>,
    /// The text of the sentence the event was coded from.
    pub sentence: Option<String>,
    /// The event object as JSON.
    pub json: String,
}

impl Record {
    /// The rows for one extraction record.
    ///
    /// The same rows as [`Record::from_value`] over `serde_json::to_value(extraction)` (see
    /// [`Record::from_extraction_value`]), read from the typed record without building a `Value`:
    /// the record column and each event's JSON are written straight from the typed values (keys
    /// sorted, as a `Value` writes them) and the event columns read from the typed events.
    pub fn from_extraction(extraction: &Extraction) -> Record {
        let Some(rows) = Rows::of(extraction) else {
            return Record::from_extraction_value(extraction);
        };
        let doc = &extraction.document;
        Record {
            id: doc.id.clone(),
            title: doc.title.clone(),
            date: rows.date,
            outlet: doc.outlet.clone(),
            url: doc.url.clone(),
            language: doc.language.clone(),
            origin: rows.origin,
            text: doc.text.clone(),
            record: RecordColumn::new(rows.record),
            events: rows.events,
        }
    }

    /// [`Record::from_extraction`] for a record the caller is done with: the document text and
    /// metadata are moved into the row rather than copied.
    pub fn from_extraction_owned(extraction: Extraction) -> Record {
        let Some(rows) = Rows::of(&extraction) else {
            return Record::from_extraction_value(&extraction);
        };
        let Document {
            id,
            title,
            outlet,
            url,
            language,
            text,
            ..
        } = extraction.document;
        Record {
            id,
            title,
            date: rows.date,
            outlet,
            url,
            language,
            origin: rows.origin,
            text,
            record: RecordColumn::new(rows.record),
            events: rows.events,
        }
    }

    /// [`Record::from_extraction`] through the record's whole JSON value: [`Record::from_value`]
    /// over `serde_json::to_value(extraction)`, with the columns of the document taken from the
    /// typed document. Slower; the reference the direct path is checked against.
    pub fn from_extraction_value(extraction: &Extraction) -> Record {
        let value = serde_json::to_value(extraction).unwrap_or(Value::Null);
        let mut record = Record::from_value(value);
        // The typed document is authoritative for the columns.
        let doc = &extraction.document;
        record.id.clone_from(&doc.id);
        record.title.clone_from(&doc.title);
        record.date = doc.date.map(|d| d.to_string());
        record.outlet.clone_from(&doc.outlet);
        record.url.clone_from(&doc.url);
        record.language.clone_from(&doc.language);
        record
    }

    /// The rows for an extraction record given as JSON (the document fields at the top level,
    /// as `annals extract` prints them). Missing fields become empty columns.
    pub fn from_value(value: Value) -> Record {
        let mut map = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let text = match map.remove("text") {
            Some(Value::String(s)) => s,
            _ => String::new(),
        };
        let date = text_of(map.get("date"));
        let events = match map.get("events") {
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, ev)| {
                    let mut row = EventRow::from_value(i as i64, ev, date.as_deref());
                    row.sentence = sentence_of(ev, &text);
                    row
                })
                .collect(),
            _ => Vec::new(),
        };
        if let Some(list @ Value::Array(_)) = map.get_mut("events") {
            *list = Value::Array(Vec::new());
        }
        let origin = map.get("origin").map_or_else(|| "{}".into(), json_text);
        Record {
            id: text_of(map.get("id")).unwrap_or_default(),
            title: text_of(map.get("title")),
            date,
            outlet: text_of(map.get("outlet")),
            url: text_of(map.get("url")),
            language: text_of(map.get("language")).unwrap_or_else(|| "en".into()),
            origin,
            text,
            record: RecordColumn::new(json_text(&Value::Object(map))),
            events,
        }
    }
}

/// Room for the record column at the start (it averages about 14 KB on news articles).
const RECORD_CAPACITY: usize = 16 * 1024;

/// The columns of a record that are not copied from its document.
struct Rows {
    record: String,
    origin: String,
    date: Option<String>,
    events: Vec<EventRow>,
}

impl Rows {
    /// The rows written from the typed record; `None` when something in it cannot be written
    /// that way (the caller then goes through the record's `Value`).
    fn of(extraction: &Extraction) -> Option<Rows> {
        thread_local! {
            /// The writer of this thread, its buffers kept from one record to the next.
            static JSON: RefCell<SortedJson> = RefCell::new(SortedJson::with_capacity(RECORD_CAPACITY));
        }
        JSON.with(|json| match json.try_borrow_mut() {
            Ok(mut json) => Rows::write(extraction, &mut json),
            Err(_) => Rows::write(extraction, &mut SortedJson::with_capacity(RECORD_CAPACITY)),
        })
    }

    /// [`Rows::of`] with the given writer.
    fn write(extraction: &Extraction, json: &mut SortedJson) -> Option<Rows> {
        let doc = &extraction.document;
        // Only ever parsed back: its keys are left in the order the types give them.
        let record = json
            .write_unsorted(extraction, &["text"], &["events"])
            .ok()?
            .to_string();
        let origin = json.write(&doc.origin, &[], &[]).ok()?.to_string();
        let date = doc.date.map(|d| d.to_string());
        let mut events = Vec::with_capacity(extraction.events.len());
        for (i, ev) in extraction.events.iter().enumerate() {
            let text = json.write(ev, &[], &[]).ok()?.to_string();
            let row = EventRow::from_event(i as i64, ev, date.as_deref(), &doc.text, text)?;
            events.push(row);
        }
        Some(Rows {
            record,
            origin,
            date,
            events,
        })
    }
}

impl EventRow {
    /// The columns of a typed event, as [`EventRow::from_value`] reads them from the event's
    /// JSON, given as `json`; the sentence text is taken from the document `text`. `None` when
    /// the modality is not written as a string.
    fn from_event(
        idx: i64,
        ev: &Event,
        doc_date: Option<&str>,
        text: &str,
        json: String,
    ) -> Option<EventRow> {
        let (date, mut earliest, mut latest) = match &ev.date {
            Some(d) => (
                trimmed(&d.value),
                d.earliest.as_deref().and_then(trimmed),
                d.latest.as_deref().and_then(trimmed),
            ),
            None => (None, None, None),
        };
        fill_bounds(date.as_deref(), doc_date, &mut earliest, &mut latest);
        let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
        let (place, place_country, lat, lon) = match &ev.event_loc {
            Some(l) => (
                trimmed(&l.name),
                trimmed(&l.country),
                finite(l.lat),
                finite(l.lon),
            ),
            None => (None, None, None, None),
        };
        let party = |p: &Party| Participant {
            code: trimmed(&p.code),
            country: trimmed(&p.country),
        };
        let known = |p: &Participant| p.code.is_some() || p.country.is_some();
        let modality = trimmed(&sorted_json::as_string(&ev.modality)?);
        Some(EventRow {
            idx,
            event: trimmed(&ev.event),
            mode: joined(ev.mode.iter().map(String::as_str), ","),
            modality,
            date,
            earliest,
            latest,
            actors: ev.actor.iter().map(party).filter(known).collect(),
            recipients: ev.recipient.iter().map(party).filter(known).collect(),
            place,
            place_country,
            lat,
            lon,
            source: joined(ev.attribution.iter().map(|a| a.text.as_str()), "; "),
            quad_code: Some(i64::from(ev.quad_code)),
            sentence: text
                .get(ev.sentence.start..ev.sentence.end)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            json,
        })
    }

    /// The columns of the event at `idx`; `doc_date` stands in when the event has no date.
    pub fn from_value(idx: i64, ev: &Value, doc_date: Option<&str>) -> EventRow {
        let field = |key: &str| ev.get(key);
        let event = code_of(field("event")).or_else(|| code_of(field("event_type")));
        let (date, mut earliest, mut latest) = match field("date") {
            Some(Value::Object(d)) => (
                text_of(d.get("value")),
                text_of(d.get("earliest")),
                text_of(d.get("latest")),
            ),
            other => (text_of(other), None, None),
        };
        fill_bounds(date.as_deref(), doc_date, &mut earliest, &mut latest);
        let loc = field("event_loc")
            .or_else(|| field("place"))
            .or_else(|| field("location"));
        let (place, place_country, lat, lon) = match loc {
            Some(Value::Object(l)) => (
                text_of(l.get("name")),
                text_of(l.get("country")),
                number_of(l.get("lat")),
                number_of(l.get("lon")).or_else(|| number_of(l.get("lng"))),
            ),
            other => (text_of(other), None, None, None),
        };
        EventRow {
            idx,
            event,
            mode: codes(field("mode")),
            modality: code_of(field("modality")),
            date,
            earliest,
            latest,
            actors: participants(field("actor")),
            recipients: participants(field("recipient")),
            place,
            place_country,
            lat,
            lon,
            source: sources(field("attribution")),
            quad_code: field("quad_code").and_then(Value::as_i64),
            sentence: None,
            json: json_text(ev),
        }
    }
}

/// `value` as compact JSON: the text `Value::to_string` gives, written straight into a buffer
/// rather than through `fmt::Display` (several times faster on large records).
fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| value.to_string())
}

/// The text of the event's `sentence` span (byte offsets into `text`), when it is valid.
fn sentence_of(ev: &Value, text: &str) -> Option<String> {
    let span = ev.get("sentence")?;
    let start = usize::try_from(span.get("start")?.as_u64()?).ok()?;
    let end = usize::try_from(span.get("end")?.as_u64()?).ok()?;
    text.get(start..end)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Days from `earliest` to `latest` (a latest padded with `-99` stands for the end of its
/// month or year); 0 when either is missing or not a date.
pub(crate) fn span_days(earliest: Option<&str>, latest: Option<&str>) -> i64 {
    let day = |s: &str| s.get(..10)?.parse::<annals_document::Date>().ok();
    let Some(e) = earliest.and_then(day) else {
        return 0;
    };
    let Some(l) = latest else { return 0 };
    let end = if let Some(year) = l.strip_suffix("-99-99") {
        format!("{year}-12-31")
            .parse::<annals_document::Date>()
            .ok()
    } else if let Some(month) = l.strip_suffix("-99") {
        format!("{month}-01")
            .parse::<annals_document::Date>()
            .ok()
            .map(|d| d.last_of_month())
    } else {
        day(l)
    };
    end.and_then(|l| e.until(l).ok())
        .map_or(0, |s| i64::from(s.get_days()).max(0))
}

/// `s` trimmed, or `None` when nothing is left (as [`text_of`] reads a string).
fn trimmed(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The texts that are not blank, trimmed and joined with `sep`; `None` when there are none.
fn joined<'s>(texts: impl Iterator<Item = &'s str>, sep: &str) -> Option<String> {
    let mut out: Option<String> = None;
    for t in texts.map(str::trim).filter(|t| !t.is_empty()) {
        match &mut out {
            Some(o) => {
                o.push_str(sep);
                o.push_str(t);
            }
            None => out = Some(t.to_string()),
        }
    }
    out
}

/// A string, or a number or boolean written as one; `None` for anything else or an empty string.
fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A code given as a string or as an object with a `code` (or `type`, `name`) field.
fn code_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Object(m) => text_of(m.get("code"))
            .or_else(|| text_of(m.get("type")))
            .or_else(|| text_of(m.get("name"))),
        other => text_of(Some(other)),
    }
}

/// Codes given as one code or a list of codes, joined with `,`.
fn codes(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Array(list) => {
            let all: Vec<String> = list.iter().filter_map(|c| code_of(Some(c))).collect();
            (!all.is_empty()).then(|| all.join(","))
        }
        other => code_of(Some(other)),
    }
}

/// Fills a missing `earliest` or `latest` from the event's date, else the document's date; only
/// calendar values (`2024`, `2024-03`, `2024-03-05`...) bound the event in time.
fn fill_bounds(
    date: Option<&str>,
    doc_date: Option<&str>,
    earliest: &mut Option<String>,
    latest: &mut Option<String>,
) {
    let calendar = date.filter(|v| starts_with_year(v));
    let fallback = calendar.or(doc_date.filter(|v| starts_with_year(v)));
    if earliest.is_none() {
        *earliest = fallback.map(str::to_string);
    }
    if latest.is_none() {
        *latest = fallback.map(pad_latest);
    }
}

/// Whether `v` begins with a four-digit year (a calendar date, possibly partial).
fn starts_with_year(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) && b.get(4).is_none_or(|c| *c == b'-')
}

/// The latest day of a possibly partial date, as a string that sorts after each of its days.
fn pad_latest(v: &str) -> String {
    match v.len() {
        4 => format!("{v}-99-99"),
        7 => format!("{v}-99"),
        _ => v.to_string(),
    }
}

/// A number, or a string holding one; finite values only.
fn number_of(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// Participants given as one object, a list of objects, or bare code strings.
fn participants(v: Option<&Value>) -> Vec<Participant> {
    let one = |p: &Value| match p {
        Value::Object(m) => Some(Participant {
            code: text_of(m.get("code")),
            country: text_of(m.get("country")),
        }),
        Value::String(_) => Some(Participant {
            code: text_of(Some(p)),
            country: None,
        }),
        _ => None,
    };
    match v {
        Some(Value::Array(list)) => list.iter().filter_map(one).collect(),
        Some(p) => one(p).into_iter().collect(),
        None => Vec::new(),
    }
    .into_iter()
    .filter(|p| p.code.is_some() || p.country.is_some())
    .collect()
}

/// Attribution sources (objects with `text`, or strings), joined with `; `.
fn sources(v: Option<&Value>) -> Option<String> {
    let one = |a: &Value| match a {
        Value::Object(m) => text_of(m.get("text")).or_else(|| text_of(m.get("source"))),
        other => text_of(Some(other)),
    };
    let list: Vec<String> = match v {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(a) => one(a).into_iter().collect(),
        None => Vec::new(),
    };
    (!list.is_empty()).then(|| list.join("; "))
}

#[cfg(test)]
mod tests {

    use super::*;
    use serde_json::json;

    #[test]
    fn record_column_keeps_the_json_and_writes_it_compressed() {
        let json = r#"{"events":[],"id":"a","title":"Talks in Geneva"}"#.repeat(4);
        let column = RecordColumn::new(json.clone());
        assert_eq!(column.as_str(), json);
        assert_eq!(&*column, json.as_str());
        let value = column.value();
        assert!(matches!(value, rusqlite::types::ValueRef::Blob(_)));
        assert_eq!(crate::packed::unpack(value).as_deref(), Some(json.as_str()));
        assert_eq!(String::from(column), json);
    }

    #[test]
    fn reads_events_defensively() {
        let rec = Record::from_value(json!({
            "id": "abc", "date": "2024-03-02", "language": "en", "text": "Body.",
            "origin": {"path": "a.txt", "format": "text"},
            "events": [
                {"event": "PROTEST", "mode": "demonstrate", "modality": "asserted",
                 "date": {"value": "2024-03-01", "earliest": "2024-03-01", "latest": "2024-03-01"},
                 "actor": [{"code": "FRACVL", "country": "FRA"}, {"code": "FRALAB"}],
                 "recipient": {"code": "FRAGOV", "country": "FRA"},
                 "event_loc": {"name": "Lyon", "lat": 45.76, "lon": "4.84"},
                 "attribution": [{"text": "the police", "kind": "official"}, {"text": "organisers"}]},
                {"event": {"code": "ACCUSE"}, "actor": "not-an-object", "date": 7,
                 "mode": ["verbal", "formal"], "event_loc": {"name": "Nowhere", "country": "XXX"}},
                {"date": {"value": "2024-02"}}, {"date": "PAST_REF"},
                "garbage",
                {"actor": null, "event_loc": [1, 2], "lat": "x"}
            ]
        }));
        assert_eq!(rec.id, "abc");
        assert_eq!(rec.text, "Body.");
        assert!(
            rec.record.contains("\"events\":[]"),
            "events are kept out of the record column"
        );
        assert!(
            !rec.record.contains("Body."),
            "text is kept out of the record column"
        );
        assert_eq!(rec.events.len(), 6);
        let e = &rec.events[0];
        assert_eq!(e.event.as_deref(), Some("PROTEST"));
        assert_eq!(e.actors.len(), 2);
        assert_eq!(e.actors[1].code.as_deref(), Some("FRALAB"));
        assert_eq!(e.recipients[0].country.as_deref(), Some("FRA"));
        assert_eq!((e.lat, e.lon), (Some(45.76), Some(4.84)));
        assert_eq!(e.source.as_deref(), Some("the police; organisers"));
        let e = &rec.events[1];
        assert_eq!(e.event.as_deref(), Some("ACCUSE"));
        assert_eq!(e.date.as_deref(), Some("7"));
        assert_eq!(
            e.earliest.as_deref(),
            Some("2024-03-02"),
            "not a calendar date"
        );
        assert_eq!(e.mode.as_deref(), Some("verbal,formal"));
        assert_eq!(e.place_country.as_deref(), Some("XXX"));
        let e = &rec.events[2];
        assert_eq!(
            (e.earliest.as_deref(), e.latest.as_deref()),
            (Some("2024-02"), Some("2024-02-99"))
        );
        assert_eq!(rec.events[3].latest.as_deref(), Some("2024-03-02"));
        let e = &rec.events[4];
        assert_eq!(e.event, None);
        assert_eq!(
            e.earliest.as_deref(),
            Some("2024-03-02"),
            "document date stands in"
        );
        assert_eq!(rec.events[5].place, None);
    }

    #[test]
    fn typed_records_give_the_rows_of_their_json() {
        use annals_document::Document;
        let pipeline = annals_pipeline::Pipeline::new();
        let texts = [
            "PARIS (Reuters) - Farmers blocked roads near Lyon on Friday, police said. \
             The interior minister met union leaders in Paris on Monday and promised talks.",
            "Officials in Ankara accused Athens of violating Turkish airspace twice last week, \
             the ministry said in a statement. Greece denied the claim.",
            "Nothing happened. Quotes \"inside\" and tabs\tand accents: Zürich, São Paulo.",
            "",
        ];
        let (mut events, mut actors) = (0, 0);
        for (i, text) in texts.iter().enumerate() {
            let mut doc =
                Document::new((*text).to_string()).with_date(Some("2024-03-02".parse().unwrap()));
            if i % 2 == 1 {
                doc.title = Some(format!("Headline {i}"));
                doc.outlet = Some("Wire".into());
                doc.date = None;
            }
            let extraction = pipeline.extract(doc);
            assert!(sorted_json::to_string(&extraction, &["text"], &["events"]).is_ok());
            let direct = Record::from_extraction(&extraction);
            assert_eq!(direct, Record::from_extraction_value(&extraction), "{text}");
            events += direct.events.len();
            actors += extraction.actors.len();
        }
        assert!(
            events > 0 && actors > 0,
            "the fixtures have events and actors"
        );
    }

    use annals_document::{Origin, Span};
    use annals_events::{
        AttributionLink, EventDate, EventLoc, Evidence, Modality, Quantity, SourceKind,
    };
    use proptest::prelude::*;

    /// A record with no findings but `events`.
    fn extraction(text: &str, date: Option<&str>, events: Vec<Event>) -> Extraction {
        let mut document = Document::new(text.to_string());
        document.date = date.and_then(|d| d.parse().ok());
        document.origin = Origin {
            path: "in \"quotes\".jsonl".into(),
            line: Some(3),
            item: None,
            record_id: Some("r\u{1}".into()),
            format: "jsonl".into(),
        };
        Extraction {
            document,
            sentences: Vec::new(),
            times: Vec::new(),
            narrative_times: Vec::new(),
            places: Vec::new(),
            actors: Vec::new(),
            events,
        }
    }

    fn party(text: &str, code: &str, country: &str) -> Party {
        Party {
            text: text.into(),
            code: code.into(),
            country: country.into(),
            sector: String::new(),
            span: Span::new(0, 3),
        }
    }

    fn date(value: &str, earliest: Option<&str>, latest: Option<&str>) -> EventDate {
        EventDate {
            value: value.into(),
            earliest: earliest.map(str::to_string),
            latest: latest.map(str::to_string),
            text: String::new(),
            span: None,
            rule: "test/date".into(),
        }
    }

    fn event(id: &str) -> Event {
        Event {
            id: id.into(),
            event: "PROTEST".into(),
            mode: vec!["demonstrate".into()],
            context: Vec::new(),
            cameo: "141".into(),
            quad_code: 3,
            actor: vec![party("Farmers", "FRAAGR", "FRA")],
            recipient: Vec::new(),
            date: None,
            reported_date: None,
            event_loc: None,
            dead: None,
            injured: None,
            arrested: None,
            size: None,
            weapons: None,
            modality: Modality::Asserted,
            attribution: Vec::new(),
            trigger: Evidence {
                text: "blocked".into(),
                span: Span::new(8, 15),
            },
            sentence: Span::new(0, 20),
            rules: vec!["test/rule".into()],
            confidence: 0.8,
        }
    }

    /// The direct rows, by reference and by value, against the rows read through the JSON value.
    fn assert_same_rows(extraction: &Extraction) {
        let reference = Record::from_extraction_value(extraction);
        assert_eq!(Record::from_extraction(extraction), reference);
        assert_eq!(Record::from_extraction_owned(extraction.clone()), reference);
    }

    #[test]
    fn odd_events_give_the_rows_of_their_json() {
        let text = "Farmers blocked roads. Zürich \"quoted\" text\twith a tab.";
        let mut odd = Vec::new();
        let mut e = event("e0");
        e.event = "  ".into();
        e.mode = vec![
            String::new(),
            " verbal ".into(),
            "\t".into(),
            "formal".into(),
        ];
        e.actor = vec![
            party("", "", ""),
            party("x", " ", "FRA"),
            party("y", "USA\u{1}", ""),
        ];
        e.recipient = vec![party("they", "GOV", " ")];
        e.date = Some(date("2024", None, None));
        e.attribution = vec![
            AttributionLink {
                text: " ".into(),
                kind: SourceKind::Anonymous,
                span: Span::new(0, 1),
                rule: "a".into(),
            },
            AttributionLink {
                text: "the \"police\"".into(),
                kind: SourceKind::Official,
                span: Span::new(1, 2),
                rule: "b".into(),
            },
            AttributionLink {
                text: " organisers ".into(),
                kind: SourceKind::SocialMedia,
                span: Span::new(2, 3),
                rule: "c".into(),
            },
        ];
        e.sentence = Span::new(0, 22);
        odd.push(e);
        let mut e = event("e1");
        e.date = Some(date("2024-03", Some(""), Some("  ")));
        e.reported_date = Some(date("PRESENT_REF", None, None));
        e.event_loc = Some(EventLoc {
            name: " Lyon ".into(),
            country: String::new(),
            lat: Some(f64::NAN),
            lon: Some(1e300),
            precision: "city".into(),
            span: Span::new(3, 7),
        });
        e.dead = Some(Quantity {
            value: u64::MAX,
            unit: String::new(),
            approximate: true,
            text: "dozens".into(),
            span: Span::new(1, 2),
            rule: "q".into(),
        });
        e.modality = Modality::Hypothetical;
        e.quad_code = 255;
        e.confidence = f64::INFINITY;
        // Not on a character boundary: no sentence text.
        e.sentence = Span::new(24, 25);
        odd.push(e);
        let mut e = event("e2");
        e.date = Some(date(" PAST_REF ", Some("2023-01-01"), None));
        e.event_loc = Some(EventLoc {
            name: String::new(),
            country: "DEU".into(),
            lat: Some(-0.0),
            lon: Some(f64::NEG_INFINITY),
            precision: String::new(),
            span: Span::new(0, 0),
        });
        e.modality = Modality::Denied;
        e.confidence = 5e-324;
        // Past the end of the text, then empty.
        e.sentence = Span::new(40, 400);
        odd.push(e);
        let mut e = event("e3");
        e.date = Some(date("2024-03-05", None, Some("2024-03-09")));
        e.sentence = Span::new(5, 5);
        e.rules = Vec::new();
        odd.push(e);
        let mut e = event("e4");
        e.date = Some(date("", None, None));
        odd.push(e);
        for doc_date in [None, Some("2024-03-02")] {
            assert_same_rows(&extraction(text, doc_date, odd.clone()));
            assert_same_rows(&extraction("", doc_date, odd.clone()));
            assert_same_rows(&extraction(text, doc_date, Vec::new()));
        }
        let rows = Record::from_extraction(&extraction(text, Some("2024-03-02"), odd));
        assert_eq!(rows.events[0].mode.as_deref(), Some("verbal,formal"));
        assert_eq!(
            rows.events[0].source.as_deref(),
            Some("the \"police\"; organisers")
        );
        assert_eq!(rows.events[0].latest.as_deref(), Some("2024-99-99"));
        assert_eq!(rows.events[1].lat, None);
        assert_eq!(rows.events[1].place.as_deref(), Some("Lyon"));
        assert_eq!(rows.events[2].earliest.as_deref(), Some("2023-01-01"));
        assert_eq!(rows.events[2].latest.as_deref(), Some("2024-03-02"));
        assert_eq!(rows.events[4].date, None);
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(vec![
                "",
                " ",
                "\t",
                "2024",
                "2024-03",
                "2024-03-05",
                " 2024-03 ",
                "20245",
                "PAST_REF",
                "FRA",
                "USAGOV",
                "naïve \"q\" \\ \u{1}",
            ])
            .prop_map(str::to_string),
            any::<String>(),
        ]
    }

    fn any_date() -> impl Strategy<Value = Option<EventDate>> {
        proptest::option::of(
            (
                any_text(),
                proptest::option::of(any_text()),
                proptest::option::of(any_text()),
            )
                .prop_map(|(v, e, l)| date(&v, e.as_deref(), l.as_deref())),
        )
    }

    fn any_float() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            -180.0..180.0f64
        ]
    }

    fn any_event() -> impl Strategy<Value = Event> {
        let parties = || {
            proptest::collection::vec(
                (any_text(), any_text(), any_text()).prop_map(|(t, c, n)| party(&t, &c, &n)),
                0..3,
            )
        };
        let coordinate = || proptest::option::of(any_float());
        let loc = proptest::option::of(
            (any_text(), any_text(), coordinate(), coordinate()).prop_map(
                |(name, country, lat, lon)| EventLoc {
                    name,
                    country,
                    lat,
                    lon,
                    precision: "city".into(),
                    span: Span::new(0, 1),
                },
            ),
        );
        let sources = proptest::collection::vec(any_text(), 0..3);
        let modality = proptest::sample::select(Modality::ALL.to_vec());
        (
            (
                any_text(),
                proptest::collection::vec(any_text(), 0..3),
                any::<u8>(),
            ),
            (parties(), parties()),
            (any_date(), any_date(), loc),
            (sources, modality, 0..80usize, 0..80usize, any_float()),
        )
            .prop_map(
                |(
                    (code, mode, quad),
                    (actor, recipient),
                    (date, reported, loc),
                    (sources, modality, start, end, confidence),
                )| {
                    let mut e = event("p");
                    e.event = code;
                    e.mode = mode;
                    e.quad_code = quad;
                    e.actor = actor;
                    e.recipient = recipient;
                    e.date = date;
                    e.reported_date = reported;
                    e.event_loc = loc;
                    e.attribution = sources
                        .into_iter()
                        .map(|text| AttributionLink {
                            text,
                            kind: SourceKind::Media,
                            span: Span::new(0, 1),
                            rule: "s".into(),
                        })
                        .collect();
                    e.modality = modality;
                    e.sentence = Span { start, end };
                    e.confidence = confidence;
                    e
                },
            )
    }

    proptest! {
        #[test]
        fn any_events_give_the_rows_of_their_json(
            text in any_text(),
            doc_date in proptest::option::of(proptest::sample::select(vec!["2024-03-02", "1998-08-07"])),
            events in proptest::collection::vec(any_event(), 0..4),
        ) {
            let extraction = extraction(&text, doc_date, events);
            let reference = Record::from_extraction_value(&extraction);
            prop_assert_eq!(Record::from_extraction(&extraction), reference.clone());
            prop_assert_eq!(Record::from_extraction_owned(extraction), reference);
        }
    }

    #[test]
    fn non_object_record_gives_empty_columns() {
        let rec = Record::from_value(json!([1, 2]));
        assert!(rec.id.is_empty() && rec.events.is_empty());
    }
}
