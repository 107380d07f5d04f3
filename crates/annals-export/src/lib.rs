//! Exports: annals events and happenings in the formats other tools read.
//!
//! | format | what | one record is | writer |
//! | --- | --- | --- | --- |
//! | PLOVER JSONL | events | a JSON line with the PLOVER manual's field names | [`PloverWriter`] |
//! | GDELT TSV | events | a row of the 61 GDELT 2.0 event columns, no header | [`GdeltWriter`] |
//! | ACLED CSV | events ACLED records | a row under ACLED's header | [`AcledWriter`] |
//! | GeoJSON | happenings | a Point feature in one FeatureCollection | [`GeoJsonWriter`] |
//! | Parquet | events | a row of typed columns | [`ParquetWriter`] |
//!
//! Every writer streams: it holds one record at a time (Parquet holds one row group of
//! [`parquet::ROW_GROUP_ROWS`] rows), so memory does not grow with the number of events.
//! Writers read [`ExportEvent`] (an event as JSON plus its article's metadata, see
//! [`ExportEvent::from_value`]) and [`ExportHappening`]; [`Filter`] selects by event type,
//! country and date. The mappings, field by field, are in `docs/exports.md`; the mapping tables
//! (PLOVER scores, ACLED types and actor types) are data in `data/export/`.
//!
//! - **PLOVER**: `id`, `date` (earliest day), `enddate` (latest, when it differs), `event` (a
//!   list, as the manual's minimal record), `mode`, `context`, `quad_code`, `event_scale` (the
//!   manual's conflict-cooperation score of the type and mode), `actor`/`recipient` entity
//!   objects (`code` the 3-letter top-level code, `sector`, `entity_text`, `country` name, plus
//!   `actor_code`, the full CAMEO-style code), `event_loc` (`extracted_place`, `lat`, `lon`,
//!   `country`, `country_code`, `resolution`), `event_text`, `dead`/`injured`/`arrested`/`size`,
//!   `text` and `text_info` (the sentence), `cite_info` (url, title, language, publication),
//!   and annals' own `modality`, `sources` (attribution), `reported_date`, `confidence`.
//! - **GDELT 2.0**: GlobalEventID (53 bits of a hash of `doc_id#idx`), Day, MonthYear, Year,
//!   FractionDate (year + day of year / days in year), Actor1/2 Code, Name, CountryCode,
//!   Type1Code (the sector), IsRootEvent (the sentence is in the first paragraph), EventCode,
//!   EventBaseCode and EventRootCode (the CAMEO code cut to 3 and 2 digits), QuadClass (the
//!   PLOVER quad code), NumMentions/NumSources/NumArticles (1: one article), ActionGeo_Type,
//!   FullName, CountryCode (ISO 3166 alpha-2, where GDELT uses FIPS 10-4), Lat, Long,
//!   DATEADDED (when stored, else the publication day), SOURCEURL. GoldsteinScale, AvgTone and
//!   the other columns stay empty: annals has no Goldstein table from a public source.
//! - **ACLED**: the event type from `data/export/acled_types.tsv` (event, mode and recipient
//!   sector); events ACLED does not record (meetings, statements...) are left out. Actor types
//!   (`inter1`, `inter2`) from `data/export/acled_inter.tsv`; `interaction` joins them, smaller
//!   first. `iso`, `region` and `admin1..3` stay empty.
//! - **GeoJSON**: one `Point` per happening with coordinates (`[lon, lat]`); properties `id`,
//!   `event`, `date` (a day or an ISO 8601 interval `earliest/latest`), `earliest`, `latest`,
//!   `actors`, `recipients`, `reports`, `outlets`, `independent_sources`, `corroborated`,
//!   `contradiction` and the kinds in `contradictions`. Happenings without coordinates are left
//!   out.
//! - **Parquet**: the columns of [`parquet::schema`]; lists are joined (`mode` with `,`,
//!   `actors` with `;`); `earliest`, `latest` and `published` are Parquet `DATE`s.
//!
//! ```
//! use annals_export::{DocMeta, EventSink, ExportEvent, Format, event_sink};
//!
//! let doc = DocMeta { id: "d1".into(), date: Some("2024-03-02".into()), ..DocMeta::default() };
//! let json = serde_json::json!({"id": "d1-e1", "event": "PROTEST", "mode": ["demo"],
//!     "cameo": "141", "quad_code": 4, "actor": [{"code": "FRALAB", "country": "FRA"}]});
//! let event = ExportEvent::from_value(doc, 0, &json, None);
//! let mut out = Vec::new();
//! let mut sink = event_sink(Format::Gdelt, &mut out).unwrap();
//! sink.write(&event).unwrap();
//! sink.finish().unwrap();
//! let line = String::from_utf8(out).unwrap();
//! assert_eq!(line.trim_end_matches('\n').split('\t').count(), 61);
//! ```

