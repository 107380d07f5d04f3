//! Scoring time expressions against TimeML gold files (TimeBank, AQUAINT, TempEval-3).
//!
//! Each `.tml` file gives a document creation time (the `CREATION_TIME` TIMEX3) and a `TEXT`
//! element with inline TIMEX3 tags. The text with tags stripped goes through the time recognizer
//! with the creation time as document date; the scores are TempEval-3's: strict and relaxed
//! (overlapping) extent precision/recall/F1, and type and value accuracy over relaxed matches.

use crate::report::share;
use crate::{EvalError, Report};
use annals_document::{Date, Span};
use annals_segment::NewsSegmenter;
use annals_time::{TimeExpression, TimeRecognizer};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use std::path::{Path, PathBuf};

/// One gold TIMEX3 in the stripped text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldTimex {
    /// Byte span in the stripped text.
    pub span: Span,
    /// TIMEX3 type.
    pub timex_type: String,
    /// TIMEX3 value.
    pub value: String,
}

/// A TimeML document: its creation time, its text with tags stripped, its gold TIMEX3s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimemlDoc {
    /// The document creation time.
    pub dct: Option<Date>,
    /// TEXT's character data.
    pub text: String,
    /// Gold time expressions.
    pub timexes: Vec<GoldTimex>,
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Parses TimeML markup.
pub fn parse(xml: &str) -> Result<TimemlDoc, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut doc = TimemlDoc {
        dct: None,
        text: String::new(),
        timexes: Vec::new(),
    };
    let mut in_text = false;
    let mut open: Option<(usize, String, String)> = None;
    loop {
        match reader.read_event() {
            Err(e) => return Err(format!("at byte {}: {e}", reader.buffer_position())),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => match e.name().as_ref() {
                b"TEXT" => in_text = true,
                b"TIMEX3" => {
                    if attr(&e, b"functionInDocument").as_deref() == Some("CREATION_TIME")
                        && doc.dct.is_none()
                    {
                        doc.dct = attr(&e, b"value")
                            .and_then(|v| v.get(..10).and_then(|d| d.parse().ok()));
                    }
                    if in_text {
                        let ty = attr(&e, b"type").unwrap_or_default();
                        let value = attr(&e, b"value").unwrap_or_default();
                        open = Some((doc.text.len(), ty, value));
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"TEXT" => in_text = false,
                b"TIMEX3" => {
                    if let Some((start, timex_type, value)) = open.take() {
                        let span = trim(&doc.text, Span::new(start, doc.text.len()));
                        if !span.is_empty() {
                            doc.timexes.push(GoldTimex {
                                span,
                                timex_type,
                                value,
                            });
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                let s = t
                    .unescape()
                    .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
                doc.text.push_str(&s);
            }
            Ok(Event::CData(t)) if in_text => doc.text.push_str(&String::from_utf8_lossy(&t)),
            Ok(_) => {}
        }
    }
    Ok(doc)
}

fn trim(text: &str, span: Span) -> Span {
    let s = span.slice(text);
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    Span::new(span.start + lead, span.start + lead + t.len())
}

/// Whether two TIMEX3 values denote the same time once written alike: week numbers with or
/// without a leading zero (`2000-W7`, `2000-W07`), whole hours with or without minutes
/// (`T17`, `T17:00`), and a period with or without unknown finer parts (`199X` and `199` are
/// the 1990s, `1949-XX` and `1949` the year 1949).
fn same_value(a: &str, b: &str) -> bool {
    a == b || canonical_value(a) == canonical_value(b)
}

fn canonical_value(v: &str) -> String {
    let mut out = v.to_string();
    // unknown trailing parts: "1998-12-XX" -> "1998-12", "199X" -> "199", "19XX" -> "19"
    while let Some(rest) = out.strip_suffix("-XX") {
        out.truncate(rest.len());
    }
    if out.bytes().all(|b| b.is_ascii_digit() || b == b'X')
        && out.starts_with(|c: char| c.is_ascii_digit())
    {
        out.truncate(out.trim_end_matches('X').len());
    }
    if let Some(i) = out.find("-W") {
        let digits = out[i + 2..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 1 {
            out.insert(i + 2, '0');
        }
    }
    if let Some(i) = out.find('T') {
        let rest = &out[i + 1..];
        if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(":00");
        }
    }
    out
}

/// Counts for one slice of the scores.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    gold: usize,
    found: usize,
    /// Exact extents, counted by gold type (for recall).
    strict_gold: usize,
    /// Exact extents, counted by found type (for precision).
    strict_found: usize,
    relaxed_gold: usize,
    relaxed_found: usize,
    type_ok: usize,
    value_ok: usize,
    /// Values equal to the letter, as TempEval-3's scorer compares them.
    value_exact: usize,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.gold += o.gold;
        self.found += o.found;
        self.strict_gold += o.strict_gold;
        self.strict_found += o.strict_found;
        self.relaxed_gold += o.relaxed_gold;
        self.relaxed_found += o.relaxed_found;
        self.type_ok += o.type_ok;
        self.value_ok += o.value_ok;
        self.value_exact += o.value_exact;
    }
    fn strict_f1(&self) -> f64 {
        f1(
            ratio(self.strict_found, self.found),
            ratio(self.strict_gold, self.gold),
        )
    }
    fn relaxed_p(&self) -> f64 {
        ratio(self.relaxed_found, self.found)
    }
    fn relaxed_r(&self) -> f64 {
        ratio(self.relaxed_gold, self.gold)
    }
    fn relaxed_f1(&self) -> f64 {
        f1(self.relaxed_p(), self.relaxed_r())
    }
}

const TYPES: [&str; 4] = ["DATE", "TIME", "DURATION", "SET"];

fn type_index(t: &str) -> usize {
    TYPES.iter().position(|x| *x == t).unwrap_or(0)
}

/// Scores one document: per-type tallies (by gold type for recall, by found type for
/// precision) and error lines.
fn score_doc(
    name: &str,
    doc: &TimemlDoc,
    found: &[TimeExpression],
    tallies: &mut [Tally; 4],
    errors: &mut Vec<String>,
) {
    let mut used = vec![false; found.len()];
    for g in &doc.timexes {
        let t = &mut tallies[type_index(&g.timex_type)];
        t.gold += 1;
        let exact = found.iter().position(|f| f.span == g.span);
        let hit = exact
            .filter(|&i| !used[i])
            .or_else(|| (0..found.len()).find(|&i| !used[i] && found[i].span.overlaps(g.span)));
        let gtext = g.span.slice(&doc.text);
        match hit {
            None => errors.push(format!(
                "{name}: missed \"{gtext}\" ({} {})",
                g.timex_type, g.value
            )),
            Some(i) => {
                used[i] = true;
                let f = &found[i];
                t.relaxed_gold += 1;
                let exact = f.span == g.span;
                if exact {
                    t.strict_gold += 1;
                } else {
                    errors.push(format!(
                        "{name}: extent \"{gtext}\" found as \"{}\" ({})",
                        f.text, f.rule
                    ));
                }
                if f.timex_type == g.timex_type {
                    t.type_ok += 1;
                }
                if f.value == g.value {
                    t.value_exact += 1;
                }
                if same_value(&f.value, &g.value) {
                    t.value_ok += 1;
                } else {
                    errors.push(format!(
                        "{name}: wrong value \"{gtext}\": expected {} {}, found \"{}\" {} {} ({})",
                        g.timex_type, g.value, f.text, f.timex_type, f.value, f.rule
                    ));
                }
                let ft = &mut tallies[type_index(&f.timex_type)];
                ft.relaxed_found += 1;
                ft.strict_found += usize::from(exact);
            }
        }
    }
    for (i, f) in found.iter().enumerate() {
        tallies[type_index(&f.timex_type)].found += 1;
        if !used[i] {
            // an expression overlapping a gold one already matched is not spurious twice over
            if !doc.timexes.iter().any(|g| g.span.overlaps(f.span)) {
                errors.push(format!(
                    "{name}: spurious \"{}\" ({} {}) ({})",
                    f.text, f.timex_type, f.value, f.rule
                ));
            }
        }
    }
}

fn tml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|e| EvalError::Read {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            tml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "tml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Scores the time recognizer on every `.tml` file under `dir` (recursively).
///
/// Metrics: `strict_f1`, `relaxed_f1`, `type_accuracy`, `value_accuracy`, `value_f1` (relaxed F1
/// times value accuracy, values compared once written alike: see `same_value`),
/// `value_accuracy_exact` and `value_f1_exact` (values compared to the letter, as TempEval-3's
/// scorer does), plus `strict_precision`, `strict_recall`, `relaxed_precision`,
/// `relaxed_recall`. With `with_errors`, the report lists misses, spurious finds and wrong values.
pub fn run(dir: &Path, with_errors: bool) -> Result<Report, EvalError> {
    let mut files = Vec::new();
    tml_files(dir, &mut files)?;
    files.sort();
    let recognizer = TimeRecognizer::new();
    let segmenter = NewsSegmenter::new();
    let mut tallies = [Tally::default(); 4];
    let mut errors = Vec::new();
    for path in &files {
        let xml = std::fs::read_to_string(path).map_err(|e| EvalError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let doc = parse(&xml).map_err(|message| EvalError::Parse {
            path: path.display().to_string(),
            message,
        })?;
        let sentences = segmenter.segment(&doc.text);
        let found = recognizer
            .recognize(&doc.text, &sentences, doc.dct)
            .expressions;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        score_doc(&name, &doc, &found, &mut tallies, &mut errors);
    }
    let mut report = Report::new(
        format!("timeml: {} ({} documents)", dir.display(), files.len()),
        &[
            "type",
            "gold",
            "found",
            "strict_f1",
            "relaxed_p",
            "relaxed_r",
            "relaxed_f1",
            "type_acc",
            "value_acc",
        ],
    );
    let mut all = Tally::default();
    let row = |name: &str, t: &Tally| {
        vec![
            name.to_string(),
            t.gold.to_string(),
            t.found.to_string(),
            share(t.strict_f1()),
            share(t.relaxed_p()),
            share(t.relaxed_r()),
            share(t.relaxed_f1()),
            share(ratio(t.type_ok, t.relaxed_gold)),
            share(ratio(t.value_ok, t.relaxed_gold)),
        ]
    };
    for (name, t) in TYPES.iter().zip(tallies.iter()) {
        all.add(t);
        report.row(row(name, t));
    }
    report.row(row("all", &all));
    let value_accuracy = ratio(all.value_ok, all.relaxed_gold);
    report.metric("strict_precision", ratio(all.strict_found, all.found));
    report.metric("strict_recall", ratio(all.strict_gold, all.gold));
    report.metric("strict_f1", all.strict_f1());
    report.metric("relaxed_precision", all.relaxed_p());
    report.metric("relaxed_recall", all.relaxed_r());
    report.metric("relaxed_f1", all.relaxed_f1());
    report.metric("type_accuracy", ratio(all.type_ok, all.relaxed_gold));
    report.metric("value_accuracy", value_accuracy);
    report.metric("value_f1", all.relaxed_f1() * value_accuracy);
    let exact_accuracy = ratio(all.value_exact, all.relaxed_gold);
    report.metric("value_accuracy_exact", exact_accuracy);
    report.metric("value_f1_exact", all.relaxed_f1() * exact_accuracy);
    if with_errors {
        report.errors = errors;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::same_value;

    #[test]
    fn equivalent_values_match() {
        assert!(same_value("2000-W7", "2000-W07"));
        assert!(same_value("1989-11-06T17", "1989-11-06T17:00"));
        assert!(!same_value("2000-W17", "2000-W07"));
        assert!(!same_value("1989-11-06T17", "1989-11-06T18:00"));
        assert!(!same_value("PT5H", "PT5H:00"));
        assert!(same_value("199X", "199"));
        assert!(same_value("19XX", "19"));
        assert!(same_value("1949-XX", "1949"));
        assert!(same_value("1994-XX-XX", "1994"));
        assert!(!same_value("1994-XX", "1995"));
        assert!(!same_value("XXXX", "1995"));
    }
}
