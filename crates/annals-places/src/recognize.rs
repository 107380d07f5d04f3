//! Toponym recognition and geocoding.

use crate::countries::Countries;
use crate::fasthash::{BitsTable, FastMap, FastSet};
use crate::gazetteer::{Gazetteer, PlaceKind, Row, feature};
use crate::tokens::each_word;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use annals_document::{Sentence, Span};
use serde::Serialize;
use std::borrow::Cow;

const GUARDS_TSV: &str = include_str!("../../../data/places/guards.tsv");
const REGION_ABBREV_TSV: &str = include_str!("../../../data/places/region_abbrev.tsv");

/// Longest place name tried, in words.
const MAX_WORDS: usize = 6;

/// What the caller knows about a document beyond its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceContext {
    /// The outlet's country (ISO alpha-2, alpha-3 or CAMEO code), a hint for ambiguous names.
    pub outlet_country: Option<String>,
}

/// A place named in the text, resolved to a gazetteer entry.
///
/// The texts that come from the embedded gazetteer, the country table or the rule names are
/// borrowed from them, not copied for every mention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceMention {
    /// Byte span of the name in the document text (a possessive `'s` left out).
    pub span: Span,
    /// The name as written.
    pub text: String,
    /// The gazetteer's preferred name of the place.
    pub name: Cow<'static, str>,
    /// GeoNames id (0 for regions the sources give no id).
    pub geonameid: u32,
    /// Latitude, when known.
    pub lat: Option<f64>,
    /// Longitude, when known.
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-3 code of the country (use `Countries::by_code` for the CAMEO code).
    pub country: Cow<'static, str>,
    /// GeoNames admin1 code of the first-level region (empty when unknown).
    pub admin1: Cow<'static, str>,
    /// GeoNames feature class.
    pub feature_class: Cow<'static, str>,
    /// GeoNames feature code.
    pub feature_code: Cow<'static, str>,
    /// `country`, `region` or `city`.
    pub precision: &'static str,
    /// Population of the place (0 when unknown).
    pub population: u64,
    /// The rule that found it, e.g. `places/exact/cue`.
    pub rule: Cow<'static, str>,
    /// Confidence in `[0, 1]`.
    pub confidence: f64,
    /// True when the name stands for a government ("Moscow said"), not a location.
    pub metonymy: bool,
}

/// Word classes of the guard lists, as bits of [`Guards::class`].
mod class {
    pub const NEVER: u16 = 1;
    pub const COMMON: u16 = 1 << 1;
    pub const GIVEN: u16 = 1 << 2;
    pub const PERSON: u16 = 1 << 3;
    pub const FIRST: u16 = 1 << 4;
    pub const TITLE: u16 = 1 << 5;
    /// One-word location cue (lower case).
    pub const CUE: u16 = 1 << 6;
    pub const SUFFIX: u16 = 1 << 7;
    pub const CONNECTOR: u16 = 1 << 8;
    /// One-word speech verb (lower case).
    pub const SPEECH: u16 = 1 << 9;
    pub const DIRECTION: u16 = 1 << 10;
    pub const NOTAFTER: u16 = 1 << 11;
    pub const INSTITUTION: u16 = 1 << 12;
    /// First word of a country demonym ("North" of "North Korean").
    pub const DEMONYM_FIRST: u16 = 1 << 13;
    /// Last part of a two-word cue ("of" of "north of").
    pub const CUE2_TAIL: u16 = 1 << 14;
    /// `first`, `title` and `person`: words after which a capitalized word is a surname.
    pub const BEFORE_SURNAME: u16 = FIRST | TITLE | PERSON;
}

#[derive(Default)]
struct Guards {
    /// Every one-word entry with the bits of the classes that list it, so that one lookup
    /// answers every class test of a word. Words of up to [`SHORT_WORD`] bytes are keyed by
    /// [`short_key`] (compared as one number), longer ones by their text.
    short: BitsTable,
    classes: FastMap<Box<str>, u16>,
    /// Length of the longest connector, to skip lookups of longer words.
    connector_len: usize,
    /// Two-word cues, the words joined by one space.
    cue2: FastSet<String>,
    /// Two-word speech verbs, the words joined by one space.
    speech2: FastSet<String>,
}

/// Longest word (in bytes) keyed by [`short_key`].
const SHORT_WORD: usize = 15;

/// A word of up to [`SHORT_WORD`] bytes as one number: its bytes, then its length in the top
/// byte (so that words differing only in trailing zero bytes differ).
#[inline]
fn short_key(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    if b.len() > SHORT_WORD {
        return None;
    }
    // Built in registers from (overlapping) loads: copying into a buffer and reading it back
    // as one number stalls, and a loop over the bytes mispredicts on the length.
    let n = b.len();
    let load8 = |at: usize| {
        b.get(at..at + 8)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let load4 = |at: usize| {
        b.get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map_or(0, |a| u64::from(u32::from_le_bytes(a)))
    };
    let byte = |at: usize| b.get(at).map_or(0, |&x| u64::from(x));
    let (lo, hi) = if n > 8 {
        (load8(0), load8(n - 8) >> (8 * (16 - n)))
    } else if n == 8 {
        (load8(0), 0)
    } else if n >= 4 {
        (load4(0) | (load4(n - 4) << (8 * (n - 4))), 0)
    } else if n > 0 {
        (
            byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1))),
            0,
        )
    } else {
        (0, 0)
    };
    let hi = hi | ((n as u64) << 56);
    Some(u128::from(lo) | (u128::from(hi) << 64))
}