mod acled;
mod dates;
mod gdelt;
mod geojson;
mod model;
pub mod parquet;
mod plover;
mod run;
mod tables;

pub use acled::AcledWriter;
pub use gdelt::{COLUMNS as GDELT_COLUMNS, GdeltWriter};
pub use geojson::{ExportHappening, GeoJsonWriter};
pub use model::{DocMeta, ExportEvent, ExportParty, ExportPlace, numeric_id};
pub use parquet::ParquetWriter;
pub use plover::{PloverWriter, record as plover_record};
pub use run::{DEFAULT_ORDER, Summary, export_events, export_happenings};
pub use tables::{AcledType, Tables};

/// The ACLED CSV header, in order.
pub const ACLED_COLUMNS: [&str; 31] = acled::COLUMNS;

use std::io::Write;

/// What can go wrong while exporting.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the output failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The Parquet writer failed.
    #[error("cannot write Parquet: {0}")]
    Parquet(#[from] ::parquet::errors::ParquetError),
    /// A record could not be serialized as JSON.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The store could not be read.
    #[error("{0}")]
    Store(#[from] annals_store::StoreError),
    /// The store holds no documents.
    #[error("the store holds no documents (add some with `annals ingest`)")]
    EmptyStore,
    /// A format or filter was given wrongly.
    #[error("{0}")]
    Usage(String),
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PLOVER JSON lines (events).
    Plover,
    /// GDELT 2.0 event table, tab-separated, no header (events).
    Gdelt,
    /// ACLED-style CSV with header (events ACLED records).
    Acled,
    /// GeoJSON FeatureCollection (happenings).
    GeoJson,
    /// Parquet file (events).
    Parquet,
}

impl Format {
    /// Whether the format holds happenings rather than events.
    pub fn is_happenings(self) -> bool {
        self == Format::GeoJson
    }

    /// Whether the format is binary (it cannot go to a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Parquet
    }
}

impl std::str::FromStr for Format {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Format, ExportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "plover" | "jsonl" => Ok(Format::Plover),
            "gdelt" | "tsv" => Ok(Format::Gdelt),
            "acled" | "csv" => Ok(Format::Acled),
            "geojson" => Ok(Format::GeoJson),
            "parquet" => Ok(Format::Parquet),
            other => Err(ExportError::Usage(format!(
                "unknown export format `{other}` (plover, gdelt, acled, geojson, parquet)"
            ))),
        }
    }
}

/// A writer of events in one format.
pub trait EventSink {
    /// Writes one event; `false` when the format leaves it out (ACLED: a type it does not
    /// record).
    fn write(&mut self, event: &ExportEvent) -> Result<bool, ExportError>;
    /// Writes what is buffered, closes the format (Parquet footer) and flushes.
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// The event writer of `format` over `out`; an error for GeoJSON, which holds happenings.
pub fn event_sink<'a, W: Write + Send + 'a>(
    format: Format,
    out: W,
) -> Result<Box<dyn EventSink + 'a>, ExportError> {
    Ok(match format {
        Format::Plover => Box::new(PloverWriter::new(out)),
        Format::Gdelt => Box::new(GdeltWriter::new(out)),
        Format::Acled => Box::new(AcledWriter::new(out)?),
        Format::Parquet => Box::new(ParquetWriter::new(out)?),
        Format::GeoJson => {
            return Err(ExportError::Usage(
                "geojson exports happenings, not events".into(),
            ));
        }
    })
}

