//! `annals ingest` survives `kill -9`: a rerun completes the store without losing or duplicating.

use annals_document::document_id;
use annals_store::{Query, Store};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_annals");

/// The ids of the documents [`write_corpus`] writes for `n`, sorted.
fn expected_ids(n: usize) -> Vec<String> {
    let mut ids: Vec<String> = (0..n)
        .map(|i| {
            let (text, date) = article(i);
            document_id(&text, Some(date.parse().unwrap()))
        })
        .collect();
    ids.sort();
    ids
}

/// The text and date of article `i`.
fn article(i: usize) -> (String, String) {
    let text = format!(
        "Officials in district {} met union leaders on Monday about wages, bulletin {i} says. \
         Talks resume next week. Ref {}.",
        i % 31,
        i * 7919 % 100_003
    );
    (text, format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1))
}

/// Writes `n` small articles as JSONL, every seventh one repeated later under another record id;
/// returns the number of distinct documents.
fn write_corpus(path: &Path, n: usize) -> usize {
    let mut out = String::new();
    let line = |i: usize, rid: String| {
        let (text, date) = article(i);
        let record = serde_json::json!({
            "id": rid, "title": format!("Bulletin {i}"), "date": date, "outlet": "Test Wire",
            "text": text,
        });
        format!("{record}\n")
    };
    for i in 0..n {
        out.push_str(&line(i, format!("r{i}")));
        if i % 7 == 3 {
            out.push_str(&line(i / 2, format!("dup{i}")));
        }
    }
    std::fs::write(path, out).unwrap();
    n
}

fn ingest(input: &Path, db: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("ingest")
        .arg(input)
        .arg("--db")
        .arg(db)
        .args(["--batch", "40", "--no-progress"]);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

fn documents(db: &Path) -> u64 {
    Store::open_read_only(db)
        .and_then(|s| s.counts())
        .map_or(0, |c| c.documents)
}

#[test]
fn killed_ingest_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 2000;
    // Start, wait for a few committed batches, SIGKILL. Should the machine be so fast that the
    // run ends before the kill, try again with a larger corpus.
    let (input, killed_db, distinct) = loop {
        let input = dir.path().join(format!("docs-{n}.jsonl"));
        let db = dir.path().join(format!("killed-{n}.db"));
        let distinct = write_corpus(&input, n);
        let mut child = ingest(&input, &db).spawn().unwrap();
        let start = Instant::now();
        while documents(&db) < 200 && start.elapsed() < Duration::from_secs(20) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let finished_first = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or(()); // SIGKILL on Unix
        child.wait().unwrap();
        let stored = documents(&db) as usize;
        if !finished_first && stored < distinct {
            assert!(stored > 0, "the kill came before any commit");
            eprintln!("killed after {stored} of {distinct} documents");
            break (input, db, distinct);
        }
        assert!(
            n < 50_000,
            "ingest always finished before it could be killed"
        );
        n *= 4;
    };

    // Kill a rerun too, once it has committed more, then rerun to completion over the store
    // killed twice, and once more into a fresh store.
    let before = documents(&killed_db);
    let mut child = ingest(&input, &killed_db).spawn().unwrap();
    let start = Instant::now();
    while documents(&killed_db) < before + 200 && start.elapsed() < Duration::from_secs(20) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap_or(());
    child.wait().unwrap();
    eprintln!("killed again after {} documents", documents(&killed_db));
    let rerun = ingest(&input, &killed_db).output().unwrap();
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let summary = String::from_utf8_lossy(&rerun.stderr);
    assert!(summary.contains("already present"), "{summary}");

    let store = Store::open(&killed_db).unwrap();
    let counts = store.counts().unwrap();
    eprintln!("{counts:?}");
    // Exactly the distinct documents of the input, each once...
    let hits = store.search(&Query::default()).unwrap();
    let mut ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    ids.sort();
    assert_eq!(ids, expected_ids(n), "every distinct document, once");
    assert_eq!(counts.documents as usize, distinct);
    // ...with exactly the events of its record, none lost or doubled.
    let mut events = 0;
    for hit in &hits {
        let record = store.record(&hit.id).unwrap().unwrap();
        let in_record = record["events"].as_array().map_or(0, Vec::len);
        assert_eq!(hit.events.len(), in_record, "events of {}", hit.id);
        events += in_record as u64;
    }
    assert_eq!(counts.events, events);
    drop(store);

    // Happenings are consistent: nothing left pending, every event in exactly one happening,
    // every happening's report count matching its rows...
    assert_happenings_consistent(&killed_db);
    assert_indexes_in_step(&killed_db);
    // ...and the same happenings as one uninterrupted run into a fresh store.
    let fresh_db = dir.path().join("fresh.db");
    let out = ingest(&input, &fresh_db).output().unwrap();
    assert!(out.status.success());
    assert_happenings_consistent(&fresh_db);
    assert_eq!(happening_groups(&killed_db), happening_groups(&fresh_db));
}

