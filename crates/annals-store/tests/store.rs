//! Store behaviour: idempotent batches, migrations, full-text search and every filter.

mod common;

use annals_document::Document;
use annals_pipeline::Pipeline;
use annals_store::{Query, Record, SCHEMA_VERSION, Store, StoreError};
use common::{assert_points_in_step, store_at_version};
use serde_json::{Value, json};

fn doc(id: &str, date: &str, title: &str, text: &str, outlet: &str, events: Value) -> Value {
    json!({
        "id": id, "title": title, "date": date, "outlet": outlet, "language": "en",
        "origin": {"path": "test", "format": "jsonl"}, "text": text, "sentences": [],
        "events": events,
    })
}

/// Three articles with events written for these tests.
fn corpus() -> Vec<Record> {
    corpus_json().into_iter().map(Record::from_value).collect()
}

/// The same articles as JSON extraction records.
fn corpus_json() -> Vec<Value> {
    vec![
        doc(
            "d1",
            "2024-03-02",
            "Farmers block roads near Lyon",
            "Farmers blocked roads near Lyon on Friday to protest fuel taxes, police said.",
            "Rhone Daily",
            json!([{
                "event": "PROTEST", "mode": "demonstrate", "modality": "asserted",
                "date": {"value": "2024-03-01", "earliest": "2024-03-01", "latest": "2024-03-01"},
                "actor": {"code": "FRAAGR", "country": "FRA"},
                "recipient": {"code": "FRAGOV", "country": "FRA"},
                "event_loc": {"name": "Lyon", "lat": 45.76, "lon": 4.84},
                "attribution": [{"text": "police", "kind": "official"}]
            }, {
                "event": "CONSULT", "mode": [], "modality": "future",
                "event_loc": {"name": "Brussels", "country": "BEL"}
            }]),
        ),
        doc(
            "d2",
            "2024-06-10",
            "Ministers trade accusations",
            "Officials in Ankara accused Athens of airspace violations, the ministry said.",
            "Aegean Wire",
            json!([
                {
                    "event": "ACCUSE", "mode": ["verbal", "public"], "modality": "asserted",
                    "date": {"value": "2024-06-09"},
                    "actor": [{"code": "TURGOV", "country": "TUR"}],
                    "recipient": [{"code": "GRCGOV", "country": "GRC"}],
                    "event_loc": {"name": "Ankara", "lat": 39.93, "lon": 32.86},
                    "attribution": [{"text": "the ministry", "kind": "official"}]
                },
                {
                    "event": "PROTEST", "mode": "demonstrate", "modality": "hypothetical",
                    "actor": {"code": "GRCCVL", "country": "GRC"},
                    "event_loc": {"name": "Athens", "lat": 37.98, "lon": 23.73}
                }
            ]),
        ),
        doc(
            "d3",
            "2023-11-20",
            "Quiet week at the port",
            "Nothing of note happened at the port of Valmora this week.",
            "Rhone Daily",
            json!([]),
        ),
    ]
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    store.insert_records(&corpus()).unwrap();
    (dir, store)
}

fn ids(store: &Store, q: Query) -> Vec<String> {
    store
        .search(&q)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn batches_are_idempotent_by_document_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    let first = store.insert_records(&corpus()).unwrap();
    assert_eq!((first.inserted, first.skipped, first.events), (3, 0, 4));
    let again = store.insert_records(&corpus()).unwrap();
    assert_eq!((again.inserted, again.skipped, again.events), (0, 3, 0));
    drop(store);
    // Reopening keeps everything, and a batch with a duplicate inside it stores it once.
    let mut store = Store::open(&path).unwrap();
    let mut twice = corpus();
    twice.push(twice[0].clone());
    let stats = store.insert_records(&twice).unwrap();
    assert_eq!((stats.inserted, stats.skipped), (0, 4));
    let counts = store.counts().unwrap();
    assert_eq!((counts.documents, counts.events), (3, 4));
    assert!(store.contains("d2").unwrap());
    assert!(!store.contains("d9").unwrap());
}

