//! Runs the fixtures in `tests/cases.txt` (format described at the top of that file).

use annals_document::SentenceKind;
use annals_segment::NewsSegmenter;

struct Expected {
    kind: SentenceKind,
    rule: String,
    text: String,
}

struct Case {
    name: String,
    line: usize,
    input: String,
    expected: Vec<Expected>,
}

fn parse(fixtures: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut in_input = false;
    let mut input: Vec<&str> = Vec::new();
    for (i, line) in fixtures.lines().enumerate() {
        if let Some(name) = line.strip_prefix("=== ") {
            cases.push(Case {
                name: name.trim().to_string(),
                line: i + 1,
                input: String::new(),
                expected: Vec::new(),
            });
            in_input = true;
            input.clear();
            continue;
        }
        let Some(case) = cases.last_mut() else {
            assert!(
                line.trim().is_empty() || line.starts_with('#'),
                "cases.txt line {}: text before the first case",
                i + 1
            );
            continue;
        };
        if in_input {
            if line == "---" {
                case.input = input.join("\n");
                in_input = false;
            } else {
                input.push(line);
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let (head, text) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("cases.txt line {}: expected `KIND RULE | TEXT`", i + 1));
        let (kind, rule) = head
            .split_once(' ')
            .unwrap_or_else(|| panic!("cases.txt line {}: expected `KIND RULE`", i + 1));
        let kind = match kind {
            "B" => SentenceKind::Body,
            "H" => SentenceKind::Heading,
            other => panic!("cases.txt line {}: unknown kind {other:?}", i + 1),
        };
        case.expected.push(Expected {
            kind,
            rule: format!("segment/{}", rule.trim()),
            text: text.replace("\\n", "\n"),
        });
    }
    assert!(!in_input, "cases.txt: the last case has no `---` line");
    cases
}

fn show(kind: SentenceKind, rule: &str, text: &str) -> String {
    let kind = match kind {
        SentenceKind::Body => "B",
        SentenceKind::Heading => "H",
    };
    let rule = rule.strip_prefix("segment/").unwrap_or(rule);
    format!("{kind} {rule} | {}", text.replace('\n', "\\n"))
}

#[test]
fn fixtures() {
    let cases = parse(include_str!("cases.txt"));
    assert!(cases.len() >= 25, "only {} cases parsed", cases.len());
    let segmenter = NewsSegmenter::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(
            !case.expected.is_empty(),
            "case {:?} expects no sentence",
            case.name
        );
        let got: Vec<String> = segmenter
            .segment(&case.input)
            .iter()
            .map(|s| show(s.kind, &s.rule, s.span.slice(&case.input)))
            .collect();
        let want: Vec<String> = case
            .expected
            .iter()
            .map(|e| show(e.kind, &e.rule, &e.text))
            .collect();
        if got != want {
            failures.push(format!(
                "case {:?} (cases.txt line {}):\n  expected:\n    {}\n  got:\n    {}",
                case.name,
                case.line,
                want.join("\n    "),
                got.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
