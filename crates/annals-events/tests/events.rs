//! Fixture sentences (fictional actors) for each part of the coder.
mod common;
use annals_events::{Modality, SourceKind, TimeFacts};
use common::*;

const ACTORS: &[(&str, &str)] = &[
    ("Arnor troops", "ARNMIL"),
    ("Arnor police", "ARNCOP"),
    ("the Arnor government", "ARNGOV"),
    ("Gondor", "GON"),
    ("Rohan", "ROH"),
    ("Mordor", "MOR"),
    ("Arnor", "ARN"),
];

fn first(text: &str) -> annals_events::Event {
    let ev = code(text, ACTORS);
    assert!(!ev.is_empty(), "no event in {text:?}");
    ev[0].clone()
}

#[test]
fn each_plover_type_has_a_trigger() {
    let cases = [
        ("Arnor agreed to share water with Gondor.", "AGREE"),
        ("Arnor met Gondor in the capital.", "CONSULT"),
        ("Arnor praised Gondor for its restraint.", "SUPPORT"),
        ("Arnor eased restrictions on Gondor traders.", "CONCEDE"),
        ("Arnor extradited two suspects to Gondor.", "COOPERATE"),
        ("Arnor donated medicine to Gondor.", "AID"),
        ("Arnor troops withdrew from Gondor.", "RETREAT"),
        ("Arnor demanded that Gondor pay its debts.", "REQUEST"),
        ("Arnor accused Gondor of spying.", "ACCUSE"),
        ("Arnor rejected the Gondor proposal.", "REJECT"),
        ("Arnor threatened to cut off gas to Gondor.", "THREATEN"),
        (
            "Thousands protested in Gondor against the new tax.",
            "PROTEST",
        ),
        ("Arnor expelled Gondor diplomats.", "SANCTION"),
        (
            "Arnor mobilized reservists on the Gondor border.",
            "MOBILIZE",
        ),
        ("Arnor police arrested dozens of Gondor traders.", "COERCE"),
        ("Arnor troops shelled Gondor overnight.", "ASSAULT"),
    ];
    for (text, want) in cases {
        let ev = code(text, ACTORS);
        assert!(
            ev.iter().any(|e| e.event == want),
            "{text}: {:?}",
            ev.iter().map(|e| &e.event).collect::<Vec<_>>()
        );
    }
}

#[test]
fn summoning_an_ambassador_is_accuse_not_consult() {
    let e = first("Gondor summoned the Arnor ambassador over the border incident.");
    assert_eq!(e.event, "ACCUSE");
    assert_eq!(e.mode, vec!["disapprove"]);
    assert_eq!(codes(&e.actor), vec!["GON"]);
    assert_eq!(e.cameo, "111");
    assert_eq!(e.quad_code, 3);
}

#[test]
fn subject_object_and_compound_actors() {
    let e = first("Arnor troops attacked Gondor and Rohan on Monday.");
    assert_eq!(codes(&e.actor), vec!["ARNMIL"]);
    assert_eq!(codes(&e.recipient), vec!["GON", "ROH"]);
    let e = first("Gondor and Rohan signed a trade treaty.");
    assert_eq!(codes(&e.actor), vec!["GON", "ROH"]);
}

#[test]
fn passive_with_agent_swaps_roles() {
    let e = first("Four Gondor villagers were killed in an attack by Arnor troops.");
    assert_eq!(e.event, "ASSAULT");
    assert_eq!(codes(&e.actor), vec!["ARNMIL"]);
    assert_eq!(codes(&e.recipient), vec!["GON"]);
    assert_eq!(e.dead.as_ref().map(|q| q.value), Some(4));
    let e = first("Gondor was attacked by Arnor.");
    assert_eq!(codes(&e.actor), vec!["ARN"]);
    assert_eq!(codes(&e.recipient), vec!["GON"]);
}

#[test]
fn relative_clauses_and_locatives_are_not_arguments() {
    let e = first("Arnor, which borders Rohan, attacked Gondor.");
    assert_eq!(codes(&e.actor), vec!["ARN"]);
    assert_eq!(codes(&e.recipient), vec!["GON"]);
    let e = first("Arnor troops attacked Rohan in Gondor.");
    assert_eq!(codes(&e.recipient), vec!["ROH"]);
    // With no other target, the place-like actor is the target, marked by its rule.
    let e = first("Arnor troops attacked rebels in Gondor.");
    assert_eq!(codes(&e.recipient), vec!["GON"]);
    assert!(e.rules.iter().any(|r| r == "events/args/locative_target"));
}

