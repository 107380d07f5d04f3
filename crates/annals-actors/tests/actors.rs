//! Behaviour of the actor recognizer on sentences written for these tests.

use annals_actors::{
    ActorDictionary, ActorKind, ActorMention, ActorRecognizer, AgentDictionary, AgentPosition,
    DictionaryKind, date_from_tabari, mention_at, mentions_in, split_code,
};
use annals_document::{Date, Span};
use annals_segment::NewsSegmenter;

fn run(r: &ActorRecognizer, text: &str, date: Option<Date>) -> Vec<ActorMention> {
    let sentences = NewsSegmenter::new().segment(text);
    let mentions = r.recognize(text, &sentences, date);
    for m in &mentions {
        assert_eq!(m.span.slice(text), m.text, "span and text agree");
    }
    mentions
}

fn codes(mentions: &[ActorMention]) -> Vec<(&str, &str)> {
    mentions
        .iter()
        .map(|m| (m.text.as_str(), m.code.as_str()))
        .collect()
}

fn find<'a>(mentions: &'a [ActorMention], text: &str) -> &'a ActorMention {
    mentions
        .iter()
        .find(|m| m.text.contains(text))
        .unwrap_or_else(|| panic!("no mention with {text:?} in {:#?}", codes(mentions)))
}

#[test]
fn agents_code_country_and_sector() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Chilean police detained Peruvian lawmakers while Kenyan troops watched.",
        None,
    );
    assert_eq!(
        codes(&m),
        [
            ("Chilean police", "CHLCOP"),
            ("Peruvian lawmakers", "PERLEG"),
            ("Kenyan troops", "KENMIL")
        ]
    );
    let troops = find(&m, "Kenyan troops");
    assert_eq!(troops.country.as_deref(), Some("KEN"));
    assert_eq!(troops.sector.as_deref(), Some("MIL"));
    assert_eq!(troops.kind, ActorKind::Group);
    assert_eq!(troops.rule, "actor/agent/troops");
}

#[test]
fn adjectives_that_differ_from_the_demonym_noun_code_their_country() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Icelandic fishermen and Nepali soldiers met Scottish officials.",
        None,
    );
    assert_eq!(find(&m, "Icelandic").country.as_deref(), Some("ISL"));
    assert_eq!(find(&m, "Nepali").code, "NPLMIL");
    assert_eq!(find(&m, "Scottish").code, "GBRGOV");
}

#[test]
fn role_nouns_used_as_adjectives_are_not_actors() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "The talks covered military cooperation and police training.",
        None,
    );
    assert!(m.is_empty(), "{:#?}", codes(&m));
    let m = run(&r, "The military said the border was calm.", None);
    assert_eq!(codes(&m), [("military", "MIL")]);
}

#[test]
fn organizations_of_a_country_and_numbered_units() {
    let r = ActorRecognizer::new();
    let text =
        "The Ministry of Defense of Peru thanked the 4th mechanized brigade of the Chilean army.";
    let m = run(&r, text, None);
    assert_eq!(find(&m, "Ministry of Defense").code, "PERGOV");
    let unit = find(&m, "brigade");
    assert!(
        unit.text.starts_with("4th mechanized brigade"),
        "{}",
        unit.text
    );
    assert_eq!(unit.sector.as_deref(), Some("MIL"));
}

#[test]
fn people_from_titles_and_appositives() {
    let r = ActorRecognizer::new();
    let text = "The Brazilian ambassador Ana Souza met Pedro Alves, the Portuguese foreign minister, in Lisbon. \
                The deputy interior minister of Peru Carlos Ruiz-Diaz left early.";
    let m = run(&r, text, None);
    let ana = find(&m, "Ana Souza");
    assert_eq!(
        (ana.code.as_str(), ana.kind, ana.name.as_str()),
        ("BRAGOV", ActorKind::Person, "Ana Souza")
    );
    assert_eq!(ana.role.as_deref(), Some("ambassador"));
    let pedro = find(&m, "Pedro Alves");
    assert_eq!(
        (pedro.code.as_str(), pedro.name.as_str()),
        ("PRTGOV", "Pedro Alves")
    );
    assert_eq!(pedro.rule, "actor/person/appositive");
    let carlos = find(&m, "Carlos Ruiz-Diaz");
    assert_eq!(
        (carlos.code.as_str(), carlos.name.as_str()),
        ("PERGOV", "Carlos Ruiz-Diaz")
    );
    assert!(
        !m.iter()
            .any(|x| x.text == "Lisbon" && x.rule != "actor/capital/location"),
        "a capital after `in` is a place"
    );
}

