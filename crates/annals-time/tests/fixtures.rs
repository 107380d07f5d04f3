//! Runs the cases of `tests/fixtures.txt` (format described at its top).

use annals_document::{Date, Sentence, SentenceKind, Span};
use annals_time::TimeRecognizer;

struct Case {
    line: usize,
    date: Option<Date>,
    sentences: Vec<String>,
    expect: Vec<Vec<String>>,
    narrative: Vec<(usize, String)>,
    only: bool,
}

fn parse(src: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut cur: Option<Case> = None;
    for (i, raw) in src.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            cases.extend(cur.take());
            continue;
        }
        let case = cur.get_or_insert_with(|| Case {
            line: i + 1,
            date: None,
            sentences: Vec::new(),
            expect: Vec::new(),
            narrative: Vec::new(),
            only: false,
        });
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "date" => case.date = Some(rest.parse().expect("bad date")),
            "text" => case.sentences.push(rest.to_string()),
            "expect" => case
                .expect
                .push(rest.split('|').map(|s| s.trim().to_string()).collect()),
            "narrative" => {
                let (i, v) = rest.split_once('|').expect("narrative INDEX | VALUE");
                case.narrative
                    .push((i.trim().parse().expect("index"), v.trim().to_string()));
            }
            "only" => case.only = true,
            other => panic!("line {}: unknown key {other}", i + 1),
        }
    }
    cases.extend(cur);
    cases
}

#[test]
fn fixtures() {
    let rec = TimeRecognizer::new();
    let cases = parse(include_str!("fixtures.txt"));
    assert!(cases.len() > 40, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let mut text = String::new();
        let mut sentences = Vec::new();
        for s in &case.sentences {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(s);
            sentences.push(Sentence {
                span: Span::new(start, text.len()),
                kind: SentenceKind::Body,
                rule: "test".into(),
            });
        }
        let found = rec.recognize(&text, &sentences, case.date);
        let shown: Vec<String> = found
            .expressions
            .iter()
            .map(|e| {
                format!(
                    "{:?} {} {} [{:?}..{:?}]",
                    e.text, e.timex_type, e.value, e.earliest, e.latest
                )
            })
            .collect();
        let mut fail = |msg: String| {
            failures.push(format!(
                "line {}: {msg}\n    found: {}",
                case.line,
                shown.join("; ")
            ))
        };
        // an expectation repeated for the same text is about its next occurrence
        let mut seen: Vec<&str> = Vec::new();
        for exp in &case.expect {
            let (want_text, want_type, want_value) = (&exp[0], &exp[1], &exp[2]);
            let nth = seen.iter().filter(|t| **t == want_text.as_str()).count();
            seen.push(want_text);
            let Some(e) = found
                .expressions
                .iter()
                .filter(|e| &e.text == want_text)
                .nth(nth)
            else {
                fail(format!("{want_text:?} not found"));
                continue;
            };
            if &e.timex_type != want_type || (want_value != "*" && &e.value != want_value) {
                fail(format!(
                    "{want_text:?}: expected {want_type} {want_value}, got {} {}",
                    e.timex_type, e.value
                ));
            }
            if let Some(extra) = exp.get(3) {
                let got_e = e.earliest.map(|d| d.to_string()).unwrap_or_default();
                let got_l = e.latest.map(|d| d.to_string()).unwrap_or_default();
                if let Some(after) = extra.strip_prefix("after ") {
                    if got_e.is_empty() || got_e.as_str() <= after {
                        fail(format!(
                            "{want_text:?}: expected earliest after {after}, got {got_e:?}"
                        ));
                    }
                } else if format!("{got_e}..{got_l}") != *extra {
                    fail(format!(
                        "{want_text:?}: expected interval {extra}, got {got_e}..{got_l}"
                    ));
                }
            }
        }
        if case.only && found.expressions.len() != case.expect.len() {
            fail(format!(
                "expected exactly {} expressions",
                case.expect.len()
            ));
        }
        for (i, v) in &case.narrative {
            match found.narrative.iter().find(|n| n.sentence == *i) {
                Some(n) if &n.value == v => {}
                other => fail(format!(
                    "narrative of sentence {i}: expected {v}, got {:?}",
                    other.map(|n| &n.value)
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing fixture(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
