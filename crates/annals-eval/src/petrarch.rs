//! Scoring against the PETRARCH2 unit-test suite: a folder with `PETR.UnitTest.records.jsonl`
//! (`{id, date, text, expected: [{sourcecode, targetcode, eventcode} | {noevents} | {error}]}`)
//! and the dictionaries the tests assume (`*.verbs.txt`, `*.actors.txt`, `*.agents.txt`,
//! `*.discards.txt`).
//!
//! The folder's verb dictionary replaces the built-in triggers, and its actor and agent
//! dictionaries are added to the actor recognizer, so the score measures how well annals reads
//! and applies PETRARCH dictionaries without a parser. Each event yields one triple per
//! (source, target) pair; a `A:B` code also yields the reverse pair with code `B`. An event with
//! a source and no target has target `---`, as PETRARCH writes it.

use crate::report::share;
use crate::{EvalError, Report};
use annals_actors::{ActorMention, ActorRecognizer};
use annals_document::{Document, Sentence, SentenceKind, Span};
use annals_events::{Event, EventCoder, PlaceRef, TimeFacts, VerbDictionary};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A (source code, target code, CAMEO code) triple.
pub type Triple = (String, String, String);

/// A party's code PETRARCH style: an agent without a known country is `---` + sector.
fn petr_code(p: &annals_events::Party) -> String {
    if p.country.is_empty() && p.code.len() == 3 && !p.sector.is_empty() {
        format!("---{}", p.code)
    } else {
        p.code.clone()
    }
}

/// The triples of coded events, PETRARCH style.
pub fn triples(events: &[Event]) -> BTreeSet<Triple> {
    let mut out = BTreeSet::new();
    for e in events {
        // PETRARCH codes nothing without at least one coded party.
        if e.cameo.is_empty() || (e.actor.is_empty() && e.recipient.is_empty()) {
            continue;
        }
        let mut codes = e.cameo.split(':');
        let forward = codes.next().unwrap_or("").to_string();
        let backward = codes.next().map(str::to_string);
        // PETRARCH pairs the members of a compound source with each other when there is no target.
        if e.recipient.is_empty() && e.actor.len() >= 2 {
            for a in &e.actor {
                for b in &e.actor {
                    let (x, y) = (petr_code(a), petr_code(b));
                    if a.span != b.span && x != y {
                        out.insert((x, y, forward.clone()));
                    }
                }
            }
            continue;
        }
        let sources: Vec<String> = if e.actor.is_empty() {
            vec![String::new()]
        } else {
            e.actor.iter().map(petr_code).collect()
        };
        // PETRARCH writes a coded source's missing target as `---`.
        let targets: Vec<String> = if e.recipient.is_empty() {
            vec![if e.actor.is_empty() {
                String::new()
            } else {
                "---".to_string()
            }]
        } else {
            e.recipient.iter().map(petr_code).collect()
        };
        for s in &sources {
            for t in &targets {
                // PETRARCH drops events whose source and target are the same actor code.
                if !s.is_empty() && s == t {
                    continue;
                }
                out.insert((s.to_string(), t.to_string(), forward.clone()));
                if let Some(b) = &backward {
                    out.insert((t.to_string(), s.to_string(), b.clone()));
                }
            }
        }
    }
    out
}

fn find(dir: &Path, suffix: &str) -> Option<PathBuf> {
    let mut hits: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().to_lowercase().ends_with(suffix))
        })
        .collect();
    hits.sort();
    hits.into_iter().next()
}

fn read_err(path: &Path, e: impl ToString) -> EvalError {
    EvalError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Sentence-level discard phrases (lower case) from a PETRARCH discards file.
pub fn read_discards(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with("<!--"))
        .map(|l| l.trim_start_matches('+').replace('_', " ").to_lowercase())
        .collect()
}

fn discarded(text: &str, discards: &[String]) -> bool {
    let lower = format!(
        " {} ",
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    );
    discards.iter().any(|d| lower.contains(&format!(" {d} ")))
}

