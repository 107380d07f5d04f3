//! Scoring against geoparsing gold corpora: LGL (`<toponym>` with `<gaztag>`) and GeoVirus
//! (`<location>` with `<name>`, `<lat>`, `<lon>`).
//!
//! Toponym recognition is scored by span overlap (precision, recall, F1); over the recognized gold
//! toponyms, geocoding is scored as in Gritta et al., "A Pragmatic Guide to Geoparsing Evaluation":
//! accuracy within 161 km, mean and median error in km, and the area under the curve of
//! log-scaled errors (0 is perfect, 1 is every answer at the antipode).

use crate::report::share;
use crate::{EvalError, Report};
use annals_document::Span;
use annals_places::{PlaceContext, PlaceMention, PlaceRecognizer};
use annals_segment::NewsSegmenter;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::path::Path;

/// The rule of mentions that are demonyms (optional toponyms, see [`run`]).
const DEMONYM_RULE: &str = "places/demonym";

/// Greatest possible distance on Earth, in km.
const MAX_KM: f64 = 20_039.0;

/// One gold toponym.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldToponym {
    /// Byte span in the article text.
    pub span: Span,
    /// The name as annotated.
    pub name: String,
    /// Gold coordinates, when annotated.
    pub coords: Option<(f64, f64)>,
}

/// One gold article.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldArticle {
    /// The article text.
    pub text: String,
    /// The annotated toponyms.
    pub toponyms: Vec<GoldToponym>,
}

/// Converts a character offset to a byte offset into `text` (clamped to its end).
fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map(|(b, _)| b)
        .unwrap_or(text.len())
}

/// Parses an LGL or GeoVirus XML file into articles.
pub fn parse(xml: &str, path: &str) -> Result<Vec<GoldArticle>, EvalError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut articles = Vec::new();
    let mut text = String::new();
    // Raw fields of the toponym being read: start, end, name, lat, lon.
    let mut fields: [String; 5] = Default::default();
    let mut raw: Vec<[String; 5]> = Vec::new();
    let err = |e: &dyn std::fmt::Display| EvalError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    };
    loop {
        let event = reader.read_event().map_err(|e| err(&e))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "article" {
                    text.clear();
                    raw.clear();
                }
                if name == "toponym" || name == "location" {
                    fields = Default::default();
                }
                stack.push(name);
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                if name == "toponym" || name == "location" {
                    raw.push(std::mem::take(&mut fields));
                } else if name == "article" {
                    let mut toponyms = Vec::new();
                    for f in &raw {
                        let (Ok(s), Ok(e)) =
                            (f[0].trim().parse::<usize>(), f[1].trim().parse::<usize>())
                        else {
                            continue;
                        };
                        let coords = match (f[3].trim().parse::<f64>(), f[4].trim().parse::<f64>())
                        {
                            (Ok(a), Ok(b)) => Some((a, b)),
                            _ => None,
                        };
                        let span = Span::new(char_to_byte(&text, s), char_to_byte(&text, e));
                        toponyms.push(GoldToponym {
                            span,
                            name: f[2].trim().to_string(),
                            coords,
                        });
                    }
                    articles.push(GoldArticle {
                        text: std::mem::take(&mut text),
                        toponyms,
                    });
                }
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| err(&e))?;
                collect(&stack, &s, &mut text, &mut fields);
            }
            Event::CData(c) => {
                let s = String::from_utf8_lossy(&c.into_inner()).into_owned();
                collect(&stack, &s, &mut text, &mut fields);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(articles)
}

fn collect(stack: &[String], s: &str, text: &mut String, fields: &mut [String; 5]) {
    let Some(top) = stack.last() else { return };
    let parent = stack
        .len()
        .checked_sub(2)
        .and_then(|i| stack.get(i))
        .map(String::as_str);
    let in_topo = stack.iter().any(|t| t == "toponym" || t == "location");
    match (top.as_str(), in_topo) {
        ("text", false) if parent == Some("article") => text.push_str(s),
        ("start", true) => fields[0].push_str(s),
        ("end", true) => fields[1].push_str(s),
        ("phrase", true) => fields[2].push_str(s),
        ("name", true) if parent == Some("location") => fields[2].push_str(s),
        ("lat", true) => fields[3].push_str(s),
        ("lon", true) => fields[4].push_str(s),
        _ => {}
    }
}

