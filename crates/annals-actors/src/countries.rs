//! Country names, adjectives, peoples and capitals: the places crate's country table plus
//! `data/actors/countries.tsv` (forms an actor coder needs that a gazetteer does not list).

use annals_places::Countries;

const EXTRA: &str = include_str!("../../../data/actors/countries.tsv");

/// Every written form of one country (or non-state actor) code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CountryForms {
    /// CAMEO code.
    pub code: String,
    /// Proper names ("South Korea").
    pub names: Vec<String>,
    /// Written abbreviations ("DPRK", "U.S.").
    pub abbreviations: Vec<String>,
    /// Adjectives ("North Korean").
    pub adjectives: Vec<String>,
    /// Plural peoples ("North Koreans").
    pub people: Vec<String>,
    /// Capital cities ("Pyongyang").
    pub capitals: Vec<String>,
}

fn strip_the(name: &str) -> String {
    let n = name.trim();
    n.strip_prefix("the ")
        .or_else(|| n.strip_prefix("The "))
        .unwrap_or(n)
        .to_string()
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

/// The code PLOVER gives a country: its ISO 3166 alpha-3 code (PLOVER follows ISO where CAMEO
/// differs: Timor-Leste is `TLS`, not CAMEO's `TMP`), else the CAMEO code.
pub(crate) fn plover_code(c: &annals_places::Country) -> String {
    let iso = c.iso3.trim();
    if iso.len() == 3 && iso.bytes().all(|b| b.is_ascii_uppercase()) {
        iso.to_string()
    } else {
        c.cameo.clone()
    }
}

/// The country forms: places table, then the extras file.
pub(crate) fn builtin() -> Vec<CountryForms> {
    let mut out: Vec<CountryForms> = Vec::new();
    // Most populous first: a demonym shared by a state and a territory ("French", "Indian")
    // goes to the state.
    let mut all: Vec<&annals_places::Country> = Countries::builtin().all().iter().collect();
    all.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then_with(|| a.cameo.cmp(&b.cameo))
    });
    for c in all {
        let mut f = CountryForms {
            code: plover_code(c),
            ..CountryForms::default()
        };
        push_unique(&mut f.names, strip_the(&c.name));
        for n in &c.names {
            push_unique(&mut f.names, strip_the(n));
        }
        for a in &c.abbreviations {
            push_unique(&mut f.abbreviations, a.trim().to_string());
        }
        for d in &c.demonyms {
            let d = d.trim();
            let is_plural = c
                .demonyms
                .iter()
                .any(|o| o != d && (d == format!("{o}s") || d == format!("{o}es")));
            if is_plural {
                push_unique(&mut f.people, d.to_string());
            } else {
                push_unique(&mut f.adjectives, d.to_string());
                if d.ends_with("ese") || d.ends_with("ss") {
                    push_unique(&mut f.people, d.to_string());
                }
            }
        }
        if !c.capital.trim().is_empty() {
            push_unique(&mut f.capitals, c.capital.trim().to_string());
        }
        out.push(f);
    }
    let mut retired: Vec<String> = Vec::new();
    for line in EXTRA.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(code), Some(field), Some(values)) = (cols.first(), cols.get(1), cols.get(2))
        else {
            continue;
        };
        let code = code.trim().to_ascii_uppercase();
        if field.trim() == "retired" {
            retired.push(code);
            continue;
        }
        let idx = match out.iter().position(|f| f.code == code) {
            Some(i) => i,
            None => {
                out.push(CountryForms {
                    code: code.clone(),
                    ..CountryForms::default()
                });
                out.len() - 1
            }
        };
        let f = &mut out[idx];
        for v in values.split('|').map(str::trim).filter(|v| !v.is_empty()) {
            let list = match field.trim() {
                "name" => &mut f.names,
                "abbreviation" => &mut f.abbreviations,
                "adjective" => &mut f.adjectives,
                "people" => &mut f.people,
                "capital" => &mut f.capitals,
                _ => continue,
            };
            push_unique(list, strip_the(v));
        }
    }
    // Codes of states that no longer exist yield shared forms (a capital, an adjective) to their
    // successors: forms go to the first code that lists them.
    let (mut kept, old): (Vec<CountryForms>, Vec<CountryForms>) =
        out.into_iter().partition(|f| !retired.contains(&f.code));
    kept.extend(old);
    kept
}