/// Scores the folder's records with its dictionaries.
pub fn run(dir: &Path, with_errors: bool) -> Result<Report, EvalError> {
    let records_path = dir.join("PETR.UnitTest.records.jsonl");
    let raw = std::fs::read_to_string(&records_path).map_err(|e| read_err(&records_path, e))?;
    let verbs_path =
        find(dir, "verbs.txt").ok_or_else(|| read_err(dir, "no *verbs.txt dictionary"))?;
    let verbs = VerbDictionary::read(&verbs_path).map_err(|e| read_err(&verbs_path, e))?;
    let mut coder = EventCoder::new();
    coder.add_dictionary(&verbs, true);
    coder.keep_unmapped(true);
    let mut dicts = Vec::new();
    for suffix in ["actors.txt", "agents.txt"] {
        if let Some(p) = find(dir, suffix) {
            dicts.push(p);
        }
    }
    let recognizer =
        ActorRecognizer::with_dictionaries_as_written(&dicts).map_err(|e| read_err(dir, e))?;
    let discards = match find(dir, "discards.txt") {
        Some(p) => read_discards(&std::fs::read_to_string(&p).map_err(|e| read_err(&p, e))?),
        None => Vec::new(),
    };

    let (mut want, mut got, mut quiet, mut quiet_ok, mut records, mut skipped) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut errors = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| EvalError::Parse {
            path: format!("{}:{}", records_path.display(), n + 1),
            message: e.to_string(),
        })?;
        let expected = v
            .get("expected")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if expected.iter().any(|e| e.get("error").is_some()) {
            skipped += 1;
            continue;
        }
        records += 1;
        let text = v
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        let date = v.get("date").and_then(Value::as_str).and_then(|d| {
            if d.len() == 8 {
                format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]).parse().ok()
            } else {
                None
            }
        });
        let found = if discarded(&text, &discards) {
            BTreeSet::new()
        } else {
            let doc = Document::new(text.clone()).with_date(date);
            let sentences = vec![Sentence {
                span: Span::new(0, text.len()),
                kind: SentenceKind::Body,
                rule: "eval/petrarch/record".into(),
            }];
            let actors: Vec<ActorMention> = recognizer.recognize(&text, &sentences, date);
            let events = coder.code(
                &text,
                &sentences,
                &TimeFacts::default(),
                &[] as &[PlaceRef],
                &actors,
                &doc,
            );
            triples(&events)
        };
        let id = v.get("id").and_then(Value::as_str).unwrap_or("");
        if expected.iter().any(|e| e.get("noevents").is_some()) {
            quiet += 1;
            if found.is_empty() {
                quiet_ok += 1;
            } else if with_errors {
                errors.push(format!("{id}: expected no event, coded {found:?}"));
            }
            continue;
        }
        for e in &expected {
            let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let t = (s("sourcecode"), s("targetcode"), s("eventcode"));
            want += 1;
            if found.contains(&t) {
                got += 1;
            } else if with_errors {
                errors.push(format!("{id}: missing {t:?}; coded {found:?} | {text}"));
            }
        }
    }
    let triples_share = if want == 0 {
        0.0
    } else {
        got as f64 / want as f64
    };
    let quiet_share = if quiet == 0 {
        1.0
    } else {
        quiet_ok as f64 / quiet as f64
    };
    let mut report = Report::new(
        format!(
            "petrarch: {} ({records} records, {skipped} error records skipped)",
            dir.display()
        ),
        &["kind", "found", "expected", "share"],
    );
    report.row(vec![
        "triples produced exactly".into(),
        got.to_string(),
        want.to_string(),
        share(triples_share),
    ]);
    report.row(vec![
        "no-event records left empty".into(),
        quiet_ok.to_string(),
        quiet.to_string(),
        share(quiet_share),
    ]);
    report.metric("triples", triples_share);
    report.metric("noevents_empty", quiet_share);
    report.errors = errors;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use annals_events::Party;

    fn party(code: &str) -> Party {
        Party {
            text: code.into(),
            code: code.into(),
            country: String::new(),
            sector: String::new(),
            span: Span::new(0, 0),
        }
    }

    #[test]
    fn triples_cross_compounds_and_reverse_split_codes() {
        let coder = EventCoder::new();
        let text = "Arnor troops attacked Gondor.";
        let doc = Document::new(text.into());
        let s = vec![Sentence {
            span: Span::new(0, text.len()),
            kind: SentenceKind::Body,
            rule: "t".into(),
        }];
        let mut ev = coder.code(
            text,
            &s,
            &TimeFacts::default(),
            &[] as &[PlaceRef],
            &[] as &[annals_events::ActorRef],
            &doc,
        );
        assert_eq!(ev.len(), 1);
        ev[0].actor = vec![party("ARN"), party("ROH")];
        ev[0].recipient = vec![party("GON")];
        ev[0].cameo = "032:033".into();
        let t = triples(&ev);
        assert!(t.contains(&("ARN".into(), "GON".into(), "032".into())));
        assert!(t.contains(&("GON".into(), "ROH".into(), "033".into())));
        assert_eq!(t.len(), 4);
        // A party paired with itself yields no triple.
        ev[0].actor = vec![party("ARN")];
        ev[0].recipient = vec![party("ARN"), party("GON")];
        ev[0].cameo = "190".into();
        let t = triples(&ev);
        assert_eq!(t.len(), 1, "{t:?}");
        assert!(t.contains(&("ARN".into(), "GON".into(), "190".into())));
        // A coded source without a target: PETRARCH writes the target as `---`.
        ev[0].recipient = Vec::new();
        ev[0].cameo = "023".into();
        let t = triples(&ev);
        assert_eq!(
            t,
            BTreeSet::from([("ARN".into(), "---".into(), "023".into())])
        );
    }

    #[test]
    fn discards_match_whole_words() {
        let d = read_discards("+World Golf Championships # x\nBASEBALL\n<!-- c -->\n");
        assert_eq!(d, vec!["world golf championships", "baseball"]);
        assert!(discarded("The baseball final was held.", &d));
        assert!(!discarded("Baseballs were sold.", &d));
    }
}
