//! Place recognition on sentences written for these tests.

use annals_places::{PlaceContext, PlaceMention, PlaceRecognizer};
use std::sync::OnceLock;

fn rec() -> &'static PlaceRecognizer {
    static R: OnceLock<PlaceRecognizer> = OnceLock::new();
    R.get_or_init(PlaceRecognizer::new)
}

fn find(text: &str) -> Vec<PlaceMention> {
    rec().recognize(text, &[], &PlaceContext::default())
}

fn named<'a>(found: &'a [PlaceMention], text: &str) -> Option<&'a PlaceMention> {
    found.iter().find(|m| m.text == text)
}

#[test]
fn cities_regions_and_countries() {
    let t = "Relief convoys left Kharkiv for Odesa, while aid also reached Bavaria and Chile.";
    let f = find(t);
    let kh = named(&f, "Kharkiv").expect("Kharkiv");
    assert_eq!(kh.country, "UKR");
    assert_eq!(kh.precision, "city");
    assert_eq!(kh.span.slice(t), "Kharkiv");
    assert_eq!(named(&f, "Odesa").map(|m| &*m.country), Some("UKR"));
    assert_eq!(named(&f, "Bavaria").map(|m| m.precision), Some("region"));
    let chile = named(&f, "Chile").expect("Chile");
    assert_eq!((chile.precision, &*chile.country), ("country", "CHL"));
}

#[test]
fn multiword_possessive_and_suffix() {
    let t = "Buenos Aires's mayor met a Rio de Janeiro delegation and a Nairobi-based charity.";
    let f = find(t);
    let ba = named(&f, "Buenos Aires").expect("Buenos Aires");
    assert_eq!(ba.country, "ARG");
    assert_eq!(
        named(&f, "Rio de Janeiro").map(|m| &*m.country),
        Some("BRA")
    );
    let nb = named(&f, "Nairobi").expect("Nairobi in Nairobi-based");
    assert_eq!(nb.country, "KEN");
}

#[test]
fn guards_drop_people_months_and_common_words() {
    let t = "Kim Min-jun arrived in May. Reading the letter, Jordan Whitfield smiled. \
             Nice weather helped President Lincoln's staff.";
    let f = find(t);
    for bad in ["Kim", "May", "Reading", "Jordan", "Nice", "Lincoln"] {
        assert!(named(&f, bad).is_none(), "{bad} taken as a place: {f:?}");
    }
}

#[test]
fn common_word_place_with_cue_is_kept() {
    let f = find("The festival moved from Nice to Lyon last year.");
    assert_eq!(named(&f, "Nice").map(|m| &*m.country), Some("FRA"));
    assert_eq!(named(&f, "Lyon").map(|m| &*m.country), Some("FRA"));
}

#[test]
fn one_edit_typos_of_long_names() {
    // "Novosibirsk" with a letter dropped, and "Yekaterinburg" with one letter changed.
    let t = "Factories in Novosibirk and Yekatarinburg stopped work.";
    let f = find(t);
    let n = named(&f, "Novosibirk").expect("typo of Novosibirsk");
    assert_eq!((&*n.name, &*n.country), ("Novosibirsk", "RUS"));
    assert_eq!(n.rule, "places/fuzzy");
    assert_eq!(named(&f, "Yekatarinburg").map(|m| &*m.country), Some("RUS"));
    // Short words get no fuzzy matching, and demonyms are not misspelled countries.
    let g = find("Russian officials in Lodnon spoke.");
    let russian = named(&g, "Russian").expect("demonym");
    assert_eq!(
        (&*russian.rule, &*russian.country),
        ("places/demonym", "RUS")
    );
    assert!(named(&g, "Lodnon").is_none(), "{g:?}");
}

