//! Actor coding against PLOVER gold-standard records (`plover-gsr/*.jsonl`).
//!
//! For every coded source and target with marked text, the scorer looks for an actor mention
//! overlapping that text and checks its code: the country part against the gold `code` (the
//! corpus writes Japan `JAP`; it is read as `JPN`) and, when the gold gives one, the sector
//! against the gold `sector`'s first three letters.

use crate::report::share;
use crate::{EvalError, Report};
use annals_actors::{ActorMention, ActorRecognizer};
use annals_document::Span;
use annals_segment::NewsSegmenter;
use serde_json::Value;
use std::path::Path;

/// Gold country codes written differently from the codes annals emits.
fn normalize_country(code: &str) -> String {
    let c = code.trim().to_ascii_uppercase();
    match c.as_str() {
        "JAP" => "JPN".to_string(),
        _ => c,
    }
}

/// Where `needle` occurs in `text` (exactly, else ignoring case).
fn locate(text: &str, needle: &str) -> Option<Span> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    if let Some(i) = text.find(needle) {
        return Some(Span::new(i, i + needle.len()));
    }
    let lower = text.to_lowercase();
    if lower.len() == text.len() {
        let n = needle.to_lowercase();
        if let Some(i) = lower.find(&n) {
            return Some(Span::new(i, i + n.len()));
        }
    }
    None
}

/// The outcome for one gold actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// No mention overlaps the gold text.
    Missing,
    /// A mention overlaps but no overlapping mention has the gold country.
    WrongCountry,
    /// The country is right but the sector is not.
    WrongSector,
    /// Country and (when given) sector right.
    Right,
}

fn judge(mentions: &[ActorMention], span: Span, code: &str, sector: &str) -> Outcome {
    let want_country = normalize_country(code);
    // `***` in the corpus marks a sector left open.
    let sector = sector.trim().trim_start_matches('*');
    let want_sector = sector.get(..3).unwrap_or(sector).to_ascii_uppercase();
    let over: Vec<&ActorMention> = mentions.iter().filter(|m| m.span.overlaps(span)).collect();
    if over.is_empty() {
        return Outcome::Missing;
    }
    let mut best = Outcome::WrongCountry;
    for m in over {
        if m.country.as_deref() != Some(want_country.as_str()) {
            continue;
        }
        let sector_ok = want_sector.is_empty() || m.sector.as_deref() == Some(want_sector.as_str());
        if sector_ok {
            return Outcome::Right;
        }
        best = Outcome::WrongSector;
    }
    best
}

#[derive(Default)]
struct Tally {
    gold: usize,
    found: usize,
    country: usize,
    right: usize,
}

/// Scores actor coding on a PLOVER gold-standard JSONL file.
pub fn run(path: &Path, with_errors: bool) -> Result<Report, EvalError> {
    run_with(path, with_errors, &ActorRecognizer::new())
}

/// Scores with a given recognizer (e.g. one with extra dictionaries loaded).
pub fn run_with(
    path: &Path,
    with_errors: bool,
    recognizer: &ActorRecognizer,
) -> Result<Report, EvalError> {
    let raw = std::fs::read_to_string(path).map_err(|e| EvalError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let segmenter = NewsSegmenter::new();
    let mut tallies = [Tally::default(), Tally::default()];
    let mut records = 0usize;
    let mut errors = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(line).map_err(|e| EvalError::Parse {
            path: format!("{}:{}", path.display(), n + 1),
            message: e.to_string(),
        })?;
        records += 1;
        let text = record.get("text").and_then(Value::as_str).unwrap_or("");
        let id = record.get("id").and_then(Value::as_str).unwrap_or("?");
        let sentences = segmenter.segment(text);
        let mentions = recognizer.recognize(text, &sentences, None);
        for (slot, role) in ["source", "target"].iter().enumerate() {
            let Some(list) = record.get(*role).and_then(Value::as_array) else {
                continue;
            };
            for actor in list {
                let gold_text = actor.get("text").and_then(Value::as_str).unwrap_or("");
                let code = actor.get("code").and_then(Value::as_str).unwrap_or("");
                let sector = actor.get("sector").and_then(Value::as_str).unwrap_or("");
                if gold_text.trim().is_empty() || code.trim().is_empty() {
                    continue;
                }
                let t = &mut tallies[slot];
                t.gold += 1;
                let outcome = match locate(text, gold_text) {
                    Some(span) => judge(&mentions, span, code, sector),
                    None => Outcome::Missing,
                };
                if outcome != Outcome::Missing {
                    t.found += 1;
                }
                if matches!(outcome, Outcome::Right | Outcome::WrongSector) {
                    t.country += 1;
                }
                if outcome == Outcome::Right {
                    t.right += 1;
                } else if with_errors {
                    let got: Vec<String> = locate(text, gold_text)
                        .map(|span| {
                            mentions
                                .iter()
                                .filter(|m| m.span.overlaps(span))
                                .map(|m| format!("{}={}", m.text, m.code))
                                .collect()
                        })
                        .unwrap_or_default();
                    errors.push(format!(
                        "{id} {role} {:?}: want {code}{}{sector}, {:?}, got [{}]",
                        gold_text,
                        if sector.is_empty() { "" } else { "/" },
                        outcome,
                        got.join(", ")
                    ));
                }
            }
        }
    }
    let mut report = Report::new(
        format!("actors: {} ({records} records)", path.display()),
        &[
            "role",
            "gold",
            "found",
            "country right",
            "code right",
            "code accuracy",
        ],
    );
    for (slot, role) in ["source", "target"].iter().enumerate() {
        let t = &tallies[slot];
        let acc = if t.gold == 0 {
            0.0
        } else {
            t.right as f64 / t.gold as f64
        };
        report.row(vec![
            role.to_string(),
            t.gold.to_string(),
            t.found.to_string(),
            t.country.to_string(),
            t.right.to_string(),
            share(acc),
        ]);
        report.metric(&format!("{role}_code_accuracy"), acc);
    }
    let gold: usize = tallies.iter().map(|t| t.gold).sum();
    let found: usize = tallies.iter().map(|t| t.found).sum();
    let country: usize = tallies.iter().map(|t| t.country).sum();
    let ratio = |a: usize| {
        if gold == 0 {
            0.0
        } else {
            a as f64 / gold as f64
        }
    };
    report.metric("actor_found", ratio(found));
    report.metric("actor_country_accuracy", ratio(country));
    report.errors = errors;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_scores_sources_and_targets() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/actors.jsonl");
        let report = run(&path, true).unwrap();
        assert_eq!(report.rows.len(), 2);
        // Every source in the fixture is codable by the built-in lexicons but one.
        assert_eq!(
            report.get("source_code_accuracy"),
            Some(0.75),
            "{report}\n{:#?}",
            report.errors
        );
        assert_eq!(
            report.get("target_code_accuracy"),
            Some(1.0),
            "{report}\n{:#?}",
            report.errors
        );
        assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
        assert!(report.errors[0].contains("Missing"), "{:#?}", report.errors);
    }

    #[test]
    fn missing_file_is_a_read_error() {
        assert!(matches!(
            run(Path::new("no/such/file.jsonl"), false),
            Err(EvalError::Read { .. })
        ));
    }

    #[test]
    fn japan_is_read_as_jpn() {
        assert_eq!(normalize_country("JAP"), "JPN");
        assert_eq!(normalize_country("usa"), "USA");
    }
}
