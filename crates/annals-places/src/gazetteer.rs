//! The embedded gazetteer: countries, first-level regions, US counties and cities from GeoNames.

use crate::fasthash::{FastHasher, FastMap};
use fst::raw::{Fst, Node, Output};
use fst::{Map, MapBuilder};
use serde::Serialize;
use std::hash::Hasher;
use std::io::Read;
use std::sync::OnceLock;

/// Flag set on lookup results that matched an alternate name rather than the entry's own name.
pub const ALTERNATE: u32 = 1 << 31;

const GAZETTEER_GZ: &[u8] = include_bytes!("../../../data/places/gazetteer.tsv.gz");

/// What kind of place a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// A country or territory.
    Country,
    /// A first- or second-level administrative region (state, province, county).
    Region,
    /// A populated place.
    City,
}

impl PlaceKind {
    /// The precision name used in mentions: `country`, `region` or `city`.
    pub fn precision(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Region => "region",
            PlaceKind::City => "city",
        }
    }
}

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// GeoNames id (0 for regions the sources give no id).
    pub geonameid: u32,
    /// Country, region or city.
    pub kind: PlaceKind,
    /// Preferred name.
    pub name: String,
    /// Latitude, when known.
    pub lat: Option<f64>,
    /// Longitude, when known.
    pub lon: Option<f64>,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country: String,
    /// GeoNames admin1 code of the region the place lies in (empty when unknown).
    pub admin1: String,
    /// ISO code of the entry itself: alpha-3 for countries, ISO 3166-2 for regions.
    pub code: String,
    /// Population (0 when unknown).
    pub population: u64,
    /// GeoNames feature class (`A` or `P`).
    pub feature_class: String,
    /// GeoNames feature code (`PCLI`, `ADM1`, `ADM2`, `PPLC`, `PPL`).
    pub feature_code: String,
}

/// Population from which a city is searched for one-edit misspellings without a location cue.
pub const MAJOR_POPULATION: u64 = 50_000;

/// The gazetteer: entries and an automaton over all their names.
pub struct Gazetteer {
    places: Vec<Place>,
    names: Map<Vec<u8>>,
    postings: Vec<u32>,
    /// Names of countries and of cities of at least [`MAJOR_POPULATION`] (values as in `names`).
    major: Map<Vec<u8>>,
    /// Names of countries only (values as in `names`).
    country_names: Map<Vec<u8>>,
    /// The automaton state (node address and output so far) after the first word of every
    /// name, by the word's [`key_hash`]: most lookups start here instead of at the root.
    first_words: FastMap<u64, (usize, u64)>,
    /// One-edit prefilters of `names`, `major` and `country_names` (see [`DeletionSet`]).
    deletions: DeletionSet,
    major_deletions: DeletionSet,
    country_deletions: DeletionSet,
    /// End-letter prefilters of `major` and `country_names` (see [`EndsFilter`]).
    major_ends: EndsFilter,
    country_ends: EndsFilter,
    regions: std::collections::HashMap<String, u32>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gazetteer({} places, {} names)",
            self.places.len(),
            self.names.len()
        )
    }
}

/// Why a gazetteer could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    /// The compressed data could not be read.
    #[error("cannot decompress gazetteer: {0}")]
    Decompress(#[from] std::io::Error),
    /// The name automaton could not be built.
    #[error("cannot index gazetteer names: {0}")]
    Index(#[from] fst::Error),
}

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

/// Hash of a lookup key as [`Gazetteer::may_start`] compares it: the text with curly apostrophes
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

/// Shortest one-word name that the one-edit prefilters cover (the fuzzy searches of the
/// recognizer take words of six letters or more, so their matches have five or more).
const MIN_FUZZY_NAME: usize = 5;

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

/// Hashes of a word and of every form of it with one character deleted.
fn deletion_hashes(word: &str, mut f: impl FnMut(u64)) {
    let b = word.as_bytes();
    f(Fnv::new().feed(b).0);
    for (i, c) in word.char_indices() {
        f(Fnv::new().feed(&b[..i]).feed(&b[i + c.len_utf8()..]).0);
    }
}

/// A prefilter for one-edit searches over one-word names: the sorted hashes of every name and
/// of its one-deletion forms. A word one edit (or less) away from a name shares one of these
/// with it, so a word that shares none has no one-edit match and the automaton walk is skipped.
#[derive(Default)]
struct DeletionSet(Vec<u64>);

impl DeletionSet {
    fn build<'k>(names: impl Iterator<Item = &'k str>) -> DeletionSet {
        let mut v = Vec::new();
        for n in names {
            if !n.contains(' ') && n.chars().count() >= MIN_FUZZY_NAME {
                deletion_hashes(n, |h| v.push(h));
            }
        }
        v.sort_unstable();
        v.dedup();
        v.shrink_to_fit();
        DeletionSet(v)
    }

    /// False when no name of the set is one edit or less away from `word` (true may be wrong).
    fn may_match(&self, word: &str) -> bool {
        let mut hit = false;
        deletion_hashes(word, |h| hit = hit || self.0.binary_search(&h).is_ok());
        hit
    }
}

