//! Scoring against the worked example: a folder with `article.txt` and an analyst's
//! `expected.json` (times, places, people, events, attribution chains).
//!
//! The scorer reads the engine's output as JSON — the same record `annals extract` prints — so
//! it checks the public output format, not internal types. Each expected item is either found
//! (every field it lists is right) or missing, and a missing item says why in the error listing.

use crate::report::share;
use crate::{EvalError, Report};
use annals_document::Severity;
use annals_ingest::{Input, Item, ReadOptions};
use annals_pipeline::Pipeline;
use serde_json::Value;
use std::path::Path;

/// Distance within which an expected coordinate counts as found.
const MAX_KM: f64 = 30.0;

/// Scores the pipeline on `dir/article.txt` against `dir/expected.json`.
pub fn run(dir: &Path) -> Result<Report, EvalError> {
    let expected_path = dir.join("expected.json");
    let raw = std::fs::read_to_string(&expected_path).map_err(|e| EvalError::Read {
        path: expected_path.display().to_string(),
        message: e.to_string(),
    })?;
    let expected: Value = serde_json::from_str(&raw).map_err(|e| EvalError::Parse {
        path: expected_path.display().to_string(),
        message: e.to_string(),
    })?;
    let article = dir.join("article.txt");
    let mut docs = Vec::new();
    let mut read_errors = Vec::new();
    let input = Input {
        path: article.clone(),
        size: None,
    };
    annals_ingest::read_input(&input, &ReadOptions::default(), &mut |item| match item {
        Item::Document(d) => docs.push(*d),
        Item::Diagnostic(d) if d.severity == Severity::Error => read_errors.push(d.to_string()),
        Item::Diagnostic(_) => {}
    });
    let Some(doc) = docs.into_iter().next() else {
        return Err(EvalError::Read {
            path: article.display().to_string(),
            message: if read_errors.is_empty() {
                "no document".into()
            } else {
                read_errors.join("; ")
            },
        });
    };
    let record = Pipeline::new().extract(doc);
    let found = serde_json::to_value(&record).map_err(|e| EvalError::Parse {
        path: article.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(score(&expected, &found, &dir.display().to_string()))
}

/// Scores one extraction record (as JSON) against an `expected.json` value.
pub fn score(expected: &Value, found: &Value, name: &str) -> Report {
    let mut report = Report::new(
        format!("seed: {name}"),
        &["kind", "found", "required", "share"],
    );
    let mut errors = Vec::new();

    let want_date = expected.pointer("/document/date").and_then(Value::as_str);
    let got_date = found.get("date").and_then(Value::as_str);
    let date_ok = want_date.is_some() && want_date == got_date;
    if !date_ok {
        errors.push(format!(
            "document date: expected {want_date:?}, found {got_date:?}"
        ));
    }
    add(
        &mut report,
        "document date",
        usize::from(date_ok),
        1,
        "date",
    );

    let sentences = arr(found, "sentences");
    let headings = sentences
        .iter()
        .filter(|s| s.get("kind").and_then(Value::as_str) == Some("heading"))
        .count();
    report.row(vec![
        "sentences (headings)".into(),
        format!("{} ({headings})", sentences.len()),
        "-".into(),
        "-".into(),
    ]);
    report.metric("sentences", sentences.len() as f64);
    report.metric("headings", headings as f64);

    let (n, total) = count(arr(expected, "times"), &mut errors, |t| {
        time_found(t, arr(found, "times"))
    });
    add(&mut report, "times", n, total, "times");
    let (n, total) = count(arr(expected, "places"), &mut errors, |p| {
        place_found(p, arr(found, "places"))
    });
    add(&mut report, "places", n, total, "places");
    let (n, total) = count(arr(expected, "people"), &mut errors, |p| {
        person_found(p, arr(found, "actors"))
    });
    add(&mut report, "people", n, total, "people");
    let required: Vec<Value> = arr(expected, "events")
        .iter()
        .filter(|e| !e.get("optional").and_then(Value::as_bool).unwrap_or(false))
        .cloned()
        .collect();
    let (n, total) = count(&required, &mut errors, |e| {
        event_found(e, arr(found, "events"))
    });
    add(&mut report, "events (required)", n, total, "events");
    let events = arr(expected, "events");
    let (n, total) = count(arr(expected, "attribution_chains"), &mut errors, |c| {
        chain_found(c, events, arr(found, "events"))
    });
    add(&mut report, "attribution chains", n, total, "attribution");
    report.errors = errors;
    report
}

fn arr<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn add(report: &mut Report, kind: &str, n: usize, total: usize, metric: &str) {
    let s = if total == 0 {
        1.0
    } else {
        n as f64 / total as f64
    };
    report.row(vec![
        kind.into(),
        n.to_string(),
        total.to_string(),
        share(s),
    ]);
    report.metric(metric, s);
}

/// Counts the expected items `check` finds; `check` returns `Err(why)` for a miss.
fn count(
    items: &[Value],
    errors: &mut Vec<String>,
    check: impl Fn(&Value) -> Result<(), String>,
) -> (usize, usize) {
    let mut n = 0;
    for item in items {
        match check(item) {
            Ok(()) => n += 1,
            Err(why) => errors.push(why),
        }
    }
    (n, items.len())
}

/// A found item whose `text` equals (case-insensitively) or contains the expected text.
fn by_text<'v>(found: &'v [Value], want: &str) -> Vec<&'v Value> {
    let want = want.to_lowercase();
    found
        .iter()
        .filter(|f| {
            let t = text(f, "text").to_lowercase();
            !t.is_empty() && (t == want || t.contains(&want))
        })
        .collect()
}