#[test]
fn closing_before_exit_folds_the_log_back_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    store.insert_records(&corpus()).unwrap();
    let merger = annals_merge::Merger::new(annals_merge::MergeConfig::default());
    store.merge_all_pending(&merger, 100).unwrap();
    store.close_before_exit().unwrap();
    // The write-ahead log was checkpointed into the file and removed, as a dropped store does.
    assert!(!dir.path().join("t.db-wal").exists());
    let store = Store::open_read_only(&path).unwrap();
    let counts = store.counts().unwrap();
    assert_eq!((counts.documents, counts.events), (3, 4));
    assert_eq!(store.pending_merge().unwrap(), 0);
    for original in corpus_json() {
        let id = original["id"].as_str().unwrap();
        assert_eq!(store.record(id).unwrap().unwrap(), original, "{id}");
    }
}

#[test]
fn records_come_back_whole_with_their_events() {
    let (_dir, store) = store();
    for original in corpus_json() {
        let id = original["id"].as_str().unwrap();
        assert_eq!(store.record(id).unwrap().unwrap(), original, "{id}");
    }
}

#[test]
fn pipeline_records_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let pipeline = Pipeline::new();
    let a = pipeline.extract(
        Document::new("Talks resumed in Geneva. Both sides met.".into())
            .with_date(Some("2024-01-05".parse().unwrap())),
    );
    let b = pipeline.extract(Document::new("A second, unrelated article.".into()));
    let stats = store
        .insert_batch(&[a.clone(), b.clone(), a.clone()])
        .unwrap();
    assert_eq!((stats.inserted, stats.skipped), (2, 1));
    let stored = store.record(&a.document.id).unwrap().unwrap();
    assert_eq!(
        stored,
        serde_json::to_value(&a).unwrap(),
        "the record comes back whole"
    );
    assert_eq!(store.record("nope").unwrap(), None);
}

