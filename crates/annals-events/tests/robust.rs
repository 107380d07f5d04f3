//! Any text, any spans: the coder never panics.
use annals_document::{Document, Sentence, SentenceKind, Span};
use annals_events::{ActorRef, EventCoder, PlaceRef, TimeFacts, TimeRef};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn never_panics(text in "[A-Za-z0-9 ,.;:'ʼ\"“”()—-]{0,120}", cuts in proptest::collection::vec((0usize..130, 0usize..130), 0..6)) {
        let coder = EventCoder::new();
        let doc = Document::new(text.clone());
        let sentences = vec![Sentence { span: Span::new(0, text.len()), kind: SentenceKind::Body, rule: "t".into() }];
        let actors: Vec<ActorRef> = cuts.iter().map(|(a, b)| ActorRef::new(Span::new(*a, *b), "ARNMIL")).collect();
        let places: Vec<PlaceRef> = cuts.iter().map(|(a, b)| PlaceRef { span: Span::new(*b, *a), country: "ARN".into(), coordinates: None, precision: String::new() }).collect();
        let times = TimeFacts {
            expressions: cuts.iter().map(|(a, b)| TimeRef { span: Span::new(*a, *b), value: "2030".into(), earliest: None, latest: None }).collect(),
            narrative: vec![],
        };
        let _ = coder.code(&text, &sentences, &times, &places, &actors, &doc);
    }
}
