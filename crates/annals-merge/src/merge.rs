//! The merging algorithm: features, blocking, pair scoring, clustering and assembly.

use crate::{
    Comparison, Contradiction, Corroboration, Happening, HappeningDate, HappeningPlace,
    MergeConfig, MergeReason, OriginalSource, Report, ReportRef, SourceGroup, Stance,
};
use annals_document::Date;
use annals_events::{Event, Modality, Quantity};
use std::collections::{BTreeMap, HashMap};

/// Merges reports into happenings.
#[derive(Debug, Clone)]
pub struct Merger {
    config: MergeConfig,
    /// Word keys (see [`word_key`]) of the stopwords, sorted: a word whose key is absent is not
    /// a stopword.
    stop_hashes: Vec<u64>,
    /// The compatible type pairs by the FNV hashes of their types, sorted, with their score.
    compatible_hashes: Vec<CompatiblePair>,
}

/// A compatible pair of event types: the FNV hashes of the types, the types, and the score.
type CompatiblePair = ((u64, u64), (String, String), f64);

/// The features of one report that the merger compares, computed once (see
/// [`Merger::profile`] and [`Merger::related_profiles`]).
pub struct Profile<'a>(Features<'a>);

/// Which reports may be merged with which: only reports of the same class cluster together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Class {
    Factual,
    Denial,
    Future,
    Hypothetical,
}

fn class_of(m: Modality) -> Class {
    match m {
        Modality::Asserted | Modality::Reported | Modality::Alleged => Class::Factual,
        Modality::Denied | Modality::Negated => Class::Denial,
        Modality::Future => Class::Future,
        Modality::Hypothetical | Modality::Conditional => Class::Hypothetical,
    }
}

/// A place reduced to what the place signal needs.
struct PlaceF<'a> {
    name: &'a str,
    country: &'a str,
    coords: Option<(f64, f64)>,
}

/// Per-report features, computed once.
struct Features<'a> {
    class: Class,
    event: &'a str,
    /// FNV hash of `event`.
    event_hash: u64,
    quad: u8,
    actors: Vec<&'a str>,
    recipients: Vec<&'a str>,
    /// Blocking keys: the countries (3-letter prefixes) of its parties, else of its place.
    keys: Vec<&'a str>,
    interval: Option<(i32, i32)>,
    place: Option<PlaceF<'a>>,
    /// The sentence, and its content words once a comparison needs them (see
    /// [`Merger::words`]).
    sentence: &'a str,
    words: std::cell::OnceCell<Vec<u64>>,
}

