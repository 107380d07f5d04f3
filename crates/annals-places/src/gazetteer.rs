//! The embedded gazetteer: countries, first-level regions, US counties and cities from GeoNames.

use crate::fasthash::FastMap;
use crate::index::{self, SECTIONS, section};
use fst::Map;
use fst::raw::{Fst, Node, Output};
use serde::Serialize;
use std::io::Read;
use std::sync::{Arc, OnceLock};

pub use crate::index::{ALTERNATE, MAJOR_POPULATION, key_hash, name_key};
use crate::index::{MIN_FUZZY_NAME, deletion_hashes};

/// The index of the embedded gazetteer, built from `data/places/gazetteer.tsv.gz` by the build
/// script.
const EMBEDDED_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.index"));

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

/// Feature codes that recognition tells apart (values of [`Row::feature`]).
pub(crate) mod feature {
    /// Any other feature code.
    pub const OTHER: u8 = crate::index::FEATURE_OTHER;
    /// `ADM1`: a first-level region.
    pub const ADM1: u8 = crate::index::FEATURE_ADM1;
    /// `PPLC`: a capital.
    pub const PPLC: u8 = crate::index::FEATURE_PPLC;
    /// `CONT`: a continent.
    pub const CONT: u8 = crate::index::FEATURE_CONT;
}

/// The fields of an entry that recognition compares, packed so that scanning the readings of a
/// name touches little memory and compares numbers, not strings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Row {
    /// Population (0 when unknown).
    pub(crate) population: u64,
    /// Number of the admin1 code (0 when empty; equal codes have equal numbers).
    pub(crate) admin: u32,
    /// Number of the country code (0 when empty; equal codes have equal numbers).
    pub(crate) country: u32,
    /// Country, region or city.
    pub(crate) kind: PlaceKind,
    /// The feature code, as one of [`feature`].
    pub(crate) feature: u8,
}

/// Index bytes: a part of the embedded index or of one built at run time.
#[derive(Clone)]
pub(crate) enum Bytes {
    /// A part of a static index.
    Static(&'static [u8]),
    /// A range of an index built at run time.
    Shared(Arc<[u8]>, usize, usize),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Shared(b, s, e) => b.get(*s..*e).unwrap_or_default(),
        }
    }
}

impl Bytes {
    /// The bytes `start..end` of these (empty when out of range).
    fn slice(&self, start: usize, end: usize) -> Bytes {
        match self {
            Bytes::Static(b) => Bytes::Static(b.get(start..end).unwrap_or_default()),
            Bytes::Shared(b, s, e) => {
                let (s2, e2) = (s + start, s + end);
                if start <= end && e2 <= *e {
                    Bytes::Shared(Arc::clone(b), s2, e2)
                } else {
                    Bytes::Shared(Arc::clone(b), *s, *s)
                }
            }
        }
    }
}

/// Reads the little-endian `u32` at byte `at` of `b` (0 past the end).
fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// Reads the little-endian `u64` at byte `at` of `b` (0 past the end).
fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|s| s.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Entries per chunk of the cache of [`Place`] values (see [`Gazetteer::place`]).
const CHUNK: usize = 16;