/// A prefilter for one-edit searches that keep the first and last characters: the lengths (in
/// characters, 63 standing for 63 or more) of the names of a set, by their first and last
/// characters. Such a search can only report a name with the key's ends and a length within
/// one of the key's, so a key without one has no match and the automaton walk is skipped.
#[derive(Default)]
struct EndsFilter(FastMap<(char, char), u64>);

impl EndsFilter {
    fn build<'k>(names: impl Iterator<Item = &'k str>) -> EndsFilter {
        let mut map: FastMap<(char, char), u64> = FastMap::default();
        for n in names {
            if let (Some(first), Some(last)) = (n.chars().next(), n.chars().next_back()) {
                *map.entry((first, last)).or_default() |= 1 << n.chars().count().min(63);
            }
        }
        EndsFilter(map)
    }

    /// False when no name of the set has the ends of `key` and a length within one of its
    /// length (true may be wrong).
    fn may_match(&self, key: &str) -> bool {
        let (Some(first), Some(last)) = (key.chars().next(), key.chars().next_back()) else {
            return true;
        };
        let Some(&lengths) = self.0.get(&(first, last)) else {
            return false;
        };
        let n = key.chars().count();
        let (lo, hi) = (n.saturating_sub(1).min(63), (n + 1).min(63));
        (lo..=hi).any(|l| lengths & (1 << l) != 0)
    }
}

/// Builds a name automaton from sorted, unique keys and their values.
fn build_map<'k>(keys: impl Iterator<Item = (&'k str, u64)>) -> Map<Vec<u8>> {
    let mut builder = MapBuilder::memory();
    for (k, v) in keys {
        // Keys come sorted and unique, so insertion cannot fail.
        let _ = builder.insert(k.as_bytes(), v);
    }
    builder
        .into_inner()
        .ok()
        .and_then(|b| Map::new(b).ok())
        .unwrap_or_default()
}