/// Checks that the full-text index and the events R*Tree hold exactly the stored rows.
fn assert_indexes_in_step(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    // Rank 1: also compare the index with its content table.
    conn.execute(
        "INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the full-text index matches the documents");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let located = one("SELECT COUNT(*) FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL");
    assert_eq!(one("SELECT COUNT(*) FROM events_rtree"), located);
    assert_eq!(
        one("SELECT COUNT(*) FROM events e JOIN events_rtree r ON r.id = e.rowid"),
        located
    );
}

/// Checks the happening tables against the events, with plain SQL.
fn assert_happenings_consistent(db: &Path) {
    let store = Store::open(db).unwrap();
    assert_eq!(store.pending_merge().unwrap(), 0, "nothing left to merge");
    drop(store);
    let conn = rusqlite::Connection::open(db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Events coded with a type all belong to a happening; no report row is dangling.
    let typed = one("SELECT COUNT(*) FROM events WHERE event IS NOT NULL");
    assert!(typed > 0, "the corpus codes events");
    assert_eq!(one("SELECT COUNT(*) FROM happening_reports"), typed);
    assert_eq!(
        one("SELECT COUNT(*) FROM happening_reports r LEFT JOIN events e
             ON e.doc_id = r.doc_id AND e.idx = r.idx WHERE e.doc_id IS NULL"),
        0
    );
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM happening_reports r LEFT JOIN happenings h
             ON h.id = r.happening_id WHERE h.id IS NULL"
        ),
        0
    );
    // Every happening has as many report rows as it says, at least one.
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM happenings h WHERE h.reports <> (SELECT COUNT(*)
             FROM happening_reports r WHERE r.happening_id = h.id) OR h.reports = 0"
        ),
        0
    );
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM happenings h WHERE h.contradictions <> (SELECT COUNT(*)
             FROM happening_contradictions c WHERE c.happening_id = h.id)"
        ),
        0
    );
}

/// Each happening as its sorted report keys, all sorted.
fn happening_groups(db: &Path) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT happening_id, doc_id || '#' || idx FROM happening_reports
             ORDER BY happening_id, doc_id, idx",
        )
        .unwrap();
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
    {
        let (h, key) = row.unwrap();
        groups.entry(h).or_default().push(key);
    }
    let mut out: Vec<Vec<String>> = groups.into_values().collect();
    out.sort();
    out
}

#[test]
fn search_prints_jsonl_hits() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    let db = dir.path().join("s.db");
    write_corpus(&input, 60);
    let out = ingest(&input, &db).output().unwrap();
    assert!(out.status.success());
    let search = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("search")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = search(&["bulletin", "17", "--limit", "5"]);
    let hits: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Bulletin 48 mentions district 17 too, but the one titled "Bulletin 17" ranks first.
    assert_eq!(hits.len(), 2, "{text}");
    assert_eq!(hits[0]["title"], "Bulletin 17", "{text}");
    assert_eq!(search(&["union", "--limit", "3"]).lines().count(), 3);
    assert_eq!(search(&["nonexistentword"]).lines().count(), 0);
    // A missing store is an error, not a new empty file.
    let missing = dir.path().join("none.db");
    let out = Command::new(BIN)
        .args(["search", "--db"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}