#[test]
fn full_text_is_stemmed_ranked_and_snippeted() {
    let (_dir, store) = store();
    let hits = store
        .search(&Query {
            text: Some("protesting".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["d1"]
    );
    let snippet = hits[0].snippet.as_deref().unwrap();
    assert!(snippet.contains("[protest]"), "{snippet}");
    assert!(hits[0].score.is_some());
    assert_eq!(
        hits[0].events.len(),
        2,
        "all events of the hit without event filters"
    );
    // Titles are indexed; every word must occur; prefix and OR work; punctuation is safe.
    assert_eq!(
        ids(
            &store,
            Query {
                text: Some("quiet".into()),
                ..Query::default()
            }
        ),
        ["d3"]
    );
    assert!(
        ids(
            &store,
            Query {
                text: Some("farmers ankara".into()),
                ..Query::default()
            }
        )
        .is_empty()
    );
    let mut either = ids(
        &store,
        Query {
            text: Some("farmers OR ankara".into()),
            ..Query::default()
        },
    );
    either.sort();
    assert_eq!(either, ["d1", "d2"]);
    assert_eq!(
        ids(
            &store,
            Query {
                text: Some("accus*".into()),
                ..Query::default()
            }
        ),
        ["d2"]
    );
    assert!(
        ids(
            &store,
            Query {
                text: Some("\"(AND* OR".into()),
                ..Query::default()
            }
        )
        .is_empty()
    );
}

#[test]
fn event_filters_select_documents_and_their_matching_events() {
    let (_dir, store) = store();
    let q = |f: fn(&mut Query)| {
        let mut q = Query::default();
        f(&mut q);
        let mut v = ids(&store, q);
        v.sort();
        v
    };
    assert_eq!(q(|q| q.event = Some("protest".into())), ["d1", "d2"]);
    assert_eq!(
        q(|q| q.actor = Some("TUR".into())),
        ["d2"],
        "actor code prefix"
    );
    assert_eq!(
        q(|q| q.actor = Some("GRCGOV".into())),
        ["d2"],
        "recipient side counts"
    );
    assert_eq!(q(|q| q.country = Some("fra".into())), ["d1"]);
    assert_eq!(q(|q| q.mode = Some("demonstrate".into())), ["d1", "d2"]);
    assert_eq!(q(|q| q.modality = Some("hypothetical".into())), ["d2"]);
    assert_eq!(
        q(|q| q.mode = Some("PUBLIC".into())),
        ["d2"],
        "one of several modes"
    );
    assert!(
        q(|q| q.mode = Some("pub".into())).is_empty(),
        "whole modes only"
    );
    assert_eq!(q(|q| q.country = Some("TUR".into())), ["d2"]);
    assert_eq!(
        q(|q| q.country = Some("BEL".into())),
        ["d1"],
        "the place's country counts"
    );
    assert_eq!(q(|q| q.source = Some("MINISTRY".into())), ["d2"]);
    assert_eq!(q(|q| q.place = Some("lyo".into())), ["d1"]);
    assert_eq!(
        q(|q| q.bbox = Some("-5,41,10,51.5".parse().unwrap())),
        ["d1"]
    );
    assert_eq!(q(|q| q.bbox = Some("20,35,35,42".parse().unwrap())), ["d2"]);
    assert_eq!(q(|q| q.outlet = Some("rhone daily".into())), ["d1", "d3"]);
    // Dates: an event without its own date takes the document's (d2's protest: 2024-06-10).
    assert_eq!(q(|q| q.from = Some("2024-06".into())), ["d2"]);
    assert_eq!(q(|q| q.to = Some("2024-03".into())), ["d1"]);
    assert_eq!(
        q(|q| q.to = Some("2024-02-29".into())),
        Vec::<String>::new()
    );
    assert_eq!(q(|q| q.from = Some("2024-06-10".into())), ["d2"]);
    assert_eq!(
        q(|q| q.from = Some("2024-06-11".into())),
        Vec::<String>::new()
    );
    // All event filters must hold for the same event: TUR never protested.
    assert!(
        q(|q| {
            q.actor = Some("TUR".into());
            q.event = Some("PROTEST".into());
        })
        .is_empty()
    );
    // Only the matching events come back with the hit.
    let hits = store
        .search(&Query {
            event: Some("ACCUSE".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(hits[0].events.len(), 1);
    assert_eq!(hits[0].events[0]["event"], "ACCUSE");
    // Text and filters combine.
    let both = Query {
        text: Some("police".into()),
        country: Some("GRC".into()),
        ..Query::default()
    };
    assert!(ids(&store, both).is_empty());
}

#[test]
fn limit_offset_and_order() {
    let (_dir, store) = store();
    // Without text: newest first.
    assert_eq!(ids(&store, Query::default()), ["d2", "d1", "d3"]);
    let page = Query {
        limit: Some(1),
        offset: 1,
        ..Query::default()
    };
    assert_eq!(ids(&store, page), ["d1"]);
}

#[test]
fn malformed_queries_are_errors_not_panics() {
    let (_dir, store) = store();
    let bad_date = Query {
        from: Some("last week".into()),
        ..Query::default()
    };
    assert!(matches!(store.search(&bad_date), Err(StoreError::Query(_))));
    let bad_box = Query {
        bbox: Some("0,50,10,40".parse().unwrap()),
        ..Query::default()
    };
    assert!(matches!(store.search(&bad_box), Err(StoreError::Query(_))));
    // An antimeridian box is fine.
    let wrap = Query {
        bbox: Some("170,-50,-170,50".parse().unwrap()),
        ..Query::default()
    };
    assert!(store.search(&wrap).unwrap().is_empty());
}

#[test]
fn migrates_a_version_1_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("fixtures/store-v1.sql"))
            .unwrap();
    }
    // A read-only open refuses an old schema instead of guessing.
    assert!(matches!(
        Store::open_read_only(&path),
        Err(StoreError::NeedsMigration { found: 1, .. })
    ));
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    // The old document was indexed by the migration and is found by text and by filter.
    let q = Query {
        text: Some("harbour".into()),
        actor: Some("VAL".into()),
        ..Query::default()
    };
    let hits = store.search(&q).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].outlet.as_deref(), Some("Coastal Courier"));
    // Version 3 filled the place country and the list of modes from the stored event JSON.
    let q = Query {
        country: Some("val".into()),
        mode: Some("blockade".into()),
        ..Query::default()
    };
    let hits = store.search(&q).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].events.len(), 1);
    assert_eq!(hits[0].events[0]["event_loc"]["name"], "Valmora harbour");
    let q = Query {
        mode: Some("strike".into()),
        ..Query::default()
    };
    assert_eq!(
        store.search(&q).unwrap()[0].events.len(),
        2,
        "a single mode and a list"
    );
    // New writes go on as usual and are indexed.
    store.insert_records(&corpus()).unwrap();
    assert_eq!(store.counts().unwrap().documents, 4);
    assert_eq!(
        ids(
            &store,
            Query {
                text: Some("airspace".into()),
                ..Query::default()
            }
        ),
        ["d2"]
    );
    drop(store);
    assert!(Store::open_read_only(&path).is_ok());
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