impl Gazetteer {
    /// The embedded gazetteer, loaded once.
    pub fn builtin() -> &'static Gazetteer {
        static GAZ: OnceLock<Gazetteer> = OnceLock::new();
        GAZ.get_or_init(|| {
            Gazetteer::from_gzip(GAZETTEER_GZ).unwrap_or_else(|_| Gazetteer::from_tsv(""))
        })
    }

    /// Loads a gzip-compressed gazetteer in the `gazetteer.tsv.gz` format.
    pub fn from_gzip(bytes: &[u8]) -> Result<Gazetteer, GazetteerError> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes).read_to_string(&mut text)?;
        Ok(Gazetteer::from_tsv(&text))
    }

    /// Loads a gazetteer from its TSV text (malformed lines are skipped).
    pub fn from_tsv(text: &str) -> Gazetteer {
        let mut places = Vec::new();
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
                "country" => PlaceKind::Country,
                "region" => PlaceKind::Region,
                "city" => PlaceKind::City,
                _ => continue,
            };
            let idx = places.len() as u32;
            for (n, name) in [f[2], f[3]].into_iter().chain(f[4].split('|')).enumerate() {
                let k = name_key(name);
                if !k.is_empty() {
                    keys.push((k, if n < 2 { idx } else { idx | ALTERNATE }));
                }
            }
            places.push(Place {
                geonameid: f[0].parse().unwrap_or(0),
                kind,
                name: f[2].to_string(),
                lat: f[5].parse().ok(),
                lon: f[6].parse().ok(),
                country: f[7].to_string(),
                admin1: f[8].to_string(),
                code: f[9].to_string(),
                population: f[10].parse().unwrap_or(0),
                feature_class: f[11].to_string(),
                feature_code: f[12].to_string(),
            });
        }
        keys.sort_unstable();
        keys.dedup();
        let mut postings = Vec::with_capacity(keys.len() + keys.len() / 2);
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
                    .any(|&p: &u32| p & !ALTERNATE == v & !ALTERNATE)
                {
                    postings.push(v);
                }
                if let Some(p) = places.get((v & !ALTERNATE) as usize) {
                    let p: &Place = p;
                    country |= p.kind == PlaceKind::Country;
                    major |= p.kind == PlaceKind::Country
                        || (p.kind == PlaceKind::City && p.population >= MAJOR_POPULATION);
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
        let mut first_words = FastMap::default();
        first_words.reserve(firsts.len());
        {
            let fst = names.as_fst();
            // The words come sorted, so each walk starts from the states of the longest
            // prefix it shares with the word before: `path[d]` is the state after `d` bytes
            // of `prev`.
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
                    first_words.insert(key_hash(w), (node.addr(), out.value()));
                }
            }
        }
        let deletions = DeletionSet::build(entries.iter().map(|e| e.0));
        let major_deletions = DeletionSet::build(entries.iter().filter(|e| e.2).map(|e| e.0));
        let country_deletions = DeletionSet::build(entries.iter().filter(|e| e.3).map(|e| e.0));
        let major_ends = EndsFilter::build(entries.iter().filter(|e| e.2).map(|e| e.0));
        let country_ends = EndsFilter::build(entries.iter().filter(|e| e.3).map(|e| e.0));
        drop(entries);
        let mut regions = std::collections::HashMap::new();
        for (i, p) in places.iter().enumerate() {
            if p.kind == PlaceKind::Region && p.feature_code == "ADM1" && !p.admin1.is_empty() {
                regions
                    .entry(format!("{}.{}", p.country, p.admin1))
                    .or_insert(i as u32);
            }
        }
        Gazetteer {
            places,
            names,
            postings,
            major,
            country_names,
            first_words,
            deletions,
            major_deletions,
            country_deletions,
            major_ends,
            country_ends,
            regions,
        }
    }

    /// Every entry.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The entry at `index` (as returned by [`Gazetteer::lookup`], alternate flag allowed).
    pub fn place(&self, index: u32) -> Option<&Place> {
        self.places.get((index & !ALTERNATE) as usize)
    }

    /// Whether a lookup result matched only an alternate name of its entry.
    pub fn is_alternate(index: u32) -> bool {
        index & ALTERNATE != 0
    }

    /// Number of distinct name keys.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    fn postings_of(&self, value: u64) -> &[u32] {
        let start = (value >> 24) as usize;
        let len = (value & 0xFF_FFFF) as usize;
        self.postings.get(start..start + len).unwrap_or(&[])
    }

    /// Indexes of the entries that have this exact name (after [`name_key`] normalization);
    /// results that matched only an alternate name carry the [`ALTERNATE`] flag.
    pub fn lookup(&self, name: &str) -> &[u32] {
        match self.names.get(name_key(name).as_bytes()) {
            Some(v) => self.postings_of(v),
            None => &[],
        }
    }

    /// Indexes of entries having an already-normalized key.
    pub fn lookup_key(&self, key: &str) -> &[u32] {
        match self.names.get(key.as_bytes()) {
            Some(v) => self.postings_of(v),
            None => &[],
        }
    }

    /// Entries whose name is one edit (insertion, deletion, substitution) away from `key`,
    /// as `(matched name, entry index)` pairs.
    pub fn lookup_fuzzy(&self, key: &str) -> Vec<(String, u32)> {
        let mut names = std::collections::BTreeMap::new();
        let filter = FuzzyFilter {
            keep_first: false,
            keep_last: false,
            no_space: false,
        };
        self.one_edit(&self.names, key, filter, |name, v| {
            names.insert(name.to_string(), v);
        });
        let mut out = Vec::new();
        for (name, v) in names {
            for &p in self.postings_of(v) {
                out.push((name.clone(), p));
            }
        }
        out
    }

    /// Entries with a one-word name that is one edit away from `word` and starts and ends with
    /// the same letters as `word` (sorted, without duplicates).
    pub fn lookup_fuzzy_word(&self, word: &str) -> Vec<u32> {
        if word.chars().count() > MIN_FUZZY_NAME && !self.deletions.may_match(word) {
            return Vec::new();
        }
        self.fuzzy_word_in(&self.names, word, |_| true)
    }

    /// As [`Gazetteer::lookup_fuzzy_word`], but only countries and cities of at least
    /// [`MAJOR_POPULATION`] people (searched in a smaller automaton, so faster).
    pub fn lookup_fuzzy_word_major(&self, word: &str) -> Vec<u32> {
        if !self.major_ends.may_match(word) {
            return Vec::new();
        }
        if word.chars().count() > MIN_FUZZY_NAME && !self.major_deletions.may_match(word) {
            return Vec::new();
        }
        self.fuzzy_word_in(&self.major, word, |p| {
            p.kind == PlaceKind::Country
                || (p.kind == PlaceKind::City && p.population >= MAJOR_POPULATION)
        })
    }

    /// Countries with a name (of one or more words) one edit away from `key` that starts and
    /// ends with the same letters as `key` (sorted, without duplicates): "Americas" is not a
    /// misspelled "America". Only the countries' own names count, not alternates ("Holland").
    pub fn lookup_fuzzy_country(&self, key: &str) -> Vec<u32> {
        if !self.country_ends.may_match(key) {
            return Vec::new();
        }
        if !key.contains(' ')
            && key.chars().count() > MIN_FUZZY_NAME
            && !self.country_deletions.may_match(key)
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        let filter = FuzzyFilter {
            keep_first: true,
            keep_last: true,
            no_space: false,
        };
        self.one_edit(&self.country_names, key, filter, |_, v| {
            out.extend(self.postings_of(v).iter().copied().filter(|&e| {
                !Gazetteer::is_alternate(e)
                    && self.place(e).is_some_and(|p| p.kind == PlaceKind::Country)
            }));
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    fn fuzzy_word_in(
        &self,
        map: &Map<Vec<u8>>,
        word: &str,
        keep: impl Fn(&Place) -> bool,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let filter = FuzzyFilter {
            keep_first: true,
            keep_last: true,
            no_space: true,
        };
        self.one_edit(map, word, filter, |_, v| {
            out.extend(
                self.postings_of(v)
                    .iter()
                    .copied()
                    .filter(|&e| self.place(e).is_some_and(&keep)),
            );
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether some name starts with this word (a quick test before walking the automaton;
    /// false positives are possible, false negatives are not).
    pub fn may_start(&self, word: &str) -> bool {
        self.first_words.contains_key(&key_hash(word))
    }

    /// A cursor after `word` (the first word of a key), or `None` when no name starts with it.
    /// Same as [`Gazetteer::cursor`] followed by [`KeyCursor::push`], without walking the word.
    pub fn cursor_after(&self, word: &str) -> Option<KeyCursor<'_>> {
        let &(addr, out) = self.first_words.get(&key_hash(word))?;
        Some(KeyCursor {
            gaz: self,
            node: self.names.as_fst().node(addr),
            out: Output::new(out),
        })
    }

    /// Calls `found` with each name (and its value) at most one character edit away from `key`
    /// that passes `filter`; a name may be reported more than once.
    ///
    /// Walks the exact path of `key` through the name automaton; at each character it tries a
    /// deletion, and every character leaving that state as a substitution or an insertion, each
    /// followed by the exact rest of `key`.
    fn one_edit(
        &self,
        map: &Map<Vec<u8>>,
        key: &str,
        filter: FuzzyFilter,
        mut found: impl FnMut(&str, u64),
    ) {
        let fst = map.as_fst();
        let bytes = key.as_bytes();
        let offsets: Vec<usize> = key
            .char_indices()
            .map(|(i, _)| i)
            .chain([key.len()])
            .collect();
        let n = offsets.len() - 1;
        let first = key.chars().next();
        let last = key.chars().next_back();
        let mut report = |name: String, v: u64| {
            let ok = (!filter.keep_first || name.chars().next() == first)
                && (!filter.keep_last || name.chars().next_back() == last)
                && !(filter.no_space && name.contains(' '));
            if ok {
                found(&name, v);
            }
        };
        let from = usize::from(filter.keep_first);
        let mut node = fst.root();
        let mut out = Output::zero();
        for k in 0..=n {
            let here = offsets[k];
            let next = offsets.get(k + 1).copied();
            if k >= from {
                if k == n && node.is_final() {
                    report(key.to_string(), out.cat(node.final_output()).value());
                }
                if let Some(next) = next
                    && let Some(v) = follow_final(fst, node, out, &bytes[next..])
                {
                    report(format!("{}{}", &key[..here], &key[next..]), v);
                }
                let current = key[here..].chars().next();
                each_char(fst, node, out, &mut |c, cnode, cout| {
                    if filter.no_space && c == ' ' {
                        return;
                    }
                    if let Some(v) = follow_final(fst, cnode, cout, &bytes[here..]) {
                        report(format!("{}{c}{}", &key[..here], &key[here..]), v);
                    }
                    if let Some(next) = next
                        && current != Some(c)
                        && let Some(v) = follow_final(fst, cnode, cout, &bytes[next..])
                    {
                        report(format!("{}{c}{}", &key[..here], &key[next..]), v);
                    }
                });
            }
            let Some(next) = next else { break };
            match follow(fst, node, out, &bytes[here..next]) {
                Some((nn, no)) => {
                    node = nn;
                    out = no;
                }
                None => break,
            }
        }
    }

    /// A cursor at the empty key, to look up keys that grow word by word.
    pub fn cursor(&self) -> KeyCursor<'_> {
        let fst = self.names.as_fst();
        KeyCursor {
            gaz: self,
            node: fst.root(),
            out: Output::zero(),
        }
    }

    /// The first-level region with this GeoNames admin1 code in this country (ISO alpha-2).
    pub fn region_of(&self, country: &str, admin1: &str) -> Option<&Place> {
        self.regions
            .get(&format!("{country}.{admin1}"))
            .and_then(|&i| self.place(i))
    }
}

/// A position in the name automaton after some key text (see [`Gazetteer::cursor`]).
#[derive(Clone, Copy)]
pub struct KeyCursor<'g> {
    gaz: &'g Gazetteer,
    node: Node<'g>,
    out: Output,
}

impl<'g> KeyCursor<'g> {
    /// Extends the key by `text` with curly apostrophes made straight; false (cursor unchanged)
    /// when no name starts with the longer key.
    pub fn push(&mut self, text: &str) -> bool {
        let fst = self.gaz.names.as_fst();
        if !text.contains('\u{2019}') {
            return match follow(fst, self.node, self.out, text.as_bytes()) {
                Some((node, out)) => {
                    (self.node, self.out) = (node, out);
                    true
                }
                None => false,
            };
        }
        let mut state = (self.node, self.out);
        for (n, part) in text.split('\u{2019}').enumerate() {
            if n > 0 {
                match follow(fst, state.0, state.1, b"'") {
                    Some(s) => state = s,
                    None => return false,
                }
            }
            match follow(fst, state.0, state.1, part.as_bytes()) {
                Some(s) => state = s,
                None => return false,
            }
        }
        (self.node, self.out) = state;
        true
    }

    /// Entries whose name is exactly the key so far, as [`Gazetteer::lookup_key`] gives them.
    pub fn hits(&self) -> &'g [u32] {
        if self.node.is_final() {
            self.gaz
                .postings_of(self.out.cat(self.node.final_output()).value())
        } else {
            &[]
        }
    }
}

/// Constraints on the names [`Gazetteer::one_edit`] reports.
#[derive(Debug, Clone, Copy)]
struct FuzzyFilter {
    /// The name must start with the key's first character.
    keep_first: bool,
    /// The name must end with the key's last character.
    keep_last: bool,
    /// Names with a space are left out.
    no_space: bool,
}

/// The state reached from `node` by reading `bytes`, with the output collected on the way.
fn follow<'f>(
    fst: &'f Fst<Vec<u8>>,
    mut node: Node<'f>,
    mut out: Output,
    bytes: &[u8],
) -> Option<(Node<'f>, Output)> {
    for &b in bytes {
        let t = node.transition(node.find_input(b)?);
        out = out.cat(t.out);
        node = fst.node(t.addr);
    }
    Some((node, out))
}

/// The value of the key made of the path to `node` followed by `bytes`, if it is a key.
fn follow_final(fst: &Fst<Vec<u8>>, node: Node<'_>, out: Output, bytes: &[u8]) -> Option<u64> {
    let (node, out) = follow(fst, node, out, bytes)?;
    node.is_final()
        .then(|| out.cat(node.final_output()).value())
}

/// Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte).
fn utf8_len(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 0,
    }
}