impl Guards {
    fn parse(text: &str) -> Guards {
        let mut g = Guards::default();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let Some((kind, entry)) = line.split_once('\t') else {
                continue;
            };
            let entry = entry.trim();
            let bit = match kind {
                "never" => class::NEVER,
                "common" => class::COMMON,
                "given" => class::GIVEN,
                "person" => class::PERSON,
                "first" => class::FIRST,
                "title" => class::TITLE,
                "cue" => match entry.split_once(' ') {
                    Some((a, b)) => {
                        g.cue2.insert(format!("{a} {b}"));
                        g.add(b, class::CUE2_TAIL);
                        continue;
                    }
                    None => class::CUE,
                },
                "speech" => match entry.split_once(' ') {
                    Some((a, b)) => {
                        g.speech2.insert(format!("{a} {b}"));
                        continue;
                    }
                    None => class::SPEECH,
                },
                "suffix" => class::SUFFIX,
                "connector" => {
                    g.connector_len = g.connector_len.max(entry.len());
                    class::CONNECTOR
                }
                "direction" => class::DIRECTION,
                "notafter" => class::NOTAFTER,
                "institution" => class::INSTITUTION,
                _ => continue,
            };
            g.add(entry, bit);
        }
        g
    }

    fn add(&mut self, word: &str, bit: u16) {
        match short_key(word) {
            Some(k) => self.short.add(k, bit),
            None => *self.classes.entry(word.into()).or_default() |= bit,
        }
    }

    /// The class bits of `word` (0 for a word no list has).
    #[inline]
    fn class(&self, word: &str) -> u16 {
        match short_key(word) {
            Some(k) => self.short.get(k),
            None => self.classes.get(word).copied().unwrap_or(0),
        }
    }

    /// Whether the words `a` and `b` (lower case) are a two-word speech verb.
    fn is_speech_pair(&self, a: &str, b: &str) -> bool {
        let mut buf = [0u8; 2 * LOWER_BUF + 1];
        let n = a.len() + 1 + b.len();
        match buf.get_mut(..n) {
            Some(dst) => {
                dst[..a.len()].copy_from_slice(a.as_bytes());
                dst[a.len()] = b' ';
                dst[a.len() + 1..].copy_from_slice(b.as_bytes());
                std::str::from_utf8(dst).is_ok_and(|k| self.speech2.contains(k))
            }
            None => self.speech2.contains(&format!("{a} {b}")),
        }
    }

    /// Whether `word` is in a list of `classes`.
    fn is(&self, word: &str, classes: u16) -> bool {
        self.class(word) & classes != 0
    }
}

/// Finds place names in text and resolves them to gazetteer entries.
pub struct PlaceRecognizer {
    gaz: &'static Gazetteer,
    countries: &'static Countries,
    guards: Guards,
    abbrev: Option<AhoCorasick>,
    /// Gazetteer entry of each abbreviation, and whether it is a region's (taken only after
    /// "Place,").
    abbrev_entry: Vec<(u32, bool)>,
    /// Whether each abbreviation may stand alone (not only after "Place,").
    abbrev_alone: Vec<bool>,
    /// Whether every abbreviation starts with a capital letter (see `abbreviations`).
    abbrev_anchored: bool,
    /// The first two bytes of every abbreviation, as a bit set over byte pairs (`None` when an
    /// abbreviation is shorter than two bytes): no abbreviation starts where the pair is unset.
    abbrev_pairs: Option<Vec<u64>>,
    /// Gazetteer entry of each country, by ISO alpha-2 code.
    country_entry: FastMap<String, u32>,
    /// The packed fields and prior score of each gazetteer entry, by entry index.
    readings: Vec<Reading>,
    /// The ISO alpha-3 code of each country number of the gazetteer rows (`None` where the
    /// country table has no such country).
    iso3: Vec<Option<&'static str>>,
}

/// What resolution compares of a gazetteer entry, in one place: its packed fields and its prior
/// score (see [`prior`]).
#[derive(Debug, Clone, Copy)]
struct Reading {
    row: Row,
    prior: f64,
}

impl std::fmt::Debug for PlaceRecognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlaceRecognizer({:?})", self.gaz)
    }
}

impl Default for PlaceRecognizer {
    fn default() -> Self {
        PlaceRecognizer::new()
    }
}

#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    /// End without a possessive `'s`.
    stem_end: usize,
    cap: bool,
    initial: bool,
}

#[derive(Debug, Clone)]
struct Candidate {
    first: usize,
    last: usize,
    span: Span,
    /// Gazetteer entries of the name (borrowed from the gazetteer for exact readings).
    entries: Cow<'static, [u32]>,
    rule: &'static str,
    cue: bool,
    fuzzy: bool,
    /// Entry forced by containment ("Paris, Texas").
    forced: Option<u32>,
    /// Region or country this candidate was found to contain ("Texas" in "Paris, Texas").
    container_of: bool,
}

/// Longest word lower-cased on the stack by [`lower_ascii`].
const LOWER_BUF: usize = 24;

/// `word` in lower case, written into `buf`; `None` when it is not ASCII or longer than the
/// buffer (guard words are short ASCII words, so such a word matches none of them).
fn lower_ascii<'b>(word: &str, buf: &'b mut [u8; LOWER_BUF]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if bytes.len() > LOWER_BUF || !bytes.is_ascii() {
        return None;
    }
    let out = buf.get_mut(..bytes.len())?;
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b.to_ascii_lowercase();
    }
    std::str::from_utf8(out).ok()
}

/// `word` in lower case, on the stack in `buf` when it is short and ASCII.
fn lowered<'b>(word: &'b str, buf: &'b mut [u8; LOWER_BUF]) -> Cow<'b, str> {
    match lower_ascii(word, buf) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(word.to_lowercase()),
    }
}

/// Index of a pair of bytes in a bit set of 65,536 bits.
fn byte_pair(a: u8, b: u8) -> usize {
    (usize::from(a) << 8) | usize::from(b)
}

/// "NEW YORK" → "New York".
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for ch in s.chars() {
        if start {
            out.push(ch);
        } else {
            out.extend(ch.to_lowercase());
        }
        start = !ch.is_alphanumeric();
    }
    out
}

fn first_upper(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => s.chars().next().is_some_and(char::is_uppercase),
    }
}

/// The length of `word` (the bytes of a whole word) without a possessive `'s` (`’s`, `ʼs`).
fn possessive_stem(word: &[u8]) -> usize {
    let n = word.len();
    match word {
        [.., b'\'', b's'] => n - 2,
        // U+2019 and U+02BC in UTF-8.
        [.., 0xE2, 0x80, 0x99, b's'] => n - 4,
        [.., 0xCA, 0xBC, b's'] => n - 3,
        _ => n,
    }
}

/// How likely a name stands for this entry before any context: continents, countries and
/// first-level regions first, then cities by population (capitals raised).
fn prior(p: &Row) -> f64 {
    match p.kind {
        PlaceKind::Country => 20.0,
        PlaceKind::Region if p.feature == feature::CONT => 22.0,
        PlaceKind::Region if p.feature == feature::ADM1 => 15.0,
        PlaceKind::Region => 9.0,
        PlaceKind::City => {
            let base = 2.0 * ((p.population as f64) + 10.0).log10();
            if p.feature == feature::PPLC {
                base + 4.0
            } else {
                base
            }
        }
    }
}

