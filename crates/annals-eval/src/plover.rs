//! Scoring against PLOVER gold-standard records (one JSON object a line: `text`, `event`,
//! `source`/`target` lists of `{text, code, sector}`).
//!
//! Each record is one sentence coded with one event. annals codes the sentence (actors from the
//! actor recognizer, events from the event coder) and its main event — the most confident one —
//! is compared with the gold: event-type accuracy and macro-F1 over the gold's types, then
//! (source code, event) and (source code, event, target code) F1, a record counting as right
//! when any coded source (and target) matches. Codes compare on their country part (`USAGOV`
//! matches `USA`); the corpus's `JAP` is read as `JPN`.

use crate::report::share;
use crate::{EvalError, Report};
use annals_actors::{ActorMention, ActorRecognizer};
use annals_document::{Document, Sentence, SentenceKind, Span};
use annals_events::{Event, EventCoder, PlaceRef, TimeFacts};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One gold record.
#[derive(Debug, Clone)]
pub struct GoldRecord {
    /// Record id.
    pub id: String,
    /// The sentence.
    pub text: String,
    /// PLOVER event type.
    pub event: String,
    /// Source codes (country part).
    pub sources: Vec<String>,
    /// Target codes (country part, may be empty).
    pub targets: Vec<String>,
}

/// What annals coded for one record: the main event's type and its actor codes.
#[derive(Debug, Clone, Default)]
pub struct Prediction {
    /// Event type, or empty when nothing was coded.
    pub event: String,
    /// Source codes (country part).
    pub sources: Vec<String>,
    /// Target codes (country part).
    pub targets: Vec<String>,
    /// The trigger text, for the error listing.
    pub trigger: String,
}

fn norm_code(code: &str) -> String {
    let c = code.trim().to_ascii_uppercase();
    let c = c.get(..3).unwrap_or(&c).to_string();
    if c == "JAP" { "JPN".into() } else { c }
}

/// Reads a PLOVER gold JSONL file.
pub fn read_gold(path: &Path) -> Result<Vec<GoldRecord>, EvalError> {
    let raw = std::fs::read_to_string(path).map_err(|e| EvalError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| EvalError::Parse {
            path: format!("{}:{}", path.display(), n + 1),
            message: e.to_string(),
        })?;
        let codes = |key: &str| -> Vec<String> {
            v.get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.get("code").and_then(Value::as_str))
                        .filter(|c| !c.trim().is_empty())
                        .map(norm_code)
                        .collect()
                })
                .unwrap_or_default()
        };
        out.push(GoldRecord {
            id: v
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            text: v
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string(),
            event: v
                .get("event")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            sources: codes("source"),
            targets: codes("target"),
        });
    }
    Ok(out)
}

/// The main event of a sentence: the most confident, the earliest on ties.
pub fn main_event(events: &[Event]) -> Option<&Event> {
    events
        .iter()
        .fold(None, |best: Option<&Event>, e| match best {
            Some(b) if b.confidence >= e.confidence => Some(b),
            _ => Some(e),
        })
}

fn party_code(p: &annals_events::Party) -> String {
    if p.country.is_empty() {
        norm_code(&p.code)
    } else {
        norm_code(&p.country)
    }
}