#[test]
fn head_of_an_agency_takes_the_agency_code() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "The head of the SBU Ivan Kovalenko spoke to the FSB.",
        None,
    );
    let p = find(&m, "Ivan Kovalenko");
    assert_eq!((p.code.as_str(), p.kind), ("UKRSPY", ActorKind::Person));
    assert_eq!(find(&m, "FSB").code, "RUSSPY");
}

#[test]
fn coreference_picks_the_latest_person_with_the_name() {
    let r = ActorRecognizer::new();
    let text = "The Chilean foreign minister Luis Vega arrived. Vega said talks went well. \
                Later the Kenyan ambassador Amos Vega arrived. Vega disagreed.";
    let m = run(&r, text, None);
    let corefs: Vec<&ActorMention> = m.iter().filter(|x| x.rule == "actor/coref/name").collect();
    assert_eq!(corefs.len(), 2, "{:#?}", codes(&m));
    let first = corefs[0].coref_of.unwrap();
    assert_eq!(m[first].name, "Luis Vega");
    assert_eq!(corefs[0].code, "CHLGOV");
    let second = corefs[1].coref_of.unwrap();
    assert_eq!(m[second].name, "Amos Vega");
    assert_eq!(corefs[1].code, "KENGOV");
}

#[test]
fn a_definite_role_noun_refers_to_the_subject_of_an_earlier_sentence() {
    let r = ActorRecognizer::new();
    let text = "The Peruvian foreign minister Rosa Diaz met the Chilean ambassador Jorge Mena. \
                The minister said the talks went well.";
    let m = run(&r, text, None);
    let minister = m.iter().find(|x| x.text == "minister").unwrap();
    assert_eq!(
        (minister.code.as_str(), minister.rule.as_str()),
        ("PERGOV", "actor/coref/role")
    );
    assert_eq!(m[minister.coref_of.unwrap()].name, "Rosa Diaz");
    let m = run(&r, "The official said the talks went well.", None);
    assert_eq!(codes(&m), [("official", "GOV")]);
}

#[test]
fn title_without_country_takes_the_country_of_an_earlier_sentence() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Floods hit Peru again. President Quispe visited the towns.",
        None,
    );
    let p = find(&m, "Quispe");
    assert_eq!(p.code, "PERGOV");
    assert!(
        p.rule.ends_with("context_country") && p.confidence < 0.5,
        "{p:?}"
    );
}

#[test]
fn media_outlets_and_platforms() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Reuters and Yonhap reported it, citing a post on Telegram.",
        None,
    );
    assert_eq!(
        codes(&m),
        [
            ("Reuters", "GBRJRN"),
            ("Yonhap", "KORJRN"),
            ("Telegram", "JRN")
        ]
    );
    assert!(m.iter().all(|x| x.kind == ActorKind::Media));
}

#[test]
fn capitals_stand_for_governments_with_verbs_and_in_pairs() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Nairobi denied the report. Ties between Lima and Santiago improved.",
        None,
    );
    assert_eq!(
        codes(&m),
        [
            ("Nairobi", "KENGOV"),
            ("Lima", "PERGOV"),
            ("Santiago", "CHLGOV")
        ]
    );
    assert_eq!(m[1].rule, "actor/metonymy/capital_pair");
    let m = run(&r, "The talks were held in Nairobi.", None);
    assert!(
        m.iter()
            .all(|x| x.rule == "actor/capital/location" && x.code == "KEN"),
        "{:#?}",
        codes(&m)
    );
}