/// Checks that the full-text index and the events R*Tree hold exactly the stored rows.
fn assert_indexes_in_step(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    // Rank 1: also compare the index with its content table.
    conn.execute(
        "INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the full-text index matches the documents");
    assert_points_in_step(path, "events", "events_rtree");
}

#[test]
fn batches_keep_the_full_text_index_and_the_rtree_in_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    let mut rows = corpus();
    // A batch that repeats a document, then a batch of stored documents only.
    rows.push(rows[1].clone());
    store.insert_records(&rows[..2]).unwrap();
    store.insert_records(&rows).unwrap();
    store.insert_records(&rows).unwrap();
    assert_eq!(store.counts().unwrap().documents, 3);
    assert_indexes_in_step(&path);
    assert_eq!(
        ids(
            &store,
            Query {
                text: Some("valmora".into()),
                ..Query::default()
            }
        ),
        ["d3"]
    );
    // Deletes and updates made with SQL are followed by the remaining triggers.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         DELETE FROM documents WHERE id = 'd1';
         UPDATE documents SET title = 'Calm month at the harbour' WHERE id = 'd3';
         UPDATE events SET lat = lat + 1, lon = NULL WHERE doc_id = 'd2' AND idx = 1;",
    )
    .unwrap();
    assert_indexes_in_step(&path);
    let text = |t: &str| Query {
        text: Some(t.into()),
        ..Query::default()
    };
    assert!(ids(&store, text("farmers")).is_empty());
    assert_eq!(ids(&store, text("harbour")), ["d3"]);
    assert!(ids(&store, text("quiet")).is_empty());
}

#[test]
fn migrates_a_version_5_store_to_writer_indexing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    {
        // A store written by the version 5 schema, whose triggers indexed its rows.
        let conn = store_at_version(&path, 5);
        conn.execute_batch(
            "INSERT INTO documents (id, title, date, language, origin, text, record, ingested_at)
             VALUES ('old', 'Harbour closed', '2019-05-01', 'en', '{}',
                     'Dockers closed the harbour of Valmora.', '{\"events\":[]}',
                     '2019-05-01T00:00:00Z');
             INSERT INTO events (doc_id, idx, event, earliest, latest, lat, lon, json)
             VALUES ('old', 0, 'PROTEST', '2019-05-01', '2019-05-01', 10.5, 20.5, '{}'),
                    ('old', 1, 'STRIKE', '2019-05-01', '2019-05-01', NULL, NULL, '{}');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!triggers.iter().any(|t| t == "documents_fts_insert"));
    assert!(!triggers.iter().any(|t| t == "events_rtree_insert"));
    for kept in [
        "documents_fts_delete",
        "documents_fts_update",
        "events_rtree_delete",
        "events_rtree_update",
    ] {
        assert!(triggers.iter().any(|t| t == kept), "{kept}");
    }
    // Rows indexed by the old triggers and rows indexed by the writer are found alike.
    store.insert_records(&corpus()).unwrap();
    assert_indexes_in_step(&path);
    let text = |t: &str| Query {
        text: Some(t.into()),
        ..Query::default()
    };
    assert_eq!(ids(&store, text("harbour")), ["old"]);
    assert_eq!(ids(&store, text("airspace")), ["d2"]);
    let bbox = |b: &str| Query {
        bbox: Some(b.parse().unwrap()),
        ..Query::default()
    };
    assert_eq!(ids(&store, bbox("20,10,21,11")), ["old"]);
    assert_eq!(ids(&store, bbox("32,39,33,40")), ["d2"]);
}