impl PlaceRecognizer {
    /// A recognizer over the embedded gazetteer, country table and guard lists.
    pub fn new() -> PlaceRecognizer {
        let gaz = Gazetteer::builtin();
        let countries = Countries::builtin();
        let mut guards = Guards::parse(GUARDS_TSV);
        let mut country_entry = FastMap::default();
        let mut region_code = FastMap::default();
        for (i, p) in gaz.entries().enumerate() {
            if p.kind() == PlaceKind::Country {
                country_entry.insert(p.country().to_string(), i as u32);
            } else if p.kind() == PlaceKind::Region && !p.code().is_empty() {
                region_code.entry(p.code().to_string()).or_insert(i as u32);
            }
        }
        for first in countries
            .all()
            .iter()
            .flat_map(|c| &c.demonyms)
            .filter_map(|d| d.split(' ').next())
        {
            guards.add(first, class::DEMONYM_FIRST);
        }
        let mut pats = Vec::new();
        let mut abbrev_entry = Vec::new();
        let mut abbrev_alone = Vec::new();
        for c in countries.all() {
            let Some(&entry) = country_entry.get(&c.iso2) else {
                continue;
            };
            for a in &c.abbreviations {
                pats.push(a.clone());
                abbrev_entry.push((entry, false));
                abbrev_alone.push(true);
            }
        }
        for line in REGION_ABBREV_TSV.lines() {
            if line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() >= 2
                && let Some(&entry) = region_code.get(f[1].trim())
            {
                pats.push(f[0].to_string());
                abbrev_entry.push((entry, true));
                abbrev_alone.push(f.get(2).is_some_and(|x| x.trim() == "alone"));
            }
        }
        // Every abbreviation starts with a capital letter, so it is searched for only where a
        // capitalized word starts (anchored); otherwise the whole text is scanned.
        let abbrev_anchored = pats
            .iter()
            .all(|p: &String| p.chars().next().is_some_and(char::is_uppercase));
        let abbrev_pairs = pats.iter().all(|p| p.len() >= 2).then(|| {
            let mut bits = vec![0u64; 1 << 10];
            for p in &pats {
                let k = byte_pair(p.as_bytes()[0], p.as_bytes()[1]);
                bits[k >> 6] |= 1 << (k & 63);
            }
            bits
        });
        let abbrev = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&pats)
            .ok();
        PlaceRecognizer {
            gaz,
            countries,
            guards,
            abbrev,
            abbrev_entry,
            abbrev_alone,
            abbrev_anchored,
            abbrev_pairs,
            country_entry,
            iso3: {
                let mut iso3 = vec![None; gaz.country_count() + 1];
                iso3[0] = countries.by_code("").map(|c| c.iso3.as_str());
                for (code, number) in gaz.country_codes() {
                    if let Some(slot) = iso3.get_mut(number as usize) {
                        *slot = countries.by_code(code).map(|c| c.iso3.as_str());
                    }
                }
                iso3
            },
            readings: gaz
                .rows()
                .map(|row| Reading {
                    row,
                    prior: prior(&row),
                })
                .collect(),
        }
    }

    /// The words of `text`, and the indexes of the capitalized ones.
    fn words(&self, text: &str, sentences: &[Sentence]) -> (Vec<Word>, Vec<usize>) {
        let mut starts: Vec<usize> = sentences.iter().map(|s| s.span.start).collect();
        starts.sort_unstable();
        let mut next_start = 0;
        let mut prev_end: Option<usize> = None;
        let mut words = Vec::with_capacity(text.len() / 4 + 1);
        let mut caps = Vec::with_capacity(text.len() / 16 + 1);
        let bytes = text.as_bytes();
        each_word(text, |s, e| {
            let w = bytes.get(s..e).unwrap_or_default();
            let initial = if sentences.is_empty() {
                prev_end.is_none_or(|p| text[p..s].contains(['.', '!', '?', '\n']))
            } else {
                let mut init = false;
                while next_start < starts.len() && starts[next_start] <= s {
                    init = true;
                    next_start += 1;
                }
                init
            };
            prev_end = Some(e);
            let cap = match w.first() {
                Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
                _ => first_upper(&text[s..e]),
            };
            if cap {
                caps.push(words.len());
            }
            words.push(Word {
                start: s,
                end: e,
                stem_end: s + possessive_stem(w),
                cap,
                initial,
            });
        });
        (words, caps)
    }

    /// Finds and resolves the places named in `text`.
    ///
    /// `sentences` (may be empty) tells which words start a sentence; `context` gives hints for
    /// ambiguous names. Never fails: unknown or unresolvable names are left out.
    pub fn recognize(
        &self,
        text: &str,
        sentences: &[Sentence],
        context: &PlaceContext,
    ) -> Vec<PlaceMention> {
        let (words, caps) = self.words(text, sentences);
        let surnames = self.surnames(text, &words, &caps);
        let mut cands = Vec::new();
        self.abbreviations(text, &words, &caps, &mut cands);
        let taken: Vec<Span> = cands.iter().map(|c| c.span).collect();
        cands.extend(
            self.candidates(text, &words, &caps)
                .into_iter()
                .filter(|c| !taken.iter().any(|t| t.overlaps(c.span))),
        );
        cands.sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end)));
        self.containment(text, &mut cands);
        let outlet = context
            .outlet_country
            .as_deref()
            .and_then(|c| self.countries.by_code(c))
            .map(|c| c.iso2.clone());
        self.resolve(text, &words, &cands, outlet.as_deref(), &surnames)
    }

    /// Words the document uses as surnames: the word after a first name or a title
    /// ("David Jones", "President Obama"), so that a later "Jones said" is a person too.
    fn surnames<'t>(&self, text: &'t str, words: &[Word], caps: &[usize]) -> FastSet<&'t str> {
        let mut out = FastSet::default();
        for &k in caps {
            let (Some(a), Some(b)) = (words.get(k), words.get(k + 1)) else {
                continue;
            };
            if !(a.cap && b.cap) {
                continue;
            }
            let gap = &text[a.end..b.start];
            if !(gap == " " || gap == ". ") {
                continue;
            }
            let aw = &text[a.start..a.end];
            if self.guards.is(aw, class::BEFORE_SURNAME) {
                out.insert(Self::word_text(text, b));
            }
        }
        out
    }

    fn word_text<'t>(text: &'t str, w: &Word) -> &'t str {
        &text[w.start..w.stem_end]
    }

    fn has_cue(&self, text: &str, words: &[Word], first: usize) -> bool {
        if first == 0 {
            return false;
        }
        let prev = &words[first - 1];
        // The gap must stay inside one clause.
        let gap = &text[prev.end..words[first].start];
        if gap.contains(['.', ';', '\n', '(', ')']) {
            return false;
        }
        let mut b1 = [0u8; LOWER_BUF];
        let Some(p1) = lower_ascii(&text[prev.start..prev.end], &mut b1) else {
            return false;
        };
        let c1 = self.guards.class(p1);
        if c1 & class::CUE != 0 {
            return true;
        }
        if c1 & class::CUE2_TAIL != 0 && first >= 2 {
            let mut b2 = [0u8; LOWER_BUF];
            let w2 = &words[first - 2];
            if let Some(p2) = lower_ascii(&text[w2.start..w2.end], &mut b2) {
                let mut both = [0u8; 2 * LOWER_BUF + 1];
                let n = p2.len() + 1 + p1.len();
                if let Some(dst) = both.get_mut(..n) {
                    dst[..p2.len()].copy_from_slice(p2.as_bytes());
                    dst[p2.len()] = b' ';
                    dst[p2.len() + 1..].copy_from_slice(p1.as_bytes());
                    if std::str::from_utf8(dst).is_ok_and(|k| self.guards.cue2.contains(k)) {
                        return true;
                    }
                }
            }
        }
        false
    }

    fn candidates<'t>(&self, text: &'t str, words: &[Word], caps: &[usize]) -> Vec<Candidate> {
        let mut out = Vec::new();
        // One-edit readings of the words tried so far in this document.
        let mut fuzzy_cache: FastMap<(&'t str, bool), Vec<u32>> = FastMap::default();
        let mut country_cache: FastMap<(&'t str, bool), Vec<u32>> = FastMap::default();
        let mut i = 0;
        let mut key = String::new();
        // The next capitalized word at or after `i`, as an index into `caps`.
        let mut next_cap = 0;
        while i < words.len() {
            if !words[i].cap {
                // Jump to the next capitalized word.
                while caps.get(next_cap).is_some_and(|&k| k < i) {
                    next_cap += 1;
                }
                match caps.get(next_cap) {
                    Some(&k) => i = k,
                    None => break,
                }
                continue;
            }
            let mut found: Option<(usize, &[u32], usize)> = None;
            let mut limit = i;
            // Extend over words joined by plain spaces (or "St. ") whose inner words are
            // capitalized or connectors.
            while limit + 1 < words.len() && limit + 1 - i < MAX_WORDS {
                let gap = &text[words[limit].end..words[limit + 1].start];
                let plain = !gap.is_empty()
                    && gap.len() <= 3
                    && gap.bytes().all(|c| c == b' ' || c == b'.')
                    && gap.bytes().filter(|&c| c == b'.').count() <= 1;
                if !plain {
                    break;
                }
                let next = &words[limit + 1];
                let nw = &text[next.start..next.end];
                if !(next.cap
                    || (nw.len() <= self.guards.connector_len
                        && self.guards.is(nw, class::CONNECTOR)))
                {
                    break;
                }
                if gap.contains('.')
                    && !(limit == i && text[words[i].start..words[i].end].len() <= 3)
                {
                    break;
                }
                limit += 1;
            }
            // A demonym ("North Korean", "Russians") stands for its country.
            let mut demonym: Option<(usize, u32)> = None;
            let maybe_demonym = self.guards.is(
                &text[words[i].start..words[i].stem_end],
                class::DEMONYM_FIRST,
            ) || (words[i].stem_end < words[i].end
                && self
                    .guards
                    .is(&text[words[i].start..words[i].end], class::DEMONYM_FIRST));
            for last in (i..=limit.min(i + 2)).rev().filter(|_| maybe_demonym) {
                let from = words[i].start;
                let to = words[last].stem_end;
                if let Some(c) = self.countries.by_demonym(&text[from..to])
                    && let Some(&e) = self.country_entry.get(&c.iso2)
                {
                    demonym = Some((last, e));
                    break;
                }
            }
            // A dateline starts a line or follows a headline's period.
            let line_start = || {
                text[..words[i].start]
                    .rsplit('\n')
                    .next()
                    .is_some_and(|l| l.trim().is_empty() || l.trim_end().ends_with('.'))
            };
            // Exact readings of every run from word i, found in one walk of the name automaton
            // (skipped when no name starts with the first word).
            let w0 = &words[i];
            let stem0 = &text[w0.start..w0.stem_end];
            let mut run_hits: [&[u32]; MAX_WORDS] = [&[]; MAX_WORDS];
            // The first word's automaton state comes from a table, so only the words after it
            // are walked.
            let mut cursor = self.gaz.cursor_after(stem0);
            if cursor.is_none()
                && w0.stem_end < w0.end
                && self.gaz.may_start(&text[w0.start..w0.end])
            {
                // A name whose first word ends in "'s" ("Martha's Vineyard").
                let mut c = self.gaz.cursor();
                if c.push(stem0) {
                    cursor = Some(c);
                }
            }
            if let Some(mut cursor) = cursor {
                for (n, w) in words[i..=limit].iter().enumerate() {
                    if n > 0 && (!cursor.push(" ") || !cursor.push(&text[w.start..w.stem_end])) {
                        break;
                    }
                    if let Some(slot) = run_hits.get_mut(n) {
                        *slot = cursor.hits();
                    }
                    if !cursor.push(&text[w.stem_end..w.end]) {
                        break;
                    }
                }
            }
            for last in (i..=limit).rev() {
                if !words[last].cap {
                    continue;
                }
                let mut hits = run_hits.get(last - i).copied().unwrap_or(&[]);
                let mut end = words[last].stem_end;
                if !hits.is_empty() {
                    found = Some((last, hits, end));
                    break;
                }
                if last == i && stem0.contains('-') {
                    // "Seoul-based": drop a location suffix.
                    let mut buf = [0u8; LOWER_BUF];
                    if let Some((head, tail)) = stem0.rsplit_once('-')
                        && lower_ascii(tail, &mut buf)
                            .is_some_and(|t| self.guards.is(t, class::SUFFIX))
                    {
                        hits = self.gaz.lookup_key(&head.replace('\u{2019}', "'"));
                        end = words[i].start + head.len();
                    }
                }
                if hits.is_empty()
                    && !text[words[i].start..end].chars().any(char::is_lowercase)
                    && text[words[i].start..end].len() >= 4
                {
                    key.clear();
                    for (n, w) in words[i..=last].iter().enumerate() {
                        if n > 0 {
                            key.push(' ');
                        }
                        let end = if n + i == last { w.stem_end } else { w.end };
                        key.push_str(&text[w.start..end].replace('\u{2019}', "'"));
                    }
                    if key.len() >= 4 && line_start() {
                        // A dateline in capitals ("CHARLESTON, W.Va. —").
                        let title = title_case(&key);
                        hits = self.gaz.lookup_key(&title);
                    }
                }
                if !hits.is_empty() {
                    found = Some((last, hits, end));
                    break;
                }
            }
            if let Some((last, entry)) = demonym
                && found.is_none_or(|(l, _, _)| l <= last)
            {
                out.push(Candidate {
                    first: i,
                    last,
                    span: Span::new(words[i].start, words[last].stem_end),
                    entries: Cow::Owned(vec![entry]),
                    rule: "places/demonym",
                    cue: false,
                    fuzzy: false,
                    forced: None,
                    container_of: false,
                });
                i = last + 1;
                continue;
            }
            match found {
                Some((last, hits, end)) => {
                    let w0 = &words[i];
                    let span = Span::new(w0.start, end);
                    let suffix_cue = end < words[last].end;
                    out.push(Candidate {
                        first: i,
                        last,
                        span,
                        entries: Cow::Borrowed(hits),
                        rule: "places/exact",
                        cue: suffix_cue || self.has_cue(text, words, i),
                        fuzzy: false,
                        forced: None,
                        container_of: false,
                    });
                    i = last + 1;
                }
                None => {
                    if self.fuzzy_word_ok(text, words, i, 7) {
                        if let Some(c) = self.fuzzy_country(text, words, i, &mut country_cache) {
                            out.push(c);
                        } else if let Some(c) = self.fuzzy(text, words, i, &mut fuzzy_cache) {
                            out.push(c);
                        }
                    }
                    i += 1;
                }
            }
        }
        out
    }

    fn fuzzy<'t>(
        &self,
        text: &'t str,
        words: &[Word],
        i: usize,
        cache: &mut FastMap<(&'t str, bool), Vec<u32>>,
    ) -> Option<Candidate> {
        let w = &words[i];
        let word = Self::word_text(text, w);
        if w.initial {
            return None;
        }
        if self.countries.by_name(word).is_some() {
            return None;
        }
        // In a list of names ("Omsk, Tomsk and ..."), which counts as a location cue.
        let listed = i > 0 && {
            let prev = &words[i - 1];
            let gap = text[prev.end..w.start].trim();
            let pw = &text[prev.start..prev.end];
            (gap == "," && prev.cap) || ((pw == "and" || pw == "or") && i > 1 && words[i - 2].cap)
        };
        // Without a cue, only a large place can be accepted (see `resolve`), so only those are
        // searched for.
        let cue = self.has_cue(text, words, i) || listed;
        let entries = cache
            .entry((word, cue))
            .or_insert_with(|| {
                if cue {
                    self.gaz.lookup_fuzzy_word(word)
                } else {
                    self.gaz.lookup_fuzzy_word_major(word)
                }
            })
            .clone();
        if entries.is_empty() {
            return None;
        }
        Some(Candidate {
            first: i,
            last: i,
            span: Span::new(w.start, w.stem_end),
            entries: Cow::Owned(entries),
            rule: "places/fuzzy",
            cue,
            fuzzy: true,
            forced: None,
            container_of: false,
        })
    }

    /// A one-word country name with one letter wrong, missing or extra ("Afganistan",
    /// "Kazakstan"): a word of seven letters or more one edit away from a country's own name,
    /// with the same first and last letters.
    fn fuzzy_country<'t>(
        &self,
        text: &'t str,
        words: &[Word],
        i: usize,
        cache: &mut FastMap<(&'t str, bool), Vec<u32>>,
    ) -> Option<Candidate> {
        let w = &words[i];
        let word = Self::word_text(text, w);
        let entries = cache
            .entry((word, false))
            .or_insert_with(|| self.gaz.lookup_fuzzy_country(word));
        if entries.is_empty() {
            return None;
        }
        Some(Candidate {
            first: i,
            last: i,
            span: Span::new(w.start, w.stem_end),
            entries: Cow::Owned(entries.clone()),
            rule: "places/fuzzy/country",
            cue: self.has_cue(text, words, i),
            fuzzy: true,
            forced: None,
            container_of: false,
        })
    }

    /// Whether the single word `i` may be read as a misspelled name: at least `min_chars`
    /// letters, not a guard word, not inside a run of capitalized words (a person's or an
    /// organization's name).
    fn fuzzy_word_ok(&self, text: &str, words: &[Word], i: usize, min_chars: usize) -> bool {
        let w = &words[i];
        let word = Self::word_text(text, w);
        // Cheap tests first: byte length bounds the number of characters.
        if word.len() < min_chars {
            return false;
        }
        let cap_before =
            i > 0 && words[i - 1].cap && !text[words[i - 1].end..w.start].contains([',', '.']);
        let cap_after = i + 1 < words.len()
            && words[i + 1].cap
            && !text[w.end..words[i + 1].start].contains([',', '.']);
        if cap_before || cap_after {
            return false;
        }
        if word.chars().count() < min_chars
            || !word.chars().all(char::is_alphabetic)
            || self.guards.is(
                word,
                class::NEVER | class::COMMON | class::FIRST | class::PERSON,
            )
        {
            return false;
        }
        true
    }

    fn abbreviations(&self, text: &str, words: &[Word], caps: &[usize], out: &mut Vec<Candidate>) {
        let Some(abbrev) = &self.abbrev else { return };
        let found: Vec<aho_corasick::Match> = if self.abbrev_anchored {
            let mut v = Vec::new();
            let mut from = 0;
            // Capitals right after a hyphen inside a word ("Egypt-US", "anti-U.S."), merged in
            // order with the starts of capitalized words.
            let bytes = text.as_bytes();
            let hyphens: Vec<usize> = text
                .match_indices('-')
                .map(|(k, _)| k + 1)
                .filter(|&k| bytes.get(k).is_some_and(u8::is_ascii_uppercase))
                .collect();
            let mut h = 0;
            let mut try_at = |start: usize, v: &mut Vec<aho_corasick::Match>| {
                if start < from {
                    return;
                }
                if let (Some(bits), Some(&b0), Some(&b1)) =
                    (&self.abbrev_pairs, bytes.get(start), bytes.get(start + 1))
                {
                    let k = byte_pair(b0, b1);
                    if bits[k >> 6] & (1 << (k & 63)) == 0 {
                        return;
                    }
                }
                let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                if let Ok(Some(m)) = abbrev.try_find(input) {
                    from = m.end();
                    v.push(m);
                }
            };
            // Only capitalized words are tried; hyphens before each are tried first, so the
            // positions are tried in order.
            for w in caps.iter().filter_map(|&k| words.get(k)) {
                while let Some(&p) = hyphens.get(h).filter(|&&p| p < w.start) {
                    try_at(p, &mut v);
                    h += 1;
                }
                try_at(w.start, &mut v);
            }
            for &p in hyphens.get(h..).unwrap_or_default() {
                try_at(p, &mut v);
            }
            v
        } else {
            abbrev.find_iter(text).collect()
        };
        for m in found {
            let before_ok = text[..m.start()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after_ok = text[m.end()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if !before_ok || !after_ok {
                continue;
            }
            let span = Span::new(m.start(), m.end());
            let Some(&(entry, region)) = self.abbrev_entry.get(m.pattern().as_usize()) else {
                continue;
            };
            let alone = self
                .abbrev_alone
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or(false);
            if region && !alone && !text[..m.start()].trim_end_matches(' ').ends_with(',') {
                continue;
            }
            let first = words
                .partition_point(|w| w.start < m.start())
                .min(words.len().saturating_sub(1));
            let last = words
                .partition_point(|w| w.end <= m.end())
                .saturating_sub(1);
            out.push(Candidate {
                first,
                last: last.max(first),
                span,
                entries: Cow::Owned(vec![entry]),
                rule: if region && !alone {
                    "places/abbreviation/region"
                } else {
                    "places/abbreviation"
                },
                cue: self.has_cue(text, words, first),
                fuzzy: false,
                forced: None,
                container_of: false,
            });
        }
    }

    /// "Paris, Texas", "Alexandria, Louisiana": a place followed by a comma and a region or
    /// country that contains one of its readings.
    fn containment(&self, text: &str, cands: &mut [Candidate]) {
        for k in 0..cands.len().saturating_sub(1) {
            let (a, b) = (&cands[k], &cands[k + 1]);
            let gap = text.get(a.span.end..b.span.start).unwrap_or("");
            if gap.trim() != "," {
                continue;
            }
            let a_is_country = a
                .entries
                .iter()
                .any(|&e| self.row(e).is_some_and(|p| p.kind == PlaceKind::Country));
            if a_is_country {
                continue;
            }
            let mut best: Option<(u32, u32, u64)> = None;
            for &ea in a.entries.iter() {
                let Some(pa) = self.row(ea) else {
                    continue;
                };
                for &eb in b.entries.iter() {
                    let Some(pb) = self.row(eb) else {
                        continue;
                    };
                    if ea == eb || pb.kind == PlaceKind::City || pa.kind == PlaceKind::Country {
                        continue;
                    }
                    let contains = pa.country == pb.country
                        && (pb.kind == PlaceKind::Country
                            || (pb.feature == feature::ADM1
                                && pb.admin != 0
                                && pb.admin == pa.admin));
                    // Regions rank above cities, then population decides.
                    let rank = if pa.kind == PlaceKind::Region {
                        u64::MAX
                    } else {
                        pa.population
                    };
                    if contains && best.is_none_or(|(_, _, r)| rank > r) {
                        best = Some((ea, eb, rank));
                    }
                }
            }
            if let Some((ea, eb, _)) = best {
                cands[k].forced = Some(ea);
                cands[k].cue = true;
                cands[k + 1].forced = Some(eb);
                cands[k + 1].container_of = true;
            }
        }
    }

    /// The prior score of the entry at `e` (NaN for an index without an entry).
    fn prior_of(&self, e: u32) -> f64 {
        self.readings
            .get((e & !crate::gazetteer::ALTERNATE) as usize)
            .map_or(f64::NAN, |r| r.prior)
    }

    /// The packed fields of the entry at `e` (alternate flag allowed).
    fn row(&self, e: u32) -> Option<&Row> {
        self.readings
            .get((e & !crate::gazetteer::ALTERNATE) as usize)
            .map(|r| &r.row)
    }

    fn keep(
        &self,
        text: &str,
        words: &[Word],
        c: &Candidate,
        surnames: &FastSet<&str>,
    ) -> Option<&'static str> {
        let single = c.first == c.last;
        let first_word = Self::word_text(text, &words[c.first]);
        let whole = c.span.slice(text);
        if c.rule == "places/demonym" {
            return Some(c.rule);
        }
        if self.guards.is(whole, class::NEVER) && !c.rule.starts_with("places/abbreviation") {
            return None;
        }
        let has_region_or_country = || {
            c.entries
                .iter()
                .any(|&e| self.row(e).is_some_and(|p| p.kind != PlaceKind::City))
        };
        let strong = c.cue || c.forced.is_some() || c.container_of;
        let next = words.get(c.last + 1);
        let next_cap = next.is_some_and(|n| {
            n.cap
                && text[words[c.last].end..n.start]
                    .bytes()
                    .all(|ch| ch == b' ')
        });
        let prev = c.first.checked_sub(1).map(|p| &words[p]);
        let prev_adjacent = prev.filter(|p| {
            p.cap
                && text[p.end..words[c.first].start]
                    .chars()
                    .all(|ch| ch == ' ' || ch == '.')
        });
        let prev_word = prev_adjacent.map(|p| &text[p.start..p.end]);
        if let Some(n) = next {
            let nw = &text[n.start..n.end];
            if self.guards.is(nw, class::NOTAFTER)
                && text[words[c.last].end..n.start]
                    .bytes()
                    .all(|ch| ch == b' ')
            {
                return None;
            }
        }
        if single {
            if first_word.chars().count() <= 2 && !c.rule.starts_with("places/abbreviation") {
                return None;
            }
            let fw = self.guards.class(first_word);
            if fw & class::NEVER != 0 && c.rule != "places/abbreviation" {
                return None;
            }
            if fw & class::COMMON != 0 && (!strong || words[c.first].initial) {
                return None;
            }
            let person_like =
                fw & (class::PERSON | class::FIRST) != 0 || surnames.contains(first_word);
            if person_like && (!c.cue || next_cap) && !c.container_of && c.forced.is_none() {
                return None;
            }
            // A single word matching only alternate names of small places ("Since").
            let weak_alternate = c.entries.iter().all(|&e| {
                Gazetteer::is_alternate(e)
                    && self
                        .row(e)
                        .is_none_or(|p| p.kind == PlaceKind::City && p.population < 100_000)
            });
            if weak_alternate && !strong {
                return None;
            }
            if fw & class::GIVEN != 0 && next_cap && !c.container_of {
                return None;
            }
        }
        if let Some(pw) = prev_word {
            let pc = self.guards.class(pw);
            if pc & class::TITLE != 0 {
                return None;
            }
            if pc & (class::GIVEN | class::PERSON | class::FIRST) != 0
                && !words[c.first - 1].initial
                && !has_region_or_country()
            {
                return None;
            }
        }
        if c.rule == "places/abbreviation/region" && !c.container_of {
            return None;
        }
        if c.fuzzy {
            return Some(c.rule);
        }
        if next_cap && !strong && single {
            // Inside an organization or person name ("Dublin Road", "Toyota Motor"): kept
            // only for countries and first-level regions ("Queensland Health").
            let big = c.entries.iter().any(|&e| {
                self.row(e)
                    .is_some_and(|p| p.kind == PlaceKind::Country || p.feature == feature::ADM1)
            });
            let seat =
                next.is_some_and(|n| self.guards.is(&text[n.start..n.end], class::INSTITUTION));
            return (big || seat).then_some("places/in_name");
        }
        Some(c.rule)
    }

    fn resolve(
        &self,
        text: &str,
        words: &[Word],
        cands: &[Candidate],
        outlet: Option<&str>,
        surnames: &FastSet<&str>,
    ) -> Vec<PlaceMention> {
        // Keep the candidates that pass the guards.
        let kept: Vec<(usize, &'static str)> = cands
            .iter()
            .enumerate()
            .filter_map(|(k, c)| self.keep(text, words, c, surnames).map(|r| (k, r)))
            .collect();
        // Document context: countries and regions of unambiguous or strong readings, by
        // country number and (country, admin1) numbers of the gazetteer rows.
        // Sized for the candidates up front (only looked up, never iterated): no rehashing.
        let n = kept.len();
        let mut country_votes: FastMap<u32, f64> =
            FastMap::with_capacity_and_hasher(n, Default::default());
        let mut admin_votes: FastMap<(u32, u32), f64> =
            FastMap::with_capacity_and_hasher(n, Default::default());
        // What the mentions of each name voted for, so that a name does not count as its own
        // context: the readings of "Santa Ana" repeated ten times are no evidence for each other
        // (readings forced by "Santa Ana, California" are, and stay out of this tally). Keyed by
        // (name number, country, admin1 or 0).
        let mut own_vote: FastMap<(u32, u32, u32), f64> =
            FastMap::with_capacity_and_hasher(2 * n, Default::default());
        // The number of each kept candidate's name: equal names, equal numbers.
        let mut name_numbers: FastMap<&str, u32> =
            FastMap::with_capacity_and_hasher(n, Default::default());
        let name_of: Vec<u32> = kept
            .iter()
            .map(|&(k, _)| {
                let next = name_numbers.len() as u32;
                *name_numbers
                    .entry(cands[k].span.slice(text))
                    .or_insert(next)
            })
            .collect();
        for (n, &(k, rule)) in kept.iter().enumerate() {
            let c = &cands[k];
            if c.fuzzy {
                continue;
            }
            let best = match c.forced {
                Some(e) => Some(e),
                None => c
                    .entries
                    .iter()
                    .map(|&e| (e, self.prior_of(e)))
                    .filter(|&(e, _)| self.row(e).is_some())
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(e, _)| e),
            };
            let Some(p) = best.and_then(|e| self.row(e)) else {
                continue;
            };
            if rule == "places/in_name" && p.kind == PlaceKind::City {
                continue;
            }
            let clear = c.forced.is_some()
                || p.kind != PlaceKind::City
                || c.entries
                    .iter()
                    .all(|&e| self.row(e).is_some_and(|q| q.country == p.country));
            if clear {
                *country_votes.entry(p.country).or_default() += 1.0;
                let admin = if p.kind != PlaceKind::Country && p.admin != 0 {
                    *admin_votes.entry((p.country, p.admin)).or_default() += 1.0;
                    p.admin
                } else {
                    0
                };
                if c.forced.is_none() {
                    let name = name_of[n];
                    *own_vote.entry((name, p.country, 0)).or_default() += 1.0;
                    if admin != 0 {
                        *own_vote.entry((name, p.country, admin)).or_default() += 1.0;
                    }
                }
            }
        }
        let outlet = outlet.and_then(|o| self.gaz.country_number(o));
        let mut out = Vec::with_capacity(kept.len());
        // Regions among the entries of one candidate, as (country, admin1) numbers.
        let mut regions: Vec<(u32, u32)> = Vec::new();
        for (n, &(k, rule)) in kept.iter().enumerate() {
            let c = &cands[k];
            regions.clear();
            regions.extend(c.entries.iter().filter_map(|&r| {
                self.row(r)
                    .filter(|q| q.kind == PlaceKind::Region)
                    .map(|q| (q.country, q.admin))
            }));
            // A country's own name is not read as a city of the same name ("Mexico").
            let named_country = c.entries.iter().find_map(|&e| {
                self.row(e)
                    .filter(|p| p.kind == PlaceKind::Country)
                    .map(|p| p.country)
            });
            let names_country = named_country.is_some();
            let name = name_of[n];
            let chosen = match c.forced {
                Some(e) => Some((e, 30.0)),
                None => c
                    .entries
                    .iter()
                    .filter_map(|&e| self.row(e).map(|p| (e, p, self.prior_of(e))))
                    .filter(|(_, p, _)| {
                        // Nor as a region of that same country ("Taiwan" the province).
                        let city_of_name = names_country && p.kind == PlaceKind::City;
                        let own_region =
                            p.kind == PlaceKind::Region && named_country == Some(p.country);
                        !(city_of_name || own_region)
                    })
                    .map(|(e, p, prior)| {
                        let mut s = prior;
                        if Gazetteer::is_alternate(e) {
                            s -= 3.0;
                        }
                        // A city named like the region around it ("Donetsk") stands for the city.
                        let namesake = p.kind == PlaceKind::City
                            && regions
                                .iter()
                                .any(|&(country, admin)| country == p.country && admin == p.admin);
                        if namesake {
                            s = s.max(15.5);
                        }
                        let votes = country_votes.get(&p.country).copied().unwrap_or(0.0);
                        let own = own_vote.get(&(name, p.country, 0)).copied().unwrap_or(0.0);
                        s += 3.0 * (votes - own).clamp(0.0, 3.0);
                        if outlet == Some(p.country) {
                            s += 3.0;
                        }
                        // Cities in a region the document names, regions holding its cities.
                        let in_admin = admin_votes
                            .get(&(p.country, p.admin))
                            .copied()
                            .unwrap_or(0.0);
                        let own_admin = own_vote
                            .get(&(name, p.country, p.admin))
                            .copied()
                            .unwrap_or(0.0);
                        if p.kind != PlaceKind::Country && in_admin - own_admin > 0.0 {
                            s += 5.0;
                        }
                        (e, s)
                    })
                    .max_by(|a, b| a.1.total_cmp(&b.1)),
            };
            let Some((entry, score)) = chosen else {
                continue;
            };
            let gaz: &'static Gazetteer = self.gaz;
            let (Some(p), Some(row)) = (gaz.place(entry), self.row(entry)) else {
                continue;
            };
            if c.fuzzy && c.rule != "places/fuzzy/country" {
                // A misspelled name needs support: a cue, a list of places, or a large place
                // in a country the document already talks about.
                let in_country = country_votes.contains_key(&row.country);
                if !(c.cue || in_country && p.population >= 50_000) {
                    continue;
                }
            }
            let iso3 = match self.iso3.get(row.country as usize) {
                Some(&Some(code)) => code,
                _ => p.country.as_str(),
            };
            let mut confidence: f64 = match rule {
                "places/fuzzy" | "places/fuzzy/country" => 0.6,
                "places/in_name" => 0.4,
                "places/abbreviation" => 0.9,
                "places/demonym" => 0.5,
                _ => 0.75,
            };
            if c.cue {
                confidence += 0.1;
            }
            if c.forced.is_some() || p.kind == PlaceKind::Country {
                confidence += 0.1;
            }
            if c.entries.len() > 1 && c.forced.is_none() && score < 12.0 {
                confidence -= 0.1;
            }
            let rule = if c.forced.is_some() && !c.container_of {
                "places/exact/containment"
            } else if c.cue && rule == "places/exact" {
                "places/exact/cue"
            } else {
                rule
            };
            out.push(PlaceMention {
                span: c.span,
                text: c.span.slice(text).to_string(),
                name: Cow::Borrowed(&p.name),
                geonameid: p.geonameid,
                lat: p.lat,
                lon: p.lon,
                country: Cow::Borrowed(iso3),
                admin1: Cow::Borrowed(&p.admin1),
                feature_class: Cow::Borrowed(&p.feature_class),
                feature_code: Cow::Borrowed(&p.feature_code),
                precision: p.kind.precision(),
                population: p.population,
                rule: Cow::Borrowed(rule),
                confidence: confidence.clamp(0.0, 1.0),
                metonymy: false,
            });
        }
        self.metonymy(text, &mut out);
        out
    }

    fn is_government_seat(m: &PlaceMention) -> bool {
        (m.feature_code == "PPLC" || m.precision == "country") && m.rule != "places/demonym"
    }

    /// Marks capitals and countries that stand for governments: followed by a speech or
    /// attitude verb ("Moscow said", "Moscow and Pyongyang deny"), or capitals of different
    /// countries coordinated with each other ("between Moscow and Pyongyang").
    fn metonymy(&self, text: &str, mentions: &mut [PlaceMention]) {
        let n = mentions.len();
        let mut k = 0;
        while k < n {
            // Group coordinated mentions: "X and Y", "X, Y and Z".
            let mut end = k;
            while end + 1 < n {
                let gap = text
                    .get(mentions[end].span.end..mentions[end + 1].span.start)
                    .unwrap_or("");
                let g = gap.trim();
                if g == "and" || g == "," || g == ", and" || g == "or" {
                    end += 1;
                } else {
                    break;
                }
            }
            let group = &mentions[k..=end];
            let all_seats = group.iter().all(Self::is_government_seat);
            let speech = || {
                let after = text.get(mentions[end].span.end..).unwrap_or("");
                let after = after.strip_prefix(['\'', '\u{2019}']).unwrap_or(after);
                let window = after.get(..after.len().min(40)).unwrap_or("");
                // The first two words after the group, in lower case.
                let mut spans = [(0, 0); 2];
                let mut count = 0;
                each_word(window, |a, b| {
                    if let Some(s) = spans.get_mut(count) {
                        *s = (a, b);
                    }
                    count += 1;
                });
                let word = |k: usize| spans.get(k).and_then(|&(a, b)| window.get(a..b));
                let (mut b1, mut b2) = ([0u8; LOWER_BUF], [0u8; LOWER_BUF]);
                let Some(a) = word(0).filter(|_| count > 0) else {
                    return false;
                };
                let a = lowered(a, &mut b1);
                if self.guards.is(&a, class::SPEECH) {
                    return true;
                }
                match word(1).filter(|_| count > 1) {
                    Some(b) => self.guards.is_speech_pair(&a, &lowered(b, &mut b2)),
                    None => false,
                }
            };
            let capitals_of_different_countries = group.len() >= 2
                && group.iter().all(|m| m.feature_code == "PPLC")
                && group.iter().any(|m| m.country != group[0].country);
            // After "of" or "in" the name is a place ("the people of Russia").
            let modifier = || {
                let before = text.get(..mentions[k].span.start).unwrap_or("");
                before
                    .trim_end()
                    .rsplit(char::is_whitespace)
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("of") || w.eq_ignore_ascii_case("in"))
            };
            if all_seats && !modifier() && (capitals_of_different_countries || speech()) {
                for m in &mut mentions[k..=end] {
                    m.metonymy = true;
                }
            }
            k = end + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_the_bytes_and_the_length() {
        let text = "abcdefghijklmnopqrstuvwxyzÀÉü's-Ü";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let Some(w) = text.get(start..end) else {
                    continue;
                };
                let mut buf = [0u8; 16];
                let want = (w.len() <= SHORT_WORD).then(|| {
                    buf[..w.len()].copy_from_slice(w.as_bytes());
                    buf[15] = w.len() as u8;
                    u128::from_le_bytes(buf)
                });
                assert_eq!(short_key(w), want, "{w:?}");
            }
        }
    }
}