#[test]
fn coordinated_verbs_share_the_subject() {
    let ev = code(
        "Gondor summoned the Arnor ambassador and called for the withdrawal of Arnor troops.",
        ACTORS,
    );
    let req = ev.iter().find(|e| e.event == "REQUEST").expect("request");
    assert_eq!(codes(&req.actor), vec!["GON"]);
    assert_eq!(codes(&req.recipient), vec!["ARNMIL"]);
}

#[test]
fn reporting_frames_code_the_reported_event() {
    let e = first("Gondor said that Arnor troops attacked Rohan.");
    assert_eq!(e.event, "ASSAULT");
    assert_eq!(codes(&e.actor), vec!["ARNMIL"]);
    assert_eq!(codes(&e.recipient), vec!["ROH"]);
    assert_eq!(e.attribution[0].text, "Gondor");
    assert_eq!(e.modality, Modality::Reported);
    let e = first("Arnor troops attacked Rohan, the Gondor news agency reported.");
    assert_eq!(e.attribution[0].text, "Gondor news agency");
    assert_eq!(e.attribution[0].kind, SourceKind::Media);
}

#[test]
fn attribution_chains_outermost_first() {
    let e = first(
        "The Daily Herald, citing Gondor intelligence, reported that Arnor troops attacked Rohan.",
    );
    let chain: Vec<(&str, SourceKind)> = e
        .attribution
        .iter()
        .map(|a| (a.text.as_str(), a.kind))
        .collect();
    assert_eq!(
        chain,
        vec![
            ("The Daily Herald", SourceKind::Media),
            ("Gondor intelligence", SourceKind::Intelligence)
        ]
    );

    let e = first(
        "An anonymous Gondor official told The Evening Post that Arnor troops are helping Mordor.",
    );
    let chain: Vec<&str> = e.attribution.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(chain, vec!["The Evening Post", "anonymous Gondor official"]);
    assert_eq!(e.attribution[1].kind, SourceKind::Anonymous);
    assert_eq!(e.modality, Modality::Alleged);

    let e = first(
        "Arnor troops attacked Rohan, according to a statement of the Gondor embassy on Telegram.",
    );
    let chain: Vec<(&str, SourceKind)> = e
        .attribution
        .iter()
        .map(|a| (a.text.as_str(), a.kind))
        .collect();
    assert_eq!(
        chain,
        vec![
            ("Gondor embassy", SourceKind::Official),
            ("Telegram", SourceKind::SocialMedia)
        ]
    );

    let ev = code(
        "The Courier writes about it.\n\nArnor troops attacked Rohan.",
        ACTORS,
    );
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].attribution[0].text, "The Courier");
}

#[test]
fn modality_cues() {
    assert_eq!(
        first("Arnor troops did not attack Rohan.").modality,
        Modality::Negated
    );
    assert_eq!(
        first("Arnor troops could attack Rohan.").modality,
        Modality::Hypothetical
    );
    let ev = code("If talks fail, Arnor troops will attack Rohan.", ACTORS);
    let e = ev
        .iter()
        .find(|e| e.trigger.text == "attack")
        .expect("attack");
    assert_eq!(e.modality, Modality::Conditional);
    assert_eq!(e.event, "THREATEN", "a conditional attack is a threat");
    let e = first("Arnor will support Rohan at the summit.");
    assert_eq!(e.modality, Modality::Future);
    assert_eq!(e.event, "AGREE", "future cooperation is an intention");
    assert!(e.context.contains(&"future".to_string()));
    let e = first("Arnor will not accept the Rohan offer.");
    assert_eq!(e.event, "REJECT");
    assert_eq!(
        first("Gondor denied that Arnor troops attacked Rohan.").modality,
        Modality::Denied
    );
    assert_eq!(
        first("Arnor troops allegedly attacked Rohan.").modality,
        Modality::Alleged
    );
    assert_eq!(
        first("Arnor troops attacked Rohan.").modality,
        Modality::Asserted
    );
}

#[test]
fn governing_verbs_absorb_their_complement() {
    let ev = code("Arnor threatened to attack Gondor.", ACTORS);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].event, "THREATEN");
    let ev = code("Arnor refused to meet Gondor.", ACTORS);
    assert_eq!(ev[0].event, "REJECT");
}

