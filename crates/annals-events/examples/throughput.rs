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
        sentences.push(Sentence {
            span: Span::new(s, i + 1),
            kind: SentenceKind::Body,
            rule: "x".into(),
        });
        start = i + 1;
    }
    let mut taken = vec![false; text.len()];
    for name in [
        "Arnor troops",
        "Arnor police",
        "Arnor",
        "Gondor intelligence",
        "Gondor",
        "Rohan",
    ] {
        for (i, _) in text.match_indices(name) {
            if !taken[i..i + name.len()].iter().any(|t| *t) {
                taken[i..i + name.len()].iter_mut().for_each(|t| *t = true);
                actors.push(ActorRef::new(Span::new(i, i + name.len()), "ARNMIL"));
            }
        }
    }
    actors.sort_by_key(|a: &ActorRef| a.span.start);
    let coder = EventCoder::new();
    let doc = Document::new(String::new());
    let t = Instant::now();
    let mut events = Vec::new();
    for _ in 0..3 {
        events = coder.code(
            &text,
            &sentences,
            &TimeFacts::default(),
            &[] as &[PlaceRef],
            &actors,
            &doc,
        );
    }
    let secs = t.elapsed().as_secs_f64() / 3.0;
    println!(
        "{} bytes, {} sentences, {} events in {secs:.3}s: {:.1} MB/s",
        text.len(),
        sentences.len(),
        events.len(),
        text.len() as f64 / secs / 1e6
    );
}
