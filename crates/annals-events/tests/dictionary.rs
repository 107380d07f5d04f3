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
    code_with(c, text, &[("Arnor", "ARN"), ("Gondor", "GON")])
}

/// Codes `text` with the actors `names` (text, code) found wherever they occur.
fn code_with(c: &EventCoder, text: &str, names: &[(&str, &str)]) -> Vec<annals_events::Event> {
    let doc = Document::new(text.to_string());
    c.code(
        text,
        &sentences(text),
        &TimeFacts::default(),
        &[] as &[PlaceRef],
        &actors(text, names),
        &doc,
    )
}

/// A coder whose only verbs are those of `dictionary`.
fn dictionary_coder(dictionary: &str) -> EventCoder {
    let mut c = EventCoder::new();
    c.add_dictionary(&VerbDictionary::parse(dictionary).unwrap(), true);
    c
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

const SLOTS: &str = "\
--- FETCH [---] ---
FETCH
- + * GOLD FROM $ [071]
- * TEA WITH % [036]
- % * TEA [030:030]

--- SCOLD [160] ---
SCOLD
- * THEIR ^ OVER + [162]
";

fn run_slots(text: &str) -> Vec<annals_events::Event> {
    let mut c = dictionary_coder(SLOTS);
    c.keep_unmapped(true);
    code_with(
        &c,
        text,
        &[
            ("Arnor", "ARN"),
            ("Gondor", "GON"),
            ("Rohan", "ROH"),
            ("farmers", "ARNAGR"),
        ],
    )
}

#[test]
fn pattern_slots_bind_source_and_target() {
    // `+ * ... $`: the subject is the target, the actor after FROM the source.
    let ev = run_slots("Gondor fetched gold from Arnor.");
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].cameo, "071");
    assert_eq!(codes(&ev[0].actor), vec!["ARN"]);
    assert_eq!(codes(&ev[0].recipient), vec!["GON"]);
    assert!(ev[0].rules.iter().any(|r| r == "events/args/pattern_slots"));
    // Without an actor in the slot the pattern does not match.
    let ev = run_slots("Gondor fetched gold from the hills.");
    assert!(ev.iter().all(|e| e.cameo != "071"), "{ev:?}");
}

#[test]
fn compound_slots_before_and_after_the_verb() {
    // `% *`: the compound subject's members act on each other.
    let ev = run_slots("Arnor and Gondor fetched tea.");
    assert_eq!(ev[0].cameo, "030:030");
    assert_eq!(codes(&ev[0].actor), vec!["ARN", "GON"]);
    assert!(ev[0].recipient.is_empty());
    // `* ... WITH %`: after the verb the compound is the target.
    let ev = run_slots("Rohan fetched tea with Arnor and Gondor.");
    assert_eq!(ev[0].cameo, "036");
    assert_eq!(codes(&ev[0].actor), vec!["ROH"]);
    assert_eq!(codes(&ev[0].recipient), vec!["ARN", "GON"]);
}

#[test]
fn skip_marker_passes_over_a_whole_phrase() {
    // `^` skips "farmers" (an actor) entirely; the target is the actor after OVER.
    let ev = run_slots("Arnor scolded their farmers over Rohan.");
    assert_eq!(ev[0].cameo, "162");
    assert_eq!(codes(&ev[0].recipient), vec!["ROH"]);
    // The skipped phrase needs more than a determiner.
    let ev = run_slots("Arnor scolded their over Rohan.");
    assert_eq!(ev[0].cameo, "160");
}

const JOINED: &str = "\
--- PRAISE [050] ---
PRAISE
- LOUDLY_* [051]
- * THE_FINE_HARVEST [052]
";

fn run_joined(text: &str) -> Vec<annals_events::Event> {
    let c = dictionary_coder(JOINED);
    code_with(&c, text, &[("Arnor", "ARN"), ("Gondor", "GON")])
}

#[test]
fn joined_words_touch_the_verb_and_targets_may_sit_inside_a_pattern() {
    assert_eq!(run_joined("Arnor loudly praised Gondor.")[0].cameo, "051");
    // "LOUDLY_*" needs the word right before the verb.
    assert_eq!(
        run_joined("Arnor loudly did praise Gondor.")[0].cameo,
        "050"
    );
    // The target stands between the verb and the pattern's words.
    let ev = run_joined("Arnor praised Gondor for the fine harvest.");
    assert_eq!(ev[0].cameo, "052");
    assert_eq!(codes(&ev[0].recipient), vec!["GON"]);
}

const SPEECH: &str = "\
--- STATE [012] ---
STATE {STATED STATES}

--- MOCK [111] ---
MOCK {MOCKED MOCKS}
- OBSERVED + * [115]

--- STUMBLE [---] ---
STUMBLE {STUMBLED}

--- SHUN [191] ---
SHUN {SHUNNED}

--- PLEDGE [050] ---
PLEDGE {PLEDGED}
";

fn run_speech(text: &str) -> Vec<annals_events::Event> {
    let mut c = dictionary_coder(SPEECH);
    c.keep_unmapped(true);
    code_with(
        &c,
        text,
        &[
            ("Arnor", "ARN"),
            ("Gondor", "GON"),
            ("Rohan", "ROH"),
            ("envoy", "GOV"),
            ("Harad", "HAR"),
        ],
    )
}

