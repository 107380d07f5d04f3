//! Merging tested on short fictional articles run through the whole pipeline.

#[path = "common/synthetic.rs"]
mod synthetic;

use annals_document::Document;
use annals_merge::{Happening, MergeConfig, Merger, Report, Stance};
use annals_pipeline::Pipeline;
use std::collections::HashMap;

/// The reports of fictional articles given as (outlet, publication date, text).
fn reports(articles: &[(&str, &str, &str)]) -> Vec<Report> {
    let pipeline = Pipeline::new();
    let mut out = Vec::new();
    for (outlet, date, text) in articles {
        let mut doc = Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
        doc.outlet = Some(outlet.to_string());
        let extracted = Report::from_extraction(&pipeline.extract(doc));
        assert!(!extracted.is_empty(), "no event coded in {text:?}");
        out.extend(extracted);
    }
    out
}

fn merge(reports: &[Report]) -> Vec<Happening> {
    Merger::new(MergeConfig::default()).merge(reports)
}

/// The happening holding the report of article `n` (its first event).
fn happening_of<'h>(happenings: &'h [Happening], reports: &[Report], n: usize) -> &'h Happening {
    let doc = &reports
        .iter()
        .filter(|r| r.event_index == 0)
        .nth(n)
        .unwrap()
        .doc_id;
    happenings
        .iter()
        .find(|h| h.reports.iter().any(|r| &r.doc_id == doc))
        .unwrap()
}

const ATTACK_A: (&str, &str, &str) = (
    "Daily Courier",
    "2024-10-04",
    "Russian troops attacked Kharkiv on Thursday, the Ukrainian military said.",
);
const ATTACK_B: (&str, &str, &str) = (
    "Evening Star",
    "2024-10-04",
    "Russian forces shelled Kharkiv on Thursday, killing five civilians, local officials said.",
);

#[test]
fn one_attack_told_by_two_outlets_is_one_corroborated_happening() {
    let r = reports(&[ATTACK_A, ATTACK_B]);
    let h = merge(&r);
    assert_eq!(h.len(), 1, "{h:#?}");
    let h = &h[0];
    assert_eq!(h.event, "ASSAULT");
    assert_eq!(h.reports.len(), 2);
    assert_eq!(h.outlets, ["Daily Courier", "Evening Star"]);
    assert_eq!(h.corroboration.independent_sources, 2);
    assert!(h.corroboration.corroborated);
    let mut sources: Vec<&str> = h.original_sources.iter().map(|s| s.name.as_str()).collect();
    sources.sort();
    assert_eq!(sources, ["Ukrainian military", "local officials"]);
    assert_eq!(h.first_reported.as_deref(), Some("2024-10-04"));
    let date = h.date.as_ref().unwrap();
    assert_eq!(
        (date.earliest.as_str(), date.latest.as_str()),
        ("2024-10-03", "2024-10-03")
    );
    assert_eq!(h.event_loc.as_ref().unwrap().name, "Kharkiv");
    assert!(h.contradictions.is_empty(), "{:?}", h.contradictions);
    // Why: one reason per join, with its signals.
    assert_eq!(h.merge_reasons.len(), 1);
    let reason = &h.merge_reasons[0];
    assert!(reason.score >= MergeConfig::default().threshold);
    for want in [
        "type compatible (ASSAULT=ASSAULT)",
        "actor overlap RUSMIL",
        "dates overlap 2024-10-03..2024-10-03",
        "places 0 km apart",
    ] {
        assert!(
            reason.signals.iter().any(|s| s == want),
            "{want} not in {:?}",
            reason.signals
        );
    }
    assert!(reason.signals.iter().any(|s| s.starts_with("wording ")));
}

