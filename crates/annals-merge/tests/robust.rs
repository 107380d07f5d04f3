//! Merging never panics, and keeps every report exactly once, whatever the field values.

use annals_document::Document;
use annals_events::Modality;
use annals_merge::{MergeConfig, Merger, Report};
use annals_pipeline::Pipeline;
use proptest::prelude::*;
use std::sync::OnceLock;

fn template() -> &'static Report {
    static T: OnceLock<Report> = OnceLock::new();
    T.get_or_init(|| {
        let doc = Document::new(
            "Russia deployed 10,000 troops near Belgorod on Thursday, the Ukrainian defense ministry said."
                .into(),
        )
        .with_date(Some("2024-10-04".parse().unwrap()));
        let r = Report::from_extraction(&Pipeline::new().extract(doc));
        r.into_iter().next().expect("template event")
    })
}

prop_compose! {
    fn report()(
        event in prop::sample::select(vec!["ASSAULT", "COERCE", "REJECT", "MOBILIZE", "", "ünï"]),
        modality in 0usize..8,
        code in "[A-Zé]{0,6}",
        date in prop::option::of("(2024-10-0[1-9]|garbage|2024-1|)"),
        lat in prop::option::of(prop::num::f64::ANY),
        lon in -200.0f64..200.0,
        size in prop::option::of(0u64..50_000),
        sentence in ".{0,60}",
        published in prop::option::of(1u8..28),
        outlet in prop::option::of("[a-c]"),
    ) -> Report {
        let mut r = template().clone();
        r.event.event = event.to_string();
        r.event.modality = Modality::ALL[modality];
        if let Some(p) = r.event.actor.first_mut() {
            p.code = code.clone();
            p.country = code.chars().take(3).collect();
        }
        if let Some(d) = r.event.date.as_mut() {
            d.value = date.clone().unwrap_or_default();
            d.earliest = date.clone();
            d.latest = date;
        }
        if let Some(l) = r.event.event_loc.as_mut() {
            l.lat = lat;
            l.lon = Some(lon);
        }
        match (size, r.event.size.as_mut()) {
            (Some(v), Some(q)) => q.value = v,
            (None, _) => r.event.size = None,
            _ => {}
        }
        r.sentence = sentence;
        r.published = published.map(|d| jiff::civil::date(2024, 10, i8::try_from(d).unwrap_or(1)));
        r.outlet = outlet;
        r
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_report_lands_in_exactly_one_happening(mut reports in prop::collection::vec(report(), 0..40)) {
        for (i, r) in reports.iter_mut().enumerate() {
            r.doc_id = format!("d{i}");
        }
        let happenings = Merger::new(MergeConfig::default()).merge(&reports);
        let mut keys: Vec<String> = happenings.iter().flat_map(|h| h.reports.iter().map(|r| r.key.clone())).collect();
        keys.sort();
        let mut want: Vec<String> = reports.iter().map(Report::key).collect();
        want.sort();
        prop_assert_eq!(keys, want);
        for h in &happenings {
            prop_assert!(serde_json::to_string(h).is_ok());
            prop_assert!(h.merge_reasons.len() < h.reports.len().max(1));
        }
    }
}

#[test]
fn adjacent_days_merge_but_are_flagged_as_a_date_contradiction() {
    let mut a = template().clone();
    let mut b = template().clone();
    b.doc_id = "other".into();
    b.outlet = Some("Second Outlet".into());
    for (r, day) in [(&mut a, "2024-10-03"), (&mut b, "2024-10-04")] {
        let d = r.event.date.as_mut().expect("template date");
        d.value = day.into();
        d.earliest = Some(day.into());
        d.latest = Some(day.into());
    }
    let merger = Merger::new(MergeConfig::default());
    let why = merger.compare(&a, &b);
    assert!(why.merged, "{:?}", why.signals);
    assert!(
        why.signals.iter().any(|s| s == "dates 1 day(s) apart"),
        "{:?}",
        why.signals
    );
    let h = merger.merge(&[a, b]);
    assert_eq!(h.len(), 1);
    let date = h[0].date.as_ref().unwrap();
    assert_eq!(
        (
            date.earliest.as_str(),
            date.latest.as_str(),
            date.basis.as_str()
        ),
        ("2024-10-03", "2024-10-04", "union")
    );
    assert!(
        h[0].contradictions
            .iter()
            .any(|c| c.kind == "date" && c.detail == "dates differ: 2024-10-03 vs 2024-10-04"),
        "{:?}",
        h[0].contradictions
    );
}