#[test]
fn compound_modifiers_share_the_role() {
    let r = ActorRecognizer::new();
    let m = run(&r, "Peruvian and Chilean warships sailed.", None);
    assert_eq!(
        codes(&m),
        [("Peruvian", "PERMIL"), ("Chilean warships", "CHLMIL")]
    );
}

#[test]
fn international_and_non_state_codes() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "UN peacekeepers and the Security Council criticized NATO and Amnesty International.",
        None,
    );
    let pk = find(&m, "UN peacekeepers");
    assert_eq!(
        (pk.country.as_deref(), pk.sector.as_deref()),
        (Some("IGO"), Some("MIL"))
    );
    let sc = find(&m, "Security Council");
    assert_eq!(
        (sc.country.as_deref(), sc.sector.as_deref(), sc.kind),
        (Some("IGO"), Some("GOV"), ActorKind::Igo)
    );
    assert_eq!(find(&m, "NATO").country.as_deref(), Some("IGO"));
    let ngo = find(&m, "Amnesty");
    assert_eq!(
        (ngo.country.as_deref(), ngo.kind),
        (Some("NGO"), ActorKind::Ngo)
    );
}

const ACTORS: &str = "\
# A small dictionary written for the tests
<!-- a block comment
     over two lines [NOT A CODE] -->
FREEDONIA_  [FRD]
+FREEDONIAN
+FREE_STATE_OF_FREEDONIA_
RUFUS_FIREFLY_  # the leader
+FIREFLY_
\t[FRDELI <330101]
\t[FRDGOV 330101-331231]
\t[FRDOPP >350101]
SYLVANIA [SYL]
TRENTINO_ [SYLGOV 330101-331231] [SYLELI]
";

#[test]
fn actor_dictionary_parses_synonyms_comments_and_dates() {
    let d = ActorDictionary::parse(ACTORS, "Test.actors.txt").unwrap();
    assert_eq!(d.entries.len(), 4);
    assert_eq!(
        d.entries[0].names,
        ["FREEDONIA_", "FREEDONIAN", "FREE_STATE_OF_FREEDONIA_"]
    );
    let firefly = &d.entries[1];
    assert_eq!(firefly.names, ["RUFUS_FIREFLY_", "FIREFLY_"]);
    assert_eq!(firefly.codes.len(), 3);
    assert_eq!(firefly.codes[0].to, Some(Date::constant(1932, 12, 31)));
    assert_eq!(firefly.codes[1].from, Some(Date::constant(1933, 1, 1)));
    assert_eq!(firefly.codes[2].from, Some(Date::constant(1935, 1, 1)));
    assert_eq!(
        firefly.code_on(Some(Date::constant(1933, 6, 1))),
        Some("FRDGOV")
    );
    assert_eq!(
        firefly.code_on(Some(Date::constant(1920, 6, 1))),
        Some("FRDELI")
    );
    assert_eq!(
        firefly.code_on(Some(Date::constant(1934, 6, 1))),
        None,
        "no code covers 1934"
    );
    assert_eq!(
        firefly.code_on(Some(Date::constant(1936, 6, 1))),
        Some("FRDOPP")
    );
    let trentino = &d.entries[3];
    assert_eq!(
        trentino.code_on(Some(Date::constant(1933, 3, 1))),
        Some("SYLGOV")
    );
    assert_eq!(
        trentino.code_on(Some(Date::constant(1950, 3, 1))),
        Some("SYLELI")
    );
    assert_eq!(
        date_from_tabari("19330101"),
        Some(Date::constant(1933, 1, 1))
    );
    assert_eq!(date_from_tabari("250101"), Some(Date::constant(2025, 1, 1)));
    assert_eq!(date_from_tabari("2501"), None);
}