#[test]
fn a_postposed_report_the_dictionary_codes_is_its_speakers_statement() {
    let ev = run_speech("Arnor mocked Gondor over the toll, a senior envoy stated on Monday.");
    assert_eq!(ev.len(), 2, "{ev:?}");
    assert_eq!(ev[0].cameo, "111");
    assert_eq!(codes(&ev[0].actor), vec!["ARN"]);
    assert_eq!(ev[1].cameo, "012");
    assert_eq!(codes(&ev[1].actor), vec!["GOV"]);
    assert!(ev[1].recipient.is_empty(), "{ev:?}");
    assert!(
        ev[1]
            .rules
            .iter()
            .any(|r| r == "events/args/postposed_statement")
    );
    // A report of nothing codable is no statement either.
    let ev = run_speech("Arnor stumbled over the toll, a senior envoy stated on Monday.");
    assert!(ev.is_empty(), "{ev:?}");
    // A pre-posed speaker frames the clause: only the reported event.
    let ev = run_speech("A senior envoy stated that Arnor mocked Gondor.");
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].cameo, "111");
}

#[test]
fn a_pattern_spanning_the_reporting_verb_codes_the_speaker() {
    // "OBSERVED + *": the one who observed is the source, the actor after it the target.
    let ev = run_speech("Rohan observed that Harad mocked the terms.");
    let e = ev.iter().find(|e| e.cameo == "115").expect("115");
    assert_eq!(codes(&e.actor), vec!["ROH"], "{ev:?}");
    assert_eq!(codes(&e.recipient), vec!["HAR"], "{ev:?}");
}

#[test]
fn a_verb_after_and_shares_the_subject_of_the_verb_before() {
    // Not the object of the first verb ("angry Rohan").
    let ev = run_speech("Arnor shunned angry Rohan on Friday and pledged help to Gondor.");
    let e = ev.iter().find(|e| e.cameo == "050").expect("050");
    assert_eq!(codes(&e.actor), vec!["ARN"], "{ev:?}");
    assert_eq!(codes(&e.recipient), vec!["GON"], "{ev:?}");
    assert!(e.rules.iter().any(|r| r == "events/args/coordinated_verb"));
    // A verb with its own subject after "and" keeps it.
    let ev = run_speech("Arnor shunned Harad on Friday and Rohan pledged help to Gondor.");
    let e = ev.iter().find(|e| e.cameo == "050").expect("050");
    assert_eq!(codes(&e.actor), vec!["ROH"], "{ev:?}");
}

const PLACES: &str = "\
--- LAND [032] ---
LAND {LANDED}

--- SHUN [191] ---
SHUN {SHUNNED}
";

fn run_places(text: &str) -> Vec<annals_events::Event> {
    let c = dictionary_coder(PLACES);
    code_with(
        &c,
        text,
        &[
            ("Arnor", "ARN"),
            ("Gondor", "GON"),
            ("Rohan", "ROH"),
            ("Harad", "HAR"),
            ("envoy", "GOV"),
        ],
    )
}

#[test]
fn a_place_right_after_a_dictionary_verb_is_its_target() {
    let ev = run_places("Arnor landed in Gondor on Monday on the envoy plane.");
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(codes(&ev[0].recipient), vec!["GON"], "{ev:?}");
    assert!(
        ev[0]
            .rules
            .iter()
            .any(|r| r == "events/args/adjacent_place")
    );
    // A "with" phrase names the counterpart instead.
    let ev = run_places("Arnor landed in Harad with Gondor.");
    assert_eq!(codes(&ev[0].recipient), vec!["GON"], "{ev:?}");
}

#[test]
fn a_subject_pronoun_hides_actors_further_left() {
    let ev = run_places("Rohan was angry, and they shunned Gondor.");
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(ev[0].actor.is_empty(), "{ev:?}");
    assert_eq!(codes(&ev[0].recipient), vec!["GON"]);
    let ev = run_places("Rohan was angry, and Harad shunned Gondor.");
    assert_eq!(codes(&ev[0].actor), vec!["HAR"], "{ev:?}");
}

#[test]
fn a_parenthesized_name_after_an_actor_belongs_to_it() {
    // `% *`: the compound before the verb, with "(GU)" after its second member.
    let names = [("Arnor", "ARN"), ("Gondor Union", "GNU"), ("GU", "GUX")];
    let text = "Arnor and the Gondor Union (GU) fetched tea.";
    let mut c = EventCoder::new();
    c.add_dictionary(&VerbDictionary::parse(SLOTS).unwrap(), true);
    c.keep_unmapped(true);
    let doc = Document::new(text.to_string());
    let ev = c.code(
        text,
        &sentences(text),
        &TimeFacts::default(),
        &[] as &[PlaceRef],
        &actors(text, &names),
        &doc,
    );
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].cameo, "030:030");
    assert_eq!(codes(&ev[0].actor), vec!["ARN", "GNU"], "{ev:?}");
}

#[test]
fn a_trigger_noun_before_rights_names_the_rights() {
    let mut c = EventCoder::new();
    let dict = "--- BALLOT [102] ---\nBALLOT {BALLOTING BALLOTED}\n";
    c.add_dictionary(&VerbDictionary::parse(dict).unwrap(), true);
    let names = [("Arnor", "ARN"), ("Gondor", "GON")];
    let run = |text: &str| {
        let doc = Document::new(text.to_string());
        c.code(
            text,
            &sentences(text),
            &TimeFacts::default(),
            &[] as &[PlaceRef],
            &actors(text, &names),
            &doc,
        )
    };
    assert!(run("Arnor discussed balloting rights for Gondor.").is_empty());
    assert_eq!(run("Arnor balloted with Gondor.").len(), 1);
}
