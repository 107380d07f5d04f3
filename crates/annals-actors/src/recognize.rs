//! Building actor mentions from lexicon items: country + role, role + "of" country, titles and
//! appositives for people, metonymy for capitals, coreference by name inside the document.

use crate::lexicon::{self, Entry, Form, Item, ItemScratch, Lexicon, nonstate_kind};
use crate::tokens::{Token, lowered, tokenize_into};
use crate::{ActorKind, ActorMention, code_parts, split_code};
use annals_document::{Date, Sentence, Span};
use annals_places::{Countries, Gazetteer, PlaceKind};
use std::borrow::Cow;

/// A mention under construction, in token positions of its sentence; its texts borrow from the
/// lexicon (`'l`) where they can.
#[derive(Debug, Clone)]
struct Draft<'l> {
    t0: usize,
    t1: usize,
    code: Cow<'l, str>,
    kind: ActorKind,
    /// Canonical name; `None`: the text of the span.
    name: Option<Cow<'l, str>>,
    /// Tokens of a person's name inside the span.
    name_toks: Option<(usize, usize)>,
    role: Option<Cow<'l, str>>,
    rule: Cow<'l, str>,
    confidence: f32,
    coref_of: Option<usize>,
    /// Whether the code came from a country name in the text (used for context inference).
    state_name: bool,
    /// Further codes a dictionary gives the same actor (`[A/B/C]`), as (primary, other) pairs:
    /// each other code stands in for the primary one inside `code`.
    alts: Vec<(String, String)>,
}

/// A known person for coreference: mention index and lower-case name words.
struct Person {
    index: usize,
    words: Vec<String>,
}

/// The code an item contributes as a modifier ("Russian", "GUR"), if any.
fn cue_code<'l>(lex: &Lexicon, item: &Item<'l>, date: Option<Date>) -> Option<Cow<'l, str>> {
    match item.entry {
        Entry::Country { code, .. } | Entry::Capital { code } => Some(Cow::Borrowed(code)),
        Entry::Org { code, .. } => Some(Cow::Borrowed(code)),
        Entry::Dict { entry, .. } => dict_code(lex, *entry, date).map(Cow::Owned),
        _ => None,
    }
}

fn dict_code(lex: &Lexicon, entry: usize, date: Option<Date>) -> Option<String> {
    dict_codes(lex, entry, date).into_iter().next()
}

/// Every code a dictionary entry gives on `date`: `[A/B/C]` yields `A`, `B`, `C` (first is primary).
fn dict_codes(lex: &Lexicon, entry: usize, date: Option<Date>) -> Vec<String> {
    let Some(actor) = lex.dict_entries.get(entry) else {
        return Vec::new();
    };
    let probe = crate::dictionary::ActorEntry {
        names: Vec::new(),
        codes: actor.codes.clone(),
        line: 0,
    };
    let mut out: Vec<String> = Vec::new();
    for c in probe.code_on(date).unwrap_or("").split('/') {
        let c = c.trim();
        if !c.is_empty() && !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    }
    out
}

/// The dictionary's further codes for `entry` beyond the primary one, paired with the primary.
fn dict_alts(lex: &Lexicon, entry: usize, date: Option<Date>) -> Vec<(String, String)> {
    let codes = dict_codes(lex, entry, date);
    let Some(first) = codes.first() else {
        return Vec::new();
    };
    codes
        .iter()
        .skip(1)
        .map(|c| (first.clone(), c.clone()))
        .collect()
}

/// The full codes an actor takes when each further dictionary code replaces the primary one.
fn other_codes(code: &str, alts: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (primary, alt) in alts {
        let other = match code.find(primary.as_str()) {
            Some(at) if !primary.is_empty() => {
                format!("{}{alt}{}", &code[..at], &code[at + primary.len()..])
            }
            _ => continue,
        };
        if other != code && !out.contains(&other) {
            out.push(other);
        }
    }
    out
}

/// Combines a modifier's code with a role's sector: the modifier keeps its own sector if it has one.
fn combine<'l>(cue: Cow<'l, str>, agent: &str, prefix: bool) -> Cow<'l, str> {
    if agent.is_empty() {
        return cue;
    }
    let (_, cue_sector) = code_parts(&cue);
    if cue_sector.is_some() || cue.ends_with(agent) {
        return cue;
    }
    if prefix {
        format!("{agent}{cue}").into()
    } else {
        format!("{cue}{agent}").into()
    }
}

fn is_word(toks: &[Token], i: usize, words: &[&str]) -> bool {
    toks.get(i)
        .is_some_and(|t| words.contains(&t.norm.as_ref()))
}

fn is_ordinal_or_number(t: &Token) -> bool {
    let n = &t.norm;
    let digits = n.trim_end_matches(|c: char| c.is_alphabetic());
    digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// Whether tokens `[a, b)` may stand between a modifier and a role noun.
fn gap_ok(lex: &Lexicon, toks: &[Token], a: usize, b: usize) -> bool {
    if b < a || b - a > 4 {
        return false;
    }
    let title_case = toks.get(b).is_some_and(|t| t.cap);
    let mut names = 0;
    toks[a..b].iter().all(|t| {
        let name = t.word && t.cap && !t.upper && !lex.stopnames.contains(t.norm.as_ref());
        names += usize::from(name);
        t.norm == "'s"
            || lex.modifiers.contains(t.norm.as_ref())
            || is_ordinal_or_number(t)
            || (t.word && t.upper && t.norm.chars().any(|c| c.is_ascii_digit()))
            || t.norm == "-"
            || (t.word && t.norm.len() > 5 && t.norm.ends_with("ing") && !t.cap)
            || (name && (title_case || names <= 1))
    })
}

/// Whether tokens `[a, b)` are a possessive "'s" and then at most three lower-case words or
/// commas joined by "and" ("Gondor's awful and evil minister"), not function words or verbs.
fn possessive_gap(lex: &Lexicon, toks: &[Token], a: usize, b: usize) -> bool {
    const FUNCTION: &[&str] = &[
        "to", "of", "the", "a", "an", "in", "on", "at", "for", "with", "by", "from", "that",
        "which", "who", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will",
        "would", "not", "or", "but",
    ];
    b > a + 1
        && b - a <= 4
        && toks.get(a).is_some_and(|t| t.norm == "'s")
        && toks[a + 1..b].iter().all(|t| {
            t.norm == "and"
                || t.norm == ","
                || (t.word
                    && !t.cap
                    && t.norm.chars().all(char::is_alphabetic)
                    && !FUNCTION.contains(&t.norm.as_ref())
                    && !lex.verbs.contains(t.norm.as_ref()))
        })
        && toks.get(b - 1).is_some_and(|t| t.word && t.norm != "and")
}

/// A place name starting at token `j` (up to three capitalized, not all-capital words outside
/// any lexicon item): its text and the token after it.
fn place_name_at<'t>(
    lex: &Lexicon,
    text: &'t str,
    toks: &[Token],
    j: usize,
    item_at: &[Option<usize>],
) -> Option<(&'t str, usize)> {
    let mut e = j;
    while e < toks.len()
        && e - j < 3
        && item_at.get(e).is_some_and(Option::is_none)
        && toks[e].word
        && toks[e].cap
        && !toks[e].upper
        && !lex.stopnames.contains(toks[e].norm.as_ref())
    {
        e += 1;
    }
    if e == j {
        return None;
    }
    Some((text.get(toks[j].start..toks[e - 1].end)?, e))
}