#[test]
fn dictionary_errors_and_repairs() {
    assert!(ActorDictionary::parse("+ORPHAN_SYNONYM\n", "bad.txt").is_err());
    let d = ActorDictionary::parse("GRAND_FENWICK [GFW >999999]\nDUCHY [DCH\n", "odd.txt").unwrap();
    assert_eq!(d.entries.len(), 2);
    assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
    assert_eq!(d.entries[1].codes[0].code, "DCH");
}

#[test]
fn date_bounded_codes_resolve_against_the_document_date() {
    let mut r = ActorRecognizer::new();
    r.add_dictionary_text(ACTORS, "Test.actors.txt", DictionaryKind::Auto)
        .unwrap();
    let text = "Rufus Firefly warned Sylvania.";
    let m = run(&r, text, Some(Date::constant(1933, 5, 2)));
    assert_eq!(
        codes(&m),
        [("Rufus Firefly", "FRDGOV"), ("Sylvania", "SYL")]
    );
    assert!(m[0].rule.starts_with("actor/dict/Test"), "{}", m[0].rule);
    let m = run(&r, text, Some(Date::constant(1931, 5, 2)));
    assert_eq!(m[0].code, "FRDELI");
    let m = run(&r, text, None);
    assert_eq!(m[0].code, "FRDOPP", "without a date the most recent role");
    // Stems: SYLVANIA without a final underscore also matches "Sylvanian".
    let m = run(
        &r,
        "Sylvanian diplomats left Freedonia.",
        Some(Date::constant(1933, 5, 2)),
    );
    assert_eq!(
        codes(&m),
        [("Sylvanian diplomats", "SYLGOV"), ("Freedonia", "FRD")]
    );
}

const AGENTS: &str = "\
!PERSON! = MAN, WOMAN
!MINIST! = MINISTER, MINISTRY
TAX_COLLECTOR [~GOVTAX] # regular plural
DUCK!PERSON! {DUCKMEN} [~AGR]
LOBBY_GROUP {} [NGO~]
WAR_!MINIST! [~MIL]
FOREIGN_MINISTER [~GOVFRM] # overrides the built-in role
";

#[test]
fn agent_dictionary_parses_plurals_sets_and_prefixes() {
    let d = AgentDictionary::parse(AGENTS, "Test.agents.txt").unwrap();
    assert_eq!(d.entries.len(), 5);
    assert_eq!(d.entries[0].forms, ["TAX_COLLECTOR", "TAX_COLLECTORS"]);
    assert_eq!(d.entries[0].code, "GOVTAX");
    assert_eq!(d.entries[1].forms, ["DUCKMAN", "DUCKWOMAN", "DUCKMEN"]);
    assert_eq!(d.entries[2].forms, ["LOBBY_GROUP"]);
    assert_eq!(d.entries[2].position, AgentPosition::Prefix);
    assert_eq!(d.entries[3].forms[..2], ["WAR_MINISTER", "WAR_MINISTRY"]);
    let mut r = ActorRecognizer::new();
    r.add_dictionary_text(AGENTS, "Test.agents.txt", DictionaryKind::Auto)
        .unwrap();
    let m = run(&r, "Kenyan tax collectors met a Chilean lobby group.", None);
    assert_eq!(
        codes(&m),
        [
            ("Kenyan tax collectors", "KENGOVTAX"),
            ("Chilean lobby group", "NGOCHL")
        ]
    );
}

#[test]
fn self_referring_substitution_sets_terminate() {
    let d = AgentDictionary::parse("!A! = X!A!, Y\nZ_!A! [~GOV]\n", "loop.txt").unwrap();
    assert!(!d.entries[0].forms.is_empty() && d.entries[0].forms.len() < 100);
}

#[test]
fn lookups_by_position_and_sentence() {
    let r = ActorRecognizer::new();
    let text = "Kenyan troops moved. Chilean police stayed.";
    let m = run(&r, text, None);
    let (i, hit) = mention_at(&m, 3).unwrap();
    assert_eq!((i, hit.code.as_str()), (0, "KENMIL"));
    assert!(mention_at(&m, 16).is_none());
    let second: Vec<usize> = mentions_in(&m, Span::new(21, text.len()))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(second, [1]);
}

