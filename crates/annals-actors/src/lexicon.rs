//! The phrase lexicon: countries, capitals, agents, organizations, media and dictionary actors,
//! indexed by first word for longest-match lookup.

use crate::ActorKind;
use crate::countries::{self, CountryForms};
use crate::dictionary::{ActorDictionary, AgentDictionary, AgentPosition, DatedCode};
use crate::tokens::{NO_WORD, Token, phrase_words};
use crate::vocabulary::Vocabulary;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

const AGENTS: &str = include_str!("../../../data/actors/agents.tsv");
const ORGANIZATIONS: &str = include_str!("../../../data/actors/organizations.tsv");
const MEDIA: &str = include_str!("../../../data/actors/media.tsv");
const VERBS: &str = include_str!("../../../data/actors/metonymy_verbs.txt");
const MODIFIERS: &str = include_str!("../../../data/actors/modifiers.txt");
const STOPNAMES: &str = include_str!("../../../data/actors/stopnames.txt");
const SECTORS: &str = include_str!("../../../data/actors/sectors.tsv");
const ADJECTIVAL: &str = include_str!("../../../data/actors/adjectival_roles.txt");
const PEOPLE: &str = include_str!("../../../data/actors/people.tsv");

/// How a country phrase was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// "South Korea", "the DPRK".
    Name,
    /// "Russian", "North Korean".
    Adjective,
    /// "North Koreans", "Palestinians".
    People,
}

/// What a phrase means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    /// A country name, adjective or people.
    Country { code: String, form: Form },
    /// A capital city (a government by metonymy in some contexts).
    Capital { code: String },
    /// A role noun: `code` is the sector (empty: taken from what the role is "of").
    Agent {
        code: String,
        prefix: bool,
        kind: ActorKind,
        role: String,
        rule: String,
    },
    /// A named organization with its full code.
    Org {
        code: String,
        kind: ActorKind,
        name: String,
        rule: String,
    },
    /// A news outlet or platform.
    Media {
        country: Option<String>,
        name: String,
        rule: String,
    },
    /// A dictionary actor; index into [`Lexicon::dict_entries`].
    Dict { entry: usize, rule: String },
}

impl Entry {
    /// Preference among entries of one phrase (lower wins).
    fn rank(&self) -> u8 {
        match self {
            Entry::Org { .. } => 1,
            Entry::Media { .. } => 2,
            Entry::Dict { .. } => 3,
            Entry::Country { .. } => 4,
            Entry::Capital { .. } => 5,
            Entry::Agent { .. } => 6,
        }
    }
}

/// How a phrase's case must look in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// Any case (role nouns).
    Any,
    /// The first token capitalized (names).
    Capitalized,
    /// Every word token all upper case (acronyms).
    Upper,
}

#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    words: Vec<String>,
    /// The [`Vocabulary`] ids of `words`.
    ids: Vec<u32>,
    stem: bool,
    entries: Vec<(Case, Entry)>,
}

/// A phrase under its first word: the phrase id, and the vocabulary id of the second word when
/// it must equal the next token's ([`NO_WORD`] when any next token may do: one-word phrases and
/// two-word stems).
#[derive(Debug, Clone, Copy)]
struct Start {
    phrase: usize,
    next: u32,
}

/// A dictionary actor: canonical name and dated codes.
#[derive(Debug, Clone)]
pub(crate) struct DictActor {
    pub name: String,
    pub codes: Vec<DatedCode>,
}

/// A match of a phrase over tokens `[t0, t1)`.
#[derive(Debug, Clone)]
pub(crate) struct Item<'l> {
    pub t0: usize,
    pub t1: usize,
    pub entry: &'l Entry,
}

/// Working buffers of [`Lexicon::items_into`], reused across sentences.
#[derive(Debug, Default)]
pub(crate) struct ItemScratch<'l> {
    /// Matched phrases at one token: (tokens, phrase id).
    found: Vec<(usize, usize)>,
    /// A word with one character deleted, for the typo index.
    fuzzy_key: String,
    /// The entries competing for the longest match.
    entries: Vec<&'l Entry>,
    /// Which tokens may start an item, 64 to a word (see [`Lexicon::items_into`]).
    starts: Vec<u64>,
}