/// Calls `f` with every character leaving `node` and the state after it.
fn each_char<'f>(
    fst: &'f Fst<Vec<u8>>,
    node: Node<'f>,
    out: Output,
    f: &mut dyn FnMut(char, Node<'f>, Output),
) {
    fn rest<'f>(
        fst: &'f Fst<Vec<u8>>,
        node: Node<'f>,
        out: Output,
        buf: &mut [u8; 4],
        (filled, need): (usize, usize),
        f: &mut dyn FnMut(char, Node<'f>, Output),
    ) {
        if filled == need {
            if let Some(c) = std::str::from_utf8(&buf[..need])
                .ok()
                .and_then(|s| s.chars().next())
            {
                f(c, node, out);
            }
            return;
        }
        for t in node.transitions() {
            if t.inp & 0xC0 == 0x80 {
                buf[filled] = t.inp;
                rest(
                    fst,
                    fst.node(t.addr),
                    out.cat(t.out),
                    buf,
                    (filled + 1, need),
                    f,
                );
            }
        }
    }
    for t in node.transitions() {
        match utf8_len(t.inp) {
            0 => {}
            1 => f(char::from(t.inp), fst.node(t.addr), out.cat(t.out)),
            need => {
                let mut buf = [t.inp, 0, 0, 0];
                rest(
                    fst,
                    fst.node(t.addr),
                    out.cat(t.out),
                    &mut buf,
                    (1, need),
                    f,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_gazetteer_loads_with_many_cities() {
        let g = Gazetteer::builtin();
        let cities = g
            .places()
            .iter()
            .filter(|p| p.kind == PlaceKind::City)
            .count();
        assert!(cities > 20_000, "{cities}");
        let seoul: Vec<&Place> = g
            .lookup("Seoul")
            .iter()
            .filter_map(|&i| g.place(i))
            .collect();
        assert!(
            seoul
                .iter()
                .any(|p| p.country == "KR" && p.feature_code == "PPLC")
        );
        assert!(!g.lookup("Texas").is_empty());
        assert!(g.lookup("Xyzzyville").is_empty());
    }

    #[test]
    fn keys_normalize_punctuation() {
        assert_eq!(name_key("St. Louis"), "St Louis");
        assert_eq!(name_key("Côte d\u{2019}Ivoire"), "Côte d'Ivoire");
        assert_eq!(name_key("  Rostov-on-Don "), "Rostov-on-Don");
    }

    #[test]
    fn plain_names_are_their_own_key() {
        // The general rule: words joined by one space.
        let slow = |n: &str| {
            crate::tokens::word_spans(n)
                .iter()
                .map(|&(s, e)| n[s..e].replace('\u{2019}', "'"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        for n in [
            "New York",
            "Rostov on Don",
            "A1",
            "Port  Louis",
            " Lagos",
            "Lagos ",
            "Saint-Denis",
            "Côte d\u{2019}Ivoire",
            "St. Louis",
            "",
            " ",
            "X",
        ] {
            assert_eq!(name_key(n), slow(n), "{n:?}");
        }
    }

    #[test]
    fn fuzzy_lookup_finds_one_edit() {
        let g = Gazetteer::from_tsv(
            "1\tcity\tUssuriysk\tUssuriysk\t\t43.8\t131.9\tRU\t59\t\t170000\tP\tPPL\n",
        );
        let hits = g.lookup_fuzzy("Usuriysk");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, "Ussuriysk");
    }

    #[test]
    fn cursor_after_a_first_word_equals_walking_it() {
        let tsv = "1\tcity\tSan Jose\tSan Jose\t\t1\t1\tUS\tCA\t\t900000\tP\tPPL\n\
                   2\tcity\tSan\tSan\t\t1\t1\tML\t1\t\t60000\tP\tPPL\n\
                   3\tcity\tSantos\tSantos\t\t1\t1\tBR\t1\t\t400000\tP\tPPL\n";
        let g = Gazetteer::from_tsv(tsv);
        let mut walked = g.cursor();
        assert!(walked.push("San"));
        let table = g.cursor_after("San").expect("first word");
        assert_eq!(table.hits(), walked.hits());
        let (mut a, mut b) = (table, walked);
        assert!(a.push(" Jose") && b.push(" Jose"));
        assert_eq!(a.hits(), b.hits());
        assert_eq!(a.hits().len(), 1);
        assert!(g.cursor_after("Jose").is_none());
        assert!(g.cursor_after("Sa").is_none());
        assert!(g.may_start("Santos") && !g.may_start("Sant"));
    }

    #[test]
    fn country_and_major_fuzzy_lookups() {
        let tsv = "1\tcountry\tAfghanistan\tAfghanistan\t\t33\t65\tAF\t\tAFG\t30000000\tA\tPCLI\n\
                   2\tcity\tAfghanistam\tAfghanistam\t\t1\t1\tAF\t1\t\t900\tP\tPPL\n\
                   3\tcity\tKandahar\tKandahar\t\t31\t65\tAF\t1\t\t400000\tP\tPPL\n\
                   4\tcity\tKandahan\tKandahan\t\t31\t65\tAF\t1\t\t4000\tP\tPPL\n";
        let g = Gazetteer::from_tsv(tsv);
        // Only the country, not the small city one edit away.
        assert_eq!(g.lookup_fuzzy_country("Afganistan"), vec![0]);
        assert!(g.lookup_fuzzy_country("Kandahr").is_empty());
        assert!(
            g.lookup_fuzzy_country("Bfghanistan").is_empty(),
            "first letter kept"
        );
        // Large places only, unless the full search is asked for.
        assert_eq!(g.lookup_fuzzy_word_major("Kandahaar"), vec![2]);
        assert_eq!(g.lookup_fuzzy_word("Kandahaar"), vec![2]);
        assert_eq!(g.lookup_fuzzy_word("Kandahaan"), vec![3]);
        assert!(g.lookup_fuzzy_word_major("Kandahaan").is_empty());
    }

    #[test]
    fn deletion_prefilter_never_hides_a_one_edit_match() {
        let names = [
            "Novosibirsk",
            "Novosibirsko",
            "Zürichberg",
            "Krasnoyarsk",
            "Omskaya",
        ];
        let set = DeletionSet::build(names.iter().copied());
        for n in names {
            let chars: Vec<char> = n.chars().collect();
            for i in 0..chars.len() {
                let mut del = chars.clone();
                del.remove(i);
                let d: String = del.iter().collect();
                assert!(set.may_match(&d), "{d}");
                let mut sub = chars.clone();
                sub[i] = 'q';
                let s: String = sub.iter().collect();
                assert!(set.may_match(&s), "{s}");
                let mut ins = chars.clone();
                ins.insert(i, 'é');
                let s: String = ins.iter().collect();
                assert!(set.may_match(&s), "{s}");
            }
        }
        assert!(!set.may_match("Washington"));
    }

    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut next = vec![i + 1];
            for (j, &cb) in b.iter().enumerate() {
                let v = (row[j] + usize::from(ca != cb))
                    .min(row[j + 1] + 1)
                    .min(next[j] + 1);
                next.push(v);
            }
            row = next;
        }
        row[b.len()]
    }

    #[test]
    fn fuzzy_word_agrees_with_plain_edit_distance() {
        let names = [
            "Zarnowiec",
            "Zarnowiek",
            "Zarnowie",
            "Zarnowiecc",
            "Żarnowiec",
            "Zarnówiec",
            "Zarnowiec Dolny",
            "Carnowiec",
            "Zarnowiecz",
            "Zernowiec",
            "Zrnowiec",
            "Zaarnowiec",
        ];
        let tsv: String = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i}\tcity\t{n}\t{n}\t\t1\t1\tPL\t1\t\t9000\tP\tPPL\n"))
            .collect();
        let g = Gazetteer::from_tsv(&tsv);
        for word in ["Zarnowiec", "Zarnówiec", "Zarnowiecx", "Zrnowiec"] {
            let got = g.lookup_fuzzy_word(word);
            let want: Vec<u32> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| {
                    distance(word, n) <= 1
                        && n.chars().next() == word.chars().next()
                        && n.chars().next_back() == word.chars().next_back()
                        && !n.contains(' ')
                })
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "{word}");
            let all: Vec<String> = g.lookup_fuzzy(word).into_iter().map(|(n, _)| n).collect();
            let mut want_all: Vec<String> = names
                .iter()
                .filter(|n| distance(word, n) <= 1)
                .map(|n| n.to_string())
                .collect();
            want_all.sort();
            assert_eq!(all, want_all, "{word}");
        }
    }
}