/// A person's name starting at token `i`: capitalized words not in the lexicon.
fn name_at(lex: &Lexicon, toks: &[Token], i: usize, item_at: &[Option<usize>]) -> Option<usize> {
    const PARTICLES: &[&str] = &[
        "de", "da", "van", "von", "bin", "ibn", "al", "el", "der", "du", "la", "le", "abu", "bint",
    ];
    let mut j = i;
    let mut last_cap = None;
    while j < toks.len() && j - i < 5 {
        let t = &toks[j];
        if item_at.get(j).copied().flatten().is_some() {
            break;
        }
        let plain_word = t.word && !t.norm.chars().any(|c| c.is_ascii_digit());
        if plain_word
            && t.cap
            && !lex.stopnames.contains(t.norm.trim_end_matches('.'))
            && !(t.upper && t.norm.len() > 3 && j == i)
        {
            last_cap = Some(j + 1);
            j += 1;
        } else if plain_word && j > i && PARTICLES.contains(&t.norm.as_ref()) {
            j += 1;
        } else {
            break;
        }
    }
    last_cap.filter(|&e| e > i)
}

fn kind_of_code(code: &str, fallback: ActorKind) -> ActorKind {
    let (country, sector) = code_parts(code);
    if let Some(k) = country.and_then(|c| lexicon::nonstate_kind3(c.0)) {
        return k;
    }
    if sector.is_none() && code.len() == 3 {
        return ActorKind::State;
    }
    fallback
}

/// Whether the role noun at item `k` is used as an adjective ("military cooperation").
fn adjectival_use(lex: &Lexicon, toks: &[Token], items: &[Item], k: usize) -> bool {
    let it = &items[k];
    let Entry::Agent { .. } = &it.entry else {
        return false;
    };
    let phrase: Vec<&str> = toks[it.t0..it.t1].iter().map(|t| t.norm.as_ref()).collect();
    if !lex.adjectival.contains(&phrase.join(" ")) {
        return false;
    }
    if items
        .get(k + 1)
        .is_some_and(|n| n.t0 == it.t1 && matches!(n.entry, Entry::Agent { .. }))
    {
        return false;
    }
    toks.get(it.t1).is_some_and(|t| {
        t.word
            && !t.cap
            && t.norm.chars().all(|c| c.is_alphabetic() || c == '-')
            && !lex.stopnames.contains(t.norm.as_ref())
            && !lex.verbs.contains(t.norm.as_ref())
            && (!t.norm.ends_with("ed") || t.norm.len() <= 4)
            && !matches!(
                t.norm.as_ref(),
                "is" | "are"
                    | "was"
                    | "were"
                    | "has"
                    | "have"
                    | "had"
                    | "will"
                    | "would"
                    | "who"
                    | "which"
                    | "that"
            )
    })
}

/// Words before a place name that make it a location, not an actor.
const LOCATIVE: &[&str] = &[
    "in", "at", "near", "from", "into", "outside", "around", "across", "through", "via", "toward",
    "towards", "of", "downtown", "central", "northern", "southern", "eastern", "western",
];

/// Words before a role noun that make its holder a former official (sector `ELI`).
const FORMER: &[&str] = &["former", "ex", "ousted", "exiled", "deposed", "late"];

/// Whether adjective item `k` is coordinated with a second adjective that has a role noun
/// ("French and Egyptian warships"), so that the role noun codes both.
fn coordinated_with_role(lex: &Lexicon, toks: &[Token], items: &[Item], k: usize) -> bool {
    let it = &items[k];
    let (Some(b), Some(c)) = (items.get(k + 1), items.get(k + 2)) else {
        return false;
    };
    is_word(toks, it.t1, &["and", "or", ","])
        && b.t0 == it.t1 + 1
        && matches!(
            b.entry,
            Entry::Country {
                form: Form::Adjective,
                ..
            }
        )
        && matches!(c.entry, Entry::Agent { .. })
        && gap_ok(lex, toks, b.t1, c.t0)
}

/// Whether a capitalized non-person role noun is the tail of a proper name ("West Bank").
fn proper_name_part(toks: &[Token], items: &[Item], k: usize) -> bool {
    let it = &items[k];
    let Entry::Agent { kind, .. } = &it.entry else {
        return false;
    };
    if *kind == ActorKind::Person || it.t0 < 2 || !toks[it.t0].cap {
        return false;
    }
    let prev = &toks[it.t0 - 1];
    prev.word && prev.cap && !items.iter().any(|x| x.t0 < it.t0 && it.t0 - 1 < x.t1)
}

/// Sectors of groups that act inside their own country.
const DOMESTIC: &[&str] = &[
    "REB", "OPP", "CVL", "REF", "COP", "LAB", "AGR", "EDU", "REL", "UAF", "UNK", "CRM",
];

/// Words before a mention that make it the other party of what a person does.
const COUNTERPARTY: &[&str] = &[
    "against", "with", "to", "toward", "towards", "on", "into", "visited", "visit", "visiting",
];

/// Whether the word before byte `start` of `text` is one of [`COUNTERPARTY`].
fn counterparty(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    let before = before.trim_end();
    let word_start = before.rfind(|c: char| !c.is_alphabetic()).map_or(0, |p| {
        p + before[p..].chars().next().map_or(1, char::len_utf8)
    });
    before
        .get(word_start..)
        .is_some_and(|w| COUNTERPARTY.iter().any(|c| w.eq_ignore_ascii_case(c)))
}