/// Every lexicon the recognizer uses, indexed.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    phrases: Vec<Phrase>,
    /// Phrase ids by the vocabulary ids of their words and whether they are stems.
    by_words: HashMap<(Vec<u32>, bool), usize>,
    /// Every word of every phrase.
    vocabulary: Vocabulary,
    /// Phrases (all but one-word stems) by the vocabulary id of their first word.
    by_first: Vec<Vec<Start>>,
    /// `by_first` in one array, for lookup: the phrases of first word `w` are
    /// `start_list[start_offsets[w]..start_offsets[w + 1]]` (see [`Lexicon::index_starts`]).
    start_offsets: Vec<u32>,
    start_list: Vec<Start>,
    stems: HashMap<String, Vec<usize>>,
    /// One-word country and capital names (at least [`FUZZY_MIN`] letters) under each form with
    /// one letter deleted, and under the name itself: phrase ids, for one-edit typo lookup.
    fuzzy: HashMap<String, Vec<usize>>,
    /// The lengths of the words indexed in `fuzzy` by first character: bit `n` is set when one
    /// has `n` characters (bit 63 for any longer).
    fuzzy_lengths: HashMap<char, u64>,
    /// `fuzzy_lengths` of the ASCII characters, by byte.
    fuzzy_lengths_ascii: [u64; 128],
    /// One bit per [`fuzzy_bit`] of every key of `fuzzy`: a clear bit spares the lookup.
    fuzzy_filter: Vec<u64>,
    pub dict_entries: Vec<DictActor>,
    pub verbs: HashSet<String>,
    pub modifiers: HashSet<String>,
    pub stopnames: HashSet<String>,
    pub adjectival: HashSet<String>,
    pub countries: Vec<CountryForms>,
    /// Dictionaries are read as written: codes keep their CAMEO sectors, and the first agent
    /// dictionary replaces the built-in role nouns.
    pub as_written: bool,
    /// Whether an agent dictionary has been merged.
    pub has_dict_agents: bool,
}

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

fn word_set(text: &str) -> HashSet<String> {
    data_lines(text).map(|l| l.trim().to_lowercase()).collect()
}

/// A three-letter code as bytes (`None` for any other length).
fn code3(code: &str) -> Option<[u8; 3]> {
    code.as_bytes().try_into().ok()
}

/// The sector codes of `sectors.tsv` that are not non-state codes, sorted.
fn sectors() -> &'static [[u8; 3]] {
    static S: OnceLock<Vec<[u8; 3]>> = OnceLock::new();
    S.get_or_init(|| {
        let nonstate = nonstate();
        let mut v: Vec<[u8; 3]> = data_lines(SECTORS)
            .filter_map(|l| l.split('\t').next())
            .map(|c| c.trim().to_ascii_uppercase())
            .filter_map(|c| code3(&c))
            .filter(|c| nonstate.binary_search_by(|(k, _)| k.cmp(c)).is_err())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// The non-state country-level codes of `sectors.tsv` with the actor kind they imply, sorted.
fn nonstate() -> &'static [([u8; 3], ActorKind)] {
    static S: OnceLock<Vec<([u8; 3], ActorKind)>> = OnceLock::new();
    S.get_or_init(|| {
        let mut m = Vec::new();
        for line in data_lines(SECTORS) {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.get(1).map(|c| c.trim()) == Some("nonstate") {
                let kind = cols
                    .get(2)
                    .and_then(|k| ActorKind::parse(k))
                    .unwrap_or(ActorKind::Organization);
                if let Some(c) = code3(&cols[0].trim().to_ascii_uppercase()) {
                    m.push((c, kind));
                }
            }
        }
        m.sort_unstable_by_key(|e| e.0);
        m.dedup_by(|a, b| a.0 == b.0);
        m
    })
}

/// The index of a three-letter code of upper-case ASCII letters in `AAA..=ZZZ`.
fn letters_index(code: [u8; 3]) -> Option<usize> {
    code.iter().try_fold(0usize, |acc, &b| {
        b.is_ascii_uppercase()
            .then(|| acc * 26 + usize::from(b - b'A'))
    })
}

/// Whether the three bytes `code` are a sector code (`GOV`, `MIL`, …).
pub(crate) fn is_sector3(code: [u8; 3]) -> bool {
    /// One bit per code `AAA..=ZZZ`; sector codes of other bytes (none in `sectors.tsv`) are
    /// looked up in the sorted list.
    static BITS: OnceLock<(Vec<u64>, bool)> = OnceLock::new();
    let (bits, others) = BITS.get_or_init(|| {
        let mut bits = vec![0u64; (26 * 26 * 26usize).div_ceil(64)];
        let mut others = false;
        for &c in sectors() {
            match letters_index(c) {
                Some(i) => bits[i / 64] |= 1 << (i % 64),
                None => others = true,
            }
        }
        (bits, others)
    });
    match letters_index(code) {
        Some(i) => bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1),
        None => *others && sectors().binary_search(&code).is_ok(),
    }
}

/// The kind of a non-state country code (`IGO` → igo).
pub(crate) fn nonstate_kind(code: &str) -> Option<ActorKind> {
    nonstate_kind3(code3(code)?)
}

/// The kind of a non-state country code given as three bytes ([`nonstate_kind`]).
pub(crate) fn nonstate_kind3(c: [u8; 3]) -> Option<ActorKind> {
    let table = nonstate();
    table
        .binary_search_by(|(k, _)| k.cmp(&c))
        .ok()
        .map(|i| table[i].1)
}

