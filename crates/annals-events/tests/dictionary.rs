//! Coding with a PETRARCH-format verb dictionary written for this test.
mod common;
use annals_document::Document;
use annals_events::{EventCoder, PlaceRef, TimeFacts, VerbDictionary};
use common::{actors, codes, sentences};

const VERBS: &str = "\
&WEAPONRY
+MORTARS
+HEAVY GUNS

--- LOB  [---]  ---
LOB
- * &WEAPONRY (AT) [194]  # lob shells
- * INSULTS [111]

--- PARLEY [040] ---
PARLEY
+SIT_DOWN {+SAT_DOWN +SITS_DOWN +SITTING_DOWN} [036]
- * FOREVER [---]
";

fn coder(replace: bool) -> EventCoder {
    let mut c = EventCoder::new();
    c.add_dictionary(&VerbDictionary::parse(VERBS).unwrap(), replace);
    c
}

fn run(c: &EventCoder, text: &str) -> Vec<annals_events::Event> {
    let names = [("Arnor", "ARN"), ("Gondor", "GON")];
    let doc = Document::new(text.to_string());
    c.code(
        text,
        &sentences(text),
        &TimeFacts::default(),
        &[] as &[PlaceRef],
        &actors(text, &names),
        &doc,
    )
}

#[test]
fn dictionary_patterns_code_with_their_cameo_code() {
    let c = coder(true);
    let ev = run(&c, "Arnor lobbed heavy guns at Gondor.");
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].cameo, "194");
    assert_eq!(ev[0].event, "ASSAULT");
    assert_eq!(codes(&ev[0].actor), vec!["ARN"]);
    assert_eq!(codes(&ev[0].recipient), vec!["GON"]);
    assert!(ev[0].rules[0].starts_with("events/dictionary/"));

    let ev = run(&c, "Arnor lobbed insults at Gondor.");
    assert_eq!(ev[0].event, "ACCUSE");

    // A verb whose block has no code codes nothing without a matching pattern.
    assert!(run(&c, "Arnor lobbed a ball.").is_empty());
    // Multi-word verbs with explicit forms.
    let ev = run(&c, "Arnor sat down with Gondor.");
    assert_eq!(ev[0].cameo, "036");
    // [---] patterns suppress the event.
    assert!(run(&c, "Arnor parleys forever.").is_empty());
}

#[test]
fn dictionaries_replace_or_extend_the_builtin_triggers() {
    assert!(run(&coder(true), "Arnor attacked Gondor.").is_empty());
    let ev = run(&coder(false), "Arnor attacked Gondor.");
    assert_eq!(ev[0].event, "ASSAULT");
}