/// Days since 1970-01-01 of a civil date.
fn day_number(d: Date) -> i32 {
    let (y, m, day) = (d.year() as i32, d.month() as i32, d.day() as i32);
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
/// How the day intervals of two reports compare (days as numbered by [`date_of`]).
#[derive(Debug, Clone, Copy)]
enum DateFit {
    /// The intervals share the days `lo..=hi`; `union` is how many days both cover together.
    Overlap { lo: i32, hi: i32, union: i32 },
    /// Apart by `days`, within the tolerance.
    Near { days: i32 },
    /// Apart by `days`, beyond the tolerance; `starts` are the two first days.
    Far { days: i32, starts: (i32, i32) },
    /// One side has no interval.
    Unknown,
}

impl DateFit {
    /// Compares two intervals; up to `tolerance` days apart counts as near.
    #[inline]
    fn of(a: Option<(i32, i32)>, b: Option<(i32, i32)>, tolerance: i32) -> DateFit {
        let (Some((s1, e1)), Some((s2, e2))) = (a, b) else {
            return DateFit::Unknown;
        };
        let lo = s1.max(s2);
        let hi = e1.min(e2);
        if lo <= hi {
            DateFit::Overlap {
                lo,
                hi,
                union: e1.max(e2) - s1.min(s2) + 1,
            }
        } else if lo - hi <= tolerance {
            DateFit::Near { days: lo - hi }
        } else {
            DateFit::Far {
                days: lo - hi,
                starts: (s1, s2),
            }
        }
    }

    /// The date score, or `None` (a veto) for dates too far apart.
    #[inline]
    fn score(self) -> Option<f64> {
        match self {
            DateFit::Overlap { lo, hi, union } => {
                Some(0.5 + 0.5 * f64::from(hi - lo + 1) / f64::from(union))
            }
            DateFit::Near { .. } => Some(0.3),
            DateFit::Far { .. } => None,
            DateFit::Unknown => Some(0.5),
        }
    }
}

fn date_of(n: i32) -> String {
    let z = n + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    if (0..=9999).contains(&y) {
        return iso_digits(y as u16, m as u8, d as u8);
    }
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse_day(s: &str) -> Option<i32> {
    s.get(..10)?.parse::<Date>().ok().map(day_number)
}

/// The event's date interval in day numbers: its earliest..latest, else its value, else the
/// publication date.
fn interval(event: &Event, published: Option<Date>) -> Option<(i32, i32)> {
    if let Some(d) = &event.date {
        let e = d.earliest.as_deref().and_then(parse_day);
        let l = d.latest.as_deref().and_then(parse_day);
        match (e, l) {
            (Some(e), Some(l)) if e <= l => return Some((e, l)),
            (Some(x), None) | (None, Some(x)) => return Some((x, x)),
            _ => {}
        }
        if let Some(v) = parse_day(&d.value) {
            return Some((v, v));
        }
    }
    published.map(|p| {
        let n = day_number(p);
        (n, n)
    })
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The bytes of `w` (at most eight) as a number, first byte lowest.
fn packed(w: &[u8]) -> u64 {
    w.iter()
        .enumerate()
        .fold(0, |k, (i, b)| k | u64::from(*b) << (8 * i))
}

/// A word's key, from its lowercase bytes: the bytes themselves, packed, when there are at most
/// eight (words without a zero byte: distinct words, distinct keys), else a hash of them with
/// the top bit set.
fn word_key(lower: &[u8]) -> u64 {
    if lower.len() <= 8 {
        return packed(lower);
    }
    let mut h = lower.len() as u64;
    for chunk in lower.chunks(8) {
        h = (h.rotate_left(23) ^ packed(chunk)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    // The finalizer of MurmurHash3: every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h | 1 << 63
}

/// The keys (see [`word_key`]) of the content words of a sentence, sorted and deduplicated:
/// words of three characters or more, not all digits, lowercased, without the stopwords.
fn content_words(text: &str, config: &MergeConfig, stop_hashes: &[u64]) -> Vec<u64> {
    if text.is_ascii() {
        return ascii_content_words(text.as_bytes(), config, stop_hashes);
    }
    let mut lower = String::new();
    let mut words: Vec<u64> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        // Three characters take at least three bytes; most words are ASCII.
        if w.len() < 3 || (!w.is_ascii() && w.chars().count() < 3) {
            continue;
        }
        if w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        lower.clear();
        if w.is_ascii() {
            lower.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            lower.push_str(&w.to_lowercase());
        }
        let h = word_key(lower.as_bytes());
        if stop_hashes.binary_search(&h).is_ok() && config.stopwords.contains(lower.as_str()) {
            continue;
        }
        words.push(h);
    }
    words.sort_unstable();
    words.dedup();
    words
}

/// [`content_words`] of an ASCII text, byte by byte: there, the alphanumeric characters are
/// the ASCII letters and digits, and setting bit 5 of each lowercases it.
fn ascii_content_words(text: &[u8], config: &MergeConfig, stop_hashes: &[u64]) -> Vec<u64> {
    let mut words: Vec<u64> = Vec::with_capacity(text.len() / 6 + 1);
    let mut lower = [0u8; 64];
    let mut at = 0;
    while at < text.len() {
        // The next word: a run of letters and digits.
        let Some(start) = text[at..]
            .iter()
            .position(u8::is_ascii_alphanumeric)
            .map(|p| at + p)
        else {
            break;
        };
        let end = text[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(text.len(), |p| start + p);
        at = end;
        let w = &text[start..end];
        if w.len() < 3 || w.iter().all(u8::is_ascii_digit) {
            continue;
        }
        let key = if w.len() <= lower.len() {
            for (l, b) in lower.iter_mut().zip(w) {
                *l = b | 0x20;
            }
            word_key(&lower[..w.len()])
        } else {
            word_key(&w.to_ascii_lowercase())
        };
        if stop_hashes.binary_search(&key).is_ok() {
            // Keys of up to eight bytes are the bytes themselves: only a longer word's key may
            // be a stopword's by chance.
            if w.len() <= 8 {
                continue;
            }
            let lower = String::from_utf8_lossy(w).to_ascii_lowercase();
            if config.stopwords.contains(lower.as_str()) {
                continue;
            }
        }
        words.push(key);
    }
    words.sort_unstable();
    words.dedup();
    words
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Coordinates in radians with the cosine of the latitude, for [`haversine_rad`].
fn radians(c: (f64, f64)) -> (f64, f64, f64) {
    let la = c.0.to_radians();
    (la, c.1.to_radians(), la.cos())
}

fn country_prefix(code: &str) -> Option<&str> {
    code.get(..3)
        .filter(|p| p.chars().all(|c| c.is_ascii_uppercase()))
}

/// How well two sets of party codes match: 1 for a shared code, 0.7 for a shared country
/// prefix, 0 for none; `None` when either side is empty (unknown). Returns the matched codes.
fn party_match<'a>(a: &[&'a str], b: &[&'a str]) -> Option<(f64, &'a str, &'a str)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut best = (0.0, "", "");
    for x in a {
        for y in b {
            let s = if x == y {
                1.0
            } else if country_prefix(x).is_some() && country_prefix(x) == country_prefix(y) {
                0.7
            } else {
                0.0
            };
            if s > best.0 {
                best = (s, x, y);
            }
        }
    }
    Some(best)
}

fn quantities(e: &Event) -> [(&'static str, Option<&Quantity>); 5] {
    [
        ("dead", e.dead.as_ref()),
        ("injured", e.injured.as_ref()),
        ("arrested", e.arrested.as_ref()),
        ("size", e.size.as_ref()),
        ("weapons", e.weapons.as_ref()),
    ]
}

/// Whether one of `words` shares a stem (first five letters) with the trigger's first word.
fn mentions_trigger(words: &[&str], trigger: &str) -> bool {
    let lower = trigger.to_lowercase();
    let Some(first) = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() >= 3)
    else {
        return false;
    };
    let stem: String = first.chars().take(5).collect();
    words.iter().any(|w| w.starts_with(stem.as_str()))
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    /// Joins the sets of `a` and `b`; false when they already were one. The smaller index
    /// becomes the root, so results do not depend on the order of joins.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
        true
    }
}

fn modality_rank(m: Modality) -> u8 {
    match m {
        Modality::Asserted => 0,
        Modality::Reported => 1,
        Modality::Alleged => 2,
        Modality::Future => 3,
        Modality::Hypothetical => 4,
        Modality::Conditional => 5,
        Modality::Denied => 6,
        Modality::Negated => 7,
    }
}

fn reported_date(r: &Report) -> Option<String> {
    r.published.map(iso_date).or_else(|| {
        r.event
            .reported_date
            .as_ref()
            .and_then(|d| parse_day(&d.value).map(date_of))
    })
}

/// `d.to_string()`, written directly for four-digit years.
fn iso_date(d: Date) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        iso_digits(y as u16, m as u8, day as u8)
    } else {
        d.to_string()
    }
}

/// `YYYY-MM-DD` of a four-digit year.
fn iso_digits(y: u16, m: u8, d: u8) -> String {
    let digit = |v: u16| char::from(b'0' + (v % 10) as u8);
    let mut out = String::with_capacity(10);
    for v in [y / 1000, y / 100, y / 10, y] {
        out.push(digit(v));
    }
    out.push('-');
    out.push(digit(u16::from(m) / 10));
    out.push(digit(u16::from(m)));
    out.push('-');
    out.push(digit(u16::from(d) / 10));
    out.push(digit(u16::from(d)));
    out
}

fn normalize_source(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for w in lower.split_whitespace().filter(|w| *w != "the") {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The serialized name of a source kind.
fn kind_name(k: annals_events::SourceKind) -> &'static str {
    use annals_events::SourceKind::*;
    match k {
        Media => "media",
        Official => "official",
        Intelligence => "intelligence",
        Anonymous => "anonymous",
        SocialMedia => "social_media",
        Other => "other",
    }
}

/// The most frequent of `values` (ties to the earliest), or empty.
fn most_frequent<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut counts: Vec<(&str, usize, usize)> = Vec::new();
    for (rank, v) in values.enumerate() {
        match counts.iter_mut().find(|c| c.0 == v) {
            Some(c) => c.1 += 1,
            None => counts.push((v, 1, rank)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|c| c.0.to_string())
        .unwrap_or_default()
}

/// `values` sorted, without repeats, as owned strings.
fn sorted_set<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<&str> = values.collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(str::to_string).collect()
}

/// What assembling needs of each report more than once: its key and its reported date.
struct Derived<'a> {
    keys: Vec<String>,
    reported: Vec<Option<String>>,
    /// Per report: its original source (see [`source_of`]) as the number of its normalized
    /// name, its name as written, and its kind; and the number of its normalized outlet.
    sources: Vec<(u32, &'a str, &'static str)>,
    outlets: Vec<u32>,
}

impl<'a> Derived<'a> {
    fn new(reports: &[&'a Report]) -> Derived<'a> {
        // Names are normalized once each: most reports share a few outlets and sources.
        let mut raw: HashMap<&str, u32> = HashMap::new();
        let mut normal: HashMap<String, u32> = HashMap::new();
        let mut number = |name: &'a str| -> u32 {
            *raw.entry(name).or_insert_with(|| {
                let next = u32::try_from(normal.len()).unwrap_or(u32::MAX);
                *normal.entry(normalize_source(name)).or_insert(next)
            })
        };
        let mut sources = Vec::with_capacity(reports.len());
        let mut outlets = Vec::with_capacity(reports.len());
        for r in reports {
            let outlet = r.outlet.as_deref().unwrap_or(&r.doc_id);
            sources.push(match r.event.attribution.last() {
                Some(link) => (number(&link.text), link.text.as_str(), kind_name(link.kind)),
                None => (number(outlet), outlet, "outlet"),
            });
            outlets.push(number(outlet));
        }
        Derived {
            keys: reports.iter().map(|r| r.key()).collect(),
            reported: reports.iter().map(|r| reported_date(r)).collect(),
            sources,
            outlets,
        }
    }
}

/// The features of the reports of one merge as numbers, for scoring many pairs quickly (see
/// [`Merger::quick_score`]).
struct Quick {
    /// Per report: the number of its event type.
    types: Vec<usize>,
    /// The type score of each pair of type numbers, `type_count` per row.
    type_scores: Vec<Option<f64>>,
    type_count: usize,
    /// Per report: where its actors and its recipients are in `parties`.
    actors: Vec<std::ops::Range<usize>>,
    recipients: Vec<std::ops::Range<usize>>,
    /// Parties: the number of the code, and its country prefix packed (0 for none).
    parties: Vec<(u32, u32)>,
    /// Per report: its place's coordinates in radians, and the cosine of the latitude.
    coords: Vec<Option<(f64, f64, f64)>>,
}

/// [`country_prefix`] packed into a number (0 for none).
fn packed_prefix(code: &str) -> u32 {
    country_prefix(code).map_or(0, |p| p.bytes().fold(0, |k, b| k << 8 | u32::from(b)))
}

/// [`party_match`]'s score, on parties given as numbers.
fn quick_party(a: &[(u32, u32)], b: &[(u32, u32)]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut best = 0.0;
    for x in a {
        for y in b {
            let s = if x.0 == y.0 {
                1.0
            } else if x.1 != 0 && x.1 == y.1 {
                0.7
            } else {
                0.0
            };
            if s > best {
                best = s;
            }
        }
    }
    Some(best)
}

/// [`haversine_km`] of coordinates given in radians with the cosines of their latitudes (the
/// same operations, so the same result).
fn haversine_rad(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let h = ((b.0 - a.0) / 2.0).sin().powi(2) + a.2 * b.2 * ((b.1 - a.1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

impl Merger {
    /// A merger with the given configuration.
    pub fn new(config: MergeConfig) -> Merger {
        let mut stop_hashes: Vec<u64> = config
            .stopwords
            .iter()
            .map(|w| word_key(w.as_bytes()))
            .collect();
        stop_hashes.sort_unstable();
        stop_hashes.dedup();
        let mut compatible_hashes: Vec<CompatiblePair> = config
            .compatible
            .iter()
            .map(|((a, b), score)| {
                let h = (fnv(a.as_bytes()), fnv(b.as_bytes()));
                (h, (a.clone(), b.clone()), *score)
            })
            .collect();
        compatible_hashes.sort_unstable_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
        Merger {
            config,
            stop_hashes,
            compatible_hashes,
        }
    }

    /// [`MergeConfig::type_score`] of two types given with their FNV hashes, without building
    /// owned keys.
    fn type_score(&self, a: (&str, u64), b: (&str, u64)) -> Option<f64> {
        if a.0 == b.0 {
            return Some(1.0);
        }
        let h = (a.1, b.1);
        let list = &self.compatible_hashes;
        let from = list.partition_point(|x| x.0 < h);
        list.get(from..)?
            .iter()
            .take_while(|x| x.0 == h)
            .find(|x| x.1.0 == a.0 && x.1.1 == b.0)
            .map(|x| x.2)
    }

    /// The configuration in use.
    pub fn config(&self) -> &MergeConfig {
        &self.config
    }

    fn features<'a>(&self, r: &'a Report) -> Features<'a> {
        let e = &r.event;
        let actors: Vec<&str> = e.actor.iter().map(|p| p.code.as_str()).collect();
        let recipients: Vec<&str> = e.recipient.iter().map(|p| p.code.as_str()).collect();
        let mut keys: Vec<&str> = e
            .actor
            .iter()
            .chain(&e.recipient)
            .filter_map(|p| {
                if p.country.len() == 3 {
                    Some(p.country.as_str())
                } else {
                    country_prefix(&p.code)
                }
            })
            .collect();
        let place = e.event_loc.as_ref().map(|l| PlaceF {
            name: &l.name,
            country: &l.country,
            coords: l
                .lat
                .zip(l.lon)
                .filter(|(a, b)| a.is_finite() && b.is_finite()),
        });
        if keys.is_empty()
            && let Some(p) = &place
            && !p.country.is_empty()
        {
            keys.push(p.country);
        }
        if keys.is_empty() {
            keys.push("");
        }
        keys.sort_unstable();
        keys.dedup();
        Features {
            class: class_of(e.modality),
            event: &e.event,
            event_hash: fnv(e.event.as_bytes()),
            quad: e.quad_code,
            actors,
            recipients,
            keys,
            interval: interval(e, r.published),
            place,
            sentence: &r.sentence,
            words: std::cell::OnceCell::new(),
        }
    }

    /// The content words of a report's sentence (read on first use: most reports are compared
    /// with none that shares a party or a place).
    fn words<'f>(&self, f: &'f Features) -> &'f [u64] {
        f.words
            .get_or_init(|| content_words(f.sentence, &self.config, &self.stop_hashes))
    }

    /// 1 within `near_km`, falling linearly to 0 at `far_km`.
    fn place_closeness(&self, km: f64) -> f64 {
        let c = &self.config;
        if km <= c.near_km {
            1.0
        } else {
            (1.0 - (km - c.near_km) / (c.far_km - c.near_km).max(1e-9)).max(0.0)
        }
    }

    /// Scores a pair; `None` when a rule vetoes it. Writes the signals into `notes` when given
    /// (the score itself among them when `score_note`). `across` allows a denial to be compared
    /// with a factual report.
    fn score(
        &self,
        a: &Features,
        b: &Features,
        across: bool,
        mut notes: Option<&mut Vec<String>>,
        score_note: bool,
    ) -> Option<f64> {
        let c = &self.config;
        macro_rules! note {
            ($($t:tt)*) => { if let Some(n) = notes.as_deref_mut() { n.push(format!($($t)*)); } };
        }
        // A note made of pieces, without the formatting machinery.
        macro_rules! note_cat {
            ($($p:expr),*) => { if let Some(n) = notes.as_deref_mut() { n.push([$($p),*].concat()); } };
        }
        if a.class != b.class && !across {
            note!("veto: modality differs ({:?} vs {:?})", a.class, b.class);
            return None;
        }
        let Some(type_score) = self.type_score((a.event, a.event_hash), (b.event, b.event_hash))
        else {
            note!("veto: types incompatible ({} vs {})", a.event, b.event);
            return None;
        };
        if type_score >= 1.0 {
            note_cat!("type compatible (", a.event, "=", b.event, ")");
        } else {
            note!("type compatible ({}~{}, {type_score})", a.event, b.event);
        }
        let mut anchor = false;
        let actor = party_match(&a.actors, &b.actors);
        let recipient = party_match(&a.recipients, &b.recipients);
        let mut role_scores = [0.5, 0.5];
        let mut known_mismatch = 0;
        let mut known = 0;
        for (i, (m, role)) in [(actor, "actor"), (recipient, "recipient")]
            .into_iter()
            .enumerate()
        {
            match m {
                Some((s, x, y)) if s > 0.0 => {
                    anchor = true;
                    known += 1;
                    role_scores[i] = s;
                    if x == y {
                        note_cat!(role, " overlap ", x);
                    } else {
                        note_cat!(role, " country overlap ", x, "~", y);
                    }
                }
                Some(_) => {
                    known += 1;
                    known_mismatch += 1;
                    role_scores[i] = 0.0;
                    note_cat!(role, "s differ");
                }
                None => note_cat!(role, " unknown on one side"),
            }
        }
        if known > 0 && known_mismatch == known {
            note!("veto: no actor or recipient in common");
            return None;
        }
        let actor_score = (role_scores[0] + role_scores[1]) / 2.0;
        let fit = DateFit::of(a.interval, b.interval, c.date_tolerance_days);
        match fit {
            DateFit::Overlap { lo, hi, .. } => {
                note_cat!("dates overlap ", &date_of(lo), "..", &date_of(hi));
            }
            DateFit::Near { days } => note!("dates {days} day(s) apart"),
            DateFit::Far { days, starts } => {
                note!(
                    "veto: dates {days} day(s) apart ({} vs {})",
                    date_of(starts.0),
                    date_of(starts.1)
                );
            }
            DateFit::Unknown => note_cat!("date unknown on one side"),
        }
        let date_score = fit.score()?;
        let place_score = match (&a.place, &b.place) {
            (Some(p), Some(q)) => match (p.coords, q.coords) {
                (Some(x), Some(y)) => {
                    let km = haversine_km(x, y);
                    if km > c.far_km {
                        note!("veto: places {km:.0} km apart ({} vs {})", p.name, q.name);
                        return None;
                    }
                    note!("places {km:.0} km apart");
                    if km <= c.near_km {
                        anchor = true;
                    }
                    self.place_closeness(km)
                }
                _ if !p.country.is_empty() && !q.country.is_empty() => {
                    if p.country != q.country {
                        note!(
                            "veto: place countries differ ({} vs {})",
                            p.country,
                            q.country
                        );
                        return None;
                    }
                    note_cat!("places in the same country ", p.country);
                    0.6
                }
                _ => {
                    note_cat!("place unknown on one side");
                    0.5
                }
            },
            _ => {
                note_cat!("place unknown on one side");
                0.5
            }
        };
        if notes.is_none() && !anchor {
            // Vetoed below; the wording only matters to the notes.
            return None;
        }
        let wording = jaccard(self.words(a), self.words(b));
        note!("wording {wording:.2}");
        if !anchor {
            note!("veto: no anchor (no shared party, no nearby place)");
            return None;
        }
        let score = c.weighted(type_score, actor_score, date_score, place_score, wording);
        if score_note {
            note!("score {score:.2} (threshold {:.2})", c.threshold);
        }
        if score < c.threshold {
            note!("veto: score below threshold");
            return None;
        }
        Some(score)
    }

    /// The numbers [`Merger::quick_score`] compares, for the reports of one merge.
    fn quick<'a>(&self, feats: &[Features<'a>]) -> Quick {
        let mut type_numbers: HashMap<&str, usize> = HashMap::new();
        let mut type_names: Vec<(&str, u64)> = Vec::new();
        let types = feats
            .iter()
            .map(|f| {
                *type_numbers.entry(f.event).or_insert_with(|| {
                    type_names.push((f.event, f.event_hash));
                    type_names.len() - 1
                })
            })
            .collect();
        let type_count = type_names.len();
        let mut type_scores = Vec::with_capacity(type_count * type_count);
        for &a in &type_names {
            for &b in &type_names {
                type_scores.push(self.type_score(a, b));
            }
        }
        let mut codes: HashMap<&'a str, u32> = HashMap::new();
        let mut parties: Vec<(u32, u32)> = Vec::new();
        let (mut actors, mut recipients) = (Vec::new(), Vec::new());
        for f in feats {
            for (list, ranges) in [(&f.actors, &mut actors), (&f.recipients, &mut recipients)] {
                let from = parties.len();
                for code in list {
                    let next = u32::try_from(codes.len()).unwrap_or(u32::MAX);
                    let n = *codes.entry(code).or_insert(next);
                    parties.push((n, packed_prefix(code)));
                }
                ranges.push(from..parties.len());
            }
        }
        let coords = feats
            .iter()
            .map(|f| f.place.as_ref().and_then(|p| p.coords).map(radians))
            .collect();
        Quick {
            types,
            type_scores,
            type_count,
            actors,
            recipients,
            parties,
            coords,
        }
    }

    /// [`Merger::score`] without notes, of reports `i` and `j` of a merge (with their features
    /// and numbers): the same result, with the cheap vetoes first.
    fn quick_score(
        &self,
        q: &Quick,
        (i, a): (usize, &Features),
        (j, b): (usize, &Features),
        across: bool,
    ) -> Option<f64> {
        let c = &self.config;
        if a.class != b.class && !across {
            return None;
        }
        let type_score = (*q.type_scores.get(q.types[i] * q.type_count + q.types[j])?)?;
        let party = |r: &std::ops::Range<usize>| q.parties.get(r.clone()).unwrap_or(&[]);
        let actor = quick_party(party(&q.actors[i]), party(&q.actors[j]));
        let recipient = quick_party(party(&q.recipients[i]), party(&q.recipients[j]));
        let mut anchor = false;
        let mut role_scores = [0.5, 0.5];
        let mut known_mismatch = 0;
        let mut known = 0;
        for (k, m) in [actor, recipient].into_iter().enumerate() {
            match m {
                Some(s) if s > 0.0 => {
                    anchor = true;
                    known += 1;
                    role_scores[k] = s;
                }
                Some(_) => {
                    known += 1;
                    known_mismatch += 1;
                    role_scores[k] = 0.0;
                }
                None => {}
            }
        }
        if known > 0 && known_mismatch == known {
            return None;
        }
        let coords = q.coords[i].zip(q.coords[j]);
        if !anchor {
            // Only a nearby place can anchor the pair: none, or one too far apart in latitude
            // alone (the distance is at least that), leaves it unanchored.
            let (x, y) = coords?;
            if 6371.0 * (y.0 - x.0).abs() > c.near_km * (1.0 + 1e-9) + 1e-9 {
                return None;
            }
        }
        let actor_score = (role_scores[0] + role_scores[1]) / 2.0;
        let date_score = DateFit::of(a.interval, b.interval, c.date_tolerance_days).score()?;
        let place_score = match (&a.place, &b.place) {
            (Some(p), Some(r)) => match coords {
                Some((x, y)) => {
                    let km = haversine_rad(x, y);
                    if km > c.far_km {
                        return None;
                    }
                    if km <= c.near_km {
                        anchor = true;
                    }
                    self.place_closeness(km)
                }
                None if !p.country.is_empty() && !r.country.is_empty() => {
                    if p.country != r.country {
                        return None;
                    }
                    0.6
                }
                None => 0.5,
            },
            _ => 0.5,
        };
        if !anchor {
            return None;
        }
        let wording = jaccard(self.words(a), self.words(b));
        let score = c.weighted(type_score, actor_score, date_score, place_score, wording);
        if score < c.threshold {
            return None;
        }
        Some(score)
    }

    /// Explains how two reports compare: the signals, the score and any veto.
    pub fn compare(&self, a: &Report, b: &Report) -> Comparison {
        let (fa, fb) = (self.features(a), self.features(b));
        let mut signals = Vec::new();
        let score = self.score(&fa, &fb, false, Some(&mut signals), true);
        Comparison {
            merged: score.is_some(),
            score: score.unwrap_or(0.0),
            signals,
        }
    }

    /// Which of `others` a merge of `report` with them could relate to it: those it would be
    /// joined with or attached to as a denial, and, when either is a REJECT, those whose actors
    /// share a country with its actors (a REJECT may be flagged as a denial of another
    /// happening). A conservative test for
    /// incremental merging: the happenings of the others it returns are the ones to merge anew.
    pub fn related(&self, report: &Report, others: &[&Report]) -> Vec<bool> {
        let f = self.profile(report);
        others
            .iter()
            .map(|o| self.related_profiles(&f, &self.profile(o)))
            .collect()
    }

    /// The features of `report` that merging compares, for [`Merger::related_profiles`].
    pub fn profile<'a>(&self, report: &'a Report) -> Profile<'a> {
        Profile(self.features(report))
    }

    /// [`Merger::related`] for one pair of reports given by their profiles: whether a merge of
    /// the first with the second could relate them.
    pub fn related_profiles(&self, a: &Profile, b: &Profile) -> bool {
        let (f, g) = (&a.0, &b.0);
        if (f.event == "REJECT" || g.event == "REJECT")
            && party_match(&f.actors, &g.actors).is_some_and(|m| m.0 > 0.0)
        {
            // A denial by an accused party: their actors share a country.
            return true;
        }
        // Otherwise (REJECTs too: two reports of one rejection merge like any others) the pair
        // is related when it would be joined, or attached as a denial.
        let denial_pair = (f.class == Class::Denial) != (g.class == Class::Denial)
            && (f.class == Class::Factual || g.class == Class::Factual);
        self.score(f, g, denial_pair, None, false).is_some()
    }

    /// Merges reports into happenings, ordered by first report date then id.
    pub fn merge(&self, reports: &[Report]) -> Vec<Happening> {
        let refs: Vec<&Report> = reports.iter().collect();
        self.merge_refs(&refs)
    }

    /// [`Merger::merge`] over borrowed reports (so a caller holding them elsewhere need not
    /// copy them).
    pub fn merge_refs(&self, reports: &[&Report]) -> Vec<Happening> {
        let n = reports.len();
        let feats: Vec<Features> = reports.iter().map(|r| self.features(r)).collect();
        // Blocking: (quad, country key) -> report indices sorted by interval start.
        let mut blocks: BTreeMap<(u8, &str), Vec<usize>> = BTreeMap::new();
        for (i, f) in feats.iter().enumerate() {
            if f.interval.is_none() {
                continue;
            }
            for k in &f.keys {
                blocks.entry((f.quad, *k)).or_default().push(i);
            }
        }
        // Each report's keys as numbers (in its own key order), so the pair loop compares
        // integers: `key_ids[key_from[i]..key_from[i + 1]]`.
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        let mut key_ids: Vec<u32> = Vec::new();
        let mut key_from: Vec<usize> = Vec::with_capacity(n + 1);
        for f in &feats {
            key_from.push(key_ids.len());
            for k in &f.keys {
                let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
                key_ids.push(*numbers.entry(*k).or_insert(next));
            }
        }
        key_from.push(key_ids.len());
        let keys_of =
            |i: usize| -> &[u32] { key_ids.get(key_from[i]..key_from[i + 1]).unwrap_or(&[]) };
        let quick = self.quick(&feats);
        let mut uf = UnionFind::new(n);
        // Per set root: the intersection of its reports' intervals.
        let mut shared_days: Vec<Option<(i32, i32)>> = feats.iter().map(|f| f.interval).collect();
        let mut joins: Vec<(usize, usize, f64)> = Vec::new();
        // Best factual partner of each denial report.
        let mut denial_best: HashMap<usize, (f64, usize)> = HashMap::new();
        let tol = self.config.date_tolerance_days;
        for ((_, key), members) in &mut blocks {
            let key = numbers.get(key).copied();
            members.sort_by_key(|&i| (feats[i].interval.map(|x| x.0), i));
            for (pos, &i) in members.iter().enumerate() {
                let Some((_, end_i)) = feats[i].interval else {
                    continue;
                };
                for &j in members
                    .iter()
                    .skip(pos + 1)
                    .take(self.config.max_candidates)
                {
                    let Some((start_j, _)) = feats[j].interval else {
                        continue;
                    };
                    if start_j > end_i + tol {
                        break;
                    }
                    let (fi, fj) = (&feats[i], &feats[j]);
                    let denial_pair = (fi.class == Class::Denial) != (fj.class == Class::Denial)
                        && (fi.class == Class::Factual || fj.class == Class::Factual);
                    // Two reports already in one set need no score (scoring has no effects),
                    // whichever block they meet in: checked first, as it is the cheaper test.
                    if !denial_pair && fi.class != Class::Denial && uf.find(i) == uf.find(j) {
                        continue;
                    }
                    // Score a pair only in the block of the first key both share.
                    let kj = keys_of(j);
                    let first_shared = keys_of(i).iter().find(|k| kj.contains(k)).copied();
                    if first_shared != key {
                        continue;
                    }
                    if denial_pair {
                        if let Some(s) = self.quick_score(&quick, (i, fi), (j, fj), true) {
                            let (d, f) = if fi.class == Class::Denial {
                                (i, j)
                            } else {
                                (j, i)
                            };
                            let entry = denial_best.entry(d).or_insert((s, f));
                            if s > entry.0 || (s == entry.0 && f < entry.1) {
                                *entry = (s, f);
                            }
                        }
                        continue;
                    }
                    if fi.class == Class::Denial {
                        continue;
                    }
                    // In two sets (see above): their roots.
                    let (ri, rj) = (uf.find(i), uf.find(j));
                    let Some(s) = self.quick_score(&quick, (i, fi), (j, fj), false) else {
                        continue;
                    };
                    // The days every report of the joined happening shares: a join that
                    // leaves none (beyond the tolerance) would chain distinct happenings.
                    let shared = match (shared_days[ri], shared_days[rj]) {
                        (Some(a), Some(b)) => Some((a.0.max(b.0), a.1.min(b.1))),
                        (a, b) => a.or(b),
                    };
                    if shared.is_some_and(|(lo, hi)| lo - hi > tol) {
                        continue;
                    }
                    uf.union(i, j);
                    shared_days[uf.find(i)] = shared;
                    joins.push((i.min(j), i.max(j), s));
                }
            }
        }
        // Attach matched denials to the happening of their best partner.
        let mut denies_of: HashMap<usize, usize> = HashMap::new();
        for (&d, &(_, f)) in &denial_best {
            denies_of.insert(d, f);
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            let root = match denies_of.get(&i) {
                Some(&f) => uf.find(f),
                None => uf.find(i),
            };
            groups.entry(root).or_default().push(i);
        }
        let mut joins_of: HashMap<usize, Vec<(usize, usize, f64)>> = HashMap::new();
        for (a, b, s) in joins {
            joins_of.entry(uf.find(a)).or_default().push((a, b, s));
        }
        let derived = Derived::new(reports);
        let mut happenings: Vec<(Happening, Vec<usize>)> = groups
            .into_iter()
            .map(|(root, members)| {
                let joins = joins_of.remove(&root).unwrap_or_default();
                let h = self.assemble(reports, &feats, &derived, &members, &denies_of, &joins);
                (h, members)
            })
            .collect();
        self.flag_rejections(reports, &feats, &derived.keys, &mut happenings);
        // Sorted through their positions: happenings are large to move.
        let mut order: Vec<usize> = (0..happenings.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&happenings[a].0, &happenings[b].0);
            (a.first_reported.is_none(), &a.first_reported, &a.id).cmp(&(
                b.first_reported.is_none(),
                &b.first_reported,
                &b.id,
            ))
        });
        let mut slots: Vec<Option<Happening>> =
            happenings.into_iter().map(|(h, _)| Some(h)).collect();
        order.iter().filter_map(|&i| slots[i].take()).collect()
    }

    fn assemble(
        &self,
        reports: &[&Report],
        feats: &[Features],
        derived: &Derived<'_>,
        members: &[usize],
        denies_of: &HashMap<usize, usize>,
        joins: &[(usize, usize, f64)],
    ) -> Happening {
        let mut order: Vec<usize> = members.to_vec();
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&reports[a], &reports[b]);
            (
                ra.published.is_none(),
                ra.published,
                &ra.doc_id,
                ra.event_index,
                a,
            )
                .cmp(&(
                    rb.published.is_none(),
                    rb.published,
                    &rb.doc_id,
                    rb.event_index,
                    b,
                ))
        });
        let supporting: Vec<usize> = order
            .iter()
            .copied()
            .filter(|i| !denies_of.contains_key(i))
            .collect();
        // A group made only of an unmatched denial report still needs a body.
        let body: &[usize] = if supporting.is_empty() {
            &order
        } else {
            &supporting
        };
        let keys = &derived.keys;
        let first = body[0];
        let id = format!("h-{:016x}", fnv(keys[first].as_bytes()));
        // Most frequent type and CAMEO code, ties to the earliest.
        let event = most_frequent(body.iter().map(|&i| reports[i].event.event.as_str()));
        let cameo = most_frequent(body.iter().map(|&i| reports[i].event.cameo.as_str()));
        let mode = sorted_set(
            body.iter()
                .filter(|&&i| reports[i].event.event == event)
                .flat_map(|&i| reports[i].event.mode.iter().map(String::as_str)),
        );
        let quad_code = body
            .iter()
            .find(|&&i| reports[i].event.event == event)
            .map(|&i| reports[i].event.quad_code)
            .unwrap_or(0);
        let modality = body
            .iter()
            .map(|&i| reports[i].event.modality)
            .min_by_key(|m| modality_rank(*m))
            .unwrap_or(Modality::Asserted);
        let actor = sorted_set(
            body.iter()
                .flat_map(|&i| reports[i].event.actor.iter().map(|p| p.code.as_str())),
        );
        let recipient = sorted_set(
            body.iter()
                .flat_map(|&i| reports[i].event.recipient.iter().map(|p| p.code.as_str())),
        );
        let intervals: Vec<(usize, (i32, i32))> = body
            .iter()
            .filter_map(|&i| feats[i].interval.map(|x| (i, x)))
            .collect();
        let mut contradictions = Vec::new();
        let date = if intervals.is_empty() {
            None
        } else {
            let lo = intervals.iter().map(|x| x.1.0).max().unwrap_or(0);
            let hi = intervals.iter().map(|x| x.1.1).min().unwrap_or(0);
            if lo <= hi {
                Some(HappeningDate {
                    earliest: date_of(lo),
                    latest: date_of(hi),
                    basis: "intersection".into(),
                })
            } else {
                let late = intervals.iter().find(|x| x.1.0 == lo).map(|x| x.0);
                let early = intervals.iter().find(|x| x.1.1 == hi).map(|x| x.0);
                if let (Some(e), Some(l)) = (early, late) {
                    contradictions.push(Contradiction {
                        kind: "date".into(),
                        between: (keys[e].clone(), keys[l].clone()),
                        detail: format!("dates differ: {} vs {}", date_of(hi), date_of(lo)),
                    });
                }
                Some(HappeningDate {
                    earliest: date_of(intervals.iter().map(|x| x.1.0).min().unwrap_or(0)),
                    latest: date_of(intervals.iter().map(|x| x.1.1).max().unwrap_or(0)),
                    basis: "union".into(),
                })
            }
        };
        // Place: the name most reports give, ties to the earliest.
        let mut places: Vec<(&str, usize, usize)> = Vec::new();
        for &i in body {
            if let Some(p) = &feats[i].place {
                match places.iter_mut().find(|x| x.0 == p.name) {
                    Some(x) => x.1 += 1,
                    None => places.push((p.name, 1, i)),
                }
            }
        }
        let best_place = places
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| a.1.cmp(&b.1).then(ib.cmp(ia)))
            .map(|(_, p)| *p);
        let event_loc = best_place.and_then(|(name, count, i)| {
            let p = feats[i].place.as_ref()?;
            Some(HappeningPlace {
                name: name.to_string(),
                country: p.country.to_string(),
                lat: p.coords.map(|c| c.0),
                lon: p.coords.map(|c| c.1),
                reports: count,
            })
        });
        if let Some((_, _, pi)) = best_place
            && let Some(center) = feats[pi].place.as_ref().and_then(|p| p.coords)
        {
            for &i in body {
                if let Some(p) = &feats[i].place
                    && let Some(c) = p.coords
                {
                    let km = haversine_km(center, c);
                    if km > self.config.far_km {
                        contradictions.push(Contradiction {
                            kind: "place".into(),
                            between: (keys[pi].clone(), keys[i].clone()),
                            detail: format!(
                                "places {km:.0} km apart: {} vs {}",
                                feats[pi].place.as_ref().map_or("", |p| p.name),
                                p.name
                            ),
                        });
                    }
                }
            }
        }
        // Quantities: consecutive distinct figures of one kind that differ beyond tolerance.
        for k in 0..5 {
            let mut figures: Vec<(u64, bool, usize, &Quantity)> = body
                .iter()
                .filter_map(|&i| {
                    let q = quantities(&reports[i].event)[k].1?;
                    Some((q.value, q.approximate, i, q))
                })
                .collect();
            figures.sort_by_key(|f| f.0);
            let name = quantities(&reports[first].event)[k].0;
            for w in figures.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                if a.0 == b.0 || b.0 == 0 {
                    continue;
                }
                let rel = (b.0 - a.0) as f64 / b.0 as f64;
                let tolerance = if a.1 || b.1 {
                    self.config.quantity_tolerance_approximate
                } else {
                    self.config.quantity_tolerance_exact
                };
                if rel > tolerance {
                    contradictions.push(Contradiction {
                        kind: "quantity".into(),
                        between: (keys[a.2].clone(), keys[b.2].clone()),
                        detail: format!(
                            "{name}: {} vs {} (\"{}\" vs \"{}\")",
                            a.0, b.0, a.3.text, b.3.text
                        ),
                    });
                }
            }
        }
        // Denials attached to this happening.
        for &d in &order {
            if let Some(&f) = denies_of.get(&d) {
                contradictions.push(Contradiction {
                    kind: "denial".into(),
                    between: (keys[f].clone(), keys[d].clone()),
                    detail: format!(
                        "{} is {:?}: \"{}\"",
                        keys[d].clone(),
                        reports[d].event.modality,
                        reports[d].sentence
                    ),
                });
            }
        }
        // Sources: innermost attribution link, else the outlet itself; reports of one source
        // or one outlet depend on each other.
        let mut original_sources: Vec<(u32, OriginalSource)> = Vec::new();
        let mut src_uf = UnionFind::new(body.len());
        let mut by_source: Vec<(u32, usize)> = Vec::new();
        let mut by_outlet: Vec<(u32, usize)> = Vec::new();
        for (pos, &i) in body.iter().enumerate() {
            let (norm, text, kind) = derived.sources[i];
            match original_sources.iter_mut().find(|s| s.0 == norm) {
                Some(s) => s.1.reports.push(keys[i].clone()),
                None => original_sources.push((
                    norm,
                    OriginalSource {
                        name: text.to_string(),
                        kind: kind.to_string(),
                        reports: vec![keys[i].clone()],
                    },
                )),
            }
            for (seen, name) in [(&mut by_source, norm), (&mut by_outlet, derived.outlets[i])] {
                match seen.iter().find(|x| x.0 == name) {
                    Some(&(_, p)) => {
                        src_uf.union(p, pos);
                    }
                    None => seen.push((name, pos)),
                }
            }
        }
        let mut groups: BTreeMap<usize, SourceGroup> = BTreeMap::new();
        for (pos, &i) in body.iter().enumerate() {
            let r = &reports[i];
            let g = groups.entry(src_uf.find(pos)).or_insert(SourceGroup {
                sources: Vec::new(),
                outlets: Vec::new(),
                reports: Vec::new(),
            });
            let name = derived.sources[i].1;
            if !g.sources.iter().any(|s| s == name) {
                g.sources.push(name.to_string());
            }
            if let Some(o) = &r.outlet
                && !g.outlets.contains(o)
            {
                g.outlets.push(o.clone());
            }
            g.reports.push(keys[i].clone());
        }
        let independent = groups.len();
        let outlets = sorted_set(order.iter().filter_map(|&i| reports[i].outlet.as_deref()));
        let dates = || order.iter().filter_map(|&i| derived.reported[i].as_deref());
        let first_reported = dates().min().map(str::to_string);
        let last_reported = dates().max().map(str::to_string);
        let merge_reasons = joins
            .iter()
            .map(|&(a, b, score)| {
                let mut signals = Vec::new();
                // Every signal but the score (given apart).
                self.score(&feats[a], &feats[b], false, Some(&mut signals), false);
                MergeReason {
                    a: keys[a].clone(),
                    b: keys[b].clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    signals,
                }
            })
            .collect();
        let report_refs = order
            .iter()
            .map(|&i| {
                let r = &reports[i];
                ReportRef {
                    key: keys[i].clone(),
                    doc_id: r.doc_id.clone(),
                    event_index: r.event_index,
                    event_id: r.event.id.clone(),
                    outlet: r.outlet.clone(),
                    reported_date: derived.reported[i].clone(),
                    event: r.event.event.clone(),
                    modality: r.event.modality,
                    attribution: r.event.attribution.iter().map(|l| l.text.clone()).collect(),
                    stance: if denies_of.contains_key(&i)
                        || class_of(r.event.modality) == Class::Denial
                    {
                        Stance::Denies
                    } else {
                        Stance::Supports
                    },
                    sentence: r.sentence.clone(),
                }
            })
            .collect();
        Happening {
            id,
            event,
            mode,
            cameo,
            quad_code,
            modality,
            actor,
            recipient,
            date,
            event_loc,
            reports: report_refs,
            outlets,
            original_sources: original_sources.into_iter().map(|s| s.1).collect(),
            first_reported,
            last_reported,
            corroboration: Corroboration {
                independent_sources: independent,
                corroborated: independent >= 2,
                sources: groups.into_values().collect(),
            },
            contradictions,
            merge_reasons,
        }
    }

    /// Flags happenings denied by a REJECT of their accused party: a factual REJECT report whose
    /// sentence has a denial cue, whose actor matches the happening's actor, dated within the
    /// denial window after the happening (and near it, when both have places).
    fn flag_rejections(
        &self,
        reports: &[&Report],
        feats: &[Features],
        keys: &[String],
        happenings: &mut [(Happening, Vec<usize>)],
    ) {
        // Index the factual reports of candidate targets by actor country, sorted by start day;
        // each list keeps its longest interval so a window search can start early enough.
        type Entry = (i32, usize, usize);
        let mut by_country: HashMap<&str, (Vec<Entry>, i32)> = HashMap::new();
        for (h, (hap, members)) in happenings.iter().enumerate() {
            if hap.event == "REJECT" {
                continue;
            }
            for &i in members {
                let g = &feats[i];
                let Some((gs, ge)) = g.interval else { continue };
                if g.class != Class::Factual {
                    continue;
                }
                let mut seen: Vec<&str> = Vec::new();
                for a in &g.actors {
                    if let Some(p) = country_prefix(a)
                        && !seen.contains(&p)
                    {
                        seen.push(p);
                        let slot = by_country.entry(p).or_default();
                        slot.0.push((gs, h, i));
                        slot.1 = slot.1.max(ge - gs);
                    }
                }
            }
        }
        for slot in by_country.values_mut() {
            slot.0.sort_unstable();
        }
        let window = self.config.denial_window_days;
        let tol = self.config.date_tolerance_days;
        let mut flags: Vec<(usize, Contradiction)> = Vec::new();
        for (ri, r) in reports.iter().enumerate() {
            let f = &feats[ri];
            if f.event != "REJECT" || f.class != Class::Factual {
                continue;
            }
            let lower = r.sentence.to_lowercase();
            let words: Vec<&str> = lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let cue = words.iter().any(|w| self.config.denial_cues.contains(*w));
            if !cue {
                continue;
            }
            let Some((rs, re)) = f.interval else { continue };
            let mut best: Option<(f64, usize, usize)> = None;
            let mut candidates: Vec<(usize, usize)> = Vec::new();
            for p in f.actors.iter().filter_map(|a| country_prefix(a)) {
                let Some((list, longest)) = by_country.get(p) else {
                    continue;
                };
                let from = rs.saturating_sub(window).saturating_sub(*longest);
                let first = list.partition_point(|e| e.0 < from);
                for e in list.get(first..).unwrap_or(&[]) {
                    if e.0 > re.saturating_add(tol) {
                        break;
                    }
                    candidates.push((e.1, e.2));
                }
            }
            candidates.sort_unstable();
            candidates.dedup();
            for (h, i) in candidates {
                let g = &feats[i];
                let Some((gs, ge)) = g.interval else { continue };
                // The denial comes after (or on the days of) the happening, within the window.
                if re.saturating_add(tol) < gs || rs > ge.saturating_add(window) {
                    continue;
                }
                let Some((party, _, _)) = party_match(&f.actors, &g.actors) else {
                    continue;
                };
                if party <= 0.0 {
                    continue;
                }
                let mut s = party + jaccard(self.words(f), self.words(g));
                if let (Some(p), Some(q)) = (&f.place, &g.place)
                    && let (Some(x), Some(y)) = (p.coords, q.coords)
                {
                    let km = haversine_km(x, y);
                    if km > self.config.far_km {
                        continue;
                    }
                    s += self.place_closeness(km);
                }
                // The denial names the act ("denied attacking" for "attacked").
                if mentions_trigger(&words, &reports[i].event.trigger.text) {
                    s += 1.5;
                }
                if best.is_none_or(|b| s > b.0) {
                    best = Some((s, h, i));
                }
            }
            if let Some((_, h, i)) = best {
                flags.push((
                    h,
                    Contradiction {
                        kind: "denial".into(),
                        between: (keys[i].clone(), keys[ri].clone()),
                        detail: format!(
                            "{} by {} rejects it: \"{}\"",
                            r.event.event,
                            f.actors.join("+"),
                            r.sentence
                        ),
                    },
                ));
            }
        }
        for (h, c) in flags {
            if let Some((hap, _)) = happenings.get_mut(h) {
                hap.contradictions.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for s in [
            "1970-01-01",
            "2024-02-29",
            "2024-10-03",
            "1999-12-31",
            "1900-03-01",
        ] {
            let d: Date = s.parse().unwrap();
            assert_eq!(date_of(day_number(d)), s);
        }
        assert_eq!(day_number("1970-01-02".parse().unwrap()), 1);
    }

    #[test]
    fn haversine_is_sane() {
        let km = haversine_km((48.8566, 2.3522), (45.764, 4.8357));
        assert!((380.0..400.0).contains(&km), "{km}");
    }

    #[test]
    fn ascii_words_are_the_words_of_the_general_reading() {
        let config = MergeConfig::default();
        let merger = Merger::new(config.clone());
        for text in [
            "Police said 300 protesters marched in Lyon on Monday; the union's HQ (CGT) agreed.",
            "A 12-year-old boy, two MPs and 4x4 trucks: ab ABC a1 a12 123 1234 x-ray.",
            "",
            "   ...   ",
        ] {
            assert!(text.is_ascii());
            let mut general = Vec::new();
            for w in text.split(|c: char| !c.is_alphanumeric()) {
                let lower = w.to_lowercase();
                if w.chars().count() >= 3
                    && !w.chars().all(|c| c.is_ascii_digit())
                    && !config.stopwords.contains(lower.as_str())
                {
                    general.push(word_key(lower.as_bytes()));
                }
            }
            general.sort_unstable();
            general.dedup();
            assert_eq!(
                content_words(text, &config, &merger.stop_hashes),
                general,
                "{text}"
            );
        }
        assert!(!content_words("said marched", &config, &merger.stop_hashes).is_empty());
        assert_eq!(content_words("said", &config, &merger.stop_hashes).len(), 0);
    }

    /// A REJECT report with a recipient and no actor (written for this test).
    fn rejection(doc: &str, outlet: &str, sentence: &str) -> Report {
        let event = crate::event_from_json(&serde_json::json!({
            "event": "REJECT", "cameo": "120", "quad_code": 3, "modality": "asserted",
            "recipient": [{"text": "Ruritania", "code": "RUR", "country": "RUR"}],
            "date": {"value": "2031-05-06", "earliest": "2031-05-06", "latest": "2031-05-06"},
            "event_loc": {"name": "Strelsau", "country": "RUR", "lat": 50.1, "lon": 14.4},
        }))
        .unwrap();
        Report {
            doc_id: doc.into(),
            event_index: 0,
            outlet: Some(outlet.into()),
            published: Some("2031-05-06".parse().unwrap()),
            sentence: sentence.into(),
            event,
        }
    }

    #[test]
    fn rejections_without_actors_that_merge_are_related() {
        let merger = Merger::new(MergeConfig::default());
        let a = rejection(
            "d1",
            "Strelsau Courier",
            "The plan for Ruritania was rejected today.",
        );
        let b = rejection(
            "d2",
            "Zenda Times",
            "Ruritania's plan was rejected in Strelsau.",
        );
        let merged = merger.merge(&[a.clone(), b.clone()]);
        assert_eq!(merged.len(), 1, "{merged:?}");
        // Merging them again from stored happenings must take the other's happening along.
        assert_eq!(merger.related(&a, &[&b]), vec![true]);
        assert_eq!(merger.related(&b, &[&a]), vec![true]);
        // One far away on another day is not.
        let mut c = rejection("d3", "Zenda Times", "A plan was rejected.");
        c.event.event_loc = None;
        c.published = Some("2031-09-01".parse().unwrap());
        c.event.date = None;
        assert_eq!(merger.related(&a, &[&c]), vec![false]);
    }

    #[test]
    fn quick_scores_are_the_scores() {
        let merger = Merger::new(MergeConfig::default());
        let mut reports = Vec::new();
        let pipeline = annals_pipeline::Pipeline::new();
        for (outlet, date, text) in [
            (
                "Valley Herald",
                "2025-06-03",
                "Miners protested in Lyon on Monday, police said.",
            ),
            (
                "Coast Times",
                "2025-06-03",
                "Hundreds of miners protested in Lyon on Monday.",
            ),
            (
                "Lake Post",
                "2025-06-04",
                "French police arrested 20 protesters in Paris on Tuesday.",
            ),
            (
                "Hill News",
                "2025-06-04",
                "Police in Marseille detained protesters on Monday.",
            ),
            (
                "Dale Daily",
                "2025-06-05",
                "Russian troops attacked Kharkiv on Thursday.",
            ),
            (
                "Fen Gazette",
                "2025-06-05",
                "Russia denied attacking Kharkiv on Thursday.",
            ),
            (
                "Moor Times",
                "2025-06-06",
                "Ukrainian forces shelled Donetsk on Friday.",
            ),
        ] {
            let mut doc =
                annals_document::Document::new(text.into()).with_date(Some(date.parse().unwrap()));
            doc.outlet = Some(outlet.into());
            reports.extend(Report::from_extraction(&pipeline.extract(doc)));
        }
        reports.push(rejection(
            "d1",
            "Strelsau Courier",
            "The plan for Ruritania was rejected.",
        ));
        reports.push(rejection(
            "d2",
            "Zenda Times",
            "Ruritania's plan was rejected today.",
        ));
        let mut far = rejection("d3", "Zenda Times", "Ruritania's plan was rejected.");
        if let Some(l) = far.event.event_loc.as_mut() {
            l.lat = Some(50.9);
        }
        reports.push(far);
        assert!(reports.len() > 8);
        let refs: Vec<&Report> = reports.iter().collect();
        let feats: Vec<Features> = refs.iter().map(|r| merger.features(r)).collect();
        let quick = merger.quick(&feats);
        let mut passed = 0;
        for (i, a) in feats.iter().enumerate() {
            for (j, b) in feats.iter().enumerate() {
                for across in [false, true] {
                    let full = merger.score(a, b, across, None, false);
                    passed += usize::from(full.is_some());
                    assert_eq!(merger.quick_score(&quick, (i, a), (j, b), across), full);
                }
            }
        }
        assert!(passed > feats.len() * 2, "{passed}");
    }

    #[test]
    fn word_keys_tell_words_apart() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefghj",
            "bacdefghi",
            "protesters",
            "protester",
            "demonstrators",
            "demonstrations",
            "ministry",
            "minister",
            "élysée",
            "élyséé",
            "0123456789",
            "1234567890",
        ];
        let mut keys: Vec<u64> = words.iter().map(|w| word_key(w.as_bytes())).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), words.len());
        assert_eq!(word_key(b"protesters"), word_key("protesters".as_bytes()));
    }

    #[test]
    fn kind_names_and_dates_are_the_serialized_ones() {
        use annals_events::SourceKind::*;
        for k in [Media, Official, Intelligence, Anonymous, SocialMedia, Other] {
            assert_eq!(serde_json::to_value(k).unwrap(), kind_name(k));
        }
        for s in ["2025-06-03", "0001-01-01", "9999-12-31"] {
            let d: Date = s.parse().unwrap();
            assert_eq!(iso_date(d), d.to_string());
            assert_eq!(date_of(day_number(d)), s);
        }
    }

    #[test]
    fn jaccard_counts_shared_words() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[], &[1]), 0.0);
    }
}
