//! Development aid: event-type accuracy on a PLOVER JSONL file without actors.
//! Usage: cargo run --example plover_types -p annals-events -- FILE.jsonl [--errors]
use annals_document::{Document, Sentence, SentenceKind, Span};
use annals_events::{ActorRef, EventCoder, PlaceRef, TimeFacts};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else { return };
    let errors = args.iter().any(|a| a == "--errors");
    let coder = EventCoder::new();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (mut n, mut ok) = (0, 0);
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let t = v["text"].as_str().unwrap_or("").trim().to_string();
        let gold = v["event"].as_str().unwrap_or("");
        let doc = Document::new(t.clone());
        let s = vec![Sentence {
            span: Span::new(0, t.len()),
            kind: SentenceKind::Body,
            rule: "x".into(),
        }];
        let ev = coder.code(
            &t,
            &s,
            &TimeFacts::default(),
            &[] as &[PlaceRef],
            &[] as &[ActorRef],
            &doc,
        );
        let got: Vec<String> = ev
            .iter()
            .map(|e| format!("{}:{}", e.event, e.trigger.text))
            .collect();
        let first = ev
            .iter()
            .max_by(|a, b| {
                a.confidence
                    .total_cmp(&b.confidence)
                    .then(b.trigger.span.start.cmp(&a.trigger.span.start))
            })
            .map(|e| e.event.as_str())
            .unwrap_or("NONE");
        n += 1;
        if first == gold {
            ok += 1;
        } else if errors {
            println!(
                "{gold} <- {first} {got:?} | {}",
                v["trigger"].as_str().unwrap_or("")
            );
            println!("    {t}");
        }
    }
    println!("accuracy {ok}/{n} = {:.3}", ok as f64 / n.max(1) as f64);
}