/// Recognizes actors in every sentence.
pub(crate) fn recognize(
    lex: &Lexicon,
    text: &str,
    sentences: &[Sentence],
    date: Option<Date>,
) -> Vec<ActorMention> {
    let whole = [Sentence {
        span: Span::new(0, text.len()),
        kind: annals_document::SentenceKind::Body,
        rule: String::new(),
    }];
    let sentences = if sentences.is_empty() {
        &whole[..]
    } else {
        sentences
    };
    // News text has about one and a half mentions a sentence: room for that from the start
    // saves growing (and copying) the lists mention by mention.
    let expected = sentences.len() + sentences.len() / 2;
    let mut out: Vec<ActorMention> = Vec::with_capacity(expected);
    let mut people: Vec<Person> = Vec::new();
    let mut sentence_of: Vec<usize> = Vec::with_capacity(expected);
    // By mention: whether its code came from a country name in the text.
    let mut state_names: Vec<bool> = Vec::with_capacity(expected);
    let lower = lowered(text);
    let mut toks: Vec<Token> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut item_scratch = ItemScratch::default();
    let mut draft_scratch = DraftScratch::default();
    for (sentence_index, s) in sentences.iter().enumerate() {
        if s.span.end > text.len()
            || !text.is_char_boundary(s.span.start)
            || !text.is_char_boundary(s.span.end)
        {
            continue;
        }
        tokenize_into(
            text,
            &lower,
            s.span.start,
            s.span.end,
            lex.vocabulary(),
            &mut toks,
        );
        let toks = &toks[..];
        lex.items_into(toks, &mut item_scratch, &mut items);
        let items = &items[..];
        let mut drafts = sentence_drafts(lex, &people, text, toks, items, date, &mut draft_scratch);
        coreference(
            toks,
            &mut drafts,
            &people,
            items,
            &mut draft_scratch.covered,
        );
        drafts.sort_by_key(|d| (d.t0, d.t1));
        for d in drafts.drain(..) {
            let start = toks[d.t0].start;
            let end = toks[d.t1 - 1].end;
            if out.last().is_some_and(|m| m.span.end > start) {
                continue;
            }
            let mut code = d.code.into_owned();
            let mut name = match (d.name_toks, d.name) {
                (Some((a, b)), _) => text[toks[a].start..toks[b - 1].end].to_string(),
                (None, Some(n)) => n.into_owned(),
                (None, None) => text[start..end].to_string(),
            };
            let mut role = d.role.map(Cow::into_owned);
            let mut d_coref = d.coref_of;
            let mut rule = d.rule.into_owned();
            // "the official noted": a definite role noun without a country or a name refers back
            // to the latest named person of an earlier sentence with the same sector.
            if d.kind == ActorKind::Person
                && d.name_toks.is_none()
                && d_coref.is_none()
                && d.t0 > 0
                && toks[d.t0 - 1].norm == "the"
                && let (None, Some(own)) = code_parts(&code)
                && let Some(p) =
                    salient_person(&people, &out, &sentence_of, sentence_index, own.as_str())
            {
                d_coref = Some(p);
                rule = "actor/coref/role".to_string();
            }
            if let Some(a) = d_coref
                && let Some(ante) = out.get(a)
            {
                code = ante.code.clone();
                name = ante.name.clone();
                role = ante.role.clone();
            }
            let (country, sector) = split_code(&code);
            let others = match d_coref {
                Some(a) => out
                    .get(a)
                    .map(|a: &ActorMention| a.other_codes.clone())
                    .unwrap_or_default(),
                None => other_codes(&code, &d.alts),
            };
            let index = out.len();
            if d.kind == ActorKind::Person && d_coref.is_none() && d.name_toks.is_some() {
                let words: Vec<String> = name
                    .split_whitespace()
                    .map(|w| {
                        let w = w.to_lowercase();
                        if w.contains(['’', 'ʼ']) {
                            w.replace(['’', 'ʼ'], "'")
                        } else {
                            w
                        }
                    })
                    .filter(|w| w.chars().count() >= 3)
                    .collect();
                if !words.is_empty() {
                    people.push(Person { index, words });
                }
            }
            sentence_of.push(sentence_index);
            state_names.push(d.state_name);
            out.push(ActorMention {
                span: Span::new(start, end),
                text: text[start..end].to_string(),
                code,
                country,
                sector,
                kind: d.kind,
                name,
                role,
                coref_of: d_coref,
                rule,
                confidence: d.confidence,
                other_codes: others,
            });
        }
        draft_scratch.drafts = drafts;
    }
    infer_person_countries(text, &mut out, &sentence_of, &state_names);
    drop_uncoded(out)
}

/// The person a definite role noun refers back to: among named people of earlier sentences with
/// sector `sector`, the first (the likeliest subject) of the latest sentence that has any.
fn salient_person(
    people: &[Person],
    out: &[ActorMention],
    sentence_of: &[usize],
    sentence_index: usize,
    sector: &str,
) -> Option<usize> {
    let fits = |p: &&Person| {
        sentence_of
            .get(p.index)
            .is_some_and(|s| *s < sentence_index)
            && out
                .get(p.index)
                .is_some_and(|m| m.sector.as_deref() == Some(sector))
    };
    let last = people.iter().rev().find(fits)?;
    let sentence = sentence_of[last.index];
    people
        .iter()
        .filter(fits)
        .find(|p| sentence_of[p.index] == sentence)
        .map(|p| p.index)
}

/// Removes mentions left without any code, renumbering antecedent indices.
fn drop_uncoded(mut kept: Vec<ActorMention>) -> Vec<ActorMention> {
    let mut new_index = vec![None; kept.len()];
    let mut n = 0;
    for (i, m) in kept.iter().enumerate() {
        if !m.code.is_empty() {
            new_index[i] = Some(n);
            n += 1;
        }
    }
    kept.retain(|m| !m.code.is_empty());
    for m in &mut kept {
        m.coref_of = m.coref_of.and_then(|a| new_index.get(a).copied().flatten());
        if m.coref_of.is_none() && m.rule == "actor/coref/name" {
            m.confidence = m.confidence.min(0.5);
        }
    }
    kept
}

/// People with a role but no country take the nearest preceding country named in the text.
/// Earlier sentences first: inside one sentence a country named before a person is as often the
/// other party ("arrived in X, the defense secretary said"), so the sentence's own country counts
/// only when it is the only one, at lower confidence.
/// `state_names` tells by mention whether its code came from a country name in the text.
fn infer_person_countries(
    text: &str,
    out: &mut [ActorMention],
    sentence_of: &[usize],
    state_names: &[bool],
) {
    for i in 0..out.len() {
        let named = out[i].rule.starts_with("actor/person/");
        // Domestic groups named by a role or community ("rebels", "Hutu refugees") belong to
        // the country of the context as much as officials named by title do.
        let domestic = out[i].kind == ActorKind::Group
            && out[i].rule.starts_with("actor/agent/")
            && out[i]
                .sector
                .as_deref()
                .is_some_and(|s| DOMESTIC.contains(&s));
        if !(out[i].kind == ActorKind::Person && named || domestic)
            || out[i].country.is_some()
            || out[i].coref_of.is_some()
        {
            continue;
        }
        let found = out[..i]
            .iter()
            .zip(sentence_of)
            .zip(state_names)
            .rev()
            .filter(|((_, s), _)| **s < sentence_of[i])
            .find(|((m, _), state)| **state && m.country.is_some())
            .and_then(|((m, _), _)| m.country.clone());
        // Else the one country a sentence names, when it names only one (a weaker guess).
        let confidence = if found.is_some() { 0.4 } else { 0.3 };
        let found = found.or_else(|| {
            // Countries of the sentence's other mentions (states, adjectives, peoples), except
            // ones introduced as the other party ("action against Russia").
            let mut same: Vec<(&str, Option<&str>, bool)> = out
                .iter()
                .zip(sentence_of)
                .enumerate()
                .filter(|(j, (m, s))| {
                    *j != i
                        && **s == sentence_of[i]
                        && m.coref_of.is_none()
                        && !m.rule.contains("/context_country")
                        && !counterparty(text, m.span.start)
                })
                .filter_map(|(j, (m, _))| {
                    let state = state_names.get(j).copied().unwrap_or(false);
                    m.country
                        .as_deref()
                        .map(|c| (c, m.sector.as_deref(), state))
                })
                .filter(|(c, _, _)| lexicon::nonstate_kind(c).is_none())
                .collect();
            same.sort_unstable();
            // The one whose mention shares the person's sector ("the White House said"), then
            // a country named as a state, then any country of the sentence.
            let own = out[i].sector.as_deref();
            let mut fitting: Vec<&str> = same
                .iter()
                .filter(|x| own.is_some() && x.1 == own)
                .map(|x| x.0)
                .collect();
            fitting.dedup();
            if fitting.len() == 1 {
                return Some(fitting[0].to_string());
            }
            let mut states: Vec<&str> = same.iter().filter(|x| x.2).map(|x| x.0).collect();
            states.dedup();
            if states.len() == 1 {
                return Some(states[0].to_string());
            }
            let mut countries: Vec<&str> = same.iter().map(|x| x.0).collect();
            countries.dedup();
            (countries.len() == 1).then(|| countries[0].to_string())
        });
        if let Some(country) = found {
            let sector = out[i].sector.clone().unwrap_or_default();
            out[i].code = format!("{country}{sector}");
            let (c, s) = split_code(&out[i].code);
            out[i].country = c;
            out[i].sector = s;
            out[i].rule = format!("{}/context_country", out[i].rule);
            out[i].confidence = out[i].confidence.min(confidence);
        }
    }
    // Mentions that refer back to a person take its code.
    for i in 0..out.len() {
        if let Some(a) = out[i].coref_of
            && a < i
        {
            let (code, country, sector) = (
                out[a].code.clone(),
                out[a].country.clone(),
                out[a].sector.clone(),
            );
            out[i].code = code;
            out[i].country = country;
            out[i].sector = sector;
        }
    }
}