/// The gazetteer: entries and an automaton over all their names.
///
/// Entries stay in their packed index records; [`Gazetteer::entry`] reads one in place, and
/// the owned [`Place`] values of [`Gazetteer::place`] are made the first time they are asked
/// for.
pub struct Gazetteer {
    /// The entry records ([`index::RECORD`] bytes each).
    records: Bytes,
    /// The text the records point into.
    strings: Bytes,
    /// The rows of the entries ([`index::ROW`] bytes each).
    rows: Bytes,
    /// Number of entries.
    count: usize,
    /// Entries made into [`Place`] values, [`CHUNK`] at a time, as [`Gazetteer::place`] asks
    /// for them.
    chunks: Box<[OnceLock<Box<[Place]>>]>,
    /// Number of each country code (see [`Row::country`]).
    country_numbers: FastMap<String, u32>,
    names: Map<Bytes>,
    postings: Vec<u32>,
    /// Names of countries and of cities of at least [`MAJOR_POPULATION`] (values as in `names`).
    major: Map<Bytes>,
    /// Names of countries only (values as in `names`).
    country_names: Map<Bytes>,
    /// The automaton state (node address and output so far) after the first word of every
    /// name, by the word's [`key_hash`]: most lookups start here instead of at the root.
    first_words: FirstWords,
    /// One-edit prefilters of `names`, `major` and `country_names` (see [`DeletionSet`]).
    deletions: DeletionSet,
    major_deletions: DeletionSet,
    country_deletions: DeletionSet,
    /// End-letter prefilters of `major` and `country_names` (see [`EndsFilter`]).
    major_ends: EndsFilter,
    country_ends: EndsFilter,
    /// First-level regions by `country.admin1`, made on the first call of
    /// [`Gazetteer::region_of`].
    regions: OnceLock<FastMap<String, u32>>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gazetteer({} places, {} names)",
            self.count,
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
    /// The index bytes are not laid out as the index format says.
    #[error("malformed gazetteer index: {0}")]
    Malformed(&'static str),
}

/// A prefilter for one-edit searches over one-word names: the hashes of every name and of its
/// one-deletion forms (see `index::deletion_section` for the layout). A word one edit (or less)
/// away from a name shares one of these with it, so a word that shares none has no one-edit
/// match and the automaton walk is skipped.
struct DeletionSet(Buckets);

impl DeletionSet {
    fn load(b: Bytes) -> DeletionSet {
        DeletionSet(Buckets::load(b))
    }

    /// Whether the set may hold the hash `h` (true may be wrong).
    fn has(&self, h: u64) -> bool {
        let low = (h as u32).to_le_bytes();
        self.0
            .items(h, 4)
            .is_some_and(|b| b.chunks_exact(4).any(|c| c == low))
    }

