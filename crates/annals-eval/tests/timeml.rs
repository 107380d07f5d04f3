//! The TimeML scorer on a small hand-written fixture.

use annals_eval::timeml;
use std::path::Path;

fn fixture_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/timeml"
    ))
}

#[test]
fn parses_text_dct_and_gold_spans() {
    let xml = std::fs::read_to_string(fixture_dir().join("harbour.tml")).expect("fixture");
    let doc = timeml::parse(&xml).expect("parses");
    assert_eq!(
        doc.dct.map(|d| d.to_string()).as_deref(),
        Some("2024-03-15")
    );
    assert!(doc.text.contains("reopened on Thursday after three weeks"));
    assert!(doc.text.contains("daily & more"), "entities are unescaped");
    let gold: Vec<(&str, &str)> = doc
        .timexes
        .iter()
        .map(|t| (t.span.slice(&doc.text), t.value.as_str()))
        .collect();
    assert_eq!(
        gold,
        [
            ("Thursday", "2024-03-14"),
            ("three weeks", "P3W"),
            ("the weekend", "P2D"),
            ("morning", "2024-03-15TMO"),
            ("next month", "2024-04"),
            ("daily", "P1D")
        ]
    );
}

#[test]
fn scores_as_tempeval3() {
    let report = timeml::run(fixture_dir(), true).expect("runs");
    let get = |name: &str| report.get(name).unwrap_or(-1.0);
    // found 7 (6 gold + "now"); 5 exact extents, 6 overlapping; "the weekend" has the wrong type
    // and value
    assert!((get("strict_f1") - 10.0 / 13.0).abs() < 1e-9, "{report}");
    assert!((get("relaxed_f1") - 12.0 / 13.0).abs() < 1e-9, "{report}");
    assert!((get("type_accuracy") - 5.0 / 6.0).abs() < 1e-9, "{report}");
    assert!((get("value_accuracy") - 5.0 / 6.0).abs() < 1e-9, "{report}");
    assert!(
        (get("value_f1") - 12.0 / 13.0 * 5.0 / 6.0).abs() < 1e-9,
        "{report}"
    );
    let errors = report.errors.join("\n");
    assert!(errors.contains("harbour.tml: spurious \"now\""), "{errors}");
    assert!(
        errors.contains("harbour.tml: wrong value \"the weekend\": expected DURATION P2D"),
        "{errors}"
    );
    assert!(
        errors.contains("harbour.tml: extent \"morning\" found as \"this morning\""),
        "{errors}"
    );
    assert!(!errors.contains("missed"), "{errors}");
    assert_eq!(report.rows.len(), 5, "four types and all");
    assert!(timeml::run(Path::new("no/such/dir"), false).is_err());
}