/// Rewrites a CAMEO code's sector groups to PLOVER's: CAMEO `MED` (media) is PLOVER `JRN`,
/// CAMEO `HLH` (health) is PLOVER `MED`. `skip_first` keeps the country group as it is.
pub(crate) fn plover_sectors(code: &str, skip_first: bool) -> String {
    if !code.is_ascii() || !code.len().is_multiple_of(3) {
        return code.to_string();
    }
    let mut out = String::with_capacity(code.len());
    for i in 0..code.len() / 3 {
        let g = &code[i * 3..i * 3 + 3];
        out.push_str(match g {
            _ if i == 0 && skip_first => g,
            "MED" => "JRN",
            "HLH" => "MED",
            _ => g,
        });
    }
    out
}

/// English plural of a lower-case word.
pub(crate) fn plural_of(word: &str) -> String {
    if word.ends_with('s') || word.ends_with('x') || word.ends_with("ch") || word.ends_with("sh") {
        format!("{word}es")
    } else if word.ends_with('y')
        && !(word.ends_with("ay") || word.ends_with("ey") || word.ends_with("oy"))
    {
        format!("{}ies", &word[..word.len() - 1])
    } else if let Some(stem) = word.strip_suffix("man") {
        format!("{stem}men")
    } else {
        format!("{word}s")
    }
}

impl Lexicon {
    fn empty() -> Lexicon {
        Lexicon {
            phrases: Vec::new(),
            by_words: HashMap::default(),
            vocabulary: Vocabulary::default(),
            by_first: Vec::new(),
            start_offsets: Vec::new(),
            start_list: Vec::new(),
            stems: HashMap::default(),
            fuzzy: HashMap::default(),
            fuzzy_lengths: HashMap::default(),
            fuzzy_lengths_ascii: [0; 128],
            fuzzy_filter: Vec::new(),
            dict_entries: Vec::new(),
            verbs: word_set(VERBS),
            modifiers: word_set(MODIFIERS),
            stopnames: word_set(STOPNAMES),
            adjectival: word_set(ADJECTIVAL),
            countries: Vec::new(),
            as_written: false,
            has_dict_agents: false,
        }
    }

    /// Adds `entry` under `phrase` (words separated by spaces or `_`).
    fn add(&mut self, phrase: &str, stem: bool, case: Case, entry: Entry) {
        let words = phrase_words(phrase);
        if words.is_empty() {
            return;
        }
        let stem = stem && words.last().is_some_and(|w| w.chars().count() >= 4);
        // A phrase is known by the vocabulary ids of its words (a word already there keeps its
        // id, so a known phrase adds nothing to the vocabulary).
        let ids: Vec<u32> = words.iter().map(|w| self.vocabulary.insert(w)).collect();
        let key = (ids, stem);
        let id = match self.by_words.get(&key) {
            Some(&id) => id,
            None => {
                let (ids, stem) = key;
                let id = self.phrases.len();
                if stem && words.len() == 1 {
                    self.stems.entry(words[0].clone()).or_default().push(id);
                } else {
                    let first = ids[0] as usize;
                    if self.by_first.len() <= first {
                        self.by_first.resize(first + 1, Vec::new());
                    }
                    let next = match ids.get(1) {
                        Some(_) if stem && ids.len() == 2 => NO_WORD,
                        Some(&second) => second,
                        None => NO_WORD,
                    };
                    self.by_first[first].push(Start { phrase: id, next });
                }
                self.by_words.insert((ids.clone(), stem), id);
                self.phrases.push(Phrase {
                    words,
                    ids,
                    stem,
                    // Most phrases have one entry.
                    entries: Vec::with_capacity(1),
                });
                id
            }
        };
        let phrase = &mut self.phrases[id];
        if !phrase
            .entries
            .iter()
            .any(|(c, e)| *c == case && *e == entry)
        {
            phrase.entries.push((case, entry));
        }
    }