/// Working buffers of [`sentence_drafts`], reused across sentences.
#[derive(Debug, Default)]
struct DraftScratch<'l> {
    /// The drafts of the last sentence, emptied: their allocation is reused.
    drafts: Vec<Draft<'l>>,
    /// By token: the item covering it.
    item_at: Vec<Option<usize>>,
    /// By item: whether a draft has taken it.
    used: Vec<bool>,
    /// By token: whether a draft or an item covers it (see [`coreference`]).
    covered: Vec<bool>,
}

/// The mentions of one sentence.
fn sentence_drafts<'l>(
    lex: &'l Lexicon,
    people: &[Person],
    text: &str,
    toks: &[Token],
    items: &[Item<'l>],
    date: Option<Date>,
    scratch: &mut DraftScratch<'l>,
) -> Vec<Draft<'l>> {
    let mut drafts = std::mem::take(&mut scratch.drafts);
    drafts.clear();
    let mut item_at = std::mem::take(&mut scratch.item_at);
    let mut used = std::mem::take(&mut scratch.used);
    item_at.clear();
    item_at.resize(toks.len(), None);
    for (k, it) in items.iter().enumerate() {
        let end = it.t1.min(item_at.len());
        if let Some(slots) = item_at.get_mut(it.t0.min(end)..end) {
            slots.fill(Some(k));
        }
    }
    used.clear();
    used.resize(items.len(), false);
    let mut k = 0;
    while k < items.len() {
        if used[k] {
            k += 1;
            continue;
        }
        let it = &items[k];
        if adjectival_use(lex, toks, items, k) || proper_name_part(toks, items, k) {
            used[k] = true;
            k += 1;
            continue;
        }
        // A country followed by a dictionary actor: "Egyptian President X" (the dictionary
        // phrase being "President X").
        if matches!(it.entry, Entry::Country { .. })
            && let Some(b) = items.get(k + 1)
            && !used[k + 1]
            && let Entry::Dict { entry, rule } = b.entry
            && (b.t0 == it.t1 || (b.t0 == it.t1 + 1 && toks[it.t1].norm == "'s"))
            && let Some(code) = dict_code(lex, *entry, date)
        {
            used[k] = true;
            used[k + 1] = true;
            drafts.push(Draft {
                t0: it.t0,
                t1: b.t1,
                kind: kind_of_code(&code, ActorKind::Person),
                code: code.into(),
                name: lex
                    .dict_entries
                    .get(*entry)
                    .map(|a| Cow::Borrowed(a.name.as_str())),
                name_toks: Some((b.t0, b.t1)),
                role: None,
                rule: Cow::Borrowed(rule),
                confidence: 0.85,
                coref_of: None,
                state_name: false,
                alts: dict_alts(lex, *entry, date),
            });
            k += 2;
            continue;
        }
        // A prefix role noun right before an actor's name ("LOBBY Sylvania", a dictionary
        // agent coded `[NGO~]`): the role's code goes before the actor's.
        if let Entry::Agent {
            code: agent,
            prefix: true,
            role,
            rule,
            ..
        } = it.entry
            && let Some(b) = items.get(k + 1)
            && !used[k + 1]
            && b.t0 == it.t1
            && matches!(
                b.entry,
                Entry::Country { .. } | Entry::Dict { .. } | Entry::Capital { .. }
            )
            && let Some(cue) = cue_code(lex, b, date)
        {
            used[k] = true;
            used[k + 1] = true;
            let mut code = combine(cue, agent, true);
            let mut t1 = b.t1;
            let mut role: &str = role;
            // A suffix role noun right after ("LOBBY Sylvania envoy"): its sector goes last.
            if let Some(r) = items.get(k + 2)
                && !used[k + 2]
                && r.t0 == b.t1
                && let Entry::Agent {
                    code: sector,
                    prefix: false,
                    role: r_role,
                    ..
                } = r.entry
                && !sector.is_empty()
                && !code.ends_with(sector.as_str())
            {
                used[k + 2] = true;
                code = Cow::Owned(format!("{code}{sector}"));
                t1 = r.t1;
                role = r_role;
            }
            drafts.push(Draft {
                t0: it.t0,
                t1,
                kind: kind_of_code(&code, ActorKind::Organization),
                code,
                name: None,
                name_toks: None,
                role: Some(Cow::Borrowed(role)),
                rule: Cow::Borrowed(rule),
                confidence: 0.8,
                coref_of: None,
                state_name: false,
                alts: match &b.entry {
                    Entry::Dict { entry, .. } => dict_alts(lex, *entry, date),
                    _ => Vec::new(),
                },
            });
            k += 2;
            continue;
        }
        // A modifier followed by a role noun: "North Korean troops", "UN peacekeepers".
        if let Some(cue) = cue_code(lex, it, date)
            && let Some(a) = items.get(k + 1)
            && !used[k + 1]
            && matches!(a.entry, Entry::Agent { .. })
            && (gap_ok(lex, toks, it.t1, a.t0) || possessive_gap(lex, toks, it.t1, a.t0))
            && !proper_name_part(toks, items, k + 1)
        {
            let mut d = agent_draft(
                lex,
                text,
                toks,
                items,
                &item_at,
                &mut used,
                k + 1,
                Some((cue, it.t0)),
                date,
            );
            used[k] = true;
            d.confidence = 0.9;
            if let Entry::Dict { entry, .. } = &it.entry {
                d.alts = dict_alts(lex, *entry, date);
            }
            // "ethnic Albanian guerrillas operating in Macedonia": a community of the country
            // the sentence is about, not of the one its name comes from.
            if it.t0 >= 1
                && toks[it.t0 - 1].norm == "ethnic"
                && let Entry::Country {
                    code: own,
                    form: Form::Adjective,
                } = it.entry
                && let Some(home) = sole_other_country(items, k, own)
            {
                let (_, sector) = split_code(&d.code);
                d.code = format!("{home}{}", sector.unwrap_or_default()).into();
                d.t0 = it.t0 - 1;
                d.rule = format!("{}/ethnic", d.rule).into();
                d.confidence = 0.6;
            }
            // Coordinated modifiers sharing the role: "Russian and North Korean troops".
            if k >= 1
                && !used[k - 1]
                && let Some(prev_cue) = cue_code(lex, &items[k - 1], date)
                && match items[k - 1].entry {
                    Entry::Country {
                        form: Form::Adjective,
                        ..
                    } => true,
                    // An abbreviation used as a modifier: "U.S. and Russian negotiators".
                    Entry::Country {
                        form: Form::Name, ..
                    } => toks[items[k - 1].t0].upper,
                    _ => false,
                }
                && it.t0 == items[k - 1].t1 + 1
                && is_word(toks, items[k - 1].t1, &["and", "or", ","])
            {
                used[k - 1] = true;
                let (_, sector) = split_code(&d.code);
                let sector = sector.unwrap_or_default();
                drafts.push(Draft {
                    t0: items[k - 1].t0,
                    t1: items[k - 1].t1,
                    code: combine(prev_cue, &sector, false),
                    kind: if d.kind == ActorKind::Person {
                        ActorKind::Group
                    } else {
                        d.kind
                    },
                    name: None,
                    name_toks: None,
                    role: d.role.clone(),
                    rule: d.rule.clone(),
                    confidence: 0.8,
                    coref_of: None,
                    state_name: false,
                    alts: Vec::new(),
                });
            }
            drafts.push(d);
            k += 1;
            continue;
        }
        match it.entry {
            Entry::Agent { .. } => {
                let mut d = agent_draft(lex, text, toks, items, &item_at, &mut used, k, None, date);
                place_modifier(lex, people, text, toks, it.t0, &mut d);
                drafts.push(d);
            }
            Entry::Country { code, form } => {
                used[k] = true;
                match form {
                    // "U.S. and Russian negotiators": the abbreviation shares the role noun.
                    Form::Name
                        if toks[it.t0].upper && coordinated_with_role(lex, toks, items, k) =>
                    {
                        used[k] = false
                    }
                    Form::Name => drafts.push(Draft {
                        t0: it.t0,
                        t1: it.t1,
                        code: Cow::Borrowed(code),
                        kind: kind_of_code(code, ActorKind::State),
                        name: None,
                        name_toks: None,
                        role: None,
                        rule: "actor/country/name".into(),
                        confidence: 0.9,
                        coref_of: None,
                        state_name: true,
                        alts: Vec::new(),
                    }),
                    Form::People => {
                        let mut d = Draft {
                            t0: it.t0,
                            t1: it.t1,
                            code: format!("{code}CVL").into(),
                            kind: ActorKind::Group,
                            name: None,
                            name_toks: None,
                            role: None,
                            rule: "actor/country/people".into(),
                            confidence: 0.8,
                            coref_of: None,
                            state_name: false,
                            alts: Vec::new(),
                        };
                        // "Kurds in northern Iraq": a people living in another country.
                        if let Some(n) = residence(toks, items, &item_at, &used, it.t1)
                            && let Entry::Country { code: home, .. } = items[n].entry
                        {
                            used[n] = true;
                            d.code = format!("{home}CVL").into();
                            d.t1 = items[n].t1;
                            d.rule = "actor/country/people_in".into();
                        } else if it.t0 >= 1
                            && toks[it.t0 - 1].norm == "ethnic"
                            && let Some(home) = sole_other_country(items, k, code)
                        {
                            // "ethnic Ukrainians" are a community of the country the sentence
                            // is about, not citizens of the country their name comes from.
                            d.code = format!("{home}CVL").into();
                            d.t0 = it.t0 - 1;
                            d.rule = "actor/country/people_ethnic".into();
                            d.confidence = 0.6;
                        }
                        drafts.push(d);
                    }
                    // An adjective before anything but a role noun usually modifies a thing
                    // ("Russian training grounds"); kept with low confidence for coders that
                    // code the country of a proposal or an attack.
                    Form::Adjective if coordinated_with_role(lex, toks, items, k) => {
                        used[k] = false
                    }
                    Form::Adjective => drafts.push(Draft {
                        t0: it.t0,
                        t1: it.t1,
                        code: Cow::Borrowed(code),
                        kind: ActorKind::State,
                        name: None,
                        name_toks: None,
                        role: None,
                        rule: "actor/country/adjective".into(),
                        confidence: 0.3,
                        coref_of: None,
                        state_name: false,
                        alts: Vec::new(),
                    }),
                }
            }
            Entry::Capital { code } => {
                used[k] = true;
                let located = it.t0 >= 1 && is_word(toks, it.t0 - 1, LOCATIVE);
                let found = metonymy(lex, toks, items, k)
                    .map(|(rule, conf)| (Cow::Owned(format!("{code}GOV")), rule, conf))
                    .or_else(|| {
                        (!located).then_some((
                            Cow::Borrowed(code.as_str()),
                            "actor/capital/name",
                            0.35,
                        ))
                    })
                    // "in Baghdad": the place, kept at low confidence for coders of targets.
                    .or(Some((
                        Cow::Borrowed(code.as_str()),
                        "actor/capital/location",
                        0.2,
                    )));
                if let Some((code, rule, conf)) = found {
                    drafts.push(Draft {
                        t0: it.t0,
                        t1: it.t1,
                        code,
                        kind: ActorKind::State,
                        name: None,
                        name_toks: None,
                        role: None,
                        rule: rule.into(),
                        confidence: conf,
                        coref_of: None,
                        state_name: false,
                        alts: Vec::new(),
                    });
                }
            }
            Entry::Org {
                code,
                kind,
                name,
                rule,
            } => {
                used[k] = true;
                let mut d = Draft {
                    t0: it.t0,
                    t1: it.t1,
                    code: Cow::Borrowed(code),
                    kind: *kind,
                    name: Some(Cow::Borrowed(name)),
                    name_toks: None,
                    role: None,
                    rule: Cow::Borrowed(rule),
                    confidence: 0.85,
                    coref_of: None,
                    state_name: false,
                    alts: Vec::new(),
                };
                attach_name(lex, toks, &item_at, &mut d, false);
                drafts.push(d);
            }
            Entry::Media {
                country,
                name,
                rule,
            } => {
                used[k] = true;
                let code = match country {
                    Some(c) => Cow::Owned(format!("{c}JRN")),
                    None => Cow::Borrowed("JRN"),
                };
                drafts.push(Draft {
                    t0: it.t0,
                    t1: it.t1,
                    code,
                    kind: ActorKind::Media,
                    name: Some(Cow::Borrowed(name)),
                    name_toks: None,
                    role: None,
                    rule: Cow::Borrowed(rule),
                    confidence: 0.85,
                    coref_of: None,
                    state_name: false,
                    alts: Vec::new(),
                });
            }
            Entry::Dict { entry, rule } => {
                used[k] = true;
                if let Some(mut code) = dict_code(lex, *entry, date) {
                    let name = lex.dict_entries.get(*entry).map_or("", |a| a.name.as_str());
                    let is_state = code.len() == 3;
                    // "President X" as one dictionary phrase: the title tells the current office.
                    if let Some((_, sector)) = lex.title_prefix(&toks[it.t0..it.t1])
                        && !sector.is_empty()
                        && let (Some(country), _) = split_code(&code)
                    {
                        let former = it.t0 >= 1 && FORMER.contains(&toks[it.t0 - 1].norm.as_ref());
                        code = format!("{country}{}", if former { "ELI" } else { sector.as_str() });
                    }
                    drafts.push(Draft {
                        t0: it.t0,
                        t1: it.t1,
                        kind: kind_of_code(&code, ActorKind::Organization),
                        code: code.into(),
                        name: Some(Cow::Borrowed(name)),
                        name_toks: None,
                        role: None,
                        rule: Cow::Borrowed(rule),
                        confidence: 0.85,
                        coref_of: None,
                        state_name: is_state,
                        alts: dict_alts(lex, *entry, date),
                    });
                }
            }
        }
        k += 1;
    }
    // Domestic groups without a country ("protesters", "a car bomb") take the country of the
    // place the sentence puts them in ("in Kandahar", "near the town of X").
    let mut place: Option<Option<String>> = None;
    for d in &mut drafts {
        if d.kind != ActorKind::Group || !d.rule.starts_with("actor/agent/") {
            continue;
        }
        let (None, Some(sector)) = code_parts(&d.code) else {
            continue;
        };
        let sector = sector.as_str();
        if !DOMESTIC.contains(&sector) {
            continue;
        }
        let found = place
            .get_or_insert_with(|| located_country(lex, text, toks, items, item_at.as_slice()));
        if let Some(country) = found {
            d.code = format!("{country}{sector}").into();
            d.rule = format!("{}/place_in", d.rule).into();
            d.confidence = d.confidence.min(0.5);
        }
    }
    scratch.item_at = item_at;
    scratch.used = used;
    drafts
}