#[test]
fn code_splitting() {
    assert_eq!(
        split_code("KORGOV"),
        (Some("KOR".into()), Some("GOV".into()))
    );
    assert_eq!(
        split_code("IGOUNOGOV"),
        (Some("IGO".into()), Some("GOV".into()))
    );
    assert_eq!(split_code("MIL"), (None, Some("MIL".into())));
    assert_eq!(split_code("RUS"), (Some("RUS".into()), None));
    assert_eq!(split_code("ü"), (None, None));
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_any_sentences(text in "\\PC{0,80}", a in 0usize..90, b in 0usize..90) {
            static R: std::sync::OnceLock<ActorRecognizer> = std::sync::OnceLock::new();
            let r = R.get_or_init(ActorRecognizer::new);
            let sentences = [annals_document::Sentence {
                span: Span::new(a, b),
                kind: annals_document::SentenceKind::Body,
                rule: String::new(),
            }];
            for m in r.recognize(&text, &sentences, None) {
                prop_assert_eq!(m.span.slice(&text), m.text.as_str());
            }
            let _ = r.recognize(&text, &[], None);
            let _ = ActorDictionary::parse(&text, "fuzz");
            let _ = AgentDictionary::parse(&text, "fuzz");
        }
    }
}

#[test]
fn city_or_region_before_a_role_gives_its_country() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Kandahar police arrested two smugglers on Monday.",
        None,
    );
    let police = find(&m, "police");
    assert_eq!(police.code, "AFGCOP", "{:#?}", codes(&m));
    assert!(police.rule.ends_with("/place_modifier"));
    let m = run(&r, "The governor of Bavaria resigned after the vote.", None);
    let governor = find(&m, "governor");
    assert_eq!(governor.country.as_deref(), Some("DEU"), "{:#?}", codes(&m));
    // A region name two countries share gives no country.
    let m = run(&r, "The governor of Punjab resigned after the vote.", None);
    let governor = find(&m, "governor");
    assert_eq!(governor.country, None, "{:#?}", codes(&m));
}

#[test]
fn people_living_in_another_country() {
    let r = ActorRecognizer::new();
    let m = run(&r, "Kurds in northern Iraq voted in a referendum.", None);
    let kurds = find(&m, "Kurds");
    assert_eq!(kurds.code, "IRQCVL", "{:#?}", codes(&m));
    let m = run(
        &r,
        "Ethnic Ukrainians protested as Polish officials watched.",
        None,
    );
    let people = find(&m, "Ukrainians");
    assert_eq!(people.code, "POLCVL", "{:#?}", codes(&m));
    assert_eq!(people.rule, "actor/country/people_ethnic");
}

#[test]
fn groups_and_officials_take_the_country_of_the_sentence() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Rebels attacked a convoy near the Chilean border.",
        None,
    );
    let rebels = find(&m, "Rebels");
    assert_eq!(rebels.code, "CHLREB", "{:#?}", codes(&m));
    // A country introduced as the other party does not lend its name.
    let m = run(
        &r,
        "President Anton Weber threatened action against Norway.",
        None,
    );
    let president = find(&m, "Weber");
    assert_eq!(president.country, None, "{:#?}", codes(&m));
}

#[test]
fn capital_used_as_a_place_is_kept_at_low_confidence() {
    let r = ActorRecognizer::new();
    let m = run(&r, "The talks took place in Nairobi last week.", None);
    let nairobi = find(&m, "Nairobi");
    assert_eq!(nairobi.code, "KEN");
    assert_eq!(nairobi.rule, "actor/capital/location");
    assert!(nairobi.confidence < 0.3);
}

#[test]
fn tokenizer_handles_mixed_scripts_and_possessives() {
    let r = ActorRecognizer::new();
    // Non-ASCII text, typographic apostrophes and odd characters never panic.
    let text = "Россия’s envoy — the U.S. ambassador’s aide — met “Iran’s” FM in Zürich.";
    let m = run(&r, text, None);
    assert!(
        m.iter().any(|x| x.code.starts_with("USA")),
        "{:#?}",
        codes(&m)
    );
}

