//! Development aid: runs segmenter, times, places, actors and events over a seed folder and
//! scores the record with the seed scorer. Usage: seed_events DIR
use annals_document::Document;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        return;
    };
    let dir = std::path::Path::new(&dir);
    let raw = std::fs::read_to_string(dir.join("article.txt")).unwrap_or_default();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let date = expected
        .pointer("/document/date")
        .and_then(|d| d.as_str())
        .and_then(|d| d.parse().ok());
    let doc = Document::new(raw.clone()).with_date(date);
    let text = &doc.text;
    let sentences = annals_segment::NewsSegmenter::new().segment(text);
    let times = annals_time::TimeRecognizer::new().recognize(text, &sentences, date);
    let places = annals_places::PlaceRecognizer::new().recognize(
        text,
        &sentences,
        &annals_places::PlaceContext::default(),
    );
    let actors = annals_actors::ActorRecognizer::new().recognize(text, &sentences, date);
    let events =
        annals_events::EventCoder::new().code(text, &sentences, &times, &places, &actors, &doc);
    for e in &events {
        println!(
            "{} {:?} -> {:?} date={:?} rep={:?} att={:?} trig={:?} dead={:?} loc={:?} {:?}",
            e.event,
            e.actor
                .iter()
                .map(|p| format!("{}:{}", p.text, p.code))
                .collect::<Vec<_>>(),
            e.recipient
                .iter()
                .map(|p| format!("{}:{}", p.text, p.code))
                .collect::<Vec<_>>(),
            e.date.as_ref().map(|d| &d.value),
            e.reported_date.as_ref().map(|d| &d.value),
            e.attribution.iter().map(|a| &a.text).collect::<Vec<_>>(),
            e.trigger.text,
            e.dead.as_ref().map(|q| q.value),
            e.event_loc.as_ref().map(|l| &l.name),
            e.modality
        );
    }
    let found = serde_json::json!({
        "date": doc.date.map(|d| d.to_string()),
        "sentences": sentences,
        "times": times.expressions,
        "places": places,
        "actors": actors,
        "events": events,
    });
    let report = annals_eval::seed::score(&expected, &found, &dir.display().to_string());
    print!("{report}");
    for e in &report.errors {
        println!("  {e}");
    }
}
