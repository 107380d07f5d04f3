//! ACLED-style CSV: ACLED's columns and header, one row per event that ACLED would record.

use crate::model::ExportEvent;
use crate::tables::Tables;
use crate::{EventSink, ExportError, country_name};
use std::io::Write;

/// The ACLED columns, in order (the header row).
pub const COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// Writes events as ACLED-style CSV rows (after a header row).
#[derive(Debug)]
pub struct AcledWriter<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> AcledWriter<W> {
    /// A writer over `out`; writes the header row at once.
    pub fn new(out: W) -> Result<AcledWriter<W>, ExportError> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(COLUMNS)?;
        Ok(AcledWriter { out })
    }
}

/// ACLED time precision: 1 the day is known, 2 the week, 3 the month (or coarser).
fn time_precision(e: &ExportEvent) -> Option<u8> {
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(crate::dates::day_of)
            .map(crate::dates::days_from_civil)
    };
    let (a, b) = (
        day(&e.earliest)?,
        day(&e.latest).unwrap_or(day(&e.earliest)?),
    );
    Some(match b - a {
        ..=0 => 1,
        1..=6 => 2,
        _ => 3,
    })
}

/// ACLED geo precision: 1 the town, 2 part of a region, 3 a region or coarser.
fn geo_precision(precision: &str) -> Option<u8> {
    match precision {
        "" => None,
        "poi" | "district" | "neighbourhood" | "neighborhood" | "site" | "city" | "town"
        | "village" => Some(1),
        "county" | "admin2" => Some(2),
        _ => Some(3),
    }
}

/// A party as ACLED names actors: its text (else its code), with its country when known.
fn actor_name(p: &crate::model::ExportParty) -> String {
    let name = if p.text.is_empty() { &p.code } else { &p.text };
    match country_name(&p.country) {
        Some(c) if !name.contains(c) => format!("{name} ({c})"),
        _ => name.clone(),
    }
}

/// Modalities of events that took place: ACLED records nothing announced, possible or denied.
const FACTUAL: [&str; 3] = ["asserted", "reported", "alleged"];

/// The CSV fields of an event, or `None` when ACLED would not record it (no ACLED type
/// applies, or the event is not stated as having taken place).
pub fn row(e: &ExportEvent) -> Option<Vec<String>> {
    if !e.modality.is_empty() && !FACTUAL.contains(&e.modality.as_str()) {
        return None;
    }
    let tables = Tables::builtin();
    let kind = tables.acled_type(e)?;
    let mut f = vec![String::new(); COLUMNS.len()];
    let country = e.country().unwrap_or("");
    f[0] = format!(
        "{}{}",
        if country.is_empty() { "XXX" } else { country },
        e.numeric_id()
    );
    if let Some((y, m, d)) = e.day() {
        f[1] = format!("{y:04}-{m:02}-{d:02}");
        f[2] = y.to_string();
    }
    f[3] = time_precision(e).map(|p| p.to_string()).unwrap_or_default();
    f[4].clone_from(&kind.disorder_type);
    f[5].clone_from(&kind.event_type);
    f[6].clone_from(&kind.sub_event_type);
    let side = |list: &[crate::model::ExportParty], actor: bool| {
        let main = list.first().map(actor_name).unwrap_or_default();
        let assoc: Vec<String> = list.iter().skip(1).map(actor_name).collect();
        let inter = list.first().and_then(|p| tables.acled_inter(e, p, actor));
        (main, assoc.join("; "), inter)
    };
    let (a1, assoc1, inter1) = side(&e.actors, true);
    let (a2, assoc2, inter2) = side(&e.recipients, false);
    f[7] = a1;
    f[8] = assoc1;
    f[9] = inter1.map(|i| i.to_string()).unwrap_or_default();
    f[10] = a2;
    f[11] = assoc2;
    f[12] = inter2.map(|i| i.to_string()).unwrap_or_default();
    f[13] = match (inter1, inter2) {
        (Some(a), Some(b)) => format!("{}{}", a.min(b), a.max(b)),
        (Some(a), None) | (None, Some(a)) => format!("{a}0"),
        (None, None) => String::new(),
    };
    let violent = kind.disorder_type.contains("Political violence");
    if kind.event_type == "Violence against civilians" || (violent && inter2 == Some(7)) {
        f[14] = "Civilian targeting".into();
    }
    // iso (ISO 3166 numeric), region and admin1..3 stay empty: annals does not resolve them.
    f[17] = country_name(country).unwrap_or(country).to_string();
    if let Some(p) = &e.place {
        f[21].clone_from(&p.name);
        if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
            f[22] = format!("{lat}");
            f[23] = format!("{lon}");
        }
        f[24] = geo_precision(&p.precision)
            .map(|p| p.to_string())
            .unwrap_or_default();
    }
    let mut sources: Vec<&str> = e.doc.outlet.as_deref().into_iter().collect();
    for a in &e.attribution {
        if !sources.iter().any(|s| s.eq_ignore_ascii_case(a)) {
            sources.push(a);
        }
    }
    f[25] = sources.join("; ");
    f[27] = e.sentence.clone().unwrap_or_else(|| e.trigger.clone());
    f[28] = e.dead.unwrap_or(0).to_string();
    let mut tags = Vec::new();
    if let Some(n) = e.size {
        tags.push(format!("crowd size={n}"));
    }
    if let Some(n) = e.arrested {
        tags.push(format!("arrests={n}"));
    }
    if let Some(n) = e.injured {
        tags.push(format!("injuries={n}"));
    }
    if e.modality == "alleged" {
        tags.push("alleged".into());
    }
    f[29] = tags.join("; ");
    let added = e.doc.added.as_deref().or(e.doc.date.as_deref());
    f[30] = added
        .and_then(crate::dates::unix_seconds)
        .map(|t| t.to_string())
        .unwrap_or_default();
    Some(f)
}

impl<W: Write> EventSink for AcledWriter<W> {
    fn write(&mut self, event: &ExportEvent) -> Result<bool, ExportError> {
        match row(event) {
            Some(fields) => {
                self.out.write_record(&fields)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        Ok(self.out.flush()?)
    }
}
