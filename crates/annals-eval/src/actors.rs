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

/// Where `needle` occurs in `text`: exactly, else ignoring case, else with any run of white space
/// standing for the needle's white space.
fn locate(text: &str, needle: &str) -> Option<Span> {
    locate_from(text, needle, 0)
}

fn locate_from(text: &str, needle: &str, from: usize) -> Option<Span> {
    let needle = needle.trim();
    let hay = text.get(from..)?;
    if needle.is_empty() {
        return None;
    }
    if let Some(i) = hay.find(needle) {
        return Some(Span::new(from + i, from + i + needle.len()));
    }
    let lower = hay.to_lowercase();
    if lower.len() == hay.len() {
        let n = needle.to_lowercase();
        if let Some(i) = lower.find(&n) {
            return Some(Span::new(from + i, from + i + n.len()));
        }
        // "NATO  peacekeeping": words in order with any white space between them.
        let words: Vec<String> = n.split_whitespace().map(str::to_string).collect();
        if words.len() > 1 {
            let mut start = 0;
            while let Some(i) = lower.get(start..).and_then(|l| l.find(words[0].as_str())) {
                let s = start + i;
                let mut end = s + words[0].len();
                let whole = words[1..].iter().all(|w| {
                    let rest = &lower[end..];
                    let trimmed = rest.trim_start();
                    let gap = rest.len() - trimmed.len();
                    if gap > 0 && trimmed.starts_with(w.as_str()) {
                        end += gap + w.len();
                        true
                    } else {
                        false
                    }
                });
                if whole {
                    return Some(Span::new(from + s, from + end));
                }
                start = s + words[0].len();
            }
        }
    }
    None
}

/// The spans of a gold actor text. The corpus marks a discontinuous actor with `...` or `..`
/// ("U.S. ... negotiators") or leaves the words between out ("French warships" for "French and
/// Egyptian warships"): each marked piece, else each run of its words found in order, is a span.
fn locate_pieces(text: &str, gold: &str) -> Vec<Span> {
    if let Some(span) = locate(text, gold) {
        return vec![span];
    }
    let mut spans = Vec::new();
    let mut from = 0;
    for piece in gold.split("..").map(|p| p.trim_matches('.').trim()) {
        if piece.is_empty() {
            continue;
        }
        if let Some(span) = locate_from(text, piece, from) {
            from = span.end;
            spans.push(span);
            continue;
        }
        // Runs of the piece's words, in order.
        let words: Vec<&str> = piece.split_whitespace().collect();
        let mut w = 0;
        while w < words.len() {
            let mut found = None;
            for end in (w + 1..=words.len()).rev() {
                if let Some(span) = locate_from(text, &words[w..end].join(" "), from) {
                    found = Some((span, end));
                    break;
                }
            }
            let Some((span, end)) = found else {
                return Vec::new();
            };
            from = span.end;
            spans.push(span);
            w = end;
        }
    }
    spans
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

fn judge(mentions: &[ActorMention], spans: &[Span], code: &str, sector: &str) -> Outcome {
    let want_country = normalize_country(code);
    // `***` in the corpus marks a sector left open.
    let sector = sector.trim().trim_start_matches('*');
    let want_sector = sector.get(..3).unwrap_or(sector).to_ascii_uppercase();
    let over: Vec<&ActorMention> = mentions
        .iter()
        .filter(|m| spans.iter().any(|s| m.span.overlaps(*s)))
        .collect();
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

/// Scores with PETRARCH/TABARI actor or agent dictionaries loaded beside the built-in lexicons
/// (none: the built-in recognizer).
pub fn run_with_dictionaries<P: AsRef<Path>>(
    path: &Path,
    with_errors: bool,
    dictionaries: &[P],
) -> Result<Report, EvalError> {
    let recognizer =
        ActorRecognizer::with_dictionaries(dictionaries).map_err(|e| EvalError::Parse {
            path: "dictionary".to_string(),
            message: e.to_string(),
        })?;
    let mut report = run_with(path, with_errors, &recognizer)?;
    if !dictionaries.is_empty() {
        let names: Vec<String> = dictionaries
            .iter()
            .map(|d| d.as_ref().display().to_string())
            .collect();
        report.title = format!("{} with {}", report.title, names.join(", "));
    }
    Ok(report)
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
                let spans = locate_pieces(text, gold_text);
                let outcome = if spans.is_empty() {
                    Outcome::Missing
                } else {
                    judge(&mentions, &spans, code, sector)
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
                    let got: Vec<String> = mentions
                        .iter()
                        .filter(|m| spans.iter().any(|s| m.span.overlaps(*s)))
                        .map(|m| format!("{}={}", m.text, m.code))
                        .collect();
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
    fn discontinuous_gold_text_is_located_piece_by_piece() {
        let text = "U.S. and Russian negotiators met in  Geneva.";
        let spans = locate_pieces(text, "U.S. ... negotiators");
        assert_eq!(spans.len(), 2);
        assert_eq!(&text[spans[0].start..spans[0].end], "U.S.");
        assert_eq!(&text[spans[1].start..spans[1].end], "negotiators");
        // Words left out between marked words.
        let spans = locate_pieces(text, "U.S. negotiators");
        assert_eq!(spans.len(), 2);
        // White space differing from the text.
        let spans = locate_pieces(text, "in Geneva");
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].start..spans[0].end], "in  Geneva");
        // A word the text lacks: not found.
        assert!(locate_pieces(text, "Chinese negotiators").is_empty());
    }

    #[test]
    fn japan_is_read_as_jpn() {
        assert_eq!(normalize_country("JAP"), "JPN");
        assert_eq!(normalize_country("usa"), "USA");
    }
}