/// An article whose one event has two actors and two recipients.
fn crowded() -> Value {
    doc(
        "many",
        "2024-09-01",
        "Unions and farmers meet ministers",
        "Union leaders and farmers met the labour and farm ministers in Lisbon.",
        "Tagus Post",
        json!([{
            "event": "CONSULT", "mode": ["meet"], "modality": "asserted",
            "actor": [{"code": "PRTLAB", "country": "PRT"}, {"code": "ESPAGR", "country": "ESP"}],
            "recipient": [{"code": "PRTGOV", "country": "PRT"}, {"code": "MARGOV", "country": "MAR"}],
            "event_loc": {"name": "Lisbon", "country": "PRT", "lat": 38.72, "lon": -9.14}
        }]),
    )
}

/// The values of a one-column SQL query, as text.
fn column(path: &std::path::Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_participant_is_found_though_only_the_later_ones_have_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    store.insert_records(&corpus()).unwrap();
    store
        .insert_records(&[Record::from_value(crowded())])
        .unwrap();
    // The first actor and recipient are columns of the event row; the second ones have rows.
    assert_eq!(
        column(
            &path,
            "SELECT doc_id || ' ' || role || ' ' || n || ' ' || code FROM event_actors
             ORDER BY role"
        ),
        ["many actor 1 ESPAGR", "many recipient 1 MARGOV"]
    );
    let find = |f: fn(&mut Query)| {
        let mut q = Query::default();
        f(&mut q);
        let mut v = ids(&store, q);
        v.sort();
        v
    };
    for code in ["PRTLAB", "ESPAGR", "PRTGOV", "MARGOV", "esp", "Mar"] {
        let mut q = Query {
            actor: Some(code.into()),
            ..Query::default()
        };
        assert_eq!(ids(&store, q.clone()), ["many"], "{code}");
        q.event = Some("PROTEST".into());
        assert!(ids(&store, q).is_empty(), "{code}: same event only");
    }
    assert_eq!(find(|q| q.actor = Some("PRT".into())), ["many"]);
    assert_eq!(find(|q| q.actor = Some("GRC".into())), ["d2"]);
    for country in ["prt", "ESP", "mar"] {
        let q = Query {
            country: Some(country.into()),
            ..Query::default()
        };
        assert_eq!(ids(&store, q), ["many"], "{country}");
    }
    assert_eq!(find(|q| q.country = Some("fra".into())), ["d1"]);
    assert!(find(|q| q.actor = Some("ESPGOV".into())).is_empty());
    // The record is stored compressed and comes back whole.
    assert_eq!(
        column(&path, "SELECT typeof(record) FROM documents ORDER BY id"),
        ["blob"; 4]
    );
    assert_eq!(store.record("many").unwrap().unwrap(), crowded());
}