#[test]
fn containment_picks_the_contained_reading() {
    let t = "The fair opened in Paris, Texas, and later in Alexandria, Louisiana.";
    let f = find(t);
    let paris = named(&f, "Paris").expect("Paris");
    assert_eq!((&*paris.country, &*paris.admin1), ("USA", "TX"));
    assert!(paris.rule.contains("containment"), "{}", paris.rule);
    let alex = named(&f, "Alexandria").expect("Alexandria");
    assert_eq!((&*alex.country, &*alex.admin1), ("USA", "LA"));
    assert!(named(&f, "Texas").is_some());
    // Without context the larger place wins.
    let g = find("Tourists crowded Paris and Alexandria this summer.");
    assert_eq!(named(&g, "Paris").map(|m| &*m.country), Some("FRA"));
    assert_eq!(named(&g, "Alexandria").map(|m| &*m.country), Some("EGY"));
}

#[test]
fn a_repeated_name_is_no_context_for_itself() {
    // Alone, "Córdoba" reads as a region of the Americas; its repetitions must not outvote the
    // containment that places it in Spain.
    let t = "Flooding hit Córdoba, Spain, on Monday. In Córdoba, officials closed the old \
             bridge. Trains to Córdoba were cancelled, Córdoba hotels emptied and shops in \
             Córdoba stayed shut.";
    let f = find(t);
    let all: Vec<&PlaceMention> = f.iter().filter(|m| m.text == "Córdoba").collect();
    assert_eq!(all.len(), 5, "{f:?}");
    for c in all {
        assert_eq!((&*c.country, c.precision), ("ESP", "city"), "{c:?}");
    }
    // Other names still count: Geelong places both mentions of the state in Australia.
    let g =
        find("Bushfires spread across Victoria near Geelong as Victoria declared an emergency.");
    for v in g.iter().filter(|m| m.text == "Victoria") {
        assert_eq!((&*v.country, v.precision), ("AUS", "region"), "{v:?}");
    }
}

#[test]
fn document_and_outlet_context() {
    let g = find("Storms hit Georgia and Alabama, closing schools across Atlanta.");
    let ga = named(&g, "Georgia").expect("Georgia");
    assert_eq!((&*ga.country, ga.precision), ("USA", "region"));
    let h = find("Troops left Georgia after talks in Tbilisi.");
    assert_eq!(named(&h, "Georgia").map(|m| &*m.country), Some("GEO"));
    let ctx = PlaceContext {
        outlet_country: Some("USA".into()),
    };
    let text = "The lab in Cambridge reopened.";
    let k = rec().recognize(text, &[], &ctx);
    assert_eq!(named(&k, "Cambridge").map(|m| &*m.country), Some("USA"));
    let k = rec().recognize(
        text,
        &[],
        &PlaceContext {
            outlet_country: Some("GB".into()),
        },
    );
    assert_eq!(named(&k, "Cambridge").map(|m| &*m.country), Some("GBR"));
}

#[test]
fn metonymy_of_capitals_and_countries() {
    let t = "Berlin said the talks failed. Ties between Tokyo and Canberra grew. \
             Protesters marched in Berlin.";
    let f = find(t);
    let berlins: Vec<&PlaceMention> = f.iter().filter(|m| m.text == "Berlin").collect();
    assert_eq!(berlins.len(), 2);
    assert!(berlins[0].metonymy, "Berlin said");
    assert!(!berlins[1].metonymy, "in Berlin");
    assert!(named(&f, "Tokyo").is_some_and(|m| m.metonymy));
    assert!(named(&f, "Canberra").is_some_and(|m| m.metonymy));
    let g = find("Hungary denied the report.");
    assert!(named(&g, "Hungary").is_some_and(|m| m.metonymy));
    let h = find("Floods in Osaka and Kobe closed roads.");
    assert!(h.iter().all(|m| !m.metonymy), "{h:?}");
}

#[test]
fn abbreviations_and_spans_on_non_ascii_text() {
    let t = "Ministers from the U.S. and the UK met in Zürich\u{2019}s old town — then in Kraków.";
    let f = find(t);
    assert_eq!(named(&f, "U.S.").map(|m| &*m.country), Some("USA"));
    assert_eq!(named(&f, "UK").map(|m| &*m.country), Some("GBR"));
    let z = named(&f, "Zürich").expect("Zürich");
    assert_eq!(z.span.slice(t), "Zürich");
    assert_eq!(named(&f, "Kraków").map(|m| &*m.country), Some("POL"));
}