fn time_found(t: &Value, found: &[Value]) -> Result<(), String> {
    let want_text = text(t, "text");
    let cands = by_text(found, want_text);
    if cands.is_empty() {
        return Err(format!("time {want_text:?}: not recognized"));
    }
    let want = text(t, "value");
    let mut accept = strings(t, "accept");
    accept.push(want.to_string());
    for c in &cands {
        let value = text(c, "value");
        let earliest = text(c, "earliest");
        for a in &accept {
            if let Some(after) = a.strip_prefix("after ") {
                if !earliest.is_empty() && earliest >= after {
                    return Ok(());
                }
            } else if let Some(start) = a.strip_prefix("a range starting ") {
                if earliest == start {
                    return Ok(());
                }
            } else if value == a {
                return Ok(());
            }
        }
    }
    let got: Vec<String> = cands
        .iter()
        .map(|c| {
            format!(
                "{} [{}, {}]",
                text(c, "value"),
                text(c, "earliest"),
                text(c, "latest")
            )
        })
        .collect();
    Err(format!(
        "time {want_text:?}: expected {want}, found {}",
        got.join(" | ")
    ))
}

fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().asin()
}

fn place_found(p: &Value, found: &[Value]) -> Result<(), String> {
    let want_text = text(p, "text");
    let cands = by_text(found, want_text);
    if cands.is_empty() {
        return Err(format!("place {want_text:?}: not recognized"));
    }
    let (lat, lon) = (
        p.get("lat").and_then(Value::as_f64),
        p.get("lon").and_then(Value::as_f64),
    );
    let country = text(p, "country");
    for c in &cands {
        let country_ok = country.is_empty() || text(c, "country") == country;
        let coords_ok = match (
            lat,
            lon,
            c.get("lat").and_then(Value::as_f64),
            c.get("lon").and_then(Value::as_f64),
        ) {
            (Some(a), Some(b), Some(x), Some(y)) => km(a, b, x, y) <= MAX_KM,
            (None, None, _, _) => true,
            _ => false,
        };
        if country_ok && coords_ok {
            return Ok(());
        }
    }
    let got: Vec<String> = cands
        .iter()
        .map(|c| {
            format!(
                "{} ({:?}, {:?})",
                text(c, "country"),
                c.get("lat"),
                c.get("lon")
            )
        })
        .collect();
    Err(format!(
        "place {want_text:?}: expected {country} near ({lat:?}, {lon:?}), found {}",
        got.join(" | ")
    ))
}