/// Codes one sentence with the given recognizer and coder.
pub fn predict(recognizer: &ActorRecognizer, coder: &EventCoder, text: &str) -> Prediction {
    let doc = Document::new(text.to_string());
    let sentences = vec![Sentence {
        span: Span::new(0, text.len()),
        kind: SentenceKind::Body,
        rule: "eval/plover/record".into(),
    }];
    let actors: Vec<ActorMention> = recognizer.recognize(text, &sentences, None);
    let events = coder.code(
        text,
        &sentences,
        &TimeFacts::default(),
        &[] as &[PlaceRef],
        &actors,
        &doc,
    );
    match main_event(&events) {
        Some(e) => Prediction {
            event: e.event.clone(),
            sources: e.actor.iter().map(party_code).collect(),
            targets: e.recipient.iter().map(party_code).collect(),
            trigger: e.trigger.text.clone(),
        },
        None => Prediction::default(),
    }
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

/// Scores predictions against gold records (same order) and builds the report.
pub fn score(title: &str, gold: &[GoldRecord], pred: &[Prediction], with_errors: bool) -> Report {
    let mut report = Report::new(
        title,
        &[
            "event",
            "gold",
            "coded",
            "right",
            "precision",
            "recall",
            "f1",
        ],
    );
    let types: BTreeSet<&str> = gold.iter().map(|g| g.event.as_str()).collect();
    let mut per: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let (mut right, mut se_tp, mut se_pred, mut se_gold, mut set_tp, mut set_pred, mut set_gold) =
        (0, 0, 0, 0, 0, 0, 0);
    let mut errors = Vec::new();
    for (g, p) in gold.iter().zip(pred) {
        per.entry(g.event.as_str()).or_default().0 += 1;
        if !p.event.is_empty() {
            per.entry(p.event.as_str()).or_default().1 += 1;
        }
        let type_ok = g.event == p.event;
        if type_ok {
            right += 1;
            per.entry(g.event.as_str()).or_default().2 += 1;
        }
        // (source, event)
        let has_pred_se = !p.event.is_empty() && !p.sources.is_empty();
        let has_gold_se = !g.sources.is_empty();
        se_pred += usize::from(has_pred_se);
        se_gold += usize::from(has_gold_se);
        let se_ok = type_ok && has_gold_se && p.sources.iter().any(|s| g.sources.contains(s));
        se_tp += usize::from(se_ok);
        // (source, event, target): an empty target matches an empty target.
        set_pred += usize::from(has_pred_se);
        set_gold += usize::from(has_gold_se);
        let target_ok = if g.targets.is_empty() {
            p.targets.is_empty()
        } else {
            p.targets.iter().any(|t| g.targets.contains(t))
        };
        set_tp += usize::from(se_ok && target_ok);
        if with_errors && !(se_ok && target_ok) {
            errors.push(format!(
                "{}: gold {} {:?}->{:?}; coded {} {:?}->{:?} ({:?})",
                g.id,
                g.event,
                g.sources,
                g.targets,
                if p.event.is_empty() { "-" } else { &p.event },
                p.sources,
                p.targets,
                p.trigger
            ));
        }
    }
    let mut macro_sum = 0.0;
    for t in &types {
        let (ng, np, tp) = per.get(t).copied().unwrap_or_default();
        let (pr, rc) = (ratio(tp, np), ratio(tp, ng));
        macro_sum += f1(pr, rc);
        report.row(vec![
            t.to_string(),
            ng.to_string(),
            np.to_string(),
            tp.to_string(),
            share(pr),
            share(rc),
            share(f1(pr, rc)),
        ]);
    }
    let n = gold.len();
    let accuracy = ratio(right, n);
    let macro_f1 = if types.is_empty() {
        0.0
    } else {
        macro_sum / types.len() as f64
    };
    let se_f1 = f1(ratio(se_tp, se_pred), ratio(se_tp, se_gold));
    let set_f1 = f1(ratio(set_tp, set_pred), ratio(set_tp, set_gold));
    report.row(vec![
        "all (accuracy)".into(),
        n.to_string(),
        pred.iter()
            .filter(|p| !p.event.is_empty())
            .count()
            .to_string(),
        right.to_string(),
        "-".into(),
        "-".into(),
        share(accuracy),
    ]);
    report.row(vec![
        "(source, event)".into(),
        se_gold.to_string(),
        se_pred.to_string(),
        se_tp.to_string(),
        share(ratio(se_tp, se_pred)),
        share(ratio(se_tp, se_gold)),
        share(se_f1),
    ]);
    report.row(vec![
        "(source, event, target)".into(),
        set_gold.to_string(),
        set_pred.to_string(),
        set_tp.to_string(),
        share(ratio(set_tp, set_pred)),
        share(ratio(set_tp, set_gold)),
        share(set_f1),
    ]);
    report.metric("event_accuracy", accuracy);
    report.metric("event_macro_f1", macro_f1);
    report.metric("source_event_f1", se_f1);
    report.metric("source_event_target_f1", set_f1);
    report.errors = errors;
    report
}

/// Scores the built-in coder and actor recognizer on a PLOVER gold JSONL file.
pub fn run(path: &Path, with_errors: bool) -> Result<Report, EvalError> {
    let gold = read_gold(path)?;
    let recognizer = ActorRecognizer::new();
    let coder = EventCoder::new();
    let pred: Vec<Prediction> = gold
        .iter()
        .map(|g| predict(&recognizer, &coder, &g.text))
        .collect();
    Ok(score(
        &format!("plover: {} ({} records)", path.display(), gold.len()),
        &gold,
        &pred,
        with_errors,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(event: &str, s: &[&str], t: &[&str]) -> GoldRecord {
        GoldRecord {
            id: "x".into(),
            text: String::new(),
            event: event.into(),
            sources: s.iter().map(|x| x.to_string()).collect(),
            targets: t.iter().map(|x| x.to_string()).collect(),
        }
    }

    fn pred(event: &str, s: &[&str], t: &[&str]) -> Prediction {
        Prediction {
            event: event.into(),
            sources: s.iter().map(|x| x.to_string()).collect(),
            targets: t.iter().map(|x| x.to_string()).collect(),
            trigger: String::new(),
        }
    }

    #[test]
    fn scores_types_pairs_and_triples() {
        let gold = vec![
            rec("ASSAULT", &["ARN"], &["GON"]),
            rec("AGREE", &["ARN", "GON"], &[]),
            rec("ACCUSE", &["ROH"], &["ARN"]),
        ];
        let p = vec![
            pred("ASSAULT", &["ARN"], &["GON"]),
            pred("AGREE", &["GON"], &["ROH"]),
            pred("REJECT", &["ROH"], &["ARN"]),
        ];
        let r = score("t", &gold, &p, true);
        assert!((r.get("event_accuracy").unwrap() - 2.0 / 3.0).abs() < 1e-9);
        // Pairs: 2 of 3 right in both directions.
        assert!((r.get("source_event_f1").unwrap() - 2.0 / 3.0).abs() < 1e-9);
        // Triples: only the first (the AGREE gold has no target but one was coded).
        assert!((r.get("source_event_target_f1").unwrap() - 1.0 / 3.0).abs() < 1e-9);
        // Macro-F1 over ASSAULT (1), AGREE (1), ACCUSE (0).
        assert!((r.get("event_macro_f1").unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.errors.len(), 2);
    }

    #[test]
    fn codes_compare_on_country_part() {
        assert_eq!(norm_code("USAGOV"), "USA");
        assert_eq!(norm_code("JAP"), "JPN");
    }
}