#[test]
fn several_events_per_sentence() {
    let ev = code(
        "Arnor troops attacked Rohan, and Gondor condemned the raid.",
        ACTORS,
    );
    let types: Vec<&str> = ev.iter().map(|e| e.event.as_str()).collect();
    assert!(
        types.contains(&"ASSAULT") && types.contains(&"ACCUSE"),
        "{types:?}"
    );
}

#[test]
fn quantities_follow_acled_conventions() {
    let e = first("Arnor police arrested dozens of Gondor traders.");
    let q = e.arrested.expect("arrested");
    assert_eq!((q.value, q.approximate), (12, true));
    let e = first("Arnor troops shelled Gondor, killing between 10 and 15 people.");
    let _ = e;
    let e = first(
        "Arnor troops attacked Gondor, killing 10-15 civilians and wounding hundreds of people.",
    );
    assert_eq!(
        e.dead.as_ref().map(|q| (q.value, q.approximate)),
        Some((10, true))
    );
    assert_eq!(e.injured.as_ref().map(|q| q.value), Some(100));
    let e = first("About 11 000 Arnor troops were deployed to Gondor.");
    let q = e.size.expect("size");
    assert_eq!(
        (q.value, q.approximate, q.unit.as_str()),
        (11000, true, "troops")
    );
    let e = first("Arnor troops attacked Gondor with twenty-five rockets.");
    assert_eq!(e.weapons.as_ref().map(|q| q.value), Some(25));
    let e = first("Arnor troops attacked Gondor, and three soldiers were wounded.");
    assert_eq!(e.injured.as_ref().map(|q| q.value), Some(3));
}

#[test]
fn dates_and_places_per_event() {
    let text = "On May 4, the Daily Herald reported that Arnor troops attacked Gondor near Minas a day before.";
    let times = TimeFacts {
        expressions: vec![
            time(text, "May 4", "2030-05-04"),
            time(text, "a day before", "2030-05-03"),
        ],
        narrative: vec![],
    };
    let places = vec![place(text, "Minas", "GON")];
    let ev = code_with(text, ACTORS, &times, &places);
    let e = &ev[0];
    assert_eq!(
        e.date.as_ref().map(|d| d.value.as_str()),
        Some("2030-05-03")
    );
    assert_eq!(
        e.reported_date.as_ref().map(|d| d.value.as_str()),
        Some("2030-05-04")
    );
    assert_eq!(e.event_loc.as_ref().map(|l| l.name.as_str()), Some("Minas"));
    // Without any time expression the publication date is used, with its rule.
    let e = first("Arnor troops attacked Gondor.");
    let d = e.date.unwrap();
    assert_eq!(d.value, "2030-05-10");
    assert_eq!(d.rule, "events/date/document");
}

#[test]
fn output_has_spans_rules_and_plover_names() {
    let text = "Arnor troops attacked Gondor.";
    let e = first(text);
    assert_eq!(e.trigger.span.slice(text), "attacked");
    assert_eq!(e.actor[0].span.slice(text), "Arnor troops");
    assert!(
        e.rules
            .iter()
            .any(|r| r.starts_with("events/lexicon/assault/"))
    );
    let json = serde_json::to_value(&e).unwrap();
    for key in [
        "id",
        "event",
        "mode",
        "context",
        "cameo",
        "quad_code",
        "actor",
        "recipient",
        "modality",
        "attribution",
        "trigger",
        "rules",
        "confidence",
    ] {
        assert!(json.get(key).is_some(), "{key} missing: {json}");
    }
}

#[test]
fn no_panic_on_odd_text() {
    let text =
        "Ünïcødé — “quoted” 11 000, 1.5 million; (brackets) ʼs n't ... — Arnor's Gondor, , and";
    for i in 0..text.len() {
        for j in i..text.len().min(i + 40) {
            if let Some(s) = text.get(i..j) {
                let _ = code(s, ACTORS);
            }
        }
    }
}

#[test]
fn a_place_inside_a_party_is_the_location_only_after_a_locative_preposition() {
    let text = "Gondor police arrested protesters in Minas on Friday.";
    let times = TimeFacts::default();
    let places = vec![place(text, "Minas", "GON")];
    // The actor recognizer may take "protesters in Minas" as one party; the place still counts.
    let ev = code_with(
        text,
        &[
            ("Gondor police", "GONCOP"),
            ("protesters in Minas", "GONCVL"),
        ],
        &times,
        &places,
    );
    let e = ev.iter().find(|e| e.event == "COERCE").expect("an arrest");
    assert_eq!(e.event_loc.as_ref().map(|l| l.name.as_str()), Some("Minas"));
    // A place that only names the party ("Gondor police") is not where the event happened.
    let places = vec![place(text, "Gondor", "GON")];
    let ev = code_with(text, &[("Gondor police", "GONCOP")], &times, &places);
    let e = ev.iter().find(|e| e.event == "COERCE").expect("an arrest");
    assert!(e.event_loc.is_none(), "{:?}", e.event_loc);
}

