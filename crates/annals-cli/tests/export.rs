//! `annals export` end to end: a store made by `annals ingest`, each format, and clear errors for
//! a missing, broken or empty store.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_annals");

fn annals(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ingest(dir: &Path) -> String {
    let article = dir.join("a.txt");
    std::fs::write(
        &article,
        "date 2024-04-10\noutlet Rhone Daily\nurl https://rhone.example/a\n\n\
         Thousands of farmers protested in Lyon on Tuesday against fuel taxes.\n",
    )
    .unwrap();
    let db = dir.join("annals.db").display().to_string();
    let o = annals(&[
        "ingest",
        &article.display().to_string(),
        "--db",
        &db,
        "--no-progress",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    db
}

#[test]
fn exports_each_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = ingest(dir.path());
    let o = annals(&["export", "--db", &db, "--format", "plover"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(line["event"][0], "PROTEST");
    assert!(stderr(&o).contains("exported 1 events"));

    let o = annals(&[
        "export", "--db", &db, "--format", "gdelt", "--event", "ASSAULT",
    ]);
    assert!(o.status.success() && o.stdout.is_empty(), "filtered out");

    let out = dir.path().join("events.parquet");
    let o = annals(&[
        "export",
        "--db",
        &db,
        "--format",
        "parquet",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PAR1"));
    assert!(!dir.path().join("events.parquet.partial").exists());

    let o = annals(&["export", "--db", &db, "--format", "geojson"]);
    let collection: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(collection["features"][0]["properties"]["place"], "Lyon");
}

#[test]
fn clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db").display().to_string();
    let o = annals(&["export", "--db", &missing, "--format", "plover"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no store at"), "{}", stderr(&o));

    let broken = dir.path().join("broken.db");
    std::fs::write(&broken, "this is not a database, just text ".repeat(200)).unwrap();
    let broken = broken.display().to_string();
    let o = annals(&["export", "--db", &broken, "--format", "acled"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot open") && stderr(&o).contains("broken.db"),
        "{}",
        stderr(&o)
    );

    let empty = dir.path().join("empty.db").display().to_string();
    annals_store::Store::open(&empty).unwrap();
    let o = annals(&["export", "--db", &empty, "--format", "gdelt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no documents"), "{}", stderr(&o));

    let db = ingest(dir.path());
    let o = annals(&["export", "--db", &db, "--format", "parquet"]);
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    let o = annals(&[
        "export",
        "--db",
        &db,
        "--format",
        "plover",
        "--since",
        "last week",
    ]);
    assert!(stderr(&o).contains("last week"), "{}", stderr(&o));
}
