//! `annals ingest` merges the pending events once for the whole input (below the merge chunk),
//! however small its batches: each happening is written once, as one merge of everything.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_annals");

/// Three outlets reporting the same strike, a day apart.
const ARTICLES: [(&str, &str, &str); 3] = [
    (
        "Harbour Gazette",
        "2025-03-11",
        "Dock workers went on strike in Marseille on Tuesday over pensions, the union said.",
    ),
    (
        "Riviera Post",
        "2025-03-11",
        "Hundreds of dock workers went on strike in Marseille on Tuesday, port officials said.",
    ),
    (
        "Southern Ledger",
        "2025-03-12",
        "Dock workers in Marseille went on strike on Tuesday about pensions, police said.",
    ),
];

fn write_input(path: &Path) {
    let mut out = String::new();
    for (i, (outlet, date, text)) in ARTICLES.iter().enumerate() {
        let record = serde_json::json!({
            "id": format!("a{i}"), "date": date, "outlet": outlet, "text": text,
        });
        out.push_str(&format!("{record}\n"));
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn small_batches_are_merged_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("strike.jsonl");
    write_input(&input);
    let db = dir.path().join("s.db");
    let out = Command::new(BIN)
        .arg("ingest")
        .arg(&input)
        .arg("--db")
        .arg(&db)
        .args(["--batch", "1", "--no-progress"])
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{summary}");
    // One merge after the last batch: no happening written then replaced.
    assert!(summary.contains(" 0 replaced)"), "{summary}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT COUNT(*) FROM merge_pending"), 0);
    assert!(
        one("SELECT MAX(reports) FROM happenings") >= 2,
        "the articles merge"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM happening_reports"),
        one("SELECT COUNT(*) FROM events WHERE event IS NOT NULL")
    );
}