#[test]
fn office_holders_are_coded_by_the_article_date() {
    let r = ActorRecognizer::new();
    let text = "Chancellor Angela Merkel spoke with Putin about gas prices.";
    let in_office = run(&r, text, Date::new(2010, 3, 1).ok());
    assert_eq!(find(&in_office, "Merkel").code, "DEUGOV");
    assert!(find(&in_office, "Merkel").rule.starts_with("actor/leader/"));
    assert_eq!(find(&in_office, "Putin").code, "RUSGOV");
    // After her terms she is a former official.
    let later = run(
        &r,
        "Angela Merkel visited a school.",
        Date::new(2023, 5, 1).ok(),
    );
    assert_eq!(find(&later, "Merkel").code, "DEUELI");
    // A name that only heads an administration codes the administration.
    let m = run(&r, "The Reagan administration rejected the offer.", None);
    assert_eq!(find(&m, "administration").code, "USAGOV");
}

#[test]
fn misspelled_country_names_are_read_with_one_edit() {
    let r = ActorRecognizer::new();
    let m = run(&r, "Cambodai and Venezuella signed a fishing accord.", None);
    assert_eq!(
        codes(&m),
        vec![("Cambodai", "KHM"), ("Venezuella", "VEN")],
        "{m:#?}"
    );
    // Short words and ordinary names are left alone.
    let m = run(&r, "Irena met Chinaa officials.", None);
    assert!(m.iter().all(|x| x.text != "Irena"), "{m:#?}");
}

#[test]
fn ethnic_communities_belong_to_the_country_the_sentence_is_about() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Ethnic Armenian militiamen clashed with police in Georgia, Georgian officials said.",
        None,
    );
    assert_eq!(find(&m, "Armenian militiamen").code, "GEOREB", "{m:#?}");
}

#[test]
fn unidentified_attackers_take_the_place_they_struck() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "A roadside bomb exploded near the town of Kandahar on Monday.",
        None,
    );
    let bomb = find(&m, "roadside bomb");
    assert_eq!(bomb.code, "AFGUAF", "{m:#?}");
    assert!(bomb.rule.ends_with("/place_in"), "{}", bomb.rule);
    let m = run(&r, "Gunmen opened fire on a bus in Peru.", None);
    assert_eq!(find(&m, "Gunmen").code, "PERUAF", "{m:#?}");
}

#[test]
fn named_armed_groups_parties_and_igos() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "The Tamil Tigers and UNITA rejected an APEC statement backed by the Likud.",
        None,
    );
    assert_eq!(find(&m, "Tamil Tigers").code, "LKAREB");
    assert_eq!(find(&m, "UNITA").code, "AGOREB");
    assert_eq!(find(&m, "APEC").country.as_deref(), Some("IGO"));
    assert_eq!(find(&m, "Likud").code, "ISRPTY");
}

#[test]
fn coordinated_abbreviation_shares_the_role_noun() {
    let r = ActorRecognizer::new();
    let m = run(&r, "U.K. and French negotiators met in Brussels.", None);
    assert_eq!(find(&m, "U.K.").code, "GBRGOV", "{m:#?}");
    assert_eq!(find(&m, "French negotiators").code, "FRAGOV");
}

#[test]
fn residents_of_a_place_named_by_adjective() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Villagers of the Turkish province of Hatay protested against Syria.",
        None,
    );
    assert_eq!(find(&m, "Villagers").code, "TURCVL", "{m:#?}");
}

#[test]
fn capitals_shared_with_a_former_state_go_to_the_current_one() {
    let r = ActorRecognizer::new();
    let m = run(&r, "Belgrade said it would reply.", None);
    assert_eq!(find(&m, "Belgrade").code, "SRBGOV");
    // PLOVER uses ISO 3166 codes where CAMEO differs.
    let m = run(&r, "Timor-Leste troops arrived.", None);
    assert_eq!(find(&m, "troops").country.as_deref(), Some("TLS"), "{m:#?}");
}

