//! Happenings in the store and the read API, on articles written for these tests.

mod common;

use annals_document::Document;
use annals_merge::{MergeConfig, Merger};
use annals_pipeline::{Extraction, Pipeline};
use annals_store::{DocQuery, EventQuery, HappeningQuery, Order, Store};
use common::{assert_points_in_step, store_at_version};
use std::collections::BTreeMap;

/// (outlet, date, title, text)
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "Harbour Gazette",
        "2025-03-04",
        "Dock strike",
        "Dock workers went on strike in Rotterdam on Monday, the union said.",
    ),
    (
        "Lowlands Post",
        "2025-03-04",
        "Port halted",
        "Thousands of dock workers staged a strike in Rotterdam on Monday, port officials said.",
    ),
    (
        "Eastern Courier",
        "2025-03-06",
        "Shelling",
        "Russian forces shelled Kharkiv on Tuesday, killing four civilians, Ukrainian officials said.",
    ),
    (
        "Moscow Daily",
        "2025-03-07",
        "Denial",
        "The Russian defence ministry denied shelling Kharkiv on Tuesday.",
    ),
    (
        "River News",
        "2025-03-06",
        "Kharkiv attack",
        "Russian troops attacked Kharkiv on Tuesday, killing seven civilians, the regional governor said.",
    ),
];

fn extractions(pipeline: &Pipeline) -> Vec<Extraction> {
    ARTICLES
        .iter()
        .map(|(outlet, date, title, text)| {
            let mut doc = Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
            doc.outlet = Some(outlet.to_string());
            doc.title = Some(title.to_string());
            pipeline.extract(doc)
        })
        .collect()
}

/// Each happening as (event, sorted report keys, corroborated, contradiction kinds).
type Shape = BTreeMap<Vec<String>, (String, bool, Vec<String>)>;

fn shape(store: &Store) -> Shape {
    let mut out = Shape::new();
    store
        .for_each_happening(&HappeningQuery::default(), |h| {
            let mut keys: Vec<String> = h.report_list.iter().map(|r| r.key.clone()).collect();
            keys.sort();
            let mut kinds: Vec<String> = h
                .contradiction_list
                .iter()
                .map(|c| c.kind.clone())
                .collect();
            kinds.sort();
            out.insert(
                keys,
                (h.happening.event.clone(), h.happening.corroborated, kinds),
            );
            true
        })
        .unwrap();
    out
}

fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(dir.path().join(name)).unwrap()
}

