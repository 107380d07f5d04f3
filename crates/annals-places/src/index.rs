//! The gazetteer's index: built from the TSV text and laid out as bytes that load without
//! parsing. The build script builds it once for the embedded gazetteer, so loading that one
//! only reads the entry table; [`crate::Gazetteer::from_tsv`] builds the same layout at run time.
//!
//! Layout: the magic bytes [`MAGIC`], then [`SECTIONS`] little-endian `u64` section lengths,
//! then the sections one after the other, in the order of the constants of [`section`]:
//!
//! - `NAMES`, `MAJOR`, `COUNTRY_NAMES`: `fst` maps from name key to postings range
//!   (`start << 24 | len`) over every name, over names of countries and cities of at least
//!   [`MAJOR_POPULATION`] people, and over names of countries;
//! - `POSTINGS`: `u32` entry indexes ([`ALTERNATE`] set for matches of an alternate name);
//! - `PLACES`: one [`RECORD`]-byte record per entry (see [`write_place`]);
//! - `STRINGS`: the UTF-8 text the records point into (each distinct string once);
//! - `FIRST_WORDS`: `(key hash, node address, output)` triples, `u64` each, of the automaton
//!   state after the first word of every name, sorted by hash and found through bucket offsets
//!   (see [`first_words_section`]);
//! - `DELETIONS`, `MAJOR_DELETIONS`, `COUNTRY_DELETIONS`: one-edit prefilters (see
//!   [`deletion_section`]);
//! - `MAJOR_ENDS`, `COUNTRY_ENDS`: `(first char, last char, length bits)` as `u32, u32, u64`;
//! - `ROWS`: one [`ROW`]-byte row per entry, the fields recognition compares (see
//!   [`write_place`]);
//! - `COUNTRY_CODES`: the country codes of the entries in the order of their numbers (see
//!   [`RECORD`]), each followed by a newline.

use crate::fasthash::{FastHasher, FastMap};
use fst::MapBuilder;
use fst::raw::Output;
use std::hash::Hasher;

/// Flag set on lookup results that matched an alternate name rather than the entry's own name.
pub const ALTERNATE: u32 = 1 << 31;

/// Population from which a city is searched for one-edit misspellings without a location cue.
pub const MAJOR_POPULATION: u64 = 50_000;

/// Shortest one-word name that the one-edit prefilters cover (the fuzzy searches of the
/// recognizer take words of six letters or more, so their matches have five or more).
pub const MIN_FUZZY_NAME: usize = 5;

/// First bytes of an index.
pub const MAGIC: &[u8; 8] = b"ANGAZIX3";

/// Section numbers of the index layout.
pub mod section {
    pub const NAMES: usize = 0;
    pub const MAJOR: usize = 1;
    pub const COUNTRY_NAMES: usize = 2;
    pub const POSTINGS: usize = 3;
    pub const PLACES: usize = 4;
    pub const STRINGS: usize = 5;
    pub const FIRST_WORDS: usize = 6;
    pub const DELETIONS: usize = 7;
    pub const MAJOR_DELETIONS: usize = 8;
    pub const COUNTRY_DELETIONS: usize = 9;
    pub const MAJOR_ENDS: usize = 10;
    pub const COUNTRY_ENDS: usize = 11;
    pub const ROWS: usize = 12;
    pub const COUNTRY_CODES: usize = 13;
}

/// Number of sections.
pub const SECTIONS: usize = 14;

/// Bytes of one entry record: geonameid `u32`, kind `u8` (0 country, 1 region, 2 city), flags
/// `u8` (1: latitude known, 2: longitude known), two spare bytes, latitude and longitude `f64`,
/// population `u64`, then six `(u32 offset, u16 length)` string references into `STRINGS`:
/// name, country, admin1, code, feature class, feature code; then the numbers (`u32`, counted
/// from 1, 0 for an empty code) of the admin1 and of the country code: equal codes, equal numbers.
pub const RECORD: usize = 32 + 6 * 6 + 8;