#[test]
fn clerics_are_people_with_their_names() {
    let r = ActorRecognizer::new();
    let m = run(
        &r,
        "Kenyan Archbishop John Mwangi condemned the attack.",
        None,
    );
    let a = find(&m, "Archbishop");
    assert_eq!(a.code, "KENREL");
    assert_eq!(a.name, "John Mwangi");
    assert_eq!(a.kind, ActorKind::Person);
}

#[test]
fn an_entry_with_several_codes_keeps_them_all() {
    let mut r = ActorRecognizer::new();
    r.add_dictionary_text(
        "GRAND_FENWICK [GFW/TLY/BRZ]\nSYLVANIA_ [SYL]\n",
        "Multi.actors.txt",
        DictionaryKind::Actors,
    )
    .unwrap();
    let m = run(&r, "Grand Fenwick warned Sylvania.", None);
    let gf = find(&m, "Fenwick");
    assert_eq!(gf.code, "GFW");
    assert_eq!(gf.other_codes, ["TLY", "BRZ"]);
    assert!(find(&m, "Sylvania").other_codes.is_empty());
    // A role noun after the actor carries its sector into every code.
    let m = run(&r, "Grand Fenwick police arrested a smuggler.", None);
    let gf = find(&m, "Fenwick");
    assert_eq!(gf.code, "GFWCOP");
    assert_eq!(gf.other_codes, ["TLYCOP", "BRZCOP"]);
}

#[test]
fn underscores_in_text_match_dictionary_names() {
    let mut r = ActorRecognizer::new();
    r.add_dictionary_text(
        "DUCHY_OF_STRELSAU [STR]\n",
        "Duchy.actors.txt",
        DictionaryKind::Actors,
    )
    .unwrap();
    for text in [
        "Yesterday the Duchy of Strelsau protested.",
        "Yesterday the Duchy_of_Strelsau protested.",
    ] {
        let m = run(&r, text, None);
        let d = find(&m, "Strelsau");
        assert_eq!(d.code, "STR", "{text}");
        assert!(d.text.starts_with("Duchy"), "{text}: {}", d.text);
    }
}

const WRITTEN_AGENTS: &str = "\
MEDIA {} [~MED]
TOWN_CRIER [~GOV]
";

#[test]
fn dictionaries_read_as_written_keep_cameo_codes_and_replace_built_in_roles() {
    // Read as the lexicon's PLOVER codes: CAMEO `MED` (media) becomes `JRN`, built-in roles stay.
    let mut plover = ActorRecognizer::new();
    plover
        .add_dictionary_text(WRITTEN_AGENTS, "W.agents.txt", DictionaryKind::Agents)
        .unwrap();
    let text = "Kenyan media praised Chilean troops and a Peruvian town crier.";
    let m = run(&plover, text, None);
    assert_eq!(find(&m, "media").code, "KENJRN");
    assert_eq!(find(&m, "troops").code, "CHLMIL");
    // Read as written: `MED` stays, and "troops", which the dictionary lacks, codes no sector.
    let mut written = ActorRecognizer::new();
    written.set_as_written(true);
    written
        .add_dictionary_text(WRITTEN_AGENTS, "W.agents.txt", DictionaryKind::Agents)
        .unwrap();
    let m = run(&written, text, None);
    assert_eq!(find(&m, "media").code, "KENMED");
    assert_eq!(find(&m, "crier").code, "PERGOV");
    assert!(
        m.iter().all(|x| !x.code.ends_with("MIL")),
        "{:?}",
        codes(&m)
    );
}

