//! GDELT 2.0 event table: 61 tab-separated columns, no header, one event per line.

use crate::dates::{day_of, day_of_year, is_leap};
use crate::model::{ExportEvent, ExportParty};
use crate::{EventSink, ExportError, country_iso2, country_name};
use std::io::Write;

/// The 61 columns of the GDELT 2.0 event table, in order.
pub const COLUMNS: [&str; 61] = [
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// Writes events as GDELT 2.0 event rows.
#[derive(Debug)]
pub struct GdeltWriter<W: Write> {
    out: W,
}

impl<W: Write> GdeltWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> GdeltWriter<W> {
        GdeltWriter { out }
    }
}

/// Field text without the tabs and line breaks that would break the row.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// GDELT's actor fields (Code, Name, CountryCode, KnownGroup, Ethnic, Religion1, Religion2,
/// Type1, Type2, Type3) of the first party of a side.
fn actor_fields(p: Option<&ExportParty>) -> [String; 10] {
    let mut f: [String; 10] = Default::default();
    if let Some(p) = p {
        f[0] = clean(&p.code);
        f[1] = clean(&p.text).to_uppercase();
        f[2] = clean(&p.country);
        f[7] = clean(&p.sector);
    }
    f
}

/// GDELT geographic resolution: 1 country, 2 US state, 3 US city, 4 world city, 5 world state.
fn geo_type(precision: &str, country: &str) -> Option<u8> {
    let us = country == "USA";
    match precision {
        "country" => Some(1),
        "region" | "state" | "province" | "admin1" | "county" | "admin2" => {
            Some(if us { 2 } else { 5 })
        }
        "" => None,
        _ => Some(if us { 3 } else { 4 }),
    }
}

/// `YYYYMMDDHHMMSS` of an ISO 8601 date or date-time.
fn compact_datetime(s: &str) -> Option<String> {
    let (y, m, d) = day_of(s)?;
    let (h, mi, se) = crate::dates::time_of(s).unwrap_or((0, 0, 0));
    Some(format!("{y:04}{m:02}{d:02}{h:02}{mi:02}{se:02}"))
}

/// The 61 fields of one event.
pub fn row(e: &ExportEvent) -> Vec<String> {
    let mut f: Vec<String> = vec![String::new(); 61];
    f[0] = e.numeric_id().to_string();
    if let Some(day @ (y, m, d)) = e.day() {
        f[1] = format!("{y:04}{m:02}{d:02}");
        f[2] = format!("{y:04}{m:02}");
        f[3] = format!("{y:04}");
        let days = if is_leap(y) { 366.0 } else { 365.0 };
        f[4] = format!("{:.4}", f64::from(y) + f64::from(day_of_year(day)) / days);
    }
    for (i, v) in actor_fields(e.actors.first()).into_iter().enumerate() {
        f[5 + i] = v;
    }
    for (i, v) in actor_fields(e.recipients.first()).into_iter().enumerate() {
        f[15 + i] = v;
    }
    f[25] = match e.lead {
        Some(true) => "1".into(),
        Some(false) => "0".into(),
        None => String::new(),
    };
    let cameo = clean(&e.cameo);
    if cameo.len() >= 2 && cameo.bytes().all(|b| b.is_ascii_alphanumeric()) {
        f[26] = cameo.clone();
        f[27] = cameo.get(..3).unwrap_or(&cameo).to_string();
        f[28] = cameo.get(..2).unwrap_or(&cameo).to_string();
    }
    if e.quad_code > 0 {
        f[29] = e.quad_code.to_string();
    }
    // GoldsteinScale (30) and AvgTone (34) stay empty: annals has no Goldstein table or tone.
    f[31] = "1".into();
    f[32] = "1".into();
    f[33] = "1".into();
    if let Some(p) = &e.place {
        if let Some(t) = geo_type(&p.precision, &p.country) {
            f[51] = t.to_string();
        }
        let full = match country_name(&p.country) {
            Some(c) if !p.name.is_empty() && !p.name.eq_ignore_ascii_case(c) => {
                format!("{}, {c}", p.name)
            }
            Some(c) => c.to_string(),
            None => p.name.clone(),
        };
        f[52] = clean(&full);
        f[53] = country_iso2(&p.country).unwrap_or_default().to_string();
        if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
            f[56] = format!("{lat}");
            f[57] = format!("{lon}");
        }
    }
    let added = e.doc.added.as_deref().or(e.doc.date.as_deref());
    f[59] = added.and_then(compact_datetime).unwrap_or_default();
    f[60] = clean(e.doc.url.as_deref().unwrap_or(""));
    f
}

impl<W: Write> EventSink for GdeltWriter<W> {
    fn write(&mut self, event: &ExportEvent) -> Result<bool, ExportError> {
        let fields = row(event);
        self.out.write_all(fields.join("\t").as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(true)
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        Ok(self.out.flush()?)
    }
}