/// Bytes of one entry row: population `u64`, the numbers of the admin1 and of the country code
/// (`u32` each, as in the record), kind `u8` (as in the record), feature `u8` (one of the
/// `FEATURE_` constants), six spare bytes.
pub const ROW: usize = 24;

/// Feature number of any feature code but those below.
pub const FEATURE_OTHER: u8 = 0;
/// Feature number of `ADM1` (a first-level region).
pub const FEATURE_ADM1: u8 = 1;
/// Feature number of `PPLC` (a capital).
pub const FEATURE_PPLC: u8 = 2;
/// Feature number of `CONT` (a continent).
pub const FEATURE_CONT: u8 = 3;

/// The feature number of a feature code.
pub fn feature_number(code: &str) -> u8 {
    match code {
        "ADM1" => FEATURE_ADM1,
        "PPLC" => FEATURE_PPLC,
        "CONT" => FEATURE_CONT,
        _ => FEATURE_OTHER,
    }
}

/// Kind byte of a country record.
pub const KIND_COUNTRY: u8 = 0;
/// Kind byte of a region record.
pub const KIND_REGION: u8 = 1;
/// Kind byte of a city record.
pub const KIND_CITY: u8 = 2;

/// Normalizes a name to its lookup key: words (letters, digits, inner apostrophes and hyphens)
/// joined by one space, curly apostrophes made straight, periods and other punctuation dropped.
pub fn name_key(name: &str) -> String {
    // Most names are ASCII words joined by single spaces, which are their own key.
    let b = name.as_bytes();
    let plain = b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b' ')
        && !b.windows(2).any(|w| w == b"  ");
    if plain {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    for (s, e) in crate::tokens::word_spans(name) {
        if !out.is_empty() {
            out.push(' ');
        }
        for ch in name[s..e].chars() {
            out.push(if ch == '\u{2019}' { '\'' } else { ch });
        }
    }
    out
}

/// Hash of a lookup key as the first-word table compares it: the text with curly apostrophes
/// made straight.
pub fn key_hash(text: &str) -> u64 {
    let mut h = FastHasher::default();
    if !text.is_ascii() && text.contains('\u{2019}') {
        h.write(text.replace('\u{2019}', "'").as_bytes());
    } else {
        h.write(text.as_bytes());
    }
    h.finish()
}

/// A byte-wise FNV-1a hash that can be fed in pieces.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn feed(mut self, bytes: &[u8]) -> Fnv {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self
    }
}

/// Calls `f` with the hashes of a word and of every form of it with one inner character (not the
/// first, not the last) deleted, until `f` returns true; returns whether it did.
///
/// Two words one edit apart that start with the same character and end with the same character
/// share one of these: equal words share the word; a substitution can only be inside, where
/// deleting it from both gives the same form; an inserted character deleted gives the shorter
/// word, and when it was inserted first (last) it equals the character after (before) it, which
/// is inside and can be deleted instead.
pub fn deletion_hashes(word: &str, mut f: impl FnMut(u64) -> bool) -> bool {
    let b = word.as_bytes();
    if f(Fnv::new().feed(b).0) {
        return true;
    }
    let last = word.char_indices().next_back().map_or(0, |(i, _)| i);
    // The hash of the bytes before each character, carried from one character to the next.
    let mut prefix = Fnv::new();
    let mut fed = 0;
    for (i, c) in word.char_indices().skip(1) {
        if i >= last {
            break;
        }
        prefix = prefix.feed(&b[fed..i]);
        fed = i;
        if f(prefix.feed(&b[i + c.len_utf8()..]).0) {
            return true;
        }
    }
    false
}

/// The one-edit prefilter of a set of names, for searches that keep the first and last
/// characters: the hashes of every one-word name of at least [`MIN_FUZZY_NAME`] characters and
/// of its forms with one inner character deleted (see [`deletion_hashes`]), in buckets by their
/// top bits.
/// Layout: `bits: u32`, `2^bits + 1` bucket offsets (`u32`), then the low 32 bits of each hash
/// (`u32`), bucket by bucket. A word one edit (or less) away from a name, with its first and last
/// characters, shares a hash with it.
pub(crate) fn deletion_section<'k>(names: impl Iterator<Item = &'k str>) -> Vec<u8> {
    let mut v = Vec::new();
    for n in names {
        if !n.contains(' ') && n.chars().count() >= MIN_FUZZY_NAME {
            deletion_hashes(n, |h| {
                v.push(h);
                false
            });
        }
    }
    v.sort_unstable();
    v.dedup();
    // About four hashes a bucket.
    let mut out = bucket_offsets(&v, 4);
    out.reserve(4 * v.len());
    for h in v {
        out.extend_from_slice(&(h as u32).to_le_bytes());
    }
    out
}