/// Which events or happenings to export. Empty fields select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// PLOVER event types (any of them, case-insensitive).
    pub events: Vec<String>,
    /// Country codes (ISO-3; any of them): of the place or of an actor or recipient.
    pub countries: Vec<String>,
    /// Only what may have happened on or after this day (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub since: Option<String>,
    /// Only what may have happened on or before this day (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub until: Option<String>,
}

/// A partial date as the first or the last day it covers (`2024` → `2024-01-01`/`2024-12-31`).
fn bound(s: &str, last: bool) -> Result<String, ExportError> {
    let bad = || ExportError::Usage(format!("`{s}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"));
    let parts: Vec<&str> = s.trim().split('-').collect();
    fn num(p: &str, n: usize) -> Option<&str> {
        (p.len() == n && p.bytes().all(|b| b.is_ascii_digit())).then_some(p)
    }
    let y: i32 = parts
        .first()
        .and_then(|p| num(p, 4))
        .ok_or_else(bad)?
        .parse()
        .map_err(|_| bad())?;
    let m: u32 = match parts.get(1) {
        Some(p) => num(p, 2).ok_or_else(bad)?.parse().map_err(|_| bad())?,
        None => {
            if last {
                12
            } else {
                1
            }
        }
    };
    if !(1..=12).contains(&m) || parts.len() > 3 {
        return Err(bad());
    }
    let d: u32 = match parts.get(2) {
        Some(p) => num(p, 2).ok_or_else(bad)?.parse().map_err(|_| bad())?,
        None => {
            if last {
                dates::days_in_month(y, m)
            } else {
                1
            }
        }
    };
    if d < 1 || d > dates::days_in_month(y, m) {
        return Err(bad());
    }
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

impl Filter {
    /// Checks the dates and normalizes them to days; call before matching.
    pub fn normalized(mut self) -> Result<Filter, ExportError> {
        self.since = self.since.as_deref().map(|s| bound(s, false)).transpose()?;
        self.until = self.until.as_deref().map(|s| bound(s, true)).transpose()?;
        self.events = self
            .events
            .iter()
            .map(|e| e.trim().to_ascii_uppercase())
            .collect();
        self.countries = self
            .countries
            .iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .collect();
        Ok(self)
    }

    fn dates_match(&self, earliest: Option<&str>, latest: Option<&str>) -> bool {
        fn day(s: Option<&str>) -> Option<&str> {
            s.and_then(|s| s.get(..10))
                .filter(|s| dates::day_of(s).is_some())
        }
        let (e, l) = (day(earliest), day(latest).or(day(earliest)));
        if let Some(since) = &self.since {
            match l {
                Some(l) if l >= since.as_str() => {}
                _ => return false,
            }
        }
        if let Some(until) = &self.until {
            match e {
                Some(e) if e <= until.as_str() => {}
                _ => return false,
            }
        }
        true
    }

    fn country_match<'a>(&self, mut codes: impl Iterator<Item = &'a str>) -> bool {
        self.countries.is_empty()
            || codes.any(|c| {
                let c = c.get(..3).unwrap_or(c);
                self.countries.iter().any(|x| x.eq_ignore_ascii_case(c))
            })
    }

    /// Whether an event is selected (call on a [`Filter::normalized`] filter).
    pub fn matches(&self, e: &ExportEvent) -> bool {
        (self.events.is_empty() || self.events.iter().any(|x| x.eq_ignore_ascii_case(&e.event)))
            && self.country_match(
                e.place
                    .iter()
                    .map(|p| p.country.as_str())
                    .chain(
                        e.actors
                            .iter()
                            .chain(&e.recipients)
                            .flat_map(|p| [p.country.as_str(), p.code.as_str()]),
                    )
                    .filter(|c| !c.is_empty()),
            )
            && self.dates_match(e.earliest.as_deref(), e.latest.as_deref())
    }

    /// Whether a happening is selected (call on a [`Filter::normalized`] filter).
    pub fn matches_happening(&self, h: &ExportHappening) -> bool {
        (self.events.is_empty() || self.events.iter().any(|x| x.eq_ignore_ascii_case(&h.event)))
            && self.country_match(
                h.country
                    .iter()
                    .chain(&h.actors)
                    .chain(&h.recipients)
                    .map(String::as_str)
                    .filter(|c| !c.is_empty()),
            )
            && self.dates_match(h.earliest.as_deref(), h.latest.as_deref())
    }
}