    /// The built-in lexicons.
    pub(crate) fn builtin() -> Lexicon {
        let mut lex = Lexicon::empty();
        let countries = countries::builtin();
        for c in &countries {
            for n in &c.names {
                lex.add(
                    n,
                    false,
                    Case::Capitalized,
                    Entry::Country {
                        code: c.code.clone(),
                        form: Form::Name,
                    },
                );
            }
            for n in &c.abbreviations {
                lex.add(
                    n,
                    false,
                    Case::Upper,
                    Entry::Country {
                        code: c.code.clone(),
                        form: Form::Name,
                    },
                );
            }
            for n in &c.adjectives {
                lex.add(
                    n,
                    false,
                    Case::Capitalized,
                    Entry::Country {
                        code: c.code.clone(),
                        form: Form::Adjective,
                    },
                );
            }
            for n in &c.people {
                lex.add(
                    n,
                    false,
                    Case::Capitalized,
                    Entry::Country {
                        code: c.code.clone(),
                        form: Form::People,
                    },
                );
            }
            for n in &c.capitals {
                lex.add(
                    n,
                    false,
                    Case::Capitalized,
                    Entry::Capital {
                        code: c.code.clone(),
                    },
                );
            }
        }
        lex.countries = countries;
        lex.index_fuzzy();
        for line in data_lines(AGENTS) {
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let (Some(names), Some(code), Some(kind)) = (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let kind = ActorKind::parse(kind).unwrap_or(ActorKind::Group);
            let code = if *code == "-" {
                String::new()
            } else {
                code.to_ascii_uppercase()
            };
            let plural = cols.get(3).copied().unwrap_or("");
            for name in names.split('|') {
                let name = name.trim();
                let role = name.to_string();
                let rule = format!("actor/agent/{}", name.replace(' ', "_"));
                let entry = Entry::Agent {
                    code: code.clone(),
                    prefix: false,
                    kind,
                    role: role.clone(),
                    rule: rule.clone(),
                };
                lex.add(name, false, Case::Any, entry);
                let plurals: Vec<String> = match plural {
                    "-" => Vec::new(),
                    "" if kind == ActorKind::Organization => Vec::new(),
                    "" => {
                        let (init, last) = match name.rsplit_once(' ') {
                            Some((a, b)) => (format!("{a} "), b),
                            None => (String::new(), name),
                        };
                        vec![format!("{init}{}", plural_of(last))]
                    }
                    given => given.split('|').map(|p| p.trim().to_string()).collect(),
                };
                for p in plurals {
                    let pkind = if kind == ActorKind::Person {
                        ActorKind::Group
                    } else {
                        kind
                    };
                    let entry = Entry::Agent {
                        code: code.clone(),
                        prefix: false,
                        kind: pkind,
                        role: role.clone(),
                        rule: rule.clone(),
                    };
                    lex.add(&p, false, Case::Any, entry);
                }
            }
        }
        for line in data_lines(ORGANIZATIONS) {
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let (Some(names), Some(code), Some(kind)) = (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let kind = ActorKind::parse(kind).unwrap_or(ActorKind::Organization);
            let canonical = cols
                .get(3)
                .map(|s| s.to_string())
                .unwrap_or_else(|| names.split('|').next().unwrap_or("").to_string());
            let rule = format!("actor/org/{}", canonical.to_lowercase().replace(' ', "_"));
            for name in names.split('|') {
                let name = name.trim();
                let case = case_of(name);
                lex.add(
                    name,
                    false,
                    case,
                    Entry::Org {
                        code: code.to_ascii_uppercase(),
                        kind,
                        name: canonical.clone(),
                        rule: rule.clone(),
                    },
                );
            }
        }
        lex.add_people(PEOPLE);
        for line in data_lines(MEDIA) {
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let (Some(names), Some(country)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let country = (*country != "-").then(|| country.to_ascii_uppercase());
            let canonical = cols
                .get(3)
                .map(|s| s.to_string())
                .unwrap_or_else(|| names.split('|').next().unwrap_or("").to_string());
            let rule = format!("actor/media/{}", canonical.to_lowercase().replace(' ', "_"));
            for name in names.split('|') {
                let name = name.trim();
                lex.add(
                    name,
                    false,
                    case_of(name),
                    Entry::Media {
                        country: country.clone(),
                        name: canonical.clone(),
                        rule: rule.clone(),
                    },
                );
            }
        }
        lex.index_starts();
        lex
    }

    /// Lays `by_first` out in one array (`start_offsets`, `start_list`), in the same order; run
    /// after every change to the phrases.
    fn index_starts(&mut self) {
        self.start_offsets.clear();
        self.start_list.clear();
        self.start_offsets.push(0);
        for starts in &self.by_first {
            self.start_list.extend_from_slice(starts);
            self.start_offsets.push(self.start_list.len() as u32);
        }
    }

    /// Indexes one-word country and capital names for [`Lexicon::fuzzy_match`].
    fn index_fuzzy(&mut self) {
        let words: Vec<(usize, &String)> = self
            .phrases
            .iter()
            .enumerate()
            .filter_map(|(id, p)| {
                let [word] = p.words.as_slice() else {
                    return None;
                };
                let geo = p.entries.iter().any(|(c, e)| {
                    *c == Case::Capitalized
                        && matches!(e, Entry::Country { .. } | Entry::Capital { .. })
                });
                (geo && word.chars().count() >= FUZZY_MIN && word.chars().all(char::is_alphabetic))
                    .then_some((id, word))
            })
            .collect();
        // Each word is indexed under itself and under each form with one character deleted.
        self.fuzzy
            .reserve(words.iter().map(|(_, w)| w.chars().count() + 1).sum());
        for (id, word) in words {
            if let Some(first) = word.chars().next() {
                let bit = 1 << word.chars().count().min(63);
                *self.fuzzy_lengths.entry(first).or_default() |= bit;
                if let Some(l) = self.fuzzy_lengths_ascii.get_mut(first as usize) {
                    *l |= bit;
                }
            }
            if self.fuzzy_filter.is_empty() {
                self.fuzzy_filter = vec![0; (1 << FUZZY_FILTER_BITS) / 64];
            }
            // The word, then the word less each of its characters.
            let keys = std::iter::once(word.clone()).chain(word.char_indices().map(|(i, c)| {
                let mut k = String::with_capacity(word.len() - c.len_utf8());
                k.push_str(&word[..i]);
                k.push_str(&word[i + c.len_utf8()..]);
                k
            }));
            for k in keys {
                let bit = fuzzy_bit(poly_hash(k.as_bytes()));
                if let Some(w) = self.fuzzy_filter.get_mut(bit / 64) {
                    *w |= 1 << (bit % 64);
                }
                let ids = self.fuzzy.entry(k).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }

    /// The country or capital phrase one edit (insertion, deletion, substitution or swap of two
    /// neighbours) away from a capitalized word that no phrase matched ("Ethopia", "Afganistan").
    /// Only words of [`FUZZY_MIN`] letters or more with the same first letter count, and only
    /// when exactly one phrase is that close.
    fn fuzzy_match(&self, tok: &Token, key: &mut String) -> Option<usize> {
        let w = tok.norm.as_ref();
        // A word of fewer bytes has fewer characters.
        if !tok.word || !tok.cap || tok.upper || w.len() < FUZZY_MIN || self.fuzzy.is_empty() {
            return None;
        }
        let n = w.chars().count();
        if n < FUZZY_MIN || !w.chars().all(char::is_alphabetic) {
            return None;
        }
        // A word one edit away starts with the same letter and has one character more or less
        // at most: none such, no lookup.
        let lengths = match w.chars().next() {
            Some(c) if c.is_ascii() => self
                .fuzzy_lengths_ascii
                .get(c as usize)
                .copied()
                .unwrap_or(0),
            Some(c) => self.fuzzy_lengths.get(&c).copied().unwrap_or(0),
            None => 0,
        };
        if n < 62 && lengths >> (n - 1) & 0b111 == 0 {
            return None;
        }
        let mut hit: Option<usize> = None;
        let mut check = |ids: &[usize]| -> bool {
            for &id in ids {
                let p = &self.phrases[id].words[0];
                if hit != Some(id) && p.chars().next() == w.chars().next() && one_edit(p, w) {
                    if hit.is_some() {
                        return false;
                    }
                    hit = Some(id);
                }
            }
            true
        };
        // Hashes of every prefix and suffix of `w`, so that the hash of `w` less one character
        // comes in constant time and keys whose filter bit is clear are never built or looked
        // up (words too long for the buffers are looked up in full).
        let bytes = w.as_bytes();
        let len = bytes.len();
        let hashed = len < FUZZY_HASHED;
        let mut prefix = [0u64; FUZZY_HASHED];
        let mut suffix = [0u64; FUZZY_HASHED];
        let mut power = [1u64; FUZZY_HASHED];
        if hashed {
            for j in 0..len {
                prefix[j + 1] = prefix[j]
                    .wrapping_mul(FUZZY_BASE)
                    .wrapping_add(u64::from(bytes[j]) + 1);
                power[j + 1] = power[j].wrapping_mul(FUZZY_BASE);
            }
            for j in (0..len).rev() {
                suffix[j] = (u64::from(bytes[j]) + 1)
                    .wrapping_mul(power[len - 1 - j])
                    .wrapping_add(suffix[j + 1]);
            }
        }
        let may_hold = |h: u64| {
            let bit = fuzzy_bit(h);
            self.fuzzy_filter
                .get(bit / 64)
                .is_some_and(|f| f >> (bit % 64) & 1 == 1)
        };
        if (!hashed || may_hold(prefix[len]))
            && let Some(ids) = self.fuzzy.get(w)
            && !check(ids)
        {
            return None;
        }
        for (i, c) in w.char_indices() {
            let rest = i + c.len_utf8();
            if hashed
                && !may_hold(
                    prefix[i]
                        .wrapping_mul(power[len - rest])
                        .wrapping_add(suffix[rest]),
                )
            {
                continue;
            }
            key.clear();
            key.push_str(&w[..i]);
            key.push_str(&w[i + c.len_utf8()..]);
            if let Some(ids) = self.fuzzy.get(key.as_str())
                && !check(ids)
            {
                return None;
            }
        }
        hit
    }

    /// Adds the office holders of `people.tsv`: the office's code inside a term, `<country>ELI`
    /// outside every term.
    fn add_people(&mut self, text: &str) {
        for line in data_lines(text) {
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            let (Some(names), Some(code), Some(terms)) = (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let code = code.to_ascii_uppercase();
            let (Some(country), _) = crate::split_code(&code) else {
                continue;
            };
            let mut codes: Vec<DatedCode> = terms
                .split('|')
                .filter_map(|t| {
                    let (from, to) = t.split_once("..")?;
                    Some(DatedCode {
                        code: code.clone(),
                        from: Some(term_date(from, false)?),
                        to: if to.trim().is_empty() {
                            None
                        } else {
                            Some(term_date(to, true)?)
                        },
                    })
                })
                .collect();
            if codes.is_empty() {
                continue;
            }
            codes.push(DatedCode {
                code: format!("{country}ELI"),
                from: None,
                to: None,
            });
            let canonical = names.split('|').next().unwrap_or("").trim().to_string();
            let rule = format!(
                "actor/leader/{}",
                canonical.to_lowercase().replace(' ', "_")
            );
            let idx = self.dict_entries.len();
            self.dict_entries.push(DictActor {
                name: canonical,
                codes,
            });
            for name in names.split('|') {
                let name = name.trim();
                self.add(
                    name,
                    false,
                    case_of(name),
                    Entry::Dict {
                        entry: idx,
                        rule: rule.clone(),
                    },
                );
            }
        }
    }

    /// Merges a PETRARCH actor dictionary.
    pub(crate) fn add_actor_dictionary(&mut self, dict: &ActorDictionary) {
        let rule = format!(
            "actor/dict/{}",
            dict.source
                .trim_end_matches(".txt")
                .trim_end_matches(".actors")
        );
        for entry in &dict.entries {
            if entry.codes.is_empty() {
                continue;
            }
            let idx = self.dict_entries.len();
            let canonical = entry
                .names
                .first()
                .map(|n| title_case(n))
                .unwrap_or_default();
            let codes = entry
                .codes
                .iter()
                .map(|c| DatedCode {
                    code: if self.as_written {
                        c.code.clone()
                    } else {
                        plover_sectors(&c.code, true)
                    },
                    ..c.clone()
                })
                .collect();
            self.dict_entries.push(DictActor {
                name: canonical,
                codes,
            });
            for name in &entry.names {
                let exact = name.ends_with('_');
                let words = phrase_words(name);
                let case = if words
                    .iter()
                    .all(|w| w.chars().filter(|c| c.is_alphabetic()).count() <= 3)
                {
                    Case::Upper
                } else {
                    Case::Capitalized
                };
                self.add(
                    name,
                    !exact,
                    case,
                    Entry::Dict {
                        entry: idx,
                        rule: rule.clone(),
                    },
                );
            }
        }
        self.index_starts();
    }

    /// Merges a PETRARCH agent dictionary.
    pub(crate) fn add_agent_dictionary(&mut self, dict: &AgentDictionary) {
        let rule_base = format!("actor/agent/{}", dict.source.trim_end_matches(".txt"));
        if self.as_written && !self.has_dict_agents {
            // The dictionary's role nouns take over: built-in ones would code words the
            // dictionary leaves uncoded, or code them with other sectors.
            for p in &mut self.phrases {
                p.entries.retain(|(_, e)| !matches!(e, Entry::Agent { .. }));
            }
        }
        self.has_dict_agents = true;
        for entry in &dict.entries {
            for (i, form) in entry.forms.iter().enumerate() {
                let role = form.to_lowercase().replace('_', " ");
                let kind = if i == 0 {
                    ActorKind::Person
                } else {
                    ActorKind::Group
                };
                let e = Entry::Agent {
                    code: if self.as_written {
                        entry.code.clone()
                    } else {
                        plover_sectors(&entry.code, false)
                    },
                    prefix: entry.position == AgentPosition::Prefix,
                    kind,
                    role: entry
                        .forms
                        .first()
                        .map(|f| f.to_lowercase().replace('_', " "))
                        .unwrap_or(role),
                    rule: rule_base.clone(),
                };
                self.add(form, false, Case::Any, e);
            }
        }
        self.index_starts();
    }

    fn case_ok(case: Case, toks: &[Token]) -> bool {
        // A name written with its article ("THE_HAGUE") matches "the Hague" too: the case
        // test applies to the words after the article.
        let toks = match toks.split_first() {
            Some((first, rest)) if !rest.is_empty() && first.norm == "the" => rest,
            _ => toks,
        };
        match case {
            Case::Any => true,
            Case::Capitalized => toks.first().is_some_and(|t| t.cap),
            Case::Upper => toks
                .iter()
                .filter(|t| t.word)
                .all(|t| t.upper || t.norm.chars().all(|c| c.is_ascii_digit())),
        }
    }

    /// The words of every phrase: tokens get their ids from it as they are cut (see
    /// [`Token::id`]), and [`Lexicon::items_into`] and [`Lexicon::title_prefix`] match phrases by them.
    pub(crate) fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The phrases (all but one-word stems) that may match at token `i`: those whose first word
    /// is that of token `i` and whose second word, if compared exactly, that of token `i + 1`.
    fn starting_at<'s>(&'s self, toks: &[Token], i: usize) -> impl Iterator<Item = usize> + 's {
        let first = toks.get(i).map_or(NO_WORD, |t| t.id);
        let next = toks.get(i + 1).map_or(NO_WORD, |t| t.id);
        let starts = match (
            self.start_offsets.get(first as usize),
            self.start_offsets.get(first as usize + 1),
        ) {
            (Some(&a), Some(&b)) if first != NO_WORD => {
                self.start_list.get(a as usize..b as usize).unwrap_or(&[])
            }
            _ => &[],
        };
        starts
            .iter()
            .filter(move |s| s.next == NO_WORD || s.next == next)
            .map(|s| s.phrase)
    }

    /// Whether phrase `id` matches at token `i` (tokens identified); returns the number of
    /// tokens.
    fn matches(&self, id: usize, toks: &[Token], i: usize) -> Option<usize> {
        let p = &self.phrases[id];
        let n = p.ids.len();
        let span = toks.get(i..i + n)?;
        // Every word but a stem compares by id; a stem by prefix.
        let exact = n - usize::from(p.stem);
        if span.iter().zip(&p.ids[..exact]).any(|(t, &w)| t.id != w) {
            return None;
        }
        if p.stem
            && let (Some(t), Some(w)) = (span.last(), p.words.last())
        {
            let ext = t.norm.strip_prefix(w.as_str())?;
            if ext.chars().count() > 4 || !ext.chars().all(char::is_alphabetic) {
                return None;
            }
        }
        p.entries
            .iter()
            .any(|(c, _)| Self::case_ok(*c, span))
            .then_some(n)
    }

    /// Longest-match phrase items over a sentence's tokens, disjoint, in order. When several
    /// phrases of the longest length match (an exact name and a dictionary stem), their entries
    /// compete together.
    /// The items go into `out` (cleared first); working buffers are kept in `scratch` from one
    /// sentence to the next.
    pub(crate) fn items_into<'l>(
        &'l self,
        toks: &[Token],
        scratch: &mut ItemScratch<'l>,
        out: &mut Vec<Item<'l>>,
    ) {
        out.clear();
        let ItemScratch {
            found,
            fuzzy_key,
            entries,
            starts,
        } = scratch;
        let stems = !self.stems.is_empty();
        // Most tokens are no word of any phrase and no candidate for a typo: they are marked in
        // a bit set without a branch per token (whether a token is a lexicon word is something
        // the processor cannot predict), and the loop below visits only the marked ones.
        starts.clear();
        starts.resize(toks.len().div_ceil(64), 0);
        for (k, t) in toks.iter().enumerate() {
            let typo = t.word & t.cap & !t.upper & (t.norm.len() >= FUZZY_MIN);
            let start = (t.id != NO_WORD) | stems | typo;
            if let Some(w) = starts.get_mut(k / 64) {
                *w |= u64::from(start) << (k % 64);
            }
        }
        let mut i = 0;
        while let Some(next) = next_set(starts, i) {
            i = next;
            if i >= toks.len() {
                break;
            }
            found.clear();
            for id in self.starting_at(toks, i) {
                if let Some(n) = self.matches(id, toks, i) {
                    found.push((n, id));
                }
            }
            let norm = &toks[i].norm;
            if !self.stems.is_empty() && !norm.is_empty() {
                let stems = norm.as_ref();
                for (cut, _) in stems
                    .char_indices()
                    .skip(4)
                    .chain(std::iter::once((stems.len(), ' ')))
                {
                    if let Some(ids) = self.stems.get(&stems[..cut]) {
                        for &id in ids {
                            if let Some(n) = self.matches(id, toks, i) {
                                found.push((n, id));
                            }
                        }
                    }
                }
            }
            if found.is_empty()
                && let Some(id) = self.fuzzy_match(&toks[i], fuzzy_key)
            {
                found.push((1, id));
            }
            let Some(n) = found.iter().map(|f| f.0).max() else {
                i += 1;
                continue;
            };
            let span = &toks[i..i + n];
            entries.clear();
            entries.extend(found.iter().filter(|f| f.0 == n).flat_map(|f| {
                self.phrases[f.1]
                    .entries
                    .iter()
                    .filter(|(c, _)| Self::case_ok(*c, span))
                    .map(|(_, e)| e)
            }));
            if let Some(entry) = self.pick(entries) {
                out.push(Item {
                    t0: i,
                    t1: i + n,
                    entry,
                });
            }
            i += n;
        }
    }

    /// The length and sector of a role noun phrase at the start of `toks`, if one is shorter
    /// than the whole ("President" in a dictionary phrase "President X").
    pub(crate) fn title_prefix(&self, toks: &[Token]) -> Option<(usize, String)> {
        let mut best: Option<(usize, String)> = None;
        toks.first()?;
        for id in self.starting_at(toks, 0) {
            if let Some(n) = self.matches(id, toks, 0)
                && n < toks.len()
                && best.as_ref().is_none_or(|b| n > b.0)
                && let Some(Entry::Agent {
                    code,
                    kind: ActorKind::Person,
                    ..
                }) = self
                    .allowed(id, &toks[..n])
                    .find(|e| matches!(e, Entry::Agent { .. }))
            {
                best = Some((n, code.clone()));
            }
        }
        best
    }

    fn allowed<'a>(&'a self, id: usize, span: &'a [Token]) -> impl Iterator<Item = &'a Entry> + 'a {
        self.phrases[id]
            .entries
            .iter()
            .filter(|(c, _)| Self::case_ok(*c, span))
            .map(|(_, e)| e)
    }

    /// The entry matched phrases stand for: the best-ranked one, except that a built-in country
    /// or capital entry beats a dictionary entry coding the same country (it keeps the form).
    fn pick<'a>(&'a self, entries: &[&'a Entry]) -> Option<&'a Entry> {
        // Among role nouns and dictionary actors of one rank the last added wins (dictionaries
        // merged later override the built-in lexicon); among countries sharing a demonym the
        // first (the most populous, see `countries::builtin`) wins.
        if self.as_written {
            // Dictionaries read as written decide alone where they know the phrase; only a
            // built-in country entry coding the same country keeps its form.
            let dict = entries.iter().find(|e| matches!(e, Entry::Dict { .. }));
            if let Some(Entry::Dict { entry, .. }) = dict.copied() {
                let codes = &self.dict_entries[*entry].codes;
                for e in entries {
                    if let Entry::Country { code, .. } = e
                        && codes.iter().all(|c| c.code.starts_with(code.as_str()))
                    {
                        return Some(e);
                    }
                }
                return dict.copied();
            }
            if self.has_dict_agents
                && let Some(agent) = entries
                    .iter()
                    .rev()
                    .find(|e| matches!(e, Entry::Agent { .. }))
            {
                return Some(agent);
            }
        }
        let mut best: &Entry = entries.first()?;
        for e in entries {
            let later_wins = matches!(e, Entry::Agent { .. } | Entry::Dict { .. });
            if e.rank() < best.rank() || (later_wins && e.rank() == best.rank()) {
                best = e;
            }
        }
        if let Entry::Dict { entry, .. } = &best {
            let codes = &self.dict_entries[*entry].codes;
            for e in entries {
                if let Entry::Country { code, .. } | Entry::Capital { code } = e
                    && codes.iter().all(|c| c.code.starts_with(code.as_str()))
                {
                    return Some(e);
                }
            }
        }
        Some(best)
    }
}

/// The first bit set in `bits` at position `from` or after.
#[inline]
fn next_set(bits: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut word = bits.get(w)? & (u64::MAX << (from % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        word = *bits.get(w)?;
    }
}

/// Shortest word (in letters) that the typo lookup corrects.
const FUZZY_MIN: usize = 7;

/// Words of fewer bytes than this are hashed piecewise for the typo filter.
const FUZZY_HASHED: usize = 65;

/// Bits of the typo filter's index.
const FUZZY_FILTER_BITS: u32 = 15;

/// The odd multiplier of [`poly_hash`].
const FUZZY_BASE: u64 = 0x0000_0100_0000_01b3;

/// The polynomial hash `Σ (b + 1)·BASE^(len-1-k)` over the bytes `b` at `k`: the hash of two
/// pieces joined is `hash(a)·BASE^|c| + hash(c)`.
fn poly_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |h, &b| {
        h.wrapping_mul(FUZZY_BASE).wrapping_add(u64::from(b) + 1)
    })
}

/// The typo filter bit of a word with [`poly_hash`] `h`.
fn fuzzy_bit(h: u64) -> usize {
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - FUZZY_FILTER_BITS)) as usize
}

