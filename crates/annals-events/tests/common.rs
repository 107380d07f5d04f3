#![allow(dead_code)]
use annals_document::{Document, Sentence, SentenceKind, Span};
use annals_events::{ActorRef, Event, EventCoder, PlaceRef, TimeFacts, TimeRef};

/// Every occurrence of each name becomes an actor mention with the code.
pub fn actors(text: &str, names: &[(&str, &str)]) -> Vec<ActorRef> {
    let mut out = Vec::new();
    for (name, code) in names {
        let mut from = 0;
        while let Some(i) = text[from..].find(name) {
            let s = from + i;
            out.push(ActorRef::new(Span::new(s, s + name.len()), code));
            from = s + name.len();
        }
    }
    out.sort_by_key(|a| a.span.start);
    out
}

pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'.' && (i + 1 == b.len() || b[i + 1] == b' ' || b[i + 1] == b'\n') {
            let s = start + (text[start..=i].len() - text[start..=i].trim_start().len());
            out.push(Sentence {
                span: Span::new(s, i + 1),
                kind: SentenceKind::Body,
                rule: "t".into(),
            });
            start = i + 1;
        }
    }
    out
}

pub fn time(text: &str, phrase: &str, value: &str) -> TimeRef {
    let s = text.find(phrase).unwrap();
    TimeRef {
        span: Span::new(s, s + phrase.len()),
        value: value.into(),
        earliest: None,
        latest: None,
    }
}

pub fn place(text: &str, name: &str, country: &str) -> PlaceRef {
    let s = text.find(name).unwrap();
    PlaceRef {
        span: Span::new(s, s + name.len()),
        country: country.into(),
        coordinates: Some((1.0, 2.0)),
        precision: "city".into(),
    }
}

pub fn code_with(
    text: &str,
    names: &[(&str, &str)],
    times: &TimeFacts,
    places: &[PlaceRef],
) -> Vec<Event> {
    static CODER: std::sync::OnceLock<EventCoder> = std::sync::OnceLock::new();
    let coder = CODER.get_or_init(EventCoder::new);
    let doc = Document::new(text.to_string()).with_date(Some("2030-05-10".parse().unwrap()));
    coder.code(
        text,
        &sentences(text),
        times,
        places,
        &actors(text, names),
        &doc,
    )
}

pub fn code(text: &str, names: &[(&str, &str)]) -> Vec<Event> {
    code_with(text, names, &TimeFacts::default(), &[])
}

pub fn codes(parties: &[annals_events::Party]) -> Vec<&str> {
    parties.iter().map(|p| p.code.as_str()).collect()
}