#[test]
fn a_prefix_agent_before_an_actor_name_codes_first() {
    let mut r = ActorRecognizer::new();
    r.add_dictionary_text("SYLVANIA_ [SYL]\n", "P.actors.txt", DictionaryKind::Actors)
        .unwrap();
    r.add_dictionary_text(
        "WATCHDOG {} [NGO~]\n",
        "P.agents.txt",
        DictionaryKind::Agents,
    )
    .unwrap();
    let m = run(
        &r,
        "Yesterday Watchdog Sylvania criticized the decision.",
        None,
    );
    assert_eq!(find(&m, "Sylvania").code, "NGOSYL", "{:?}", codes(&m));
    assert_eq!(find(&m, "Sylvania").text, "Watchdog Sylvania");
}

#[test]
fn dictionary_names_written_with_their_article_match_a_lower_case_article() {
    let mut r = ActorRecognizer::new();
    r.add_dictionary_text(
        "THE_MARCHLANDS [MRC/MRD]\nTHE_QZ [QZL]\n",
        "Article.actors.txt",
        DictionaryKind::Actors,
    )
    .unwrap();
    let m = run(&r, "Yesterday the Marchlands protested.", None);
    let d = find(&m, "Marchlands");
    assert_eq!(d.code, "MRC", "{:?}", codes(&m));
    assert_eq!(d.other_codes, ["MRD"]);
    // An acronym name keeps its upper-case test on the words after the article.
    let m = run(&r, "The QZ team lost again.", None);
    assert_eq!(find(&m, "QZ").code, "QZL", "{:?}", codes(&m));
    let m = run(&r, "The qz team lost again.", None);
    assert!(m.iter().all(|x| x.code != "QZL"), "{:?}", codes(&m));
    // Without the article's help a lower-case name is still no match.
    let m = run(&r, "Yesterday the marchlands were quiet.", None);
    assert!(m.iter().all(|x| x.code != "MRC"), "{:?}", codes(&m));
}

#[test]
fn a_possessive_country_names_the_country_of_a_titled_dictionary_person() {
    let mut r = ActorRecognizer::new();
    r.set_as_written(true);
    r.add_dictionary_text(
        "SYLVANIA_ [SYL]\nFREEDONIA_ [FRD]\nRUFUS_FIREFLY [FRDGOV]\n",
        "Pos.actors.txt",
        DictionaryKind::Actors,
    )
    .unwrap();
    r.add_dictionary_text("ENVOY [~GOV]\n", "Pos.agents.txt", DictionaryKind::Agents)
        .unwrap();
    // The text says whose envoy he is now; the dictionary's country yields.
    let m = run(
        &r,
        "Yesterday Sylvania's tireless and shrewd envoy Rufus Firefly left.",
        None,
    );
    let p = find(&m, "Firefly");
    assert_eq!(p.code, "SYLGOV", "{:?}", codes(&m));
    assert!(p.text.starts_with("Sylvania"), "{}", p.text);
    // Without the possessive the dictionary's code stands.
    let m = run(&r, "Yesterday the envoy Rufus Firefly left.", None);
    assert_eq!(find(&m, "Firefly").code, "FRDGOV", "{:?}", codes(&m));
    // A verb between the possessive and the role noun is no adjective.
    let m = run(&r, "Sylvania's talks were seen as an envoy effort.", None);
    assert!(m.iter().all(|x| x.code != "SYLGOV"), "{:?}", codes(&m));
}

#[test]
fn a_prefix_agent_an_actor_and_a_role_code_in_that_order() {
    let mut r = ActorRecognizer::new();
    r.set_as_written(true);
    r.add_dictionary_text("SYLVANIA_ [SYL]\n", "P.actors.txt", DictionaryKind::Actors)
        .unwrap();
    r.add_dictionary_text(
        "WATCHDOG {} [NGO~]\nENVOY [~GOV]\n",
        "P.agents.txt",
        DictionaryKind::Agents,
    )
    .unwrap();
    let m = run(&r, "Yesterday a Watchdog Sylvania envoy left.", None);
    let a = find(&m, "Sylvania");
    assert_eq!(a.code, "NGOSYLGOV", "{:?}", codes(&m));
    assert_eq!(a.text, "Watchdog Sylvania envoy");
}
