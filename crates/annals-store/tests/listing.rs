//! Listings over a store large enough that words and boxes are looked up both ways (few
//! matches: fetched first; many: checked row by row in date order): every way gives the same
//! rows, keyset pages walk every row once, and offset pages agree with them.

use annals_store::{BBox, DocQuery, EventQuery, EventView, Order, Query, Record, Store};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Documents mentioning the common word; more than a listing fetches before sorting.
const COMMON: usize = 3300;
/// Documents mentioning the rare word.
const RARE: usize = 40;
/// Documents (and events) without any date.
const UNDATED: usize = 25;

/// One document with one event, at `(lat, lon)`, on `date` (none: undated).
fn doc(n: usize, word: &str, date: Option<String>, lat: f64, lon: f64, event: &str) -> Value {
    let text = format!("Workers {word} marched in town number {n}.");
    let mut ev = json!({
        "id": format!("e{n}"), "event": event, "mode": [], "context": [], "cameo": "141",
        "quad_code": 3, "modality": "asserted",
        "actor": [{"text": "Workers", "code": "FRALAB", "country": "FRA", "sector": "LAB",
            "span": {"start": 0, "end": 7}}],
        "recipient": [],
        "event_loc": {"name": "Town", "country": "FRA", "lat": lat, "lon": lon,
            "precision": "city", "span": {"start": 0, "end": 7}},
        "trigger": {"text": "marched", "span": {"start": 8, "end": 15}},
        "sentence": {"start": 0, "end": text.len()},
        "rules": ["test"], "confidence": 0.5
    });
    if let (Some(d), Some(map)) = (&date, ev.as_object_mut()) {
        map.insert(
            "date".into(),
            json!({"value": d, "earliest": d, "latest": d, "text": d,
                "span": {"start": 0, "end": 1}, "rule": "test"}),
        );
    }
    json!({
        "id": format!("doc{n:05}"), "title": format!("Report {n}"), "date": date,
        "outlet": "Test Wire", "language": "en", "origin": {"path": "test", "format": "jsonl"},
        "text": text, "sentences": [], "events": [ev],
    })
}

/// A store of `COMMON` documents with the word `harbour` at one point, `RARE` with `lighthouse`
/// at another, and `UNDATED` undated ones; days repeat, so ties are broken by storage order.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("listing.db")).unwrap();
    let mut records = Vec::new();
    for n in 0..COMMON {
        let date = format!("2023-{:02}-{:02}", 1 + n % 12, 1 + n % 28);
        let event = if n % 3 == 0 { "PROTEST" } else { "ASSAULT" };
        records.push(doc(n, "harbour", Some(date), 48.0, 2.0, event));
    }
    for n in COMMON..COMMON + RARE {
        let date = format!("2022-05-{:02}", 1 + n % 28);
        records.push(doc(n, "lighthouse", Some(date), -33.0, 151.0, "PROTEST"));
    }
    for n in COMMON + RARE..COMMON + RARE + UNDATED {
        records.push(doc(n, "harbour", None, 48.0, 2.0, "PROTEST"));
    }
    let rows: Vec<Record> = records.into_iter().map(Record::from_value).collect();
    store.insert_records(&rows).unwrap();
    (dir, store)
}