fn person_found(p: &Value, found: &[Value]) -> Result<(), String> {
    let want_text = text(p, "text");
    let mut cands = by_text(found, want_text);
    let lower = want_text.to_lowercase();
    cands.extend(
        found
            .iter()
            .filter(|f| text(f, "name").to_lowercase() == lower),
    );
    if cands.is_empty() {
        return Err(format!("person {want_text:?}: not recognized"));
    }
    let mut codes = strings(p, "actor");
    codes.extend(strings(p, "accept_actor"));
    if cands
        .iter()
        .any(|c| codes.iter().any(|code| code == text(c, "code")))
    {
        return Ok(());
    }
    let got: Vec<&str> = cands.iter().map(|c| text(c, "code")).collect();
    Err(format!(
        "person {want_text:?}: expected {}, found {}",
        codes.join("|"),
        got.join(" | ")
    ))
}

/// The code of an event's actor or recipient, which may be an object or a list of objects.
fn party_codes(e: &Value, key: &str) -> Vec<String> {
    match e.get(key) {
        Some(Value::Array(a)) => a.iter().map(|p| text(p, "code").to_string()).collect(),
        Some(p @ Value::Object(_)) => vec![text(p, "code").to_string()],
        _ => Vec::new(),
    }
}

fn attribution_texts(e: &Value) -> Vec<String> {
    arr(e, "attribution")
        .iter()
        .map(|a| text(a, "text").to_lowercase())
        .collect()
}

/// Why `f` does not match the expected event `e`, or `Ok` when it does.
fn event_matches(e: &Value, f: &Value) -> Result<(), String> {
    let mut types = strings(e, "plover");
    types.extend(strings(e, "accept_plover"));
    if !types.iter().any(|t| t == text(f, "event")) {
        return Err(format!("type {}", text(f, "event")));
    }
    for (want_key, accept_key, got_key) in [
        ("source", "accept_source", "actor"),
        ("target", "accept_target", "recipient"),
    ] {
        let mut want = strings(e, want_key);
        if want.is_empty() {
            continue;
        }
        want.extend(strings(e, accept_key));
        let got = party_codes(f, got_key);
        if !got.iter().any(|g| want.contains(g)) {
            return Err(format!("{got_key} {got:?}"));
        }
    }
    if let Some(date) = e.get("date").and_then(Value::as_str) {
        let value = f
            .pointer("/date/value")
            .and_then(Value::as_str)
            .unwrap_or("");
        let earliest = f
            .pointer("/date/earliest")
            .and_then(Value::as_str)
            .unwrap_or("");
        let ok = match date.strip_prefix("after ") {
            Some(after) => !earliest.is_empty() && earliest >= after,
            None => value == date,
        };
        if !ok {
            return Err(format!("date {value:?}"));
        }
    }
    if let Some(dead) = e.get("dead").and_then(Value::as_u64) {
        let got = f
            .pointer("/dead/value")
            .or_else(|| f.get("dead"))
            .and_then(Value::as_u64);
        if got != Some(dead) {
            return Err(format!("dead {got:?}"));
        }
    }
    let links = attribution_texts(f);
    for want in strings(e, "attribution") {
        let want = want.to_lowercase();
        if !links.iter().any(|l| l.contains(&want)) {
            return Err(format!("attribution {links:?}"));
        }
    }
    Ok(())
}

fn event_found(e: &Value, found: &[Value]) -> Result<(), String> {
    let key = text(e, "key");
    let mut near = Vec::new();
    for f in found {
        match event_matches(e, f) {
            Ok(()) => return Ok(()),
            Err(why) => near.push(format!("{} ({why})", text(f, "event"))),
        }
    }
    let types = strings(e, "plover").join("|");
    let close: Vec<&String> = near
        .iter()
        .filter(|n| n.starts_with(&types))
        .take(3)
        .collect();
    Err(format!(
        "event {key} ({types}): not found{}",
        if close.is_empty() {
            String::new()
        } else {
            format!("; closest {close:?}")
        }
    ))
}

