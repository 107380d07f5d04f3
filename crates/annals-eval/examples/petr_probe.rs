//! Development aid: shows actors and events for one sentence with a PETRARCH dictionary folder.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(text)) = (args.get(1), args.get(2)) else {
        return;
    };
    let dir = std::path::Path::new(dir);
    let verbs = annals_events::VerbDictionary::read(&dir.join("PETR.Validate.verbs.txt")).unwrap();
    let mut coder = annals_events::EventCoder::new();
    coder.add_dictionary(&verbs, true);
    let rec = annals_actors::ActorRecognizer::with_dictionaries(&[
        dir.join("PETR.Validate.actors.txt"),
        dir.join("PETR.Validate.agents.txt"),
    ])
    .unwrap();
    let s = vec![annals_document::Sentence {
        span: annals_document::Span::new(0, text.len()),
        kind: annals_document::SentenceKind::Body,
        rule: "x".into(),
    }];
    let actors = rec.recognize(text, &s, None);
    for a in &actors {
        println!("actor {:?} {}", a.text, a.code);
    }
    let doc = annals_document::Document::new(text.clone());
    for e in coder.code(
        text,
        &s,
        &annals_events::TimeFacts::default(),
        &[] as &[annals_events::PlaceRef],
        &actors,
        &doc,
    ) {
        println!(
            "{} {} {:?} -> {:?} {:?} {:?}",
            e.event,
            e.cameo,
            e.actor.iter().map(|p| &p.code).collect::<Vec<_>>(),
            e.recipient.iter().map(|p| &p.code).collect::<Vec<_>>(),
            e.trigger.text,
            e.rules
        );
    }
}