/// Every event of `q`, walking keyset pages of `limit`.
fn walk(store: &Store, q: &EventQuery, limit: u32) -> Vec<EventView> {
    let mut out = Vec::new();
    let mut q = EventQuery {
        limit: Some(limit),
        ..q.clone()
    };
    loop {
        let page = store.events(&q).unwrap();
        assert!(page.items.len() <= limit as usize);
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

/// Every event of `q`, walking offset pages of `limit`.
fn walk_offsets(store: &Store, q: &EventQuery, limit: u32) -> Vec<EventView> {
    let mut out = Vec::new();
    loop {
        let page = store
            .events(&EventQuery {
                limit: Some(limit),
                offset: out.len() as u64,
                ..q.clone()
            })
            .unwrap();
        let n = page.items.len();
        out.extend(page.items);
        if n < limit as usize {
            return out;
        }
    }
}

fn keys(list: &[EventView]) -> Vec<String> {
    list.iter().map(EventView::key).collect()
}

/// Dated events in order (each day no later, or no earlier, than the one before), then the
/// undated ones; no event twice.
fn check_order(list: &[EventView], order: Order) {
    let unique: BTreeSet<String> = keys(list).into_iter().collect();
    assert_eq!(unique.len(), list.len(), "an event came twice");
    let days: Vec<Option<&str>> = list.iter().map(|e| e.earliest.as_deref()).collect();
    let first_undated = days.iter().position(Option::is_none).unwrap_or(days.len());
    assert!(days[first_undated..].iter().all(Option::is_none));
    for pair in days[..first_undated].windows(2) {
        match order {
            Order::Newest => assert!(pair[0] >= pair[1], "{pair:?}"),
            Order::Oldest => assert!(pair[0] <= pair[1], "{pair:?}"),
        }
    }
}

#[test]
fn pages_walk_every_event_once_in_both_orders() {
    let (_dir, store) = store();
    let all = COMMON + RARE + UNDATED;
    for order in [Order::Newest, Order::Oldest] {
        let q = EventQuery {
            order,
            ..EventQuery::default()
        };
        let by_cursor = walk(&store, &q, 97);
        assert_eq!(by_cursor.len(), all);
        check_order(&by_cursor, order);
        assert_eq!(keys(&walk_offsets(&store, &q, 97)), keys(&by_cursor));
        // The streaming walk gives the same events in the same order.
        let mut streamed = Vec::new();
        store
            .for_each_event(&q, |e| {
                streamed.push(e.key());
                true
            })
            .unwrap();
        assert_eq!(streamed, keys(&by_cursor));
    }
}

#[test]
fn common_and_rare_words_list_the_same_events_either_way() {
    let (_dir, store) = store();
    for (word, expected) in [("harbour", COMMON + UNDATED), ("lighthouse", RARE)] {
        for order in [Order::Newest, Order::Oldest] {
            let q = EventQuery {
                text: Some(word.into()),
                order,
                ..EventQuery::default()
            };
            let list = walk(&store, &q, 250);
            assert_eq!(list.len(), expected, "{word}");
            check_order(&list, order);
            assert!(list.iter().all(|e| {
                let title = e.title.as_deref().unwrap_or("");
                let n: usize = title.trim_start_matches("Report ").parse().unwrap();
                (COMMON..COMMON + RARE).contains(&n) == (word == "lighthouse")
            }));
            assert_eq!(keys(&walk_offsets(&store, &q, 250)), keys(&list));
        }
    }
    // A word with a type: the matches of each, intersected.
    let q = EventQuery {
        text: Some("harbour".into()),
        event: Some("protest".into()),
        ..EventQuery::default()
    };
    let list = walk(&store, &q, 500);
    assert_eq!(list.len(), COMMON.div_ceil(3) + UNDATED);
    assert!(list.iter().all(|e| e.field_str("event") == Some("PROTEST")));
    // Counted totals agree with the walk.
    let page = store.events(&q).unwrap();
    assert!(page.total_exact);
    assert_eq!(page.total, list.len() as u64);
}

#[test]
fn boxes_with_many_and_few_events_list_the_same_events_either_way() {
    let (_dir, store) = store();
    let around = |lat: f64, lon: f64| BBox {
        min_lon: lon - 1.0,
        min_lat: lat - 1.0,
        max_lon: lon + 1.0,
        max_lat: lat + 1.0,
    };
    for (b, expected) in [
        (around(48.0, 2.0), COMMON + UNDATED),
        (around(-33.0, 151.0), RARE),
        (around(10.0, 10.0), 0),
    ] {
        let q = EventQuery {
            bbox: Some(b),
            ..EventQuery::default()
        };
        let list = walk(&store, &q, 300);
        assert_eq!(list.len(), expected);
        check_order(&list, Order::Newest);
        assert_eq!(store.events(&q).unwrap().total, expected as u64);
    }
    // A box across the antimeridian holds the rare point.
    let q = EventQuery {
        bbox: Some(BBox {
            min_lon: 150.0,
            min_lat: -40.0,
            max_lon: -170.0,
            max_lat: -30.0,
        }),
        ..EventQuery::default()
    };
    assert_eq!(walk(&store, &q, 300).len(), RARE);
    // Box and words together: the smaller drives, the same rows come out.
    let q = EventQuery {
        bbox: Some(around(48.0, 2.0)),
        text: Some("lighthouse".into()),
        ..EventQuery::default()
    };
    assert!(walk(&store, &q, 300).is_empty());
}

#[test]
fn documents_and_search_with_common_words() {
    let (_dir, store) = store();
    let docs = store
        .documents(&DocQuery {
            text: Some("harbour".into()),
            limit: Some(1000),
            ..DocQuery::default()
        })
        .unwrap();
    assert_eq!(docs.items.len(), 1000);
    let dates: Vec<Option<&str>> = docs.items.iter().map(|d| d.date.as_deref()).collect();
    assert!(dates.windows(2).all(|p| p[0] >= p[1]));
    // Search: many matches come newest first, each with its snippet (ranking them all would
    // read every one), without a score.
    let q = Query {
        text: Some("harbour".into()),
        limit: Some(20),
        ..Query::default()
    };
    let hits = store.search(&q).unwrap();
    assert_eq!(hits.len(), 20);
    assert!(hits.iter().all(|h| {
        h.score.is_none()
            && h.snippet
                .as_deref()
                .is_some_and(|s| s.contains("[harbour]"))
    }));
    assert!(hits.windows(2).all(|p| p[0].date >= p[1].date));
    assert_eq!(store.search_count(&q, 1000).unwrap(), (1000, false));
    let all = Query {
        limit: None,
        ..q.clone()
    };
    assert_eq!(store.search(&all).unwrap().len(), COMMON + UNDATED);
    // Few matches: ranked, and counted exactly.
    let rare = Query {
        text: Some("lighthouse".into()),
        ..Query::default()
    };
    let hits = store.search(&rare).unwrap();
    assert_eq!(hits.len(), RARE);
    assert!(hits.iter().all(|h| h.score.is_some()));
    assert_eq!(
        store.search_count(&rare, 1000).unwrap(),
        (RARE as u64, true)
    );
    // Event filters alone, few and many matching events.
    let few = Query {
        from: Some("2022-05".into()),
        to: Some("2022-05".into()),
        ..Query::default()
    };
    assert_eq!(store.search(&few).unwrap().len(), RARE);
    let many = Query {
        event: Some("assault".into()),
        ..Query::default()
    };
    assert_eq!(
        store.search(&many).unwrap().len(),
        COMMON - COMMON.div_ceil(3)
    );
}