#[test]
fn two_outlets_and_a_denial_become_explained_happenings() {
    let pipeline = Pipeline::new();
    let records = extractions(&pipeline);
    let merger = Merger::new(MergeConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "h.db");
    store.insert_batch(&records).unwrap();
    assert!(store.pending_merge().unwrap() > 0);
    let stats = store.merge_all_pending(&merger, 1000).unwrap();
    assert_eq!(store.pending_merge().unwrap(), 0);
    assert!(stats.written > 0);

    // The strike: one happening, two independent outlets.
    let strikes = store
        .happenings(&HappeningQuery {
            event: Some("protest".into()),
            ..HappeningQuery::default()
        })
        .unwrap();
    assert_eq!(strikes.total, 1, "{strikes:?}");
    let strike = &strikes.items[0];
    assert_eq!(strike.reports, 2);
    assert!(strike.corroborated);
    assert_eq!(strike.independent_sources, 2);
    let detail = store.happening(&strike.id).unwrap().unwrap();
    assert_eq!(detail.report_list.len(), 2);
    assert!(
        detail.report_list.iter().all(|r| r
            .event
            .text
            .as_deref()
            .is_some_and(|t| t.contains("Rotterdam"))),
        "reports carry their sentence"
    );
    assert!(
        detail
            .report_list
            .iter()
            .all(|r| r.event.fields.contains_key("trigger"))
    );
    assert_eq!(detail.merge_reasons.len(), 1);
    assert!(
        detail.merge_reasons[0]
            .signals
            .iter()
            .any(|s| s.contains("NLDLAB")),
        "{:?}",
        detail.merge_reasons
    );

    // The shelling: two reports with differing death tolls, denied by the accused.
    let attacks = store
        .happenings(&HappeningQuery {
            actor: Some("RUS".into()),
            contradicted: Some(true),
            ..HappeningQuery::default()
        })
        .unwrap();
    assert_eq!(attacks.total, 1, "{attacks:?}");
    let attack = store.happening(&attacks.items[0].id).unwrap().unwrap();
    let kinds: Vec<&str> = attack
        .contradiction_list
        .iter()
        .map(|c| c.kind.as_str())
        .collect();
    assert!(kinds.contains(&"quantity"), "{kinds:?}");
    assert!(kinds.contains(&"denial"), "{kinds:?}");
    assert_eq!(attack.happening.reports, 2);

    // Every event sits in exactly one happening; the JSON view carries PLOVER names.
    let events = store.events(&EventQuery::default()).unwrap();
    assert!(events.items.iter().all(|e| e.happening_id.is_some()));
    let json = serde_json::to_value(&events.items[0]).unwrap();
    for key in [
        "event",
        "actor",
        "event_loc",
        "doc_id",
        "story_date",
        "happening_id",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
    let json = serde_json::to_value(&detail).unwrap();
    for key in [
        "id",
        "event",
        "report_list",
        "merge_reasons",
        "corroboration",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }

    // Ingesting the same articles again changes nothing.
    let before = shape(&store);
    let again = store.insert_batch(&records).unwrap();
    assert_eq!(again.inserted, 0);
    assert_eq!(store.merge_all_pending(&merger, 1000).unwrap().pending, 0);
    assert_eq!(shape(&store), before);
}

#[test]
fn merging_batch_by_batch_equals_merging_at_once() {
    let pipeline = Pipeline::new();
    let records = extractions(&pipeline);
    let merger = Merger::new(MergeConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let mut whole = open(&dir, "whole.db");
    whole.insert_batch(&records).unwrap();
    whole.merge_all_pending(&merger, 10_000).unwrap();
    let expected = shape(&whole);
    assert!(
        expected.len() == 3 && expected.keys().filter(|k| k.len() == 2).count() == 2,
        "{expected:?}"
    );
    for order in [[0, 2, 1, 3, 4], [4, 3, 2, 1, 0]] {
        let mut step = open(&dir, &format!("step-{}.db", order[0]));
        for i in order {
            step.insert_batch(std::slice::from_ref(&records[i]))
                .unwrap();
            // One event at a time, too.
            step.merge_all_pending(&merger, 1).unwrap();
        }
        assert_eq!(shape(&step), expected, "order {order:?}");
    }
}

#[test]
fn pages_by_offset_and_cursor_cover_every_event_once() {
    let pipeline = Pipeline::new();
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir, "p.db");
    // Many small articles on different days (and one undated), so pages cross date groups.
    let mut records = Vec::new();
    for i in 0..40 {
        let text = format!(
            "Farmers protested in Lyon on Friday against fuel taxes, police said. Bulletin {i}."
        );
        let date = (i != 7).then(|| format!("2024-{:02}-{:02}", i % 12 + 1, i % 27 + 1));
        let doc = Document::new(text).with_date(date.map(|d| d.parse().unwrap()));
        records.push(pipeline.extract(doc));
    }
    store.insert_batch(&records).unwrap();
    let all = store
        .events(&EventQuery {
            limit: Some(1000),
            ..EventQuery::default()
        })
        .unwrap();
    assert!(all.total >= 40 && all.total_exact);
    assert_eq!(all.items.len() as u64, all.total);
    // Newest first, undated last.
    let dates: Vec<Option<String>> = all.items.iter().map(|e| e.earliest.clone()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => b.cmp(a),
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, None) => std::cmp::Ordering::Equal,
    });
    assert_eq!(dates, sorted);
    for order in [Order::Newest, Order::Oldest] {
        let mut q = EventQuery {
            limit: Some(7),
            order,
            ..EventQuery::default()
        };
        let mut by_cursor = Vec::new();
        loop {
            let page = store.events(&q).unwrap();
            by_cursor.extend(page.items.iter().map(|e| e.key()));
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        let mut by_offset = Vec::new();
        let mut q = EventQuery {
            limit: Some(7),
            order,
            ..EventQuery::default()
        };
        loop {
            let page = store.events(&q).unwrap();
            if page.items.is_empty() {
                break;
            }
            by_offset.extend(page.items.iter().map(|e| e.key()));
            q.offset += 7;
        }
        assert_eq!(by_cursor, by_offset, "{order:?}");
        assert_eq!(by_cursor.len() as u64, all.total);
        let mut streamed = Vec::new();
        let n = store
            .for_each_event(
                &EventQuery {
                    order,
                    ..EventQuery::default()
                },
                |e| {
                    streamed.push(e.key());
                    true
                },
            )
            .unwrap();
        assert_eq!(n as usize, streamed.len());
        assert_eq!(streamed, by_cursor);
    }
    // Filters, documents and one document.
    let lyon = store
        .events(&EventQuery {
            bbox: Some("4,45,5,46".parse().unwrap()),
            from: Some("2024-06".into()),
            to: Some("2024-06".into()),
            ..EventQuery::default()
        })
        .unwrap();
    assert!(lyon.total > 0);
    assert!(lyon.items.iter().all(|e| {
        e.earliest
            .as_deref()
            .is_some_and(|d| d.starts_with("2024-06"))
    }));
    let docs = store
        .documents(&DocQuery {
            text: Some("bulletin".into()),
            limit: Some(5),
            ..DocQuery::default()
        })
        .unwrap();
    assert_eq!((docs.total, docs.items.len()), (40, 5));
    assert!(docs.next_cursor.is_some());
    let doc = store.document(&docs.items[0].id).unwrap().unwrap();
    assert!(doc.text.contains("Farmers"));
    assert_eq!(doc.event_list.len() as u32, doc.summary.events);
    assert!(store.document("nope").unwrap().is_none());
    assert!(store.happening("nope").unwrap().is_none());
    // A query string deserializes into a query (bbox as text).
    let q: EventQuery =
        serde_json::from_value(serde_json::json!({"bbox": "4,45,5,46", "limit": 3})).unwrap();
    assert_eq!(q.bbox.map(|b| b.max_lat), Some(46.0));
    assert!(
        store
            .events(&EventQuery {
                cursor: Some("garbage".into()),
                ..EventQuery::default()
            })
            .is_err()
    );
}