fn chain_found(c: &Value, events: &[Value], found: &[Value]) -> Result<(), String> {
    let claim = text(c, "claim");
    let chain: Vec<String> = strings(c, "chain")
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    let expected_event = events.iter().find(|e| text(e, "key") == claim);
    let mut types = expected_event
        .map(|e| strings(e, "plover"))
        .unwrap_or_default();
    if let Some(e) = expected_event {
        types.extend(strings(e, "accept_plover"));
    }
    for f in found {
        if !types.is_empty() && !types.iter().any(|t| t == text(f, "event")) {
            continue;
        }
        let links = attribution_texts(f);
        // Outermost first: each expected link found in order.
        let mut at = 0;
        let in_order = chain.iter().all(|want| {
            match links[at..].iter().position(|l| l.contains(want.as_str())) {
                Some(i) => {
                    at += i + 1;
                    true
                }
                None => false,
            }
        });
        if in_order {
            return Ok(());
        }
    }
    Err(format!(
        "attribution chain for {claim}: {chain:?} not found in order"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expected() -> Value {
        json!({
            "document": {"date": "2021-03-02"},
            "times": [
                {"text": "March 1", "value": "2021-03-01"},
                {"text": "within days", "value": "after 2021-03-01"}
            ],
            "places": [{"text": "Lyon", "country": "FRA", "lat": 45.75, "lon": 4.85}],
            "people": [{"text": "Jean Dupont", "actor": "FRAGOV"}],
            "events": [
                {"key": "raid", "plover": "ASSAULT", "source": "FRAMIL", "date": "2021-03-01", "dead": 2,
                 "attribution": ["Le Monde"]},
                {"key": "maybe", "plover": "AID", "optional": true}
            ],
            "attribution_chains": [{"claim": "raid", "chain": ["Le Monde", "police"]}]
        })
    }

    #[test]
    fn a_complete_record_scores_every_row() {
        let found = json!({
            "date": "2021-03-02",
            "sentences": [{"kind": "heading"}, {"kind": "body"}],
            "times": [
                {"text": "March 1", "value": "2021-03-01"},
                {"text": "Within days", "value": "FUTURE_REF", "earliest": "2021-03-02"}
            ],
            "places": [{"text": "Lyon", "country": "FRA", "lat": 45.76, "lon": 4.84}],
            "actors": [{"text": "Mayor Jean Dupont", "code": "FRAGOV"}],
            "events": [{"event": "ASSAULT", "actor": {"code": "FRAMIL"}, "date": {"value": "2021-03-01"},
                        "dead": {"value": 2}, "attribution": [{"text": "Le Monde"}, {"text": "local police"}]}]
        });
        let r = score(&expected(), &found, "t");
        for m in ["date", "times", "places", "people", "events", "attribution"] {
            assert_eq!(r.get(m), Some(1.0), "{m}: {:?}", r.errors);
        }
        assert_eq!(r.get("headings"), Some(1.0));
    }

    #[test]
    fn wrong_fields_are_misses_with_reasons() {
        let found = json!({
            "date": "2021-03-02",
            "times": [{"text": "March 1", "value": "2022-03-01"}],
            "places": [{"text": "Lyon", "country": "FRA", "lat": 48.85, "lon": 2.35}],
            "actors": [{"text": "Jean Dupont", "code": "FRAMIL"}],
            "events": [{"event": "ASSAULT", "actor": {"code": "FRAMIL"}, "date": {"value": "2021-03-01"},
                        "dead": {"value": 3}, "attribution": [{"text": "police"}, {"text": "Le Monde"}]}]
        });
        let r = score(&expected(), &found, "t");
        assert_eq!(r.get("times"), Some(0.0));
        assert_eq!(r.get("places"), Some(0.0));
        assert_eq!(r.get("people"), Some(0.0));
        assert_eq!(r.get("events"), Some(0.0));
        assert_eq!(r.get("attribution"), Some(0.0), "chain out of order");
        assert!(
            r.errors.iter().any(|e| e.contains("dead Some(3)")),
            "{:?}",
            r.errors
        );
    }
}