/// The head of a table of sorted hashes found by their top bits: `bits: u32` (about `per`
/// hashes a bucket), then `2^bits + 1` offsets (`u32`): bucket `b` holds the hashes from
/// offset `b` up to offset `b + 1`.
fn bucket_offsets(sorted: &[u64], per: usize) -> Vec<u8> {
    let bits = (usize::BITS - (sorted.len() / per).max(1).leading_zeros()).clamp(1, 24);
    let buckets = 1usize << bits;
    let mut out = Vec::with_capacity(4 + 4 * (buckets + 1));
    out.extend_from_slice(&bits.to_le_bytes());
    let mut k = 0;
    for b in 0..=buckets {
        while k < sorted.len() && ((sorted[k] >> (64 - bits)) as usize) < b {
            k += 1;
        }
        out.extend_from_slice(&(k as u32).to_le_bytes());
    }
    out
}

/// The first-word table: `(key hash, node address, output)` triples sorted by hash (stably, so
/// words of equal hashes stay in word order), about two a bucket.
/// Layout: `bits: u32`, `2^bits + 1` bucket offsets (`u32`), then the triples (`u64` each),
/// bucket by bucket; bucket `b` holds the hashes whose top `bits` bits are `b`.
fn first_words_section(triples: &[(u64, u64, u64)]) -> Vec<u8> {
    let hashes: Vec<u64> = triples.iter().map(|t| t.0).collect();
    let mut out = bucket_offsets(&hashes, 2);
    out.reserve(24 * triples.len());
    for &(h, addr, value) in triples {
        for x in [h, addr, value] {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    out
}

/// The end-letter prefilter of a set of names: the lengths (in characters, 63 standing for 63
/// or more) of its names, as bits, by first and last character, sorted by those.
fn ends_section<'k>(names: impl Iterator<Item = &'k str>) -> Vec<u8> {
    let mut map: FastMap<(char, char), u64> = FastMap::default();
    for n in names {
        if let (Some(first), Some(last)) = (n.chars().next(), n.chars().next_back()) {
            *map.entry((first, last)).or_default() |= 1 << n.chars().count().min(63);
        }
    }
    let mut v: Vec<((char, char), u64)> = map.into_iter().collect();
    v.sort_unstable();
    let mut out = Vec::with_capacity(v.len() * 16);
    for ((a, b), bits) in v {
        out.extend_from_slice(&u32::from(a).to_le_bytes());
        out.extend_from_slice(&u32::from(b).to_le_bytes());
        out.extend_from_slice(&bits.to_le_bytes());
    }
    out
}

/// Builds a name automaton from sorted, unique keys and their values.
fn build_map<'k>(keys: impl Iterator<Item = (&'k str, u64)>) -> Vec<u8> {
    let mut builder = MapBuilder::memory();
    for (k, v) in keys {
        // Keys come sorted and unique, so insertion cannot fail.
        let _ = builder.insert(k.as_bytes(), v);
    }
    match builder.into_inner() {
        Ok(bytes) => bytes,
        Err(_) => fst::Map::default().into_fst().into_inner(),
    }
}

/// One parsed line of the gazetteer TSV.
struct Line<'t> {
    geonameid: u32,
    kind: u8,
    /// Name, country, admin1, code, feature class, feature code.
    strings: [&'t str; 6],
    lat: Option<f64>,
    lon: Option<f64>,
    population: u64,
}