    /// False when no name of the set is one edit or less away from `word` (true may be wrong).
    fn may_match(&self, word: &str) -> bool {
        deletion_hashes(word, |h| self.has(h))
    }
}

/// A prefilter for one-edit searches that keep the first and last characters: the lengths (in
/// characters, 63 standing for 63 or more) of the names of a set, by their first and last
/// characters. Such a search can only report a name with the key's ends and a length within
/// one of the key's, so a key without one has no match and the automaton walk is skipped.
#[derive(Default)]
struct EndsFilter(FastMap<(char, char), u64>);

impl EndsFilter {
    fn load(b: &[u8]) -> EndsFilter {
        let mut map = FastMap::default();
        for rec in b.chunks_exact(16) {
            let (Some(first), Some(last)) = (
                char::from_u32(u32_at(rec, 0)),
                char::from_u32(u32_at(rec, 4)),
            ) else {
                continue;
            };
            map.insert((first, last), u64_at(rec, 8));
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

/// The first-word table of the name automaton (see `index::first_words_section` for the
/// layout): `(key hash, node address, output)` triples sorted by hash, found through bucket
/// offsets by the top bits of the hash.
struct FirstWords(Buckets);

impl FirstWords {
    fn load(b: Bytes) -> FirstWords {
        FirstWords(Buckets::load(b))
    }

    /// The node address and output stored for the key hash `h` (of several words with this
    /// hash, the last in word order).
    fn get(&self, h: u64) -> Option<(usize, u64)> {
        self.0
            .items(h, 24)?
            .chunks_exact(24)
            .rev()
            .find(|t| u64_at(t, 0) == h)
            .map(|t| (u64_at(t, 8) as usize, u64_at(t, 16)))
    }
}

/// An index section of fixed-size items bucketed by the top bits of a 64-bit hash: the number
/// of bits (`u32`), `2^bits + 1` bucket offsets (`u32`, in items), then the items, bucket by
/// bucket (the layout of `index::deletion_section` and `index::first_words_section`).
struct Buckets {
    bits: u32,
    /// Bucket offsets, `2^bits + 1` of them.
    offsets: Bytes,
    /// The items, bucket by bucket.
    items: Bytes,
}

impl Buckets {
    fn load(b: Bytes) -> Buckets {
        let bits = u32_at(b.as_ref(), 0).clamp(1, 24);
        let n_off = (1usize << bits) + 1;
        let len = b.as_ref().len();
        let offsets = b.slice(4, (4 + 4 * n_off).min(len));
        let items = b.slice((4 + 4 * n_off).min(len), len);
        Buckets {
            bits,
            offsets,
            items,
        }
    }

    /// The bytes of the items, `size` bytes each, in the bucket of the hash `h`; `None` when
    /// the section is too short to hold them.
    fn items(&self, h: u64, size: usize) -> Option<&[u8]> {
        let bucket = (h >> (64 - self.bits)) as usize;
        let offsets = self.offsets.as_ref();
        let (lo, hi) = (
            u32_at(offsets, 4 * bucket) as usize,
            u32_at(offsets, 4 * bucket + 4) as usize,
        );
        self.items.as_ref().get(size * lo..size * hi)
    }
}

/// The fields of an index row (see [`index::ROW`]).
fn read_row(row: &[u8]) -> Row {
    Row {
        population: u64_at(row, 0),
        admin: u32_at(row, 8),
        country: u32_at(row, 12),
        kind: match row.get(16) {
            Some(&index::KIND_COUNTRY) => PlaceKind::Country,
            Some(&index::KIND_REGION) => PlaceKind::Region,
            _ => PlaceKind::City,
        },
        feature: row.get(17).copied().unwrap_or(feature::OTHER),
    }
}

/// One gazetteer entry, read in place from its index record (see [`index::RECORD`]) without
/// copying its text (see [`Gazetteer::entry`]).
#[derive(Clone, Copy)]
pub struct PlaceRef<'g> {
    rec: &'g [u8],
    /// The entry's row (see [`index::ROW`]): its kind and population, read without touching
    /// the record.
    row: &'g [u8],
    strings: &'g [u8],
}

impl std::fmt::Debug for PlaceRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlaceRef")
            .field("geonameid", &self.geonameid())
            .field("kind", &self.kind())
            .field("name", &self.name())
            .field("country", &self.country())
            .finish_non_exhaustive()
    }
}

impl<'g> PlaceRef<'g> {
    /// The bytes of string field `k` (name, country, admin1, code, feature class, feature code).
    fn bytes(&self, k: usize) -> &'g [u8] {
        let at = 32 + 6 * k;
        let off = u32_at(self.rec, at) as usize;
        let len = self
            .rec
            .get(at + 4..at + 6)
            .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        self.strings.get(off..off + len).unwrap_or_default()
    }