/// Prepositions that put an actor somewhere.
const PLACED: &[&str] = &["in", "near", "at", "outside"];

/// Nouns introducing a place name ("the town of Samarra").
const PLACE_NOUNS: &[&str] = &[
    "town", "city", "village", "province", "region", "district", "capital", "port", "state",
];

/// The country of the first place the sentence puts something in: a country or capital after
/// "in", "near", "at" ("in [the] [southern] Serbia"), else a city or region the gazetteer knows
/// well ("near the town of Kandahar").
fn located_country(
    lex: &Lexicon,
    text: &str,
    toks: &[Token],
    items: &[Item],
    item_at: &[Option<usize>],
) -> Option<String> {
    let mut fallback = None;
    for i in 0..toks.len() {
        if !is_word(toks, i, PLACED) {
            continue;
        }
        let mut j = i + 1;
        if is_word(toks, j, &["the"]) {
            j += 1;
        }
        while is_word(toks, j, DIRECTIONS) {
            j += 1;
        }
        if is_word(toks, j, PLACE_NOUNS) && is_word(toks, j + 1, &["of"]) {
            j += 2;
        }
        if let Some(Some(n)) = item_at.get(j) {
            if let Entry::Country {
                code,
                form: Form::Name,
            }
            | Entry::Capital { code } = items[*n].entry
                && items[*n].t0 == j
                && nonstate_kind(code).is_none()
            {
                return Some(code.clone());
            }
            continue;
        }
        if fallback.is_some() {
            continue;
        }
        if let Some((name, _)) = place_name_at(lex, text, toks, j, item_at) {
            fallback = gazetteer_country(name);
        }
    }
    fallback
}