/// Codes `text` with actor mentions; a code of only a sector (`JUD`) is an agent without country.
fn code_agents(text: &str, names: &[(&str, &str)]) -> Vec<annals_events::Event> {
    let mut mentions = Vec::new();
    for (name, code) in names {
        let mut from = 0;
        while let Some(i) = text[from..].find(name) {
            let s = from + i;
            let mut a =
                annals_events::ActorRef::new(annals_document::Span::new(s, s + name.len()), code);
            if code.len() == 3 && matches!(*code, "JUD" | "MIL") {
                a.country = String::new();
                a.sector = code.to_string();
            }
            mentions.push(a);
            from = s + name.len();
        }
    }
    mentions.sort_by_key(|a| a.span.start);
    let doc = annals_document::Document::new(text.to_string());
    annals_events::EventCoder::new().code(
        text,
        &sentences(text),
        &TimeFacts::default(),
        &[] as &[annals_events::PlaceRef],
        &mentions,
        &doc,
    )
}

#[test]
fn agents_spread_over_compound_actors() {
    let names: &[(&str, &str)] = &[
        ("envoys of Arnor", "ARNGOV"),
        ("Gondor", "GON"),
        ("Rohan", "ROH"),
        ("Mordor", "MOR"),
        ("Judges", "JUD"),
        ("judges", "JUD"),
        ("generals", "MIL"),
        ("Arnor police", "ARNCOP"),
    ];
    // "the envoys of A, B and C": the first member's sector for the bare countries.
    let ev = code_agents(
        "The envoys of Arnor, Gondor and Rohan attacked Mordor.",
        names,
    );
    assert_eq!(codes(&ev[0].actor), vec!["ARNGOV", "GONGOV", "ROHGOV"]);
    // "judges and generals in A and B": every agent of every country.
    let ev = code_agents(
        "Judges and generals in Gondor and Rohan attacked Mordor.",
        names,
    );
    assert_eq!(
        codes(&ev[0].actor),
        vec!["GONJUD", "ROHJUD", "GONMIL", "ROHMIL"]
    );
    // "Arnor police and judges": the first member's country for the agents after it.
    let ev = code_agents("Arnor police and judges attacked Mordor.", names);
    assert_eq!(codes(&ev[0].actor), vec!["ARNCOP", "ARNJUD"]);
}

/// An actor mention standing for several codes, as a dictionary entry `[ARN/ROH]` gives.
struct ManyCodes {
    span: annals_document::Span,
    code: String,
    others: Vec<String>,
}

impl annals_events::ActorView for ManyCodes {
    fn span(&self) -> annals_document::Span {
        self.span
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn other_codes(&self) -> &[String] {
        &self.others
    }
}

#[test]
fn an_actor_with_several_codes_yields_one_event_per_code() {
    let text = "The Northern League troops shelled Gondor overnight.";
    let at = |name: &str| {
        let s = text.find(name).unwrap();
        annals_document::Span::new(s, s + name.len())
    };
    let mentions = vec![
        ManyCodes {
            span: at("The Northern League troops"),
            code: "ARNMIL".into(),
            others: vec!["ROHMIL".into()],
        },
        ManyCodes {
            span: at("Gondor"),
            code: "GON".into(),
            others: Vec::new(),
        },
    ];
    let doc = annals_document::Document::new(text.to_string());
    let ev = annals_events::EventCoder::new().code(
        text,
        &sentences(text),
        &TimeFacts::default(),
        &[] as &[annals_events::PlaceRef],
        &mentions,
        &doc,
    );
    let mut pairs: Vec<(String, String)> = ev
        .iter()
        .filter(|e| e.event == "ASSAULT")
        .map(|e| {
            (
                e.actor.iter().map(|p| p.code.clone()).collect(),
                e.recipient.iter().map(|p| p.code.clone()).collect(),
            )
        })
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("ARNMIL".to_string(), "GON".to_string()),
            ("ROHMIL".to_string(), "GON".to_string())
        ]
    );
    assert_eq!(
        ev.iter()
            .filter(|e| e.actor.iter().any(|p| p.country == "ROH"))
            .count(),
        1
    );
}