#[test]
fn migrates_a_version_7_store_to_lean_happenings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.db");
    {
        // A store written by the version 7 schema: its insert trigger put the happening's
        // point in the R*Tree.
        let conn = store_at_version(&path, 7);
        conn.execute_batch(
            "INSERT INTO happenings (id, event, earliest, latest, place, place_country, lat, lon,
                 reports, outlets, independent_sources, corroborated, contradictions, json,
                 digest)
             VALUES ('h-old', 'PROTEST', '2019-05-01', '2019-05-01', 'Valmora', 'VAL', 10.5,
                 20.5, 0, 0, 0, 0, 0, '{}', 0);",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let names = |kind: &str| -> Vec<String> {
        conn.prepare("SELECT name FROM sqlite_schema WHERE type = ?1 ORDER BY name")
            .unwrap()
            .query_map([kind], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let (triggers, indexes) = (names("trigger"), names("index"));
    for gone in [
        "happenings_latest",
        "happenings_country",
        "happening_contradictions_kind",
        "happenings_rtree_insert",
    ] {
        assert!(
            !triggers.iter().chain(&indexes).any(|n| n == gone),
            "{gone}"
        );
    }
    for kept in ["happenings_rtree_delete", "happenings_rtree_update"] {
        assert!(triggers.iter().any(|t| t == kept), "{kept}");
    }
    assert_eq!(
        assert_points_in_step(&path, "happenings", "happenings_rtree"),
        1
    );
    // Happenings written now get their points from the merge, in batches and one by one;
    // rewritten and removed ones keep the R*Tree in step through the triggers.
    let pipeline = Pipeline::new();
    let records = extractions(&pipeline);
    let merger = Merger::new(MergeConfig::default());
    store.insert_batch(&records[..3]).unwrap();
    store.merge_all_pending(&merger, 10_000).unwrap();
    store.insert_batch(&records[3..]).unwrap();
    store.merge_all_pending(&merger, 1).unwrap();
    assert!(assert_points_in_step(&path, "happenings", "happenings_rtree") > 1);
    let located = store
        .happenings(&HappeningQuery {
            bbox: Some("20,10,21,11".parse().unwrap()),
            ..HappeningQuery::default()
        })
        .unwrap();
    assert_eq!(located.items.len(), 1);
    assert_eq!(located.items[0].id, "h-old");
}