#[test]
fn migrates_a_version_6_store_to_lean_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    {
        // A store written by the version 6 schema: the record as TEXT, every participant
        // in `event_actors`, one first participant (hand-edited) unlike its event's columns.
        let conn = store_at_version(&path, 6);
        conn.execute_batch(
            "INSERT INTO documents (id, title, date, language, origin, text, record, ingested_at)
             VALUES ('old', 'Harbour closed', '2019-05-01', 'en', '{}',
                     'Dockers closed the harbour of Valmora.',
                     '{\"id\":\"old\",\"events\":[],\"sentences\":[]}', '2019-05-01T00:00:00Z');
             INSERT INTO documents_fts (rowid, title, text)
                 SELECT rowid, title, text FROM documents;
             INSERT INTO events (doc_id, idx, event, earliest, latest, actor_code, actor_country,
                                 recipient_code, recipient_country, json)
             VALUES ('old', 0, 'PROTEST', '2019-05-01', '2019-05-01', 'VALLAB', 'VAL',
                     'VALGOV', 'VAL', '{\"event\":\"PROTEST\"}'),
                    ('old', 1, 'STRIKE', '2019-05-01', '2019-05-01', NULL, NULL, NULL, NULL,
                     '{\"event\":\"STRIKE\"}');
             INSERT INTO event_actors (doc_id, idx, role, n, code, country) VALUES
                 ('old', 0, 'actor', 0, 'VALLAB', 'VAL'),
                 ('old', 0, 'actor', 1, 'XYZCVL', 'XYZ'),
                 ('old', 0, 'recipient', 0, 'VALGOV', 'VAL'),
                 ('old', 1, 'actor', 0, 'QRSMIL', 'QRS');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    // The first participants equal to their event's columns are gone; the rest stay.
    assert_eq!(
        column(
            &path,
            "SELECT idx || ' ' || role || ' ' || n || ' ' || code FROM event_actors
             ORDER BY idx, role, n"
        ),
        ["0 actor 1 XYZCVL", "1 actor 0 QRSMIL"]
    );
    let indexes = column(
        &path,
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    );
    for gone in [
        "event_actors_code",
        "event_actors_country",
        "events_place_country",
    ] {
        assert!(!indexes.iter().any(|i| i == gone), "{gone}");
    }
    // Every participant is still found, by code prefix and by country.
    store.insert_records(&corpus()).unwrap();
    for (actor, country) in [
        ("VALLAB", "val"),
        ("VALGOV", "VAL"),
        ("XYZ", "xyz"),
        ("QRSMIL", "QRS"),
    ] {
        let by_actor = Query {
            actor: Some(actor.into()),
            ..Query::default()
        };
        assert_eq!(ids(&store, by_actor), ["old"], "{actor}");
        let by_country = Query {
            country: Some(country.into()),
            ..Query::default()
        };
        assert_eq!(ids(&store, by_country), ["old"], "{country}");
    }
    let strike = Query {
        actor: Some("QRS".into()),
        event: Some("PROTEST".into()),
        ..Query::default()
    };
    assert!(ids(&store, strike).is_empty(), "QRS is the striking actor");
    // The old record (TEXT) and the new ones (compressed) are read alike.
    assert_eq!(
        column(&path, "SELECT typeof(record) FROM documents ORDER BY rowid"),
        ["text", "blob", "blob", "blob"]
    );
    let old = store.record("old").unwrap().unwrap();
    assert_eq!(old["id"], "old");
    assert_eq!(old["text"], "Dockers closed the harbour of Valmora.");
    assert_eq!(old["events"][1], json!({"event": "STRIKE"}));
    for original in corpus_json() {
        let id = original["id"].as_str().unwrap();
        assert_eq!(store.record(id).unwrap().unwrap(), original, "{id}");
    }
    assert_indexes_in_step(&path);
}

#[test]
fn new_stores_get_32_kib_pages_and_old_ones_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let page_size = |path: &std::path::Path| {
        column(path, "SELECT CAST(page_size AS TEXT) FROM pragma_page_size")
    };
    let new = dir.path().join("new.db");
    Store::open(&new)
        .unwrap()
        .insert_records(&corpus())
        .unwrap();
    assert_eq!(page_size(&new), ["32768"]);
    let old = dir.path().join("old.db");
    rusqlite::Connection::open(&old)
        .unwrap()
        .execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); PRAGMA user_version = 0;")
        .unwrap();
    let mut store = Store::open(&old).unwrap();
    store.insert_records(&corpus()).unwrap();
    assert_eq!(page_size(&old), ["4096"]);
    assert_eq!(
        ids(
            &store,
            Query {
                text: Some("airspace".into()),
                ..Query::default()
            }
        ),
        ["d2"]
    );
}
