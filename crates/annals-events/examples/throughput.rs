//! Development aid: events-stage throughput on generated fictional news text.
//! Usage: cargo run --release --example throughput -p annals-events
use annals_document::{Document, Sentence, SentenceKind, Span};
use annals_events::{ActorRef, EventCoder, PlaceRef, TimeFacts};
use std::time::Instant;

const SENTENCES: &[&str] = &[
    "Arnor troops shelled Gondor overnight, killing at least 12 civilians, officials said.",
    "The Daily Herald, citing Gondor intelligence, reported that Arnor would deploy about 3,000 soldiers near the border.",
    "Gondor and Rohan agreed to resume talks on water sharing next week.",
    "An anonymous official told The Evening Post that Arnor police arrested dozens of protesters in the capital.",
    "The minister stressed that the country will respond with all possible means to any attack.",
    "Rohan condemned the raid and called for an immediate ceasefire, according to a statement on Telegram.",
];

fn main() {
    let mut text = String::new();
    while text.len() < 4_000_000 {
        for s in SENTENCES {
            text.push_str(s);
            text.push(' ');
        }
        text.push('\n');
    }
    let mut sentences = Vec::new();
    let mut actors = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(". ") {
        let s = start + (text[start..=i].len() - text[start..=i].trim_start().len());
        sentences.push(Sentence { span: Span::new(s, i + 1), kind: SentenceKind::Body, rule: "x".into() });
        start = i + 1;
    }
    for name in ["Arnor troops", "Arnor police", "Arnor", "Gondor intelligence", "Gondor", "Rohan"] {
        for (i, _) in text.match_indices(name) {
            if !actors.iter().any(|a: &ActorRef| a.span.overlaps(Span::new(i, i + name.len()))) {
                actors.push(ActorRef::new(Span::new(i, i + name.len()), "ARNMIL"));
            }
        }
    }
    actors.sort_by_key(|a| a.span.start);
    let coder = EventCoder::new();
    let doc = Document::new(String::new());
    let t = Instant::now();
    let events = coder.code(&text, &sentences, &TimeFacts::default(), &[] as &[PlaceRef], &actors, &doc);
    let secs = t.elapsed().as_secs_f64();
    println!("{} bytes, {} sentences, {} events in {secs:.3}s: {:.1} MB/s", text.len(), sentences.len(), events.len(), text.len() as f64 / secs / 1e6);
}
