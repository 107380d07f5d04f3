//! GeoJSON: a FeatureCollection of happenings, one Point feature per located happening.

use crate::ExportError;
use annals_merge::Happening;
use serde_json::{Map, Value, json};
use std::io::Write;

/// A happening as the GeoJSON writer reads it (from a [`Happening`] or its JSON form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportHappening {
    /// Happening id.
    pub id: String,
    /// PLOVER event type.
    pub event: String,
    /// PLOVER modes.
    pub mode: Vec<String>,
    /// CAMEO code.
    pub cameo: String,
    /// PLOVER quad code, 0 when unknown.
    pub quad_code: u8,
    /// Strongest modality of its supporting reports.
    pub modality: String,
    /// Actor codes.
    pub actors: Vec<String>,
    /// Recipient codes.
    pub recipients: Vec<String>,
    /// Earliest day.
    pub earliest: Option<String>,
    /// Latest day.
    pub latest: Option<String>,
    /// Place name.
    pub place: Option<String>,
    /// ISO-3 country of the place.
    pub country: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Number of reports.
    pub reports: usize,
    /// Number of outlets.
    pub outlets: usize,
    /// Independent source groups among the supporting reports.
    pub independent_sources: usize,
    /// Whether two independent sources agree.
    pub corroborated: bool,
    /// The kinds of its contradictions (`denial`, `quantity`, `date`, `place`), sorted, unique.
    pub contradictions: Vec<String>,
    /// Earliest report date.
    pub first_reported: Option<String>,
    /// Latest report date.
    pub last_reported: Option<String>,
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn texts(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|x| text(Some(x))).collect())
        .unwrap_or_default()
}

/// A count given as a number, or as the length of a list.
fn count(v: Option<&Value>) -> usize {
    match v {
        Some(Value::Array(list)) => list.len(),
        Some(n) => n
            .as_u64()
            .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        None => 0,
    }
}

impl ExportHappening {
    /// A merged happening.
    pub fn from_happening(h: &Happening) -> ExportHappening {
        ExportHappening::from_value(&serde_json::to_value(h).unwrap_or(Value::Null))
    }

    /// A happening from its JSON form (as [`Happening`] serializes); missing fields are empty.
    pub fn from_value(v: &Value) -> ExportHappening {
        let date = v.get("date");
        let loc = v.get("event_loc");
        let corr = v.get("corroboration");
        let coord = |k: &str, range: f64| {
            loc.and_then(|l| l.get(k))
                .and_then(Value::as_f64)
                .filter(|x| x.abs() <= range)
        };
        // A merged happening lists its contradictions; a stored one counts them in
        // `contradictions` and lists them in `contradiction_list`.
        let list = match v.get("contradictions") {
            Some(Value::Array(list)) => Some(list),
            _ => v.get("contradiction_list").and_then(Value::as_array),
        };
        let mut contradictions: Vec<String> = list
            .map(|l| l.iter().filter_map(|c| text(c.get("kind"))).collect())
            .unwrap_or_default();
        if contradictions.is_empty() && count(v.get("contradictions")) > 0 {
            contradictions.push("unspecified".into());
        }
        contradictions.sort();
        contradictions.dedup();
        ExportHappening {
            id: text(v.get("id")).unwrap_or_default(),
            event: text(v.get("event")).unwrap_or_default(),
            mode: texts(v.get("mode")),
            cameo: text(v.get("cameo")).unwrap_or_default(),
            quad_code: v
                .get("quad_code")
                .and_then(Value::as_u64)
                .and_then(|q| u8::try_from(q).ok())
                .unwrap_or(0),
            modality: text(v.get("modality")).unwrap_or_default(),
            actors: texts(v.get("actor")),
            recipients: texts(v.get("recipient")),
            earliest: text(date.and_then(|d| d.get("earliest"))),
            latest: text(date.and_then(|d| d.get("latest"))),
            place: text(loc.and_then(|l| l.get("name"))),
            country: text(loc.and_then(|l| l.get("country"))),
            lat: coord("lat", 90.0),
            lon: coord("lon", 180.0),
            reports: count(v.get("reports")),
            outlets: count(v.get("outlets")),
            independent_sources: count(
                corr.and_then(|c| c.get("independent_sources"))
                    .or_else(|| v.get("independent_sources")),
            ),
            corroborated: corr
                .and_then(|c| c.get("corroborated"))
                .or_else(|| v.get("corroborated"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            contradictions,
            first_reported: text(v.get("first_reported")),
            last_reported: text(v.get("last_reported")),
        }
    }

    /// The GeoJSON feature, or `None` when the happening has no coordinates.
    pub fn feature(&self) -> Option<Value> {
        let (lat, lon) = self.lat.zip(self.lon)?;
        let date = match (&self.earliest, &self.latest) {
            (Some(a), Some(b)) if a == b => Some(a.clone()),
            (Some(a), Some(b)) => Some(format!("{a}/{b}")),
            (Some(a), None) | (None, Some(a)) => Some(a.clone()),
            (None, None) => None,
        };
        let mut p = Map::new();
        p.insert("id".into(), json!(self.id));
        p.insert("event".into(), json!(self.event));
        p.insert("mode".into(), json!(self.mode));
        p.insert("cameo".into(), json!(self.cameo));
        p.insert("quad_code".into(), json!(self.quad_code));
        p.insert("modality".into(), json!(self.modality));
        p.insert("date".into(), json!(date));
        p.insert("earliest".into(), json!(self.earliest));
        p.insert("latest".into(), json!(self.latest));
        p.insert("place".into(), json!(self.place));
        p.insert("country".into(), json!(self.country));
        p.insert("actors".into(), json!(self.actors));
        p.insert("recipients".into(), json!(self.recipients));
        p.insert("reports".into(), json!(self.reports));
        p.insert("outlets".into(), json!(self.outlets));
        p.insert(
            "independent_sources".into(),
            json!(self.independent_sources),
        );
        p.insert("corroborated".into(), json!(self.corroborated));
        p.insert(
            "contradiction".into(),
            json!(!self.contradictions.is_empty()),
        );
        p.insert("contradictions".into(), json!(self.contradictions));
        p.insert("first_reported".into(), json!(self.first_reported));
        p.insert("last_reported".into(), json!(self.last_reported));
        Some(json!({
            "type": "Feature",
            "id": self.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": Value::Object(p),
        }))
    }
}

/// Writes happenings as one GeoJSON FeatureCollection, streaming (a feature at a time).
#[derive(Debug)]
pub struct GeoJsonWriter<W: Write> {
    out: W,
    features: u64,
}

impl<W: Write> GeoJsonWriter<W> {
    /// A writer over `out`; writes the collection's head at once.
    pub fn new(mut out: W) -> Result<GeoJsonWriter<W>, ExportError> {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
        Ok(GeoJsonWriter { out, features: 0 })
    }

    /// Writes one happening; returns `false` (and writes nothing) when it has no coordinates.
    pub fn write(&mut self, happening: &ExportHappening) -> Result<bool, ExportError> {
        let Some(feature) = happening.feature() else {
            return Ok(false);
        };
        if self.features > 0 {
            self.out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut self.out, &feature)?;
        self.features += 1;
        Ok(true)
    }

    /// Closes the collection and flushes.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.out.write_all(b"\n]}\n")?;
        Ok(self.out.flush()?)
    }
}