#[test]
fn never_panics_on_odd_input() {
    for t in [
        "",
        " ",
        "Ä",
        "in",
        "In X",
        "\u{2019}s",
        "A-",
        "-A",
        "São Paulo\u{2019}",
        "U.S",
    ] {
        let _ = find(t);
    }
}

#[test]
fn demonyms_datelines_and_region_abbreviations() {
    let t = "GREENVILLE, S.C. \u{2014} The American and North Korean envoys met.";
    let f = find(t);
    let g = named(&f, "GREENVILLE").expect("dateline in capitals");
    assert_eq!((&*g.country, &*g.admin1), ("USA", "SC"));
    assert_eq!(named(&f, "S.C.").map(|m| m.precision), Some("region"));
    assert_eq!(named(&f, "American").map(|m| &*m.country), Some("USA"));
    let nk = named(&f, "North Korean").expect("two-word demonym");
    assert_eq!((&*nk.country, nk.metonymy), ("PRK", false));
    // A state abbreviation is not taken without a place before it.
    let h = find("Ga. officials met in Ind. schools.");
    assert!(
        h.iter().all(|m| m.text != "Ga." && m.text != "Ind."),
        "{h:?}"
    );
}

#[test]
fn misspelled_country_names() {
    // "Afghanistan" without its "h", "Kazakhstan" without its "h", "Luxembourg" as "Luxemburg"
    // is a listed spelling, so only the first two are typos.
    let t = "Aid flights to Afganistan resumed; traders in Kazakstan waited.";
    let f = find(t);
    let af = named(&f, "Afganistan").expect("typo of Afghanistan");
    assert_eq!(
        (&*af.country, af.precision, &*af.rule),
        ("AFG", "country", "places/fuzzy/country")
    );
    assert_eq!(named(&f, "Kazakstan").map(|m| &*m.country), Some("KAZ"));
    // Inside a person's name ("Jordon Ellis") or short, a near-country word stays a name; an
    // alternate name ("Holland") is not searched for.
    let g = find("The coach, Jordon Ellis, resigned. Jordon said so in Howland.");
    assert!(g.iter().all(|m| m.rule != "places/fuzzy/country"), "{g:?}");
    // An inflected name is not a typo.
    let a = find("Leaders from across the Americas met.");
    assert!(a.iter().all(|m| m.rule != "places/fuzzy/country"), "{a:?}");
    // Words far from every country name are left alone.
    let h = find("Officials from Brusselsx met Tuesday.");
    assert!(h.iter().all(|m| m.rule != "places/fuzzy/country"), "{h:?}");
}

#[test]
fn names_whose_first_word_ends_in_possessive() {
    let t = "Farmers in Hawke's Bay counted the damage.";
    let f = find(t);
    let hb = named(&f, "Hawke's Bay").expect("Hawke's Bay");
    assert_eq!((&*hb.country, hb.precision), ("NZL", "region"));
}

#[test]
fn abbreviations_only_at_word_starts() {
    let t = "CAMPUS police in the USA and FOCUS groups in the UAE.";
    let f = find(t);
    assert_eq!(named(&f, "USA").map(|m| &*m.country), Some("USA"));
    assert_eq!(named(&f, "UAE").map(|m| &*m.country), Some("ARE"));
    assert!(
        f.iter().all(|m| m.text != "US" && m.text != "UK"),
        "abbreviation inside a word: {f:?}"
    );
    // After a hyphen an abbreviation starts a word of its own.
    let g = find("Talks on Egypt-US ties and Canada-U.S. trade resumed.");
    assert_eq!(named(&g, "US").map(|m| &*m.country), Some("USA"));
    assert_eq!(named(&g, "U.S.").map(|m| &*m.country), Some("USA"));
}

#[test]
fn recognition_is_the_same_with_and_without_repeated_calls() {
    // The recognizer keeps no state between documents.
    let t = "Floods hit Dhaka; later Novosibirk and Afganistan reported snow.";
    let a = find(t);
    let b = find(t);
    assert_eq!(a, b);
    assert!(!a.is_empty());
}