/// The CAMEO country of a city or region name, when the gazetteer knows the name well (a
/// first-level region or a city of 100,000 or more, written as the gazetteer prefers) and every
/// such reading lies in one country.
fn gazetteer_country(name: &str) -> Option<String> {
    let gazetteer = Gazetteer::builtin();
    let mut country: Option<&str> = None;
    for &hit in gazetteer.lookup(name) {
        if Gazetteer::is_alternate(hit) {
            continue;
        }
        // The name as the gazetteer prefers to write it, not a folded or transliterated variant.
        let Some(place) = gazetteer.place(hit).filter(|p| p.name == name) else {
            continue;
        };
        // Only names a reader would know: first-level regions and cities of 100,000 or more.
        let known = match place.kind {
            PlaceKind::Country => false,
            PlaceKind::Region => place.feature_code == "ADM1" || place.population >= 1_000_000,
            PlaceKind::City => place.population >= 100_000,
        };
        if !known || place.country.is_empty() {
            continue;
        }
        match country {
            None => country = Some(place.country.as_str()),
            Some(c) if c == place.country => {}
            Some(_) => return None,
        }
    }
    country
        .and_then(|c| Countries::builtin().by_code(c))
        .map(crate::countries::plover_code)
}

/// A city or region named before a role noun without a country ("Kandahar police", "Ontario
/// officials") gives the role the country the gazetteer places it in, when the name is unambiguous.
fn place_modifier(
    lex: &Lexicon,
    people: &[Person],
    text: &str,
    toks: &[Token],
    role_t0: usize,
    d: &mut Draft,
) {
    if d.t0 >= role_t0 || d.kind == ActorKind::Person && d.name_toks.is_some() {
        return;
    }
    let (country, sector) = code_parts(&d.code);
    if country.is_some() {
        return;
    }
    let Some(sector) = sector else {
        return;
    };
    let sector = sector.as_str();
    // The capitalized words right before the role noun (at most three).
    let mut a = role_t0;
    while a > d.t0
        && role_t0 - a < 3
        && toks[a - 1].word
        && toks[a - 1].cap
        && !toks[a - 1].upper
        && !lex.stopnames.contains(toks[a - 1].norm.as_ref())
        && !people
            .iter()
            .any(|p| p.words.iter().any(|w| *w == *toks[a - 1].norm))
    {
        a -= 1;
    }
    if a == role_t0 {
        return;
    }
    let (Some(start), Some(end)) = (
        toks.get(a).map(|t| t.start),
        toks.get(role_t0 - 1).map(|t| t.end),
    ) else {
        return;
    };
    let Some(name) = text.get(start..end) else {
        return;
    };
    let Some(code) = gazetteer_country(name) else {
        return;
    };
    d.code = format!("{code}{sector}").into();
    d.rule = format!("{}/place_modifier", d.rule).into();
    d.confidence = d.confidence.min(0.7);
}

/// Whether the token at `j` (after a country adjective) begins a place: a capitalized name ("the
/// Syrian Golan Heights") or a place noun ("the Iraqi city of Basra").
fn adjective_of_place(lex: &Lexicon, toks: &[Token], j: usize) -> bool {
    toks.get(j).is_some_and(|t| {
        t.word && t.cap && !t.upper && !lex.stopnames.contains(t.norm.as_ref())
            || is_word(
                toks,
                j,
                &[
                    "city", "town", "village", "capital", "province", "region", "border", "port",
                    "island", "state",
                ],
            )
    })
}

/// Words of direction allowed between "in" and a country ("in southern Serbia").
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];