/// Great-circle distance in km.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Area under the curve of sorted, log-scaled errors (Gritta et al.): 0 best, 1 worst.
pub fn auc(errors: &[f64]) -> f64 {
    if errors.is_empty() {
        return 0.0;
    }
    let mut scaled: Vec<f64> = errors
        .iter()
        .map(|e| (e + 1.0).ln() / (MAX_KM + 1.0).ln())
        .collect();
    scaled.sort_by(f64::total_cmp);
    if scaled.len() == 1 {
        return scaled[0];
    }
    let area: f64 = scaled.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum();
    area / (scaled.len() - 1) as f64
}

/// Counts and errors of one corpus.
#[derive(Debug, Default, Clone)]
struct Tally {
    docs: usize,
    gold: usize,
    predicted: usize,
    matched_gold: usize,
    matched_pred: usize,
    errors_km: Vec<f64>,
    /// Errors of gold toponyms matched to a city or region (not a country or continent).
    local_km: Vec<f64>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.docs += other.docs;
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.matched_gold += other.matched_gold;
        self.matched_pred += other.matched_pred;
        self.errors_km.extend_from_slice(&other.errors_km);
        self.local_km.extend_from_slice(&other.local_km);
    }

    fn precision(&self) -> f64 {
        ratio(self.matched_pred, self.predicted)
    }

    fn recall(&self) -> f64 {
        ratio(self.matched_gold, self.gold)
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn acc161(&self) -> f64 {
        ratio(
            self.errors_km.iter().filter(|&&e| e <= 161.0).count(),
            self.errors_km.len(),
        )
    }

    fn mean(&self) -> f64 {
        if self.errors_km.is_empty() {
            0.0
        } else {
            self.errors_km.iter().sum::<f64>() / self.errors_km.len() as f64
        }
    }

    fn median(&self) -> f64 {
        let mut e = self.errors_km.clone();
        e.sort_by(f64::total_cmp);
        match e.len() {
            0 => 0.0,
            n if n % 2 == 1 => e[n / 2],
            n => (e[n / 2 - 1] + e[n / 2]) / 2.0,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Scores one article's mentions against its gold toponyms.
fn score_article(
    doc: usize,
    article: &GoldArticle,
    found: &[PlaceMention],
    errors: Option<&mut Vec<String>>,
) -> Tally {
    let mut t = Tally {
        docs: 1,
        gold: article.toponyms.len(),
        predicted: found.len(),
        ..Tally::default()
    };
    let mut used = vec![false; found.len()];
    let mut lines = Vec::new();
    for g in &article.toponyms {
        let hit = found
            .iter()
            .enumerate()
            .filter(|(i, m)| !used[*i] && m.span.overlaps(g.span))
            .max_by_key(|(_, m)| {
                m.span
                    .end
                    .min(g.span.end)
                    .saturating_sub(m.span.start.max(g.span.start))
            })
            .map(|(i, _)| i);
        match hit {
            Some(i) => {
                used[i] = true;
                t.matched_gold += 1;
                let m = &found[i];
                if let Some(gc) = g.coords {
                    let err = match (m.lat, m.lon) {
                        (Some(a), Some(b)) => haversine_km(gc, (a, b)),
                        _ => MAX_KM,
                    };
                    t.errors_km.push(err);
                    if m.precision != "country" && m.feature_code != "CONT" {
                        t.local_km.push(err);
                    }
                    if err > 161.0 {
                        lines.push(format!(
                            "far {doc}: {:?} -> {} ({}, {}) {:.0} km [{}]",
                            g.name, m.name, m.country, m.feature_code, err, m.rule
                        ));
                    }
                }
            }
            None => lines.push(format!("miss {doc}: {:?}", g.name)),
        }
    }
    for (i, m) in found.iter().enumerate() {
        if used[i] {
            t.matched_pred += 1;
        } else if article.toponyms.iter().any(|g| g.span.overlaps(m.span)) {
            // A second mention inside an already matched gold span is not a false alarm.
            t.matched_pred += 1;
        } else if m.rule == DEMONYM_RULE {
            // Corpora differ on whether adjectival forms ("Russian") are toponyms: a demonym
            // counts when the gold has it and is not a false alarm when it does not.
            t.predicted -= 1;
        } else {
            lines.push(format!(
                "false {doc}: {:?} -> {} ({}) [{}]",
                m.text, m.name, m.country, m.rule
            ));
        }
    }
    if let Some(e) = errors {
        e.extend(lines);
    }
    t
}

fn corpus(
    path: &Path,
    rec: &PlaceRecognizer,
    seg: &NewsSegmenter,
    errors: Option<&mut Vec<String>>,
) -> Result<Tally, EvalError> {
    let p = path.display().to_string();
    let xml = std::fs::read_to_string(path).map_err(|e| EvalError::Read {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let articles = parse(&xml, &p)?;
    let mut total = Tally::default();
    let mut lines = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        let sentences = seg.segment(&a.text);
        let found = rec.recognize(&a.text, &sentences, &PlaceContext::default());
        let t = score_article(i, a, &found, errors.is_some().then_some(&mut lines));
        total.add(&t);
    }
    if let Some(e) = errors {
        e.extend(lines.into_iter().map(|l| format!("{}: {l}", stem(path))));
    }
    Ok(total)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn row(name: &str, t: &Tally) -> Vec<String> {
    vec![
        name.to_string(),
        t.docs.to_string(),
        t.gold.to_string(),
        t.predicted.to_string(),
        share(t.precision()),
        share(t.recall()),
        share(t.f1()),
        share(t.acc161()),
        format!("{:.0}", t.median()),
        format!("{:.0}", t.mean()),
        share(auc(&t.errors_km)),
    ]
}

fn metrics(report: &mut Report, prefix: &str, t: &Tally) {
    report.metric(&format!("{prefix}precision"), t.precision());
    report.metric(&format!("{prefix}recall"), t.recall());
    report.metric(&format!("{prefix}f1"), t.f1());
    report.metric(&format!("{prefix}acc161"), t.acc161());
    report.metric(&format!("{prefix}median_km"), t.median());
    report.metric(&format!("{prefix}mean_km"), t.mean());
    report.metric(&format!("{prefix}auc"), auc(&t.errors_km));
    let local = t.local_km.iter().filter(|&&e| e <= 161.0).count();
    report.metric(
        &format!("{prefix}acc161_local"),
        ratio(local, t.local_km.len()),
    );
}

/// Scores place recognition and geocoding on an LGL or GeoVirus XML file, or on every `.xml`
/// file of a folder (then metrics are pooled, and also given per file as `<stem>_<metric>`).
///
/// Demonym mentions ("Russian") are optional: LGL annotates them, GeoVirus does not, so one
/// that matches no gold toponym is left out of precision instead of counted as a false alarm.
pub fn run(path: &Path, with_errors: bool) -> Result<Report, EvalError> {
    let files: Vec<std::path::PathBuf> = if path.is_dir() {
        let mut v: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| EvalError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        v.sort();
        v
    } else {
        vec![path.to_path_buf()]
    };
    let rec = PlaceRecognizer::new();
    let seg = NewsSegmenter::new();
    let mut report = Report::new(
        format!(
            "geo: {} ({} file{})",
            path.display(),
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ),
        &[
            "corpus",
            "docs",
            "gold",
            "found",
            "precision",
            "recall",
            "f1",
            "acc161",
            "median_km",
            "mean_km",
            "auc",
        ],
    );
    let mut total = Tally::default();
    let mut per = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        let t = corpus(f, &rec, &seg, with_errors.then_some(&mut errors))?;
        report.row(row(&stem(f), &t));
        total.add(&t);
        per.push((stem(f), t));
    }
    if files.len() > 1 {
        report.row(row("all", &total));
    }
    metrics(&mut report, "", &total);
    if files.len() > 1 {
        for (name, t) in &per {
            metrics(&mut report, &format!("{name}_"), t);
        }
    }
    report.errors = errors;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_become_byte_offsets() {
        let t = "Kyïv and Lviv";
        assert_eq!(char_to_byte(t, 9), 10);
        assert_eq!(&t[char_to_byte(t, 9)..char_to_byte(t, 13)], "Lviv");
        assert_eq!(char_to_byte(t, 99), t.len());
    }

    #[test]
    fn distance_and_auc() {
        let d = haversine_km((48.8566, 2.3522), (51.5074, -0.1278));
        assert!((d - 344.0).abs() < 5.0, "{d}");
        assert_eq!(auc(&[0.0, 0.0]), 0.0);
        assert!((auc(&[MAX_KM, MAX_KM]) - 1.0).abs() < 1e-9);
        let mid = auc(&[0.0, 100.0, 5000.0]);
        assert!(mid > 0.0 && mid < 1.0);
    }
}