    /// String field `k` (empty when it is not UTF-8).
    fn text(&self, k: usize) -> &'g str {
        std::str::from_utf8(self.bytes(k)).unwrap_or_default()
    }

    /// GeoNames id (0 for regions the sources give no id).
    pub fn geonameid(&self) -> u32 {
        u32_at(self.rec, 0)
    }

    /// Country, region or city.
    pub fn kind(&self) -> PlaceKind {
        match self.row.get(16) {
            Some(&index::KIND_COUNTRY) => PlaceKind::Country,
            Some(&index::KIND_REGION) => PlaceKind::Region,
            _ => PlaceKind::City,
        }
    }

    /// Preferred name.
    pub fn name(&self) -> &'g str {
        self.text(0)
    }

    /// Latitude, when known.
    pub fn lat(&self) -> Option<f64> {
        let flags = self.rec.get(5).copied().unwrap_or(0);
        (flags & 1 != 0).then(|| f64::from_bits(u64_at(self.rec, 8)))
    }

    /// Longitude, when known.
    pub fn lon(&self) -> Option<f64> {
        let flags = self.rec.get(5).copied().unwrap_or(0);
        (flags & 2 != 0).then(|| f64::from_bits(u64_at(self.rec, 16)))
    }

    /// ISO 3166-1 alpha-2 code of the country.
    pub fn country(&self) -> &'g str {
        self.text(1)
    }

    /// GeoNames admin1 code of the region the place lies in (empty when unknown).
    pub fn admin1(&self) -> &'g str {
        self.text(2)
    }

    /// ISO code of the entry itself: alpha-3 for countries, ISO 3166-2 for regions.
    pub fn code(&self) -> &'g str {
        self.text(3)
    }

    /// Population (0 when unknown).
    pub fn population(&self) -> u64 {
        u64_at(self.row, 0)
    }

    /// GeoNames feature class (`A` or `P`).
    pub fn feature_class(&self) -> &'g str {
        self.text(4)
    }

    /// GeoNames feature code (`PCLI`, `ADM1`, `ADM2`, `PPLC`, `PPL`).
    pub fn feature_code(&self) -> &'g str {
        self.text(5)
    }

    /// The entry as an owned [`Place`].
    pub fn to_place(&self) -> Place {
        Place {
            geonameid: self.geonameid(),
            kind: self.kind(),
            name: self.name().to_string(),
            lat: self.lat(),
            lon: self.lon(),
            country: self.country().to_string(),
            admin1: self.admin1().to_string(),
            code: self.code().to_string(),
            population: self.population(),
            feature_class: self.feature_class().to_string(),
            feature_code: self.feature_code().to_string(),
        }
    }
}