/// The country-name item after "in"/"of" at token `j` ("in [the] [southern] Serbia").
fn residence(
    toks: &[Token],
    items: &[Item],
    item_at: &[Option<usize>],
    used: &[bool],
    mut j: usize,
) -> Option<usize> {
    if !is_word(toks, j, &["in", "of"]) {
        return None;
    }
    j += 1;
    if is_word(toks, j, &["the"]) {
        j += 1;
    }
    let mut skipped = 0;
    while skipped < 2 && is_word(toks, j, DIRECTIONS) {
        j += 1;
        skipped += 1;
    }
    let n = (*item_at.get(j)?)?;
    (items[n].t0 == j
        && !used[n]
        && matches!(
            items[n].entry,
            Entry::Country {
                form: Form::Name,
                ..
            }
        ))
    .then_some(n)
}

/// The country other than `own` that the sentence is about (by name, adjective or capital): the
/// only one, else the one named most often when it is named more often than any other.
fn sole_other_country<'a>(items: &'a [Item], k: usize, own: &str) -> Option<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (n, it) in items.iter().enumerate() {
        let code = match it.entry {
            Entry::Country { code, .. } | Entry::Capital { code } => code.as_str(),
            _ => continue,
        };
        if n == k || code == own || nonstate_kind(code).is_some() {
            continue;
        }
        match counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, count)) => *count += 1,
            None => counts.push((code, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    match counts.as_slice() {
        [] => None,
        [(c, _)] => Some(c),
        [(c, n), (_, m), ..] => (n > m).then_some(*c),
    }
}

/// Builds the mention of the role noun at item `k`, with an optional modifier code before it,
/// "of <country>" after it, chained roles ("Foreign Ministry spokesman") and a person's name.
#[allow(clippy::too_many_arguments)]
fn agent_draft<'l>(
    lex: &'l Lexicon,
    text: &str,
    toks: &[Token],
    items: &[Item<'l>],
    item_at: &[Option<usize>],
    used: &mut [bool],
    k: usize,
    cue: Option<(Cow<'l, str>, usize)>,
    date: Option<Date>,
) -> Draft<'l> {
    let Entry::Agent {
        code: sector,
        prefix,
        kind,
        role,
        rule,
    } = items[k].entry
    else {
        // Only called on role nouns; anything else yields an uncoded draft, dropped later.
        return Draft {
            t0: items[k].t0,
            t1: items[k].t1,
            code: Cow::Borrowed(""),
            kind: ActorKind::Group,
            name: None,
            name_toks: None,
            role: None,
            rule: Cow::Borrowed(""),
            confidence: 0.0,
            coref_of: None,
            state_name: false,
            alts: Vec::new(),
        };
    };
    used[k] = true;
    let mut sector: &'l str = sector;
    let mut kind = *kind;
    let mut role: &'l str = role;
    let mut rule: Cow<'l, str> = Cow::Borrowed(rule);
    let mut t0 = items[k].t0;
    let mut t1 = items[k].t1;
    let mut last = k;
    // Chained roles: the first gives the sector, the last the kind and role.
    while let Some(next) = items.get(last + 1)
        && !used[last + 1]
        && let Entry::Agent {
            kind: nk,
            role: nr,
            rule: nrule,
            ..
        } = next.entry
        && next.t0 - t1 <= 2
        && toks[t1..next.t0]
            .iter()
            .all(|t| lex.modifiers.contains(t.norm.as_ref()))
    {
        used[last + 1] = true;
        // A community named first ("Hutu rebel group", "Kurd refugees") yields to the role after it.
        if let Entry::Agent {
            code: next_sector, ..
        } = next.entry
            && sector == "CVL"
            && !next_sector.is_empty()
        {
            sector = next_sector;
        }
        kind = *nk;
        role = nr;
        rule = Cow::Borrowed(nrule);
        t1 = next.t1;
        last += 1;
    }
    let mut code = match &cue {
        Some((c, start)) => {
            t0 = *start;
            combine(c.clone(), sector, *prefix)
        }
        None => Cow::Borrowed(sector),
    };
    // "of [the] <country|organization>" (and "from" for groups).
    if cue.is_none() || code.len() == sector.len() {
        let mut j = t1;
        let domestic = matches!(
            sector,
            "REB"
                | "COP"
                | "CVL"
                | "OPP"
                | "REF"
                | "CRM"
                | "LAB"
                | "PTY"
                | "AGR"
                | "EDU"
                | "HLH"
                | "UAF"
        );
        if is_word(toks, j, &["of"])
            || (kind != ActorKind::Organization && is_word(toks, j, &["from"]))
            || (domestic && is_word(toks, j, &["in"]))
        {
            j += 1;
            if is_word(toks, j, &["the"]) {
                j += 1;
            }
            if let Some(Some(n)) = item_at.get(j)
                && items[*n].t0 == j
                && !used[*n]
                && let Some(c) = cue_code(lex, &items[*n], date)
                && (!matches!(
                    items[*n].entry,
                    Entry::Country {
                        form: Form::Adjective,
                        ..
                    }
                ) || adjective_of_place(lex, toks, items[*n].t1))
            {
                used[*n] = true;
                code = combine(c, sector, *prefix);
                t1 = items[*n].t1;
            } else if item_at.get(j).is_some_and(Option::is_none) {
                // "governor of Bavaria", "government of Ontario province": a region or city.
                if let Some((name, e)) = place_name_at(lex, text, toks, j, item_at)
                    && let Some(c) = gazetteer_country(name)
                {
                    code = combine(Cow::Owned(c), sector, *prefix);
                    t1 = e;
                    rule = format!("{rule}/place_of").into();
                }
            }
        }
    }
    // Extend over modifiers and ordinals before the role ("the 11th separate airborne brigade").
    if cue.is_none() {
        while t0 > 0
            && gap_ok(lex, toks, t0 - 1, t0)
            && toks[t0 - 1].norm != "'s"
            && item_at[t0 - 1].is_none()
        {
            t0 -= 1;
        }
    }
    // "former President": the holder left office.
    let a0 = items[k].t0;
    let former = (a0.saturating_sub(4)..a0)
        .any(|i| FORMER.contains(&toks[i].norm.as_ref()) && gap_ok(lex, toks, i, a0.max(i)));
    if former {
        let (country, _) = split_code(&code);
        code = format!("{}ELI", country.unwrap_or_default()).into();
    }
    let mut d = Draft {
        t0,
        t1,
        code,
        kind,
        name: None,
        name_toks: None,
        role: Some(Cow::Borrowed(role)),
        rule,
        confidence: if cue.is_some() { 0.9 } else { 0.6 },
        coref_of: None,
        state_name: false,
        alts: Vec::new(),
    };
    // A title before a dictionary person: "President X" where the dictionary knows X.
    if d.kind == ActorKind::Person
        && let Some(Some(n)) = item_at.get(d.t1)
        && items[*n].t0 == d.t1
        && !used[*n]
        && let Entry::Dict { entry, rule } = items[*n].entry
        && let Some(dcode) = dict_code(lex, *entry, date)
    {
        used[*n] = true;
        let (mut dcountry, dsector) = split_code(&dcode);
        let (own_country, own_sector) = split_code(&d.code);
        // "X's minister Y": the possessive names the country Y serves, whatever the
        // dictionary's entry for Y says.
        if let Some((_, start)) = &cue
            && toks[*start..items[k].t0].iter().any(|t| t.norm == "'s")
            && own_country.is_some()
        {
            dcountry = own_country;
        }
        let sector = if former {
            Some("ELI".to_string())
        } else {
            own_sector.or(dsector)
        };
        d.code = format!(
            "{}{}",
            dcountry.unwrap_or_default(),
            sector.unwrap_or_default()
        )
        .into();
        d.name = lex
            .dict_entries
            .get(*entry)
            .map(|a| Cow::Borrowed(a.name.as_str()));
        d.name_toks = Some((items[*n].t0, items[*n].t1));
        d.t1 = items[*n].t1;
        d.rule = Cow::Borrowed(rule);
        d.alts = dict_alts(lex, *entry, date);
        d.confidence = 0.85;
        return d;
    }
    if d.kind == ActorKind::Person {
        attach_name(lex, toks, item_at, &mut d, true);
    }
    d
}

/// Adds a person's name after a title ("ambassador Georgy Zinoviev", optionally after a comma)
/// or before it as an appositive ("Georgy Zinoviev, the ambassador").
fn attach_name(
    lex: &Lexicon,
    toks: &[Token],
    item_at: &[Option<usize>],
    d: &mut Draft,
    before_too: bool,
) {
    let mut j = d.t1;
    let comma = is_word(toks, j, &[","]);
    if comma {
        j += 1;
    }
    if let Some(end) = name_at(lex, toks, j, item_at) {
        // After a comma only a name closed by another comma or the sentence end is appositive.
        let closed = !comma
            || matches!(
                toks.get(end).map(|t| t.norm.as_ref()),
                None | Some(",") | Some(".") | Some(";")
            );
        if closed {
            d.name_toks = Some((j, end));
            d.t1 = end;
            d.kind = ActorKind::Person;
            d.rule = "actor/person/title".into();
            d.confidence = d.confidence.max(0.85);
            return;
        }
    }
    if before_too && d.t0 >= 2 {
        let mut s = d.t0;
        if is_word(toks, s - 1, &["the", "a", "an"]) {
            s -= 1;
        }
        if s >= 2 && is_word(toks, s - 1, &[","]) {
            let comma_at = s - 1;
            let mut b = comma_at;
            while b > 0 && comma_at - b < 4 {
                let t = &toks[b - 1];
                if t.word
                    && t.cap
                    && item_at[b - 1].is_none()
                    && !lex.stopnames.contains(t.norm.as_ref())
                {
                    b -= 1;
                } else {
                    break;
                }
            }
            if b < comma_at {
                d.name_toks = Some((b, comma_at));
                d.t0 = b;
                d.rule = "actor/person/appositive".into();
                d.confidence = d.confidence.max(0.8);
            }
        }
    }
}

/// Whether the capital at item `k` stands for its government, with the rule id and confidence.
fn metonymy(
    lex: &Lexicon,
    toks: &[Token],
    items: &[Item],
    k: usize,
) -> Option<(&'static str, f32)> {
    let it = &items[k];
    let is_capital = |n: usize| {
        items
            .get(n)
            .is_some_and(|x| matches!(x.entry, Entry::Capital { .. }))
    };
    if it.t0 >= 1 && is_word(toks, it.t0 - 1, LOCATIVE) {
        return None;
    }
    // "an admission by Moscow": the agent of a passive or a nominalization.
    if it.t0 >= 1 && is_word(toks, it.t0 - 1, &["by"]) {
        return Some(("actor/metonymy/capital_agent", 0.6));
    }
    // "Moscow and Pyongyang": two capitals coordinated.
    if is_word(toks, it.t1, &["and", "&"]) && is_capital(k + 1) && items[k + 1].t0 == it.t1 + 1 {
        return Some(("actor/metonymy/capital_pair", 0.7));
    }
    if k >= 1
        && is_capital(k - 1)
        && items[k - 1].t1 + 1 == it.t0
        && is_word(toks, it.t0 - 1, &["and", "&"])
    {
        return Some(("actor/metonymy/capital_pair", 0.7));
    }
    // "Moscow said", "Pyongyang has denied", "Seoul's foreign ministry said" is handled as a cue.
    let mut j = it.t1;
    let mut skipped = 0;
    while skipped < 2
        && toks.get(j).is_some_and(|t| {
            matches!(
                t.norm.as_ref(),
                "has"
                    | "have"
                    | "had"
                    | "also"
                    | "again"
                    | "quickly"
                    | "reportedly"
                    | "officially"
                    | "later"
                    | "firmly"
                    | "strongly"
                    | "then"
                    | "will"
                    | "would"
                    | "could"
                    | "may"
                    | "might"
                    | "did"
                    | "does"
                    | "not"
            )
        })
    {
        j += 1;
        skipped += 1;
    }
    if toks
        .get(j)
        .is_some_and(|t| lex.verbs.contains(t.norm.as_ref()))
        && (skipped > 0
            || !matches!(
                toks[j].norm.as_ref(),
                "has" | "have" | "had" | "will" | "would"
            ))
    {
        return Some(("actor/metonymy/capital_verb", 0.75));
    }
    // A sentence that opens with the capital as its subject ("Washington, along with ..." is not
    // told apart from a dateline, so a comma after the name rules it out).
    if it.t0 == 0 && toks.get(it.t1).is_some_and(|t| t.word && !t.cap) {
        return Some(("actor/metonymy/capital_subject", 0.55));
    }
    // "urged Washington to", "accused Moscow of".
    if it.t0 >= 1
        && lex.verbs.contains(toks[it.t0 - 1].norm.as_ref())
        && is_word(toks, it.t1, &["to", "of", "over", "for"])
    {
        return Some(("actor/metonymy/capital_object", 0.65));
    }
    None
}

/// Later mentions of a known person by (part of) their name: "Zinoviev", the right "Kim".
/// `covered` is a working buffer, kept from one sentence to the next.
fn coreference(
    toks: &[Token],
    drafts: &mut Vec<Draft>,
    people: &[Person],
    items: &[Item],
    covered: &mut Vec<bool>,
) {
    // Nobody named yet (the first sentences of most documents): nothing to refer back to.
    if people.is_empty() {
        return;
    }
    covered.clear();
    covered.resize(toks.len(), false);
    let spans = drafts.iter().map(|d| (d.t0, d.t1));
    for (t0, t1) in spans.chain(items.iter().map(|it| (it.t0, it.t1))) {
        let end = t1.min(covered.len());
        if let Some(c) = covered.get_mut(t0.min(end)..end) {
            c.fill(true);
        }
    }
    // Earlier people of this sentence count too (drafts are not yet indexed: skip them).
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if covered[i] || !t.word || !t.cap || t.norm.chars().nth(2).is_none() {
            i += 1;
            continue;
        }
        let found = people
            .iter()
            .rev()
            .find(|p| p.words.iter().any(|w| *w == *t.norm));
        let Some(p) = found else {
            i += 1;
            continue;
        };
        let mut end = i + 1;
        while end < toks.len()
            && !covered[end]
            && toks[end].cap
            && p.words.iter().any(|w| *w == *toks[end].norm)
        {
            end += 1;
        }
        drafts.push(Draft {
            t0: i,
            t1: end,
            code: Cow::Borrowed(""),
            kind: ActorKind::Person,
            name: None,
            name_toks: None,
            role: None,
            rule: "actor/coref/name".into(),
            confidence: 0.8,
            coref_of: Some(p.index),
            state_name: false,
            alts: Vec::new(),
        });
        i = end;
    }
}