/// The English short name of a country code (ISO alpha-2, alpha-3 or CAMEO).
pub fn country_name(code: &str) -> Option<&'static str> {
    if code.trim().is_empty() {
        return None;
    }
    annals_places::Countries::builtin()
        .by_code(code)
        .map(|c| c.name.as_str())
}

/// The ISO 3166-1 alpha-2 code of a country code.
pub fn country_iso2(code: &str) -> Option<&'static str> {
    if code.trim().is_empty() {
        return None;
    }
    annals_places::Countries::builtin()
        .by_code(code)
        .map(|c| c.iso2.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_of_partial_dates() {
        assert_eq!(bound("2024", false).unwrap(), "2024-01-01");
        assert_eq!(bound("2024", true).unwrap(), "2024-12-31");
        assert_eq!(bound("2024-02", true).unwrap(), "2024-02-29");
        assert_eq!(bound("2024-02-10", true).unwrap(), "2024-02-10");
        for bad in [
            "24",
            "2024-2",
            "2024-13",
            "2023-02-29",
            "yesterday",
            "2024-01-01-01",
            "",
        ] {
            assert!(bound(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn filter_selects_by_type_country_and_overlap() {
        let e = ExportEvent {
            event: "PROTEST".into(),
            earliest: Some("2024-03-01".into()),
            latest: Some("2024-03-03".into()),
            actors: vec![ExportParty {
                code: "FRALAB".into(),
                ..ExportParty::default()
            }],
            ..ExportEvent::default()
        };
        let f = |events: &[&str], countries: &[&str], since: Option<&str>, until: Option<&str>| {
            Filter {
                events: events.iter().map(|s| s.to_string()).collect(),
                countries: countries.iter().map(|s| s.to_string()).collect(),
                since: since.map(str::to_string),
                until: until.map(str::to_string),
            }
            .normalized()
            .unwrap()
            .matches(&e)
        };
        assert!(f(&[], &[], None, None));
        assert!(f(
            &["protest"],
            &["fra"],
            Some("2024-03-03"),
            Some("2024-03")
        ));
        assert!(!f(&["ASSAULT"], &[], None, None));
        assert!(!f(&[], &["DEU"], None, None));
        assert!(!f(&[], &[], Some("2024-03-04"), None));
        assert!(!f(&[], &[], None, Some("2024-02")));
        let undated = ExportEvent::default();
        let since = Filter {
            since: Some("2024".into()),
            ..Filter::default()
        }
        .normalized()
        .unwrap();
        assert!(
            !since.matches(&undated),
            "an undated event is not known to be after a date"
        );
    }

    #[test]
    fn formats_parse() {
        assert_eq!("PLOVER".parse::<Format>().unwrap(), Format::Plover);
        assert!("xml".parse::<Format>().is_err());
        assert!(event_sink(Format::GeoJson, Vec::new()).is_err());
    }
}