/// Writes an entry record (see [`RECORD`]), its strings interned into `strings`, and its row
/// (see [`ROW`]) into `rows`.
fn write_place<'t>(
    line: &Line<'t>,
    out: &mut Vec<u8>,
    rows: &mut Vec<u8>,
    strings: &mut Vec<u8>,
    interned: &mut FastMap<&'t str, u32>,
    codes: &mut [FastMap<&'t str, u32>; 2],
) {
    // Numbers of the admin1 and country codes, counted from 1 in order of appearance.
    let mut number = |k: usize, code: &'t str| -> u32 {
        if code.is_empty() {
            return 0;
        }
        let next = codes[k].len() as u32 + 1;
        *codes[k].entry(code).or_insert(next)
    };
    let admin = number(0, line.strings[2]);
    let country = number(1, line.strings[1]);
    out.extend_from_slice(&line.geonameid.to_le_bytes());
    let flags = u8::from(line.lat.is_some()) | (u8::from(line.lon.is_some()) << 1);
    out.extend_from_slice(&[line.kind, flags, 0, 0]);
    out.extend_from_slice(&line.lat.unwrap_or(0.0).to_bits().to_le_bytes());
    out.extend_from_slice(&line.lon.unwrap_or(0.0).to_bits().to_le_bytes());
    out.extend_from_slice(&line.population.to_le_bytes());
    for s in line.strings {
        // Longer strings than a u16 can measure are cut at a character boundary.
        let mut len = s.len().min(usize::from(u16::MAX));
        while !s.is_char_boundary(len) {
            len -= 1;
        }
        let s = &s[..len];
        let off = *interned.entry(s).or_insert_with(|| {
            let off = strings.len() as u32;
            strings.extend_from_slice(s.as_bytes());
            off
        });
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&(len as u16).to_le_bytes());
    }
    out.extend_from_slice(&admin.to_le_bytes());
    out.extend_from_slice(&country.to_le_bytes());
    rows.extend_from_slice(&line.population.to_le_bytes());
    rows.extend_from_slice(&admin.to_le_bytes());
    rows.extend_from_slice(&country.to_le_bytes());
    rows.extend_from_slice(&[line.kind, feature_number(line.strings[5]), 0, 0, 0, 0, 0, 0]);
}