/// Whether `a` and `b` differ by exactly one insertion, deletion, substitution or swap of two
/// neighbouring characters.
fn one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            p + s + 1 >= a.len()
                || (p + 2 <= a.len()
                    && a[p] == b[p + 1]
                    && a[p + 1] == b[p]
                    && a[p + 2..] == b[p + 2..])
        }
        _ => p + s >= a.len().min(b.len()),
    }
}

/// A term bound of `people.tsv`: `YYYY-MM-DD`, or `YYYY` (its first or, for an end, last day).
fn term_date(text: &str, end: bool) -> Option<annals_document::Date> {
    let t = text.trim();
    if let Ok(year) = t.parse::<i16>() {
        let (m, d) = if end { (12, 31) } else { (1, 1) };
        return annals_document::Date::new(year, m, d).ok();
    }
    t.parse().ok()
}

/// Case rule of a data-file name: all-caps short words are acronyms.
fn case_of(name: &str) -> Case {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() && letters.iter().all(|c| c.is_uppercase()) {
        Case::Upper
    } else if name.chars().next().is_some_and(|c| c.is_lowercase()) {
        Case::Any
    } else {
        Case::Capitalized
    }
}

/// `SOUTH_KOREA_` → `South Korea`.
fn title_case(name: &str) -> String {
    name.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_hash_less_one_character_comes_from_its_pieces() {
        for word in ["venezuela", "zürich", "ab", "bogotá"] {
            let b = word.as_bytes();
            for (i, c) in word.char_indices() {
                let rest = i + c.len_utf8();
                let joined = [&b[..i], &b[rest..]].concat();
                let power = (0..b.len() - rest).fold(1u64, |p, _| p.wrapping_mul(FUZZY_BASE));
                let pieces = poly_hash(&b[..i])
                    .wrapping_mul(power)
                    .wrapping_add(poly_hash(&b[rest..]));
                assert_eq!(poly_hash(&joined), pieces, "{word} less byte {i}");
            }
        }
        assert_ne!(poly_hash(b"venezuela"), poly_hash(b"venezuel"));
    }
}