#[test]
fn two_outlets_quoting_the_same_source_are_not_independent() {
    let r = reports(&[
        ATTACK_A,
        (
            "Evening Star",
            "2024-10-05",
            "Russian troops attacked Kharkiv on Thursday, the Ukrainian military said on Friday.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 1, "{h:#?}");
    assert_eq!(
        h[0].original_sources.len(),
        1,
        "{:?}",
        h[0].original_sources
    );
    assert_eq!(h[0].corroboration.independent_sources, 1);
    assert!(!h[0].corroboration.corroborated);
    assert_eq!(h[0].last_reported.as_deref(), Some("2024-10-05"));
}

#[test]
fn arrests_on_different_days_stay_apart() {
    let r = reports(&[
        (
            "Daily Courier",
            "2024-10-06",
            "Police arrested 20 protesters in Lyon on Saturday.",
        ),
        (
            "Evening Star",
            "2024-10-02",
            "Police arrested 20 protesters in Lyon on Monday.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 2, "{h:#?}");
    let why = Merger::new(MergeConfig::default()).compare(&r[0], &r[1]);
    assert!(!why.merged);
    assert!(
        why.signals
            .last()
            .unwrap()
            .starts_with("veto: dates 5 day(s) apart"),
        "{:?}",
        why.signals
    );
}

#[test]
fn arrests_in_distant_cities_on_one_day_stay_apart() {
    let r = reports(&[
        (
            "Daily Courier",
            "2024-10-06",
            "Police arrested 20 protesters in Lyon on Saturday.",
        ),
        (
            "Evening Star",
            "2024-10-06",
            "Police arrested 20 protesters in Marseille on Saturday.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 2, "{h:#?}");
    let why = Merger::new(MergeConfig::default()).compare(&r[0], &r[1]);
    let veto = why.signals.last().unwrap();
    assert!(
        veto.starts_with("veto: places") && veto.contains("Lyon vs Marseille"),
        "{veto}"
    );
}

#[test]
fn attacks_by_different_armies_on_one_day_stay_apart() {
    let r = reports(&[
        ATTACK_A,
        (
            "Evening Star",
            "2024-10-04",
            "Israeli troops attacked Gaza on Thursday, witnesses said.",
        ),
    ]);
    assert_eq!(merge(&r).len(), 2);
}

#[test]
fn differing_troop_figures_are_a_contradiction() {
    let r = reports(&[
        (
            "Daily Courier",
            "2024-10-04",
            "Russia deployed 10,000 troops near Belgorod on Thursday, the Ukrainian defense ministry said.",
        ),
        (
            "Evening Star",
            "2024-10-05",
            "Russia deployed 12,000 troops near Belgorod on Thursday, a Western diplomat said.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 1, "{h:#?}");
    let c: Vec<_> = h[0]
        .contradictions
        .iter()
        .filter(|c| c.kind == "quantity")
        .collect();
    assert_eq!(c.len(), 1, "{:?}", h[0].contradictions);
    assert!(
        c[0].detail.starts_with("size: 10000 vs 12000"),
        "{}",
        c[0].detail
    );
    assert_eq!(c[0].between, (r[0].key(), r[1].key()));
    assert_eq!(h[0].corroboration.independent_sources, 2);
}

#[test]
fn equal_troop_figures_are_no_contradiction() {
    let r = reports(&[
        (
            "Daily Courier",
            "2024-10-04",
            "Russia deployed 10,000 troops near Belgorod on Thursday, the Ukrainian defense ministry said.",
        ),
        (
            "Evening Star",
            "2024-10-05",
            "Russia deployed 10,000 troops near Belgorod on Thursday, a Western diplomat said.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 1, "{h:#?}");
    assert!(h[0].contradictions.is_empty(), "{:?}", h[0].contradictions);
}

#[test]
fn a_denial_by_the_accused_is_flagged_on_the_denied_happening() {
    let r = reports(&[
        ATTACK_A,
        ATTACK_B,
        (
            "Daily Courier",
            "2024-10-04",
            "Russia deployed 10,000 troops near Belgorod on Thursday, the Ukrainian defense ministry said.",
        ),
        (
            "Morning Post",
            "2024-10-05",
            "Russia denied attacking Kharkiv on Thursday.",
        ),
    ]);
    let h = merge(&r);
    let attack = happening_of(&h, &r, 0);
    let denials: Vec<_> = attack
        .contradictions
        .iter()
        .filter(|c| c.kind == "denial")
        .collect();
    assert_eq!(denials.len(), 1, "{:?}", attack.contradictions);
    assert_eq!(denials[0].between.1, r[3].key());
    assert!(
        denials[0].detail.contains("REJECT by RUS"),
        "{}",
        denials[0].detail
    );
    // The troop movement nearby is not what was denied.
    let troops = happening_of(&h, &r, 2);
    assert_eq!(troops.event, "MOBILIZE");
    assert!(
        troops.contradictions.is_empty(),
        "{:?}",
        troops.contradictions
    );
    // The denial itself stays a REJECT happening.
    assert_eq!(happening_of(&h, &r, 3).event, "REJECT");
}

#[test]
fn a_negated_report_joins_the_happening_as_a_denial() {
    let r = reports(&[
        ATTACK_A,
        (
            "Morning Post",
            "2024-10-05",
            "Russian troops did not attack Kharkiv on Thursday, the Kremlin said.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 1, "{h:#?}");
    let denying: Vec<_> = h[0]
        .reports
        .iter()
        .filter(|x| x.stance == Stance::Denies)
        .collect();
    assert_eq!(denying.len(), 1);
    assert_eq!(denying[0].doc_id, r[1].doc_id);
    assert!(h[0].contradictions.iter().any(|c| c.kind == "denial"));
    // Denials do not count as corroboration.
    assert_eq!(h[0].corroboration.independent_sources, 1);
}

#[test]
fn rejecting_a_proposal_is_not_a_denial() {
    let r = reports(&[
        ATTACK_A,
        (
            "Morning Post",
            "2024-10-05",
            "Russia rejected the peace proposal on Friday.",
        ),
    ]);
    let h = merge(&r);
    assert_eq!(h.len(), 2);
    assert!(h.iter().all(|h| h.contradictions.is_empty()), "{h:#?}");
}

#[test]
fn output_does_not_depend_on_input_order() {
    let mut r = reports(&[
        ATTACK_A,
        ATTACK_B,
        (
            "Daily Courier",
            "2024-10-04",
            "Russia deployed 10,000 troops near Belgorod on Thursday, the Ukrainian defense ministry said.",
        ),
        (
            "Evening Star",
            "2024-10-05",
            "Russia deployed 12,000 troops near Belgorod on Thursday, a Western diplomat said.",
        ),
        (
            "Daily Courier",
            "2024-10-06",
            "Police arrested 20 protesters in Lyon on Saturday.",
        ),
    ]);
    let forward = serde_json::to_string(&merge(&r)).unwrap();
    r.reverse();
    let backward = serde_json::to_string(&merge(&r)).unwrap();
    let ids = |s: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(s).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].to_string())
            .collect()
    };
    assert_eq!(ids(&forward), ids(&backward));
    assert_eq!(ids(&forward).len(), 3);
}

#[test]
fn happenings_serialize_with_their_fields() {
    let h = merge(&reports(&[ATTACK_A, ATTACK_B]));
    let json = serde_json::to_value(&h[0]).unwrap();
    for key in [
        "id",
        "event",
        "mode",
        "actor",
        "recipient",
        "date",
        "event_loc",
        "reports",
        "outlets",
        "original_sources",
        "first_reported",
        "last_reported",
        "corroboration",
        "contradictions",
        "merge_reasons",
    ] {
        assert!(json.get(key).is_some(), "happening lacks {key}");
    }
    assert!(json["id"].as_str().unwrap().starts_with("h-"));
    assert_eq!(json["corroboration"]["independent_sources"], 2);
}

#[test]
fn synthetic_clusters_are_recovered() {
    let (reports, truth) = synthetic::reports(3_000, 7);
    let h = merge(&reports);
    // Every report is in exactly one happening.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, hap) in h.iter().enumerate() {
        for r in &hap.reports {
            assert!(seen.insert(r.key.clone(), k).is_none(), "{} twice", r.key);
        }
    }
    assert_eq!(seen.len(), reports.len());
    // Pairwise precision and recall against the generator's truth.
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    let by_key: Vec<usize> = reports.iter().map(|r| seen[&r.key()]).collect();
    let mut idx: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, t) in truth.iter().enumerate() {
        idx.entry(*t).or_default().push(i);
    }
    for members in idx.values() {
        for (a, &i) in members.iter().enumerate() {
            for &j in &members[a + 1..] {
                if by_key[i] == by_key[j] {
                    tp += 1
                } else {
                    fn_ += 1
                }
            }
        }
    }
    let position: HashMap<String, usize> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key(), i))
        .collect();
    for hap in &h {
        let ts: Vec<usize> = hap
            .reports
            .iter()
            .map(|r| truth[position[&r.key]])
            .collect();
        for (a, x) in ts.iter().enumerate() {
            for y in &ts[a + 1..] {
                if x != y {
                    fp += 1
                }
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    assert!(
        precision > 0.98 && recall > 0.98,
        "precision {precision} recall {recall}"
    );
}