/// Builds the index of a gazetteer TSV text (malformed lines are skipped).
pub fn build(text: &str) -> Vec<u8> {
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut keys: Vec<(String, u32)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 13 {
            continue;
        }
        let kind = match f[1] {
            "country" => KIND_COUNTRY,
            "region" => KIND_REGION,
            "city" => KIND_CITY,
            _ => continue,
        };
        let idx = lines.len() as u32;
        for (n, name) in [f[2], f[3]].into_iter().chain(f[4].split('|')).enumerate() {
            let k = name_key(name);
            if !k.is_empty() {
                keys.push((k, if n < 2 { idx } else { idx | ALTERNATE }));
            }
        }
        lines.push(Line {
            geonameid: f[0].parse().unwrap_or(0),
            kind,
            strings: [f[2], f[7], f[8], f[9], f[11], f[12]],
            lat: f[5].parse().ok(),
            lon: f[6].parse().ok(),
            population: f[10].parse().unwrap_or(0),
        });
    }
    keys.sort_unstable();
    keys.dedup();
    let mut postings: Vec<u32> = Vec::with_capacity(keys.len() + keys.len() / 2);
    // (key, value, whether a major place has it, whether a country has it)
    let mut entries: Vec<(&str, u64, bool, bool)> = Vec::new();
    let mut firsts: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let start = postings.len() as u64;
        let mut j = i;
        let first = postings.len();
        let (mut major, mut country) = (false, false);
        while j < keys.len() && keys[j].0 == keys[i].0 {
            let v = keys[j].1;
            // A place listed under both its name and an alternate keeps the name.
            if !postings[first..]
                .iter()
                .any(|&p| p & !ALTERNATE == v & !ALTERNATE)
            {
                postings.push(v);
            }
            if let Some(p) = lines.get((v & !ALTERNATE) as usize) {
                country |= p.kind == KIND_COUNTRY;
                major |= p.kind == KIND_COUNTRY
                    || (p.kind == KIND_CITY && p.population >= MAJOR_POPULATION);
            }
            j += 1;
        }
        let len = (postings.len() as u64) - start;
        let key = keys[i].0.as_str();
        let first_word = key.split(' ').next().unwrap_or(key);
        if firsts.last() != Some(&first_word) {
            firsts.push(first_word);
        }
        entries.push((key, (start << 24) | len.min(0xFF_FFFF), major, country));
        i = j;
    }
    let names = build_map(entries.iter().map(|e| (e.0, e.1)));
    let major = build_map(entries.iter().filter(|e| e.2).map(|e| (e.0, e.1)));
    let country_names = build_map(entries.iter().filter(|e| e.3).map(|e| (e.0, e.1)));
    firsts.sort_unstable();
    firsts.dedup();
    let mut first_words: Vec<(u64, u64, u64)> = Vec::with_capacity(firsts.len());
    if let Ok(fst) = fst::raw::Fst::new(names.as_slice()) {
        // The words come sorted, so each walk starts from the states of the longest prefix it
        // shares with the word before: `path[d]` is the state after `d` bytes of `prev`.
        let mut path = vec![(fst.root(), Output::zero())];
        let mut prev: &[u8] = &[];
        for w in firsts {
            let bytes = w.as_bytes();
            let shared = prev.iter().zip(bytes).take_while(|(a, b)| a == b).count();
            path.truncate(shared.min(path.len() - 1) + 1);
            let mut complete = true;
            for &b in &bytes[path.len() - 1..] {
                let Some(&(node, out)) = path.last() else {
                    break;
                };
                match node.find_input(b) {
                    Some(t) => {
                        let t = node.transition(t);
                        path.push((fst.node(t.addr), out.cat(t.out)));
                    }
                    None => {
                        complete = false;
                        break;
                    }
                }
            }
            prev = bytes;
            if complete && let Some(&(node, out)) = path.last() {
                first_words.push((key_hash(w), node.addr() as u64, out.value()));
            }
        }
    }
    // A stable sort: words of equal hashes stay in word order, and lookups take the last.
    first_words.sort_by_key(|t| t.0);
    let deletions = deletion_section(entries.iter().map(|e| e.0));
    let major_deletions = deletion_section(entries.iter().filter(|e| e.2).map(|e| e.0));
    let country_deletions = deletion_section(entries.iter().filter(|e| e.3).map(|e| e.0));
    let major_ends = ends_section(entries.iter().filter(|e| e.2).map(|e| e.0));
    let country_ends = ends_section(entries.iter().filter(|e| e.3).map(|e| e.0));
    drop(entries);

    let mut places = Vec::with_capacity(lines.len() * RECORD);
    let mut strings = Vec::new();
    let mut interned = FastMap::default();
    let mut codes = [FastMap::default(), FastMap::default()];
    let mut rows = Vec::with_capacity(lines.len() * ROW);
    for line in &lines {
        write_place(
            line,
            &mut places,
            &mut rows,
            &mut strings,
            &mut interned,
            &mut codes,
        );
    }
    let [_, country_codes] = codes;
    let mut numbered: Vec<(u32, &str)> = country_codes.into_iter().map(|(c, n)| (n, c)).collect();
    numbered.sort_unstable();
    let mut country_text = Vec::new();
    for (_, code) in numbered {
        country_text.extend_from_slice(code.as_bytes());
        country_text.push(b'\n');
    }
    let words = first_words_section(&first_words);
    let post: Vec<u8> = postings.iter().flat_map(|p| p.to_le_bytes()).collect();
    let sections: [&[u8]; SECTIONS] = [
        &names,
        &major,
        &country_names,
        &post,
        &places,
        &strings,
        &words,
        &deletions,
        &major_deletions,
        &country_deletions,
        &major_ends,
        &country_ends,
        &rows,
        &country_text,
    ];
    let total: usize = sections.iter().map(|s| s.len()).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 * SECTIONS + total);
    out.extend_from_slice(MAGIC);
    for s in sections {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    }
    for s in sections {
        out.extend_from_slice(s);
    }
    out
}