impl Gazetteer {
    /// The embedded gazetteer, loaded once.
    pub fn builtin() -> &'static Gazetteer {
        static GAZ: OnceLock<Gazetteer> = OnceLock::new();
        GAZ.get_or_init(|| {
            Gazetteer::from_index(Bytes::Static(EMBEDDED_INDEX))
                .unwrap_or_else(|_| Gazetteer::from_tsv(""))
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
        let bytes: Arc<[u8]> = index::build(text).into();
        let len = bytes.len();
        match Gazetteer::from_index(Bytes::Shared(bytes, 0, len)) {
            Ok(g) => g,
            // The index just built is well formed (a test checks the empty one), so this
            // fallback is never taken.
            Err(_) => Gazetteer::empty(),
        }
    }

    /// A gazetteer without entries.
    fn empty() -> Gazetteer {
        let empty = || {
            let bytes: Arc<[u8]> = fst::Map::default().into_fst().into_inner().into();
            let len = bytes.len();
            Bytes::Shared(bytes, 0, len)
        };
        let map = || Map::new(empty());
        match (map(), map(), map()) {
            (Ok(names), Ok(major), Ok(country_names)) => Gazetteer {
                records: Bytes::Static(&[]),
                strings: Bytes::Static(&[]),
                rows: Bytes::Static(&[]),
                count: 0,
                chunks: Box::default(),
                country_numbers: FastMap::default(),
                names,
                postings: Vec::new(),
                major,
                country_names,
                first_words: FirstWords::load(Bytes::Static(&[])),
                deletions: DeletionSet::load(Bytes::Static(&[])),
                major_deletions: DeletionSet::load(Bytes::Static(&[])),
                country_deletions: DeletionSet::load(Bytes::Static(&[])),
                major_ends: EndsFilter::default(),
                country_ends: EndsFilter::default(),
                regions: OnceLock::new(),
            },
            // An empty automaton always loads.
            _ => unreachable!("an empty name automaton loads"),
        }
    }

    /// Loads a gazetteer from its index bytes (see the `index` module for the layout).
    fn from_index(data: Bytes) -> Result<Gazetteer, GazetteerError> {
        let raw = data.as_ref();
        if raw.get(..index::MAGIC.len()) != Some(&index::MAGIC[..]) {
            return Err(GazetteerError::Malformed("no index header"));
        }
        let mut sections: Vec<Bytes> = Vec::with_capacity(SECTIONS);
        let mut at = index::MAGIC.len() + 8 * SECTIONS;
        for k in 0..SECTIONS {
            let len = usize::try_from(u64_at(raw, index::MAGIC.len() + 8 * k))
                .map_err(|_| GazetteerError::Malformed("section length"))?;
            let end = at
                .checked_add(len)
                .filter(|&e| e <= raw.len())
                .ok_or(GazetteerError::Malformed("section past the end"))?;
            sections.push(data.slice(at, end));
            at = end;
        }
        let sec = |k: usize| sections[k].clone();
        let names = Map::new(sec(section::NAMES))?;
        let major = Map::new(sec(section::MAJOR))?;
        let country_names = Map::new(sec(section::COUNTRY_NAMES))?;
        let postings: Vec<u32> = sec(section::POSTINGS)
            .as_ref()
            .chunks_exact(4)
            .map(|c| u32_at(c, 0))
            .collect();
        let strings = sec(section::STRINGS);
        let records = sec(section::PLACES);
        let count = records.as_ref().len() / index::RECORD;
        let rows = sec(section::ROWS);
        if rows.as_ref().len() != count * index::ROW {
            return Err(GazetteerError::Malformed("rows and records differ"));
        }
        let codes = std::str::from_utf8(sections[section::COUNTRY_CODES].as_ref())
            .map_err(|_| GazetteerError::Malformed("country codes"))?;
        let mut country_numbers: FastMap<String, u32> = FastMap::default();
        for (k, code) in codes.split_terminator('\n').enumerate() {
            country_numbers
                .entry(code.to_string())
                .or_insert(k as u32 + 1);
        }
        Ok(Gazetteer {
            records,
            strings,
            rows,
            count,
            chunks: (0..count.div_ceil(CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            country_numbers,
            names,
            postings,
            major,
            country_names,
            first_words: FirstWords::load(sec(section::FIRST_WORDS)),
            deletions: DeletionSet::load(sec(section::DELETIONS)),
            major_deletions: DeletionSet::load(sec(section::MAJOR_DELETIONS)),
            country_deletions: DeletionSet::load(sec(section::COUNTRY_DELETIONS)),
            major_ends: EndsFilter::load(sec(section::MAJOR_ENDS).as_ref()),
            country_ends: EndsFilter::load(sec(section::COUNTRY_ENDS).as_ref()),
            regions: OnceLock::new(),
        })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the gazetteer has no entries.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The entry at `index` (alternate flag allowed), read in place.
    pub fn entry(&self, index: u32) -> Option<PlaceRef<'_>> {
        let at = ((index & !ALTERNATE) as usize).checked_mul(index::RECORD)?;
        let rec = self
            .records
            .as_ref()
            .get(at..at.checked_add(index::RECORD)?)?;
        let i = (index & !ALTERNATE) as usize;
        let row = self
            .rows
            .as_ref()
            .get(i * index::ROW..(i + 1) * index::ROW)?;
        Some(PlaceRef {
            rec,
            row,
            strings: self.strings.as_ref(),
        })
    }

    /// Every entry in index order, read in place.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = PlaceRef<'_>> {
        let strings = self.strings.as_ref();
        self.records
            .as_ref()
            .chunks_exact(index::RECORD)
            .zip(self.rows.as_ref().chunks_exact(index::ROW))
            .map(move |(rec, row)| PlaceRef { rec, row, strings })
    }

    /// The entry at `index` (as returned by [`Gazetteer::lookup`], alternate flag allowed).
    pub fn place(&self, index: u32) -> Option<&Place> {
        let i = (index & !ALTERNATE) as usize;
        let chunk = self.chunks.get(i / CHUNK)?.get_or_init(|| {
            let start = i / CHUNK * CHUNK;
            (start..(start + CHUNK).min(self.count))
                .filter_map(|k| self.entry(k as u32))
                .map(|p| p.to_place())
                .collect()
        });
        chunk.get(i % CHUNK)
    }

    /// The packed fields of the entry at `index` (alternate flag allowed).
    pub(crate) fn row(&self, index: u32) -> Option<Row> {
        let at = ((index & !ALTERNATE) as usize).checked_mul(index::ROW)?;
        self.rows
            .as_ref()
            .get(at..at.checked_add(index::ROW)?)
            .map(read_row)
    }

    /// The packed fields of every entry, in index order.
    pub(crate) fn rows(&self) -> impl ExactSizeIterator<Item = Row> + '_ {
        self.rows.as_ref().chunks_exact(index::ROW).map(read_row)
    }

    /// The number of a country code in [`Row::country`] (`None` for a code no entry has).
    pub(crate) fn country_number(&self, code: &str) -> Option<u32> {
        if code.is_empty() {
            return Some(0);
        }
        self.country_numbers.get(code).copied()
    }

    /// Every country code of the entries with its number (see [`Row::country`]).
    pub(crate) fn country_codes(&self) -> impl Iterator<Item = (&str, u32)> {
        self.country_numbers.iter().map(|(c, &n)| (c.as_str(), n))
    }

    /// Number of distinct country codes of the entries.
    pub(crate) fn country_count(&self) -> usize {
        self.country_numbers.len()
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
        self.one_edit(&self.names, key, filter, |parts, v| {
            names.insert(parts.concat(), v);
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
                    && self.row(e).is_some_and(|p| p.kind == PlaceKind::Country)
            }));
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    fn fuzzy_word_in(&self, map: &Map<Bytes>, word: &str, keep: impl Fn(&Row) -> bool) -> Vec<u32> {
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
                    .filter(|&e| self.row(e).is_some_and(|r| keep(&r))),
            );
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether some name starts with this word (a quick test before walking the automaton;
    /// false positives are possible, false negatives are not).
    pub fn may_start(&self, word: &str) -> bool {
        self.first_words.get(key_hash(word)).is_some()
    }

    /// A cursor after `word` (the first word of a key), or `None` when no name starts with it.
    /// Same as [`Gazetteer::cursor`] followed by [`KeyCursor::push`], without walking the word.
    pub fn cursor_after(&self, word: &str) -> Option<KeyCursor<'_>> {
        let (addr, out) = self.first_words.get(key_hash(word))?;
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
        map: &Map<Bytes>,
        key: &str,
        filter: FuzzyFilter,
        mut found: impl FnMut([&str; 3], u64),
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
        // A name is reported as three pieces (joined, they spell it), and only joined by a
        // caller that needs its text.
        let mut report = |parts: [&str; 3], v: u64| {
            let name_first = parts.iter().find_map(|p| p.chars().next());
            let name_last = parts.iter().rev().find_map(|p| p.chars().next_back());
            let ok = (!filter.keep_first || name_first == first)
                && (!filter.keep_last || name_last == last)
                && !(filter.no_space && parts.iter().any(|p| p.contains(' ')));
            if ok {
                found(parts, v);
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
                    report([key, "", ""], out.cat(node.final_output()).value());
                }
                if let Some(next) = next
                    && let Some(v) = follow_final(fst, node, out, &bytes[next..])
                {
                    report([&key[..here], "", &key[next..]], v);
                }
                let current = key[here..].chars().next();
                each_char(fst, node, out, &mut |c, cnode, cout| {
                    if filter.no_space && c == ' ' {
                        return;
                    }
                    let mut buf = [0u8; 4];
                    let cs: &str = c.encode_utf8(&mut buf);
                    if let Some(v) = follow_final(fst, cnode, cout, &bytes[here..]) {
                        report([&key[..here], cs, &key[here..]], v);
                    }
                    if let Some(next) = next
                        && current != Some(c)
                        && let Some(v) = follow_final(fst, cnode, cout, &bytes[next..])
                    {
                        report([&key[..here], cs, &key[next..]], v);
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
        let regions = self.regions.get_or_init(|| {
            let mut regions = FastMap::default();
            for (i, p) in self.entries().enumerate() {
                if p.kind() == PlaceKind::Region
                    && p.feature_code() == "ADM1"
                    && !p.admin1().is_empty()
                {
                    regions
                        .entry(format!("{}.{}", p.country(), p.admin1()))
                        .or_insert(i as u32);
                }
            }
            regions
        });
        regions
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
        if text.is_ascii() || !text.contains('\u{2019}') {
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
    fst: &'f Fst<Bytes>,
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
fn follow_final(fst: &Fst<Bytes>, node: Node<'_>, out: Output, bytes: &[u8]) -> Option<u64> {
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
    fst: &'f Fst<Bytes>,
    node: Node<'f>,
    out: Output,
    f: &mut dyn FnMut(char, Node<'f>, Output),
) {
    fn rest<'f>(
        fst: &'f Fst<Bytes>,
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
        let cities = g.entries().filter(|p| p.kind() == PlaceKind::City).count();
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
    fn embedded_index_matches_the_data_file() {
        let gz = include_bytes!("../../../data/places/gazetteer.tsv.gz");
        let built = Gazetteer::from_gzip(gz).expect("data file");
        let g = Gazetteer::builtin();
        let places = |g: &Gazetteer| -> Vec<Place> { g.entries().map(|p| p.to_place()).collect() };
        assert_eq!(places(&built), places(g));
        assert_eq!(built.name_count(), g.name_count());
        // Each row repeats its record's fields (kind byte, population, code numbers, feature
        // code), and the country numbers are the records'.
        for (i, (p, row)) in g.entries().zip(g.rows()).enumerate() {
            assert_eq!(
                (row.kind, row.population, row.country, row.admin),
                (
                    [PlaceKind::Country, PlaceKind::Region, PlaceKind::City][usize::from(p.rec[4])],
                    u64_at(p.rec, 24),
                    u32_at(p.rec, 72),
                    u32_at(p.rec, 68)
                ),
                "{i}"
            );
            assert_eq!(row.feature, index::feature_number(p.feature_code()), "{i}");
            assert_eq!(g.country_number(p.country()), Some(row.country), "{i}");
        }
        assert_eq!(built.postings, g.postings);
        let (built_words, words) = (&built.first_words.0, &g.first_words.0);
        assert_eq!(built_words.bits, words.bits);
        assert_eq!(built_words.offsets.as_ref(), words.offsets.as_ref());
        assert_eq!(built_words.items.as_ref(), words.items.as_ref());
        for name in ["Paris", "New York", "Côte d'Ivoire", "Rostov-on-Don"] {
            assert_eq!(built.lookup(name), g.lookup(name), "{name}");
        }
    }

    #[test]
    fn entries_read_in_place_equal_the_places_made_from_them() {
        let tsv: String = (0..40)
            .map(|i| {
                let kind = ["country", "region", "city"][i % 3];
                format!(
                    "{i}\t{kind}\tName{i}\tName{i}\tAlt{i}\t{i}.5\t\tC{}\tA{i}\tK{i}\t{}\tP\tPPL\n",
                    i % 4,
                    i * 1000
                )
            })
            .collect();
        let g = Gazetteer::from_tsv(&tsv);
        assert_eq!((g.len(), g.is_empty()), (40, false));
        // Chunks made in an order other than the entries'.
        for i in [33u32, 2, 17, 39, 0, 16] {
            let p = g.place(i | ALTERNATE).expect("entry");
            assert_eq!(Some(p.clone()), g.entry(i).map(|e| e.to_place()));
            assert_eq!(p.name, format!("Name{i}"));
            assert_eq!((p.lat, p.lon), (Some(f64::from(i) + 0.5), None));
        }
        assert!(g.place(40).is_none() && g.entry(40).is_none());
        let made: Vec<Place> = g.entries().map(|e| e.to_place()).collect();
        assert_eq!(g.place(5), Some(&made[5]));
        let rows: Vec<Row> = g.rows().collect();
        assert_eq!(rows.len(), 40);
        assert!(
            rows.iter()
                .enumerate()
                .all(|(i, r)| g.row(i as u32) == Some(*r))
        );
        let row = g.row(6).expect("row");
        assert_eq!((row.kind, row.population), (PlaceKind::Country, 6000));
        assert_eq!(g.country_number("C2"), Some(row.country));
        assert_eq!(g.country_count(), 4);
    }

    #[test]
    fn empty_and_malformed_indexes() {
        let g = Gazetteer::from_tsv("");
        assert!(g.is_empty() && g.lookup("Paris").is_empty());
        assert_eq!(Gazetteer::empty().name_count(), 0);
        assert!(Gazetteer::from_index(Bytes::Static(b"not an index")).is_err());
        let mut cut =
            index::build("1\tcity\tParis\tParis\t\t48.8\t2.3\tFR\t11\t\t2000000\tP\tPPLC\n");
        cut.truncate(cut.len() - 1);
        let len = cut.len();
        assert!(Gazetteer::from_index(Bytes::Shared(cut.into(), 0, len)).is_err());
    }

    #[test]
    fn records_keep_every_field() {
        let g = Gazetteer::from_tsv(
            "7\tregion\tÎle-de-France\tIle-de-France\tIDF|Paris Region\t\t2.5\tFR\t11\tFR-IDF\t0\tA\tADM1\n",
        );
        let p = g.place(g.lookup("Paris Region")[0]).expect("entry");
        assert_eq!(p.name, "Île-de-France");
        assert_eq!(
            (p.geonameid, p.kind, p.lat, p.lon),
            (7, PlaceKind::Region, None, Some(2.5))
        );
        assert_eq!(
            (p.country.as_str(), p.admin1.as_str(), p.code.as_str()),
            ("FR", "11", "FR-IDF")
        );
        assert_eq!(
            (p.feature_class.as_str(), p.feature_code.as_str()),
            ("A", "ADM1")
        );
        assert!(Gazetteer::is_alternate(g.lookup("Paris Region")[0]));
        assert_eq!(g.region_of("FR", "11").map(|r| r.geonameid), Some(7));
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
        let bytes: Arc<[u8]> = index::deletion_section(names.iter().copied()).into();
        let len = bytes.len();
        let set = DeletionSet::load(Bytes::Shared(bytes, 0, len));
        // Every edit that keeps the first and the last character.
        let same_ends = |n: &[char], s: &str| {
            s.chars().next() == n.first().copied() && s.chars().next_back() == n.last().copied()
        };
        for n in names {
            let chars: Vec<char> = n.chars().collect();
            for i in 0..=chars.len() {
                for c in [
                    'q',
                    'é',
                    chars[i.min(chars.len() - 1)],
                    chars[i.saturating_sub(1)],
                ] {
                    let mut ins = chars.clone();
                    ins.insert(i, c);
                    let s: String = ins.iter().collect();
                    if same_ends(&chars, &s) {
                        assert!(set.may_match(&s), "{s}");
                    }
                    if i < chars.len() {
                        let mut sub = chars.clone();
                        sub[i] = c;
                        let s: String = sub.iter().collect();
                        if same_ends(&chars, &s) {
                            assert!(set.may_match(&s), "{s}");
                        }
                        let mut del = chars.clone();
                        del.remove(i);
                        let d: String = del.iter().collect();
                        if same_ends(&chars, &d) {
                            assert!(set.may_match(&d), "{d}");
                        }
                    }
                }
            }
        }
        assert!(!set.may_match("Washington"));
        // An edit at either end cannot be reported by the searches, and passes no more.
        assert!(!set.may_match("Krasnoyarsky"));
        assert!(!set.may_match("Xovosibirsk"));
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
