//! Happenings in the store: merging the events written since the last merge with the stored
//! happenings near them, in one transaction.
//!
//! Every event written is also listed in `merge_pending`. [`Store::merge_pending`] takes a
//! chunk of them, lists each under its blocking keys in `merge_keys` (the countries the merger
//! blocks on, its quad code, its days), finds the stored events they could merge with through
//! that table's key (same key and quad code, nearby days; REJECT events within the denial
//! window either way), loads every report of the happenings those relate to, merges the lot
//! with [`Merger`], and replaces those happenings by the result. The pending rows go in the
//! same transaction, so a process killed at any point leaves either the old happenings and the
//! pending rows, or the new ones.
//!
//! What keeps it cheap: stored events never change, so each is parsed into a [`Report`] once
//! per open store (in one typed pass over its JSON) and cached; a writer that has the events it
//! writes at hand gives their reports to the cache as it writes them
//! ([`Store::insert_with_reports`]), and they are never read back; the pending keys are read
//! alone, and events not cached in one pass; while nothing stored is filed in a happening (a
//! first ingest), no candidates are looked up; event keys are interned to integers for the
//! candidate and relatedness bookkeeping; each report's merge features are computed once per
//! merge; a happening that comes out as it was stored (same digest) is not written, and one
//! that keeps its id is updated in place, its unchanged report, reason and contradiction rows
//! untouched; new happenings, their rows and the blocking keys are inserted many rows per
//! statement, in key order where the table is keyed; foreign keys are kept by the merge itself
//! rather than checked row by row; statement journals are kept in memory. Callers that merge
//! rarely, many events at once (as `annals ingest` does), rewrite each happening once per merge
//! rather than once per batch that reports it again.

use crate::{InsertStats, Record, Store, StoreError};
use annals_document::Date;
use annals_merge::{Contradiction, Happening, MergeReason, Merger, Report, ReportRef, Stance};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::{BTreeSet, HashMap, HashSet};

/// How far back (days) before a report's first day a stored report may start and still be a
/// merge candidate: stored intervals longer than this are not looked up.
const LOOKBACK_DAYS: i64 = 31;
/// At most this many candidates per query (nearest in storage order within the window).
const CANDIDATES_PER_QUERY: usize = 400;

/// What one [`Store::merge_pending`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Pending events taken (merged, or dropped when not a codable event).
    pub pending: u64,
    /// Stored happenings replaced.
    pub replaced: u64,
    /// Happenings written.
    pub written: u64,
    /// Stored reports reloaded to merge with.
    pub reloaded: u64,
}

/// A stored event's key.
type Key = (String, i64);

/// What a candidate lookup depends on: quad code, REJECT or not, days, country keys.
type Lookup = (u8, bool, Date, Date, Vec<String>);

/// An event's JSON, sentence, and its document's outlet and date.
type StoredRow = (String, Option<String>, Option<String>, Option<String>);

/// A hasher for event keys: their document ids are long and already well mixed (hashes of
/// the texts, most often), so eight bytes at a time with one multiplication each will do.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // The top bits pick the bucket group: fold the high product bits down.
        self.0 ^ self.0 >> 29
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let word = chunk
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, b)| w | u64::from(*b) << (8 * i));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

/// Reports cached at most; past this, only those the last merge used are kept.
const CACHED_REPORTS: usize = 50_000;

/// Stored events read back as reports, by key. Stored events never change (a document is
/// written once, with its events), so a report read once serves every later merge.
#[derive(Debug, Default)]
pub(crate) struct ReportCache {
    /// The merge that last used each entry, and the report (`None`: the stored event is not a
    /// report: no event type, or unreadable JSON). Boxed, so that growing the map moves small
    /// entries.
    map: HashMap<Key, (u64, Option<Box<Report>>), std::hash::BuildHasherDefault<KeyHasher>>,
    /// The current merge.
    generation: u64,
    /// The documents the last [`Store::insert_records`] wrote (their reports may be handed
    /// over, see [`Store::insert_with_reports`]).
    inserted: Vec<String>,
}

impl ReportCache {
    /// The cached report of `key`, if it was loaded and is a report.
    fn get(&self, key: &Key) -> Option<&Report> {
        self.map.get(key).and_then(|e| e.1.as_deref())
    }

    /// Forgets the documents written before (called as a write starts).
    pub(crate) fn forget_inserted(&mut self) {
        self.inserted.clear();
    }

    /// Notes that a document was written.
    pub(crate) fn inserted(&mut self, doc_id: &str) {
        self.inserted.push(doc_id.to_string());
    }

    /// Starts a merge.
    fn begin(&mut self) {
        self.generation += 1;
    }

    /// Past the bound, keeps only reports the current merge used, as many as the bound allows
    /// (the next merge most often needs them again: they are the reports of the happenings
    /// near the latest events).
    fn trim(&mut self) {
        if self.map.len() > CACHED_REPORTS {
            let current = self.generation;
            let mut kept = 0;
            self.map.retain(|_, e| {
                let keep = e.0 == current && kept < CACHED_REPORTS;
                kept += usize::from(keep);
                keep
            });
        }
    }
}

/// Reads the reports of `keys` not cached yet (document metadata, sentence and event JSON)
/// into the cache; returns the keys that are reports, in the order given. The events are read
/// in key order (so the b-trees are walked from left to right), and each document's outlet
/// and date once.
fn load_reports(
    conn: &Connection,
    cache: &mut ReportCache,
    keys: &[Key],
) -> Result<Vec<Key>, StoreError> {
    let mut missing: Vec<&Key> = Vec::new();
    for key in keys {
        match cache.map.get_mut(key) {
            Some(cached) => cached.0 = cache.generation,
            None => missing.push(key),
        }
    }
    missing.sort_unstable();
    missing.dedup();
    let mut event =
        conn.prepare_cached("SELECT json, sentence FROM events WHERE doc_id = ?1 AND idx = ?2")?;
    let mut document = conn.prepare_cached("SELECT outlet, date FROM documents WHERE id = ?1")?;
    // The document of the previous key, and its outlet and date (`None`: not stored).
    type Meta = Option<(Option<String>, Option<String>)>;
    let mut doc: Option<(&str, Meta)> = None;
    for key in missing {
        let (id, idx) = key;
        if doc.as_ref().is_none_or(|d| d.0 != id.as_str()) {
            let meta = document
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            doc = Some((id.as_str(), meta));
        }
        let Some((_, Some((outlet, date)))) = &doc else {
            continue;
        };
        let row: Option<(String, Option<String>)> = event
            .query_row(params![id, idx], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((json, sentence)) = row {
            cache_report(cache, key, (json, sentence, outlet.clone(), date.clone()));
        }
    }
    Ok(keys
        .iter()
        .filter(|k| cache.map.get(*k).is_some_and(|e| e.1.is_some()))
        .cloned()
        .collect())
}

/// Reads the report of a stored event row (its JSON, sentence, and its document's outlet and
/// date) into the cache under `key`; whether it is a report.
fn cache_report(cache: &mut ReportCache, key: &Key, row: StoredRow) -> bool {
    let (json, sentence, outlet, date) = row;
    let published = date
        .as_deref()
        .and_then(|d| d.get(..10))
        .and_then(|d| d.parse::<Date>().ok());
    let index = usize::try_from(key.1).unwrap_or(0);
    let report = Report::from_json_str(
        &key.0,
        index,
        outlet,
        published,
        sentence.unwrap_or_default(),
        &json,
    );
    let is_report = report.is_some();
    cache
        .map
        .insert(key.clone(), (cache.generation, report.map(Box::new)));
    is_report
}

/// Takes up to `max` pending events in key order and reads those not cached yet into the cache;
/// returns every pending key taken, and the keys of those that are reports. Events whose
/// reports were handed over when they were written are not read at all; when most are not
/// cached, all are read in one pass over the pending rows.
fn load_pending(
    conn: &Connection,
    cache: &mut ReportCache,
    max: usize,
) -> Result<(Vec<Key>, Vec<Key>), StoreError> {
    let limit = i64::try_from(max.max(1)).unwrap_or(i64::MAX);
    let mut pending: Vec<Key> = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT doc_id, idx FROM merge_pending ORDER BY doc_id, idx LIMIT ?1",
        )?;
        let mut rows = stmt.query([limit])?;
        while let Some(row) = rows.next()? {
            pending.push((row.get(0)?, row.get(1)?));
        }
    }
    let missing = pending
        .iter()
        .filter(|k| !cache.map.contains_key(*k))
        .count();
    if missing * 4 > pending.len() {
        return load_pending_rows(conn, cache, limit);
    }
    let reports = load_reports(conn, cache, &pending)?;
    Ok((pending, reports))
}

/// [`load_pending`] in one pass over the pending rows with their events and documents.
fn load_pending_rows(
    conn: &Connection,
    cache: &mut ReportCache,
    limit: i64,
) -> Result<(Vec<Key>, Vec<Key>), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.doc_id, p.idx, e.json, e.sentence, d.outlet, d.date, d.id IS NOT NULL
         FROM merge_pending p
         LEFT JOIN events e ON e.doc_id = p.doc_id AND e.idx = p.idx
         LEFT JOIN documents d ON d.id = e.doc_id
         ORDER BY p.doc_id, p.idx LIMIT ?1",
    )?;
    let mut rows = stmt.query([limit])?;
    let (mut pending, mut reports) = (Vec::new(), Vec::new());
    while let Some(row) = rows.next()? {
        let key: Key = (row.get(0)?, row.get(1)?);
        pending.push(key.clone());
        if let Some(cached) = cache.map.get_mut(&key) {
            cached.0 = cache.generation;
            if cached.1.is_some() {
                reports.push(key);
            }
            continue;
        }
        // `events.json` is never null: a null is a pending row without its event (or an event
        // without its document).
        let Some(json) = row.get::<_, Option<String>>(2)? else {
            continue;
        };
        if !row.get::<_, bool>(6)? {
            continue;
        }
        if cache_report(cache, &key, (json, row.get(3)?, row.get(4)?, row.get(5)?)) {
            reports.push(key);
        }
    }
    Ok((pending, reports))
}

fn parse_day(s: &str) -> Option<Date> {
    s.get(..10)?.parse().ok()
}

/// The report's day interval, as the merger reads it: the event's earliest..latest, else its
/// value, else the publication date.
fn days(r: &Report) -> Option<(Date, Date)> {
    if let Some(d) = &r.event.date {
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
    r.published.map(|p| (p, p))
}

/// `d` moved by `days`, as an ISO date (unchanged at the ends of the calendar).
fn shift(d: Date, days: i64) -> String {
    d.checked_add(jiff::Span::new().days(days))
        .unwrap_or(d)
        .to_string()
}

/// Intervals up to this many days are "short" in `merge_keys`: looked up by start day alone.
const SHORT_DAYS: i64 = 3;
/// The `merge_keys` pseudo quad code under which REJECT events are listed once more.
const REJECT_QUAD: i64 = -1;

/// The blocking keys of a report, as the merger reads them (a superset): its parties'
/// countries (or code prefixes), else its place's country, else the empty key.
fn block_keys(r: &Report) -> Vec<&str> {
    let mut keys: Vec<&str> = r
        .event
        .actor
        .iter()
        .chain(&r.event.recipient)
        .filter_map(|p| {
            if p.country.len() == 3 {
                Some(p.country.as_str())
            } else {
                p.code
                    .get(..3)
                    .filter(|c| c.chars().all(|x| x.is_ascii_uppercase()))
            }
        })
        .collect();
    if keys.is_empty()
        && let Some(l) = &r.event.event_loc
        && !l.country.is_empty()
    {
        keys.push(&l.country);
    }
    if keys.is_empty() {
        keys.push("");
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A day as ISO text (`d.to_string()`), kept inline: at most 16 bytes.
#[derive(Clone, Copy)]
struct IsoDay {
    bytes: [u8; 16],
    len: u8,
}

impl IsoDay {
    /// The text of the day.
    fn as_str(&self) -> &str {
        // Only ASCII is written (see `iso_day`).
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// `d.to_string()`, written directly for four-digit years (the others are at most 13 bytes:
/// a sign, six digits, the month and the day).
fn iso_day(d: Date) -> IsoDay {
    let mut out = IsoDay {
        bytes: [0; 16],
        len: 10,
    };
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        let text = d.to_string();
        let n = text.len().min(out.bytes.len());
        out.bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
        out.len = n as u8;
        return out;
    }
    let digit = |v: i16| b'0' + (v % 10) as u8;
    let b = &mut out.bytes;
    [b[0], b[1], b[2], b[3]] = [y / 1000, y / 100, y / 10, y].map(digit);
    [b[4], b[5], b[6]] = [b'-', digit(i16::from(m) / 10), digit(i16::from(m))];
    [b[7], b[8], b[9]] = [b'-', digit(i16::from(day) / 10), digit(i16::from(day))];
    out
}

/// Lists reports under their blocking keys in `merge_keys` (done once, when they are merged),
/// many rows per statement, in about key order (so the b-tree fills from left to right; any
/// order gives the same table).
fn index_keys(tx: &Transaction, reports: &[&Report]) -> Result<(), StoreError> {
    // Per report: its first day, and its days as written.
    let mut days_of: Vec<(Date, IsoDay, IsoDay)> = Vec::with_capacity(reports.len());
    // Per row: key, quad code, long, and the report's position in `days_of` and `reports`.
    let mut rows: Vec<(&str, i64, bool, usize)> = Vec::with_capacity(reports.len() * 2);
    let mut of: Vec<&Report> = Vec::with_capacity(reports.len());
    for r in reports {
        let Some((start, end)) = days(r) else {
            continue;
        };
        let long = (end - start).get_days() > SHORT_DAYS as i32;
        let at = days_of.len();
        days_of.push((start, iso_day(start), iso_day(end)));
        of.push(r);
        let quad = i64::from(r.event.quad_code);
        let reject = r.event.event == "REJECT";
        for key in block_keys(r) {
            if reject {
                rows.push((key, REJECT_QUAD, long, at));
            }
            rows.push((key, quad, long, at));
        }
    }
    // Sorted on packed keys: the key's rank among the keys, quad code, long, first day, and the
    // report's position (reports come in document order).
    let mut names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    names.sort_unstable();
    names.dedup();
    let day = |d: Date| {
        (u32::from(d.year().cast_unsigned()) << 16) ^ (1 << 31)
            | u32::from(d.month().cast_unsigned()) << 8
            | u32::from(d.day().cast_unsigned())
    };
    let mut order: Vec<(u128, usize)> = rows
        .iter()
        .enumerate()
        .map(|(n, (key, quad, long, at))| {
            let rank = names.binary_search(key).unwrap_or(0) as u128;
            let packed = rank << 96
                | u128::from((quad + 1).clamp(0, 255) as u8) << 88
                | u128::from(*long) << 80
                | u128::from(day(days_of[*at].0)) << 32
                | *at as u128;
            (packed, n)
        })
        .collect();
    order.sort_unstable();
    let rows: Vec<&(&str, i64, bool, usize)> = order.iter().map(|&(_, n)| &rows[n]).collect();
    // A row already there (the same event listed again) is as it would be written: ignored.
    insert_rows(
        tx,
        "INSERT OR IGNORE INTO merge_keys (key, quad_code, long, earliest, latest, doc_id, idx)
         VALUES",
        7,
        &rows,
        |s, at, &&(key, quad, long, i)| {
            let (r, (_, e, l)) = (of[i], &days_of[i]);
            s.raw_bind_parameter(at, key)?;
            s.raw_bind_parameter(at + 1, quad)?;
            s.raw_bind_parameter(at + 2, long)?;
            s.raw_bind_parameter(at + 3, e.as_str())?;
            s.raw_bind_parameter(at + 4, l.as_str())?;
            s.raw_bind_parameter(at + 5, &r.doc_id)?;
            s.raw_bind_parameter(at + 6, r.event_index as i64)
        },
    )?;
    Ok(())
}

/// A stored event within one merge: its document (interned in [`Docs`]) and its index.
type Id = (u32, i64);

/// The document ids met during one merge, interned, so that event keys are copied, hashed and
/// compared as integers.
#[derive(Default)]
struct Docs {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Docs {
    /// The number of `doc`, given on first sight.
    fn intern(&mut self, doc: &str) -> u32 {
        if let Some(&n) = self.ids.get(doc) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(doc.to_string());
        self.ids.insert(doc.to_string(), n);
        n
    }

    /// The document id of a number given by [`Docs::intern`].
    fn name(&self, n: u32) -> &str {
        self.names.get(n as usize).map_or("", String::as_str)
    }

    /// The event key of `id`.
    fn key(&self, id: Id) -> Key {
        (self.name(id.0).to_string(), id.1)
    }
}

/// Candidate lists found so far in one merge, each asked once per [`Lookup`].
#[derive(Default)]
struct Asked {
    by_lookup: HashMap<Lookup, usize>,
    lists: Vec<Vec<Id>>,
}

/// The stored events that `r` could merge with or be a denial of (or be denied by): those
/// sharing a blocking key, with the same quad code (any, for a REJECT; REJECTs, for the others)
/// and an interval reaching its days (within tolerance and the denial window). Returns the
/// list's position in `asked`, sorted and without repeats.
fn candidates(
    tx: &Transaction,
    merger: &Merger,
    r: &Report,
    docs: &mut Docs,
    asked: &mut Asked,
) -> Result<Option<usize>, StoreError> {
    let Some((start, end)) = days(r) else {
        return Ok(None);
    };
    let c = merger.config();
    let tol = i64::from(c.date_tolerance_days);
    let window = i64::from(c.denial_window_days);
    let reject = r.event.event == "REJECT";
    let keys: Vec<String> = block_keys(r).into_iter().map(str::to_string).collect();
    // Reports of one article often share all of it: ask once.
    let lookup = (r.event.quad_code, reject, start, end, keys);
    if let Some(&found) = asked.by_lookup.get(&lookup) {
        return Ok(Some(found));
    }
    let keys = &lookup.4;
    let mut out: Vec<Id> = Vec::new();
    let mut stmt = tx.prepare_cached(
        "SELECT doc_id, idx FROM merge_keys
         WHERE key = ?1 AND quad_code = ?2 AND long = ?3 AND earliest BETWEEN ?4 AND ?5
            AND latest >= ?6 LIMIT ?7",
    )?;
    let limit = CANDIDATES_PER_QUERY as i64;
    let mut ask = |quad: i64, from: i64, to: i64| -> Result<(), StoreError> {
        // Intervals that reach [start + from, end + to]: short ones start at most SHORT_DAYS
        // before it, long ones at most LOOKBACK_DAYS.
        let reach = shift(start, from);
        let hi = shift(end, to);
        for (long, back) in [(false, SHORT_DAYS), (true, LOOKBACK_DAYS)] {
            let lo = shift(start, from - back);
            for key in keys {
                let mut rows = stmt.query(params![key, quad, long, lo, hi, reach, limit])?;
                while let Some(row) = rows.next()? {
                    let doc = row.get_ref(0)?.as_str().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            0,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?;
                    out.push((docs.intern(doc), row.get(1)?));
                }
            }
        }
        Ok(())
    };
    if reject {
        // The happening it may deny, of any type, up to the denial window earlier.
        for quad in 0..=4 {
            ask(quad, -(tol + window), tol)?;
        }
    } else {
        ask(i64::from(r.event.quad_code), -tol, tol)?;
        // REJECT events up to the denial window later: they may deny this one.
        ask(REJECT_QUAD, -tol, tol + window)?;
    }
    out.sort_unstable();
    out.dedup();
    let n = asked.lists.len();
    asked.lists.push(out);
    asked.by_lookup.insert(lookup, n);
    Ok(Some(n))
}

/// The bytes a digest hashes besides the `json` column, written field by field: strings and
/// lists with their lengths first, so that no two happenings write the same bytes.
struct DigestBytes<'b>(&'b mut Vec<u8>);

impl DigestBytes<'_> {
    fn number(&mut self, n: u64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn text(&mut self, s: &str) {
        self.number(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn optional(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.0.push(1);
                self.text(s);
            }
            None => self.0.push(0),
        }
    }
}

/// A hash of the whole happening as merged, as a signed SQLite integer: XXH64 over its `json`
/// column (see [`happening_json`]) and every field that column leaves out (its id, reports,
/// merge reasons and contradictions). `buf` is scratch space, reused from one call to the next.
fn digest(h: &Happening, json: &str, buf: &mut Vec<u8>) -> i64 {
    // Named field by field: a field added to these types fails to compile here until it is
    // hashed (or known to be in the `json` column).
    let Happening {
        id,
        event: _,
        mode: _,
        cameo: _,
        quad_code: _,
        modality: _,
        actor: _,
        recipient: _,
        date: _,
        event_loc: _,
        reports,
        outlets: _,
        original_sources: _,
        first_reported: _,
        last_reported: _,
        corroboration: _,
        contradictions,
        merge_reasons,
    } = h;
    buf.clear();
    let mut b = DigestBytes(buf);
    b.text(json);
    b.text(id);
    b.number(reports.len() as u64);
    for r in reports {
        let ReportRef {
            key,
            doc_id,
            event_index,
            event_id,
            outlet,
            reported_date,
            event,
            modality,
            attribution,
            stance,
            sentence,
        } = r;
        b.text(key);
        b.text(doc_id);
        b.number(*event_index as u64);
        b.text(event_id);
        b.optional(outlet.as_deref());
        b.optional(reported_date.as_deref());
        b.text(event);
        b.text(modality.name());
        b.number(attribution.len() as u64);
        for a in attribution {
            b.text(a);
        }
        b.text(stance_name(*stance));
        b.text(sentence);
    }
    b.number(merge_reasons.len() as u64);
    for m in merge_reasons {
        let MergeReason {
            a,
            b: other,
            score,
            signals,
        } = m;
        b.text(a);
        b.text(other);
        b.number(score.to_bits());
        b.number(signals.len() as u64);
        for s in signals {
            b.text(s);
        }
    }
    b.number(contradictions.len() as u64);
    for c in contradictions {
        let Contradiction {
            kind,
            between,
            detail,
        } = c;
        b.text(kind);
        b.text(&between.0);
        b.text(&between.1);
        b.text(detail);
    }
    twox_hash::XxHash64::oneshot(0, buf) as i64
}

/// The happening's `json` column: its JSON without its reports, merge reasons, contradictions
/// (kept in their own rows) and id, keys sorted at every level (as a `serde_json::Value` prints
/// them). Written in one pass through mirrors whose fields are declared in key order, so the
/// reports are not serialized for nothing.
fn happening_json(h: &Happening) -> String {
    use annals_merge::{Corroboration, HappeningDate, HappeningPlace, OriginalSource};
    use serde::Serialize;
    #[derive(Serialize)]
    struct DateJ<'a> {
        basis: &'a str,
        earliest: &'a str,
        latest: &'a str,
    }
    #[derive(Serialize)]
    struct PlaceJ<'a> {
        #[serde(skip_serializing_if = "str::is_empty")]
        country: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        lat: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        lon: Option<f64>,
        name: &'a str,
        reports: usize,
    }
    #[derive(Serialize)]
    struct SourceJ<'a> {
        kind: &'a str,
        name: &'a str,
        reports: &'a [String],
    }
    #[derive(Serialize)]
    struct GroupJ<'a> {
        outlets: &'a [String],
        reports: &'a [String],
        sources: &'a [String],
    }
    #[derive(Serialize)]
    struct CorroborationJ<'a> {
        corroborated: bool,
        independent_sources: usize,
        sources: Vec<GroupJ<'a>>,
    }
    #[derive(Serialize)]
    struct HappeningJ<'a, M> {
        actor: &'a [String],
        cameo: &'a str,
        corroboration: CorroborationJ<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<DateJ<'a>>,
        event: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        event_loc: Option<PlaceJ<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        first_reported: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_reported: Option<&'a str>,
        modality: &'a M,
        mode: &'a [String],
        original_sources: Vec<SourceJ<'a>>,
        outlets: &'a [String],
        quad_code: u8,
        recipient: &'a [String],
    }
    fn date(d: &HappeningDate) -> DateJ<'_> {
        DateJ {
            basis: &d.basis,
            earliest: &d.earliest,
            latest: &d.latest,
        }
    }
    fn place(p: &HappeningPlace) -> PlaceJ<'_> {
        PlaceJ {
            country: &p.country,
            lat: p.lat,
            lon: p.lon,
            name: &p.name,
            reports: p.reports,
        }
    }
    fn source(s: &OriginalSource) -> SourceJ<'_> {
        SourceJ {
            kind: &s.kind,
            name: &s.name,
            reports: &s.reports,
        }
    }
    fn corroboration(c: &Corroboration) -> CorroborationJ<'_> {
        CorroborationJ {
            corroborated: c.corroborated,
            independent_sources: c.independent_sources,
            sources: c
                .sources
                .iter()
                .map(|g| GroupJ {
                    outlets: &g.outlets,
                    reports: &g.reports,
                    sources: &g.sources,
                })
                .collect(),
        }
    }
    let j = HappeningJ {
        actor: &h.actor,
        cameo: &h.cameo,
        corroboration: corroboration(&h.corroboration),
        date: h.date.as_ref().map(date),
        event: &h.event,
        event_loc: h.event_loc.as_ref().map(place),
        first_reported: h.first_reported.as_deref(),
        last_reported: h.last_reported.as_deref(),
        modality: &h.modality,
        mode: &h.mode,
        original_sources: h.original_sources.iter().map(source).collect(),
        outlets: &h.outlets,
        quad_code: h.quad_code,
        recipient: &h.recipient,
    };
    // Serializing these types cannot fail.
    serde_json::to_string(&j).unwrap_or_default()
}

/// How reports were filed before this merge: `(doc_id, idx)` to `(happening id, stance)`, for
/// the reports of the happenings merged anew. Their rows are untouched by the merge until the
/// happenings are written, so a row found here as it would be written is not written again.
type Filed<'a> = HashMap<(&'a str, i64), (&'a str, &'a str)>;

/// The `happening_reports` row of report `r` of happening `h`: document id, event index,
/// happening id, stance.
fn report_row<'a>(h: &'a Happening, r: &'a ReportRef) -> (&'a str, i64, &'a str, &'static str) {
    (
        r.doc_id.as_str(),
        r.event_index as i64,
        h.id.as_str(),
        stance_name(r.stance),
    )
}

/// The stored name of a stance (as it serializes).
fn stance_name(s: Stance) -> &'static str {
    match s {
        Stance::Supports => "supports",
        Stance::Denies => "denies",
    }
}

/// The columns of one `happenings` row, bound in table order (`id` first, `digest` last).
struct HappeningRow<'a> {
    h: &'a Happening,
    digest: i64,
    json: String,
    actor: String,
    recipient: String,
}

/// Columns of a `happenings` row.
const HAPPENING_COLUMNS: usize = 21;

impl<'a> HappeningRow<'a> {
    /// The row of `h`, whose `json` column and digest are given.
    fn new(h: &'a Happening, json: String, digest: i64) -> HappeningRow<'a> {
        HappeningRow {
            h,
            digest,
            json,
            actor: h.actor.join(","),
            recipient: h.recipient.join(","),
        }
    }

    /// Binds the row's columns to parameters `at..at + HAPPENING_COLUMNS`.
    fn bind(&self, s: &mut rusqlite::Statement, at: usize) -> rusqlite::Result<()> {
        let h = self.h;
        let date = h.date.as_ref();
        let loc = h.event_loc.as_ref();
        s.raw_bind_parameter(at, &h.id)?;
        s.raw_bind_parameter(at + 1, &h.event)?;
        s.raw_bind_parameter(at + 2, h.quad_code)?;
        s.raw_bind_parameter(at + 3, h.modality.name())?;
        s.raw_bind_parameter(at + 4, date.map(|d| d.earliest.as_str()))?;
        s.raw_bind_parameter(at + 5, date.map(|d| d.latest.as_str()))?;
        s.raw_bind_parameter(at + 6, loc.map(|l| l.name.as_str()))?;
        s.raw_bind_parameter(
            at + 7,
            loc.map(|l| l.country.as_str()).filter(|c| !c.is_empty()),
        )?;
        s.raw_bind_parameter(at + 8, loc.and_then(|l| l.lat))?;
        s.raw_bind_parameter(at + 9, loc.and_then(|l| l.lon))?;
        s.raw_bind_parameter(at + 10, &self.actor)?;
        s.raw_bind_parameter(at + 11, &self.recipient)?;
        s.raw_bind_parameter(at + 12, h.first_reported.as_deref())?;
        s.raw_bind_parameter(at + 13, h.last_reported.as_deref())?;
        s.raw_bind_parameter(at + 14, h.reports.len() as i64)?;
        s.raw_bind_parameter(at + 15, h.outlets.len() as i64)?;
        s.raw_bind_parameter(at + 16, h.corroboration.independent_sources as i64)?;
        s.raw_bind_parameter(at + 17, h.corroboration.corroborated)?;
        s.raw_bind_parameter(at + 18, h.contradictions.len() as i64)?;
        s.raw_bind_parameter(at + 19, &self.json)?;
        s.raw_bind_parameter(at + 20, self.digest)
    }
}

/// Rows per multi-row `INSERT` statement.
const ROWS_PER_INSERT: usize = 64;

/// Inserts `rows` with statements of up to [`ROWS_PER_INSERT`] rows each: `head` is the
/// statement up to `VALUES`, `cols` the values of one row, which `bind` binds from the 1-based
/// parameter index it is given. One statement per many rows: far fewer statement runs and statement journals.
/// Returns the rows of the statements that changed fewer rows than they had (with
/// `INSERT OR IGNORE`: those where some row was already there).
fn insert_rows<'r, R>(
    tx: &Transaction,
    head: &str,
    cols: usize,
    rows: &'r [R],
    mut bind: impl FnMut(&mut rusqlite::Statement, usize, &R) -> rusqlite::Result<()>,
) -> Result<Vec<&'r [R]>, StoreError> {
    let mut short = Vec::new();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::with_capacity(head.len() + chunk.len() * (2 * cols + 3));
        sql.push_str(head);
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { " (" } else { ", (" });
            for c in 0..cols {
                sql.push_str(if c == 0 { "?" } else { ",?" });
            }
            sql.push(')');
        }
        // Full chunks reuse one cached statement; the last, shorter one is prepared once.
        let mut cached;
        let mut once;
        let stmt: &mut rusqlite::Statement = if chunk.len() == ROWS_PER_INSERT {
            cached = tx.prepare_cached(&sql)?;
            &mut cached
        } else {
            once = tx.prepare(&sql)?;
            &mut once
        };
        for (i, row) in chunk.iter().enumerate() {
            bind(stmt, i * cols + 1, row)?;
        }
        if stmt.raw_execute()? < chunk.len() {
            short.push(chunk);
        }
    }
    Ok(short)
}

const HAPPENING_INSERT: &str = "INSERT INTO happenings (id, event, quad_code, modality, earliest,
    latest, place, place_country, lat, lon, actor, recipient, first_reported, last_reported,
    reports, outlets, independent_sources, corroborated, contradictions, json, digest) VALUES";
/// New rows, many per statement: `INSERT OR IGNORE` (whose constraints cannot abort the
/// statement halfway, unlike an upsert's, so that it needs no statement journal), and the rows
/// of a statement that left some out are written again one by one (see [`file_report`] and the
/// single-row upserts below).
const REPORT_INSERT: &str =
    "INSERT OR IGNORE INTO happening_reports (doc_id, idx, happening_id, stance) VALUES";
const REASON_INSERT: &str =
    "INSERT OR IGNORE INTO happening_reasons (happening_id, reasons) VALUES";
const CONTRADICTION_INSERT: &str =
    "INSERT OR IGNORE INTO happening_contradictions (happening_id, n, kind, a, b, detail) VALUES";
const REASON_UPSERT: &str = "INSERT INTO happening_reasons (happening_id, reasons)
     VALUES (?1, ?2)
     ON CONFLICT(happening_id) DO UPDATE SET reasons = excluded.reasons
     WHERE reasons IS NOT excluded.reasons";
const CONTRADICTION_UPSERT: (&str, &str) = (
    "INSERT INTO happening_contradictions (happening_id, n, kind, a, b, detail) VALUES",
    "ON CONFLICT(happening_id, n) DO UPDATE SET kind = excluded.kind, a = excluded.a,
         b = excluded.b, detail = excluded.detail
     WHERE kind IS NOT excluded.kind OR a IS NOT excluded.a OR b IS NOT excluded.b
         OR detail IS NOT excluded.detail",
);

/// Files a report under `h` (with `stance`): a report not filed before is inserted, one filed
/// before is updated (either falls back on the other when its row is not as expected). Plain
/// inserts and updates, unlike an upsert that may rewrite the foreign key, need no statement
/// journal.
fn file_report(
    tx: &Transaction,
    row: (&str, i64, &str, &str),
    filed_before: bool,
) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO happening_reports (doc_id, idx, happening_id, stance) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(doc_id, idx) DO NOTHING",
    )?;
    let mut update = tx.prepare_cached(
        "UPDATE happening_reports SET happening_id = ?3, stance = ?4 WHERE doc_id = ?1 AND idx = ?2",
    )?;
    let row = params![row.0, row.1, row.2, row.3];
    if filed_before {
        if update.execute(row)? == 0 {
            insert.execute(row)?;
        }
    } else if insert.execute(row)? == 0 {
        update.execute(row)?;
    }
    Ok(())
}

/// Writes happenings not stored yet, with their reports, reasons and contradictions, many rows
/// per statement. Reports filed elsewhere before are moved one by one (see [`file_report`]).
fn insert_happenings(
    tx: &Transaction,
    list: &[&HappeningRow],
    filed: &Filed,
) -> Result<(), StoreError> {
    // New rows get rowids above the largest one (unless that is the largest possible, when
    // SQLite picks them at random): their points are those of the rows past it.
    let last: Option<i64> = tx
        .prepare_cached("SELECT MAX(rowid) FROM happenings")?
        .query_row([], |r| r.get(0))?;
    insert_rows(tx, HAPPENING_INSERT, HAPPENING_COLUMNS, list, |s, at, r| {
        r.bind(s, at)
    })?;
    add_points(tx, list, last)?;
    let mut reports: Vec<(&str, i64, &str, &str)> = Vec::new();
    for HappeningRow { h, .. } in list {
        for r in &h.reports {
            let row = report_row(h, r);
            match filed.get(&(row.0, row.1)) {
                Some(&was) if was == (row.2, row.3) => {}
                Some(_) => file_report(tx, row, true)?,
                None => reports.push(row),
            }
        }
    }
    // In key order: the b-tree is filled from left to right.
    reports.sort_unstable();
    let short = insert_rows(tx, REPORT_INSERT, 4, &reports, |s, at, r| {
        s.raw_bind_parameter(at, r.0)?;
        s.raw_bind_parameter(at + 1, r.1)?;
        s.raw_bind_parameter(at + 2, r.2)?;
        s.raw_bind_parameter(at + 3, r.3)
    })?;
    for row in short.into_iter().flatten() {
        file_report(tx, *row, false)?;
    }
    // One row per happening that has merge reasons, in key order.
    let mut reasons: Vec<(&str, String)> = list
        .iter()
        .filter(|r| !r.h.merge_reasons.is_empty())
        .map(|HappeningRow { h, .. }| (h.id.as_str(), reasons_json(&h.merge_reasons)))
        .collect();
    reasons.sort_unstable_by(|x, y| x.0.cmp(y.0));
    let short = insert_rows(tx, REASON_INSERT, 2, &reasons, |s, at, r| {
        s.raw_bind_parameter(at, r.0)?;
        s.raw_bind_parameter(at + 1, &r.1)
    })?;
    for (h, json) in short.into_iter().flatten() {
        upsert_reasons(tx, h, json)?;
    }
    let contradictions: Vec<(&str, i64, &Contradiction)> = list
        .iter()
        .flat_map(|HappeningRow { h, .. }| {
            h.contradictions
                .iter()
                .enumerate()
                .map(|(n, c)| (h.id.as_str(), n as i64, c))
        })
        .collect();
    let short = insert_rows(tx, CONTRADICTION_INSERT, 6, &contradictions, |s, at, r| {
        s.raw_bind_parameter(at, r.0)?;
        s.raw_bind_parameter(at + 1, r.1)?;
        s.raw_bind_parameter(at + 2, &r.2.kind)?;
        s.raw_bind_parameter(at + 3, &r.2.between.0)?;
        s.raw_bind_parameter(at + 4, &r.2.between.1)?;
        s.raw_bind_parameter(at + 5, &r.2.detail)
    })?;
    for &(h, n, c) in short.into_iter().flatten() {
        upsert_contradiction(tx, h, n, c)?;
    }
    Ok(())
}

/// Adds the located happenings of `list`, just inserted, to `happenings_rtree` (version 8 has
/// no insert trigger, see `0008_lean_happenings.sql`): the rows past rowid `last` (the largest
/// before the inserts), or, when the rowids may have been picked at random, each row by id.
fn add_points(
    tx: &Transaction,
    list: &[&HappeningRow],
    last: Option<i64>,
) -> Result<(), StoreError> {
    const POINT: &str = "INSERT INTO happenings_rtree (id, min_lon, max_lon, min_lat, max_lat)
         SELECT rowid, lon, lon, lat, lat FROM happenings";
    match last {
        Some(i64::MAX) => {
            let mut point = tx.prepare_cached(&format!(
                "{POINT} WHERE id = ?1 AND lat IS NOT NULL AND lon IS NOT NULL"
            ))?;
            for row in list {
                point.execute([&row.h.id])?;
            }
        }
        last => {
            tx.prepare_cached(&format!(
                "{POINT} WHERE rowid > ?1 AND lat IS NOT NULL AND lon IS NOT NULL"
            ))?
            .execute([last.unwrap_or(0)])?;
        }
    }
    Ok(())
}

/// The `reasons` column of a happening's `happening_reasons` row: its merge reasons in order,
/// as a JSON array of `[a, b, score, [signals...]]`.
fn reasons_json(reasons: &[MergeReason]) -> String {
    let rows: Vec<(&str, &str, f64, &[String])> = reasons
        .iter()
        .map(|m| (m.a.as_str(), m.b.as_str(), m.score, m.signals.as_slice()))
        .collect();
    // Serializing these types cannot fail.
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into())
}

/// Writes the merge reasons of happening `h` (`json`, see [`reasons_json`]), unless they are
/// stored as they are.
fn upsert_reasons(tx: &Transaction, h: &str, json: &str) -> Result<(), StoreError> {
    tx.prepare_cached(REASON_UPSERT)?
        .execute(params![h, json])?;
    Ok(())
}

/// Writes contradiction `n` of happening `h`, unless it is stored as it is.
fn upsert_contradiction(
    tx: &Transaction,
    h: &str,
    n: i64,
    c: &Contradiction,
) -> Result<(), StoreError> {
    let mut contra = tx.prepare_cached(&format!(
        "{} (?1, ?2, ?3, ?4, ?5, ?6) {}",
        CONTRADICTION_UPSERT.0, CONTRADICTION_UPSERT.1
    ))?;
    contra.execute(params![h, n, c.kind, c.between.0, c.between.1, c.detail])?;
    Ok(())
}

/// Rewrites one stored happening in place, with its reports, reasons and contradictions:
/// `stored` lists the reports it had. Rows that stay as they are are left alone, and rows it no
/// longer has are removed (reports filed elsewhere by this merge are already re-pointed; the
/// others are dropped).
fn update_happening(
    tx: &Transaction,
    row: &HappeningRow,
    stored: &[Key],
    filed: &Filed,
) -> Result<(), StoreError> {
    let mut update = tx.prepare_cached(
        "UPDATE happenings SET event = ?2, quad_code = ?3, modality = ?4, earliest = ?5,
             latest = ?6, place = ?7, place_country = ?8, lat = ?9, lon = ?10, actor = ?11,
             recipient = ?12, first_reported = ?13, last_reported = ?14, reports = ?15,
             outlets = ?16, independent_sources = ?17, corroborated = ?18, contradictions = ?19,
             json = ?20, digest = ?21
         WHERE id = ?1",
    )?;
    row.bind(&mut update, 1)?;
    update.raw_execute()?;
    let h = row.h;
    // Rows already as written are not written again.
    for r in &h.reports {
        let row = report_row(h, r);
        match filed.get(&(row.0, row.1)) {
            Some(&was) if was == (row.2, row.3) => {}
            was => file_report(tx, row, was.is_some())?,
        }
    }
    let now: HashSet<(&str, usize)> = h
        .reports
        .iter()
        .map(|r| (r.doc_id.as_str(), r.event_index))
        .collect();
    let mut gone = tx.prepare_cached(
        "DELETE FROM happening_reports WHERE doc_id = ?1 AND idx = ?2 AND happening_id = ?3",
    )?;
    for (doc, idx) in stored {
        let index = usize::try_from(*idx).unwrap_or(usize::MAX);
        if !now.contains(&(doc.as_str(), index)) {
            gone.execute(params![doc, idx, h.id])?;
        }
    }
    // The reasons row is written only when it differs (the upsert checks), and removed when
    // the happening has none.
    if h.merge_reasons.is_empty() {
        tx.prepare_cached("DELETE FROM happening_reasons WHERE happening_id = ?1")?
            .execute([&h.id])?;
    } else {
        upsert_reasons(tx, &h.id, &reasons_json(&h.merge_reasons))?;
    }
    for (n, c) in h.contradictions.iter().enumerate() {
        upsert_contradiction(tx, &h.id, n as i64, c)?;
    }
    tx.prepare_cached("DELETE FROM happening_contradictions WHERE happening_id = ?1 AND n >= ?2")?
        .execute(params![h.id, h.contradictions.len() as i64])?;
    Ok(())
}

impl Store {
    /// How many stored events wait to be merged into happenings.
    pub fn pending_merge(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM merge_pending", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Merges up to `max` events waiting in `merge_pending` into the stored happenings, in one
    /// transaction (see the module docs). Call it until it takes nothing to merge everything.
    pub fn merge_pending(&mut self, merger: &Merger, max: usize) -> Result<MergeStats, StoreError> {
        // The merge keeps the happening tables' references itself (a happening is written
        // before its rows, and its rows go with it), so foreign keys are not checked row by row
        // meanwhile (they cost a lookup or two per row written). The setting holds outside
        // transactions only, and is restored whatever the merge gives.
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let merged = self.merge_pending_unchecked(merger, max);
        let restored = self.conn.pragma_update(None, "foreign_keys", true);
        let stats = merged?;
        restored?;
        Ok(stats)
    }

    /// [`Store::merge_pending`], foreign keys aside.
    fn merge_pending_unchecked(
        &mut self,
        merger: &Merger,
        max: usize,
    ) -> Result<MergeStats, StoreError> {
        let mut stats = MergeStats::default();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let cache = &mut self.reports;
        cache.begin();
        let (pending, fresh_keys) = load_pending(&tx, cache, max)?;
        if pending.is_empty() {
            return Ok(stats);
        }
        stats.pending = pending.len() as u64;
        let fresh: Vec<&Report> = fresh_keys.iter().filter_map(|k| cache.get(k)).collect();
        index_keys(&tx, &fresh)?;
        // Stored events near each new one (by blocking key, quad code and days)...
        let mut docs = Docs::default();
        let mut asked = Asked::default();
        let mut near_of: Vec<Option<usize>> = Vec::with_capacity(fresh.len());
        // Into a store with no happening yet (a first ingest), nothing stored is filed: there
        // is nothing to look up.
        let any_filed: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM happening_reports)", [], |r| {
                r.get(0)
            })?;
        if any_filed {
            for r in &fresh {
                near_of.push(candidates(&tx, merger, r, &mut docs, &mut asked)?);
            }
        }
        let mut near: Vec<Id> = asked.lists.iter().flatten().copied().collect();
        near.sort_unstable();
        near.dedup();
        // ...that are filed (new ones in this chunk are not), with their happenings: per
        // position in `near`, its place in `filed_keys` (`NOT_FILED` if none), and per filed
        // key, the number of its happening in `happening_ids`.
        const NOT_FILED: u32 = u32::MAX;
        let mut filed_at: Vec<u32> = vec![NOT_FILED; near.len()];
        let mut filed_keys: Vec<Key> = Vec::new();
        let mut happening_of: Vec<usize> = Vec::new();
        let mut happening_ids: Vec<String> = Vec::new();
        {
            let mut numbers: HashMap<String, usize> = HashMap::new();
            let mut of = tx.prepare_cached(
                "SELECT happening_id FROM happening_reports WHERE doc_id = ?1 AND idx = ?2",
            )?;
            for (&id, at) in near.iter().zip(&mut filed_at) {
                let mut rows = of.query(params![docs.name(id.0), id.1])?;
                if let Some(row) = rows.next()? {
                    let h: String = row.get(0)?;
                    let n = *numbers.entry(h).or_insert_with_key(|h| {
                        happening_ids.push(h.clone());
                        happening_ids.len() - 1
                    });
                    *at = u32::try_from(filed_keys.len()).unwrap_or(NOT_FILED);
                    filed_keys.push(docs.key(id));
                    happening_of.push(n);
                }
            }
        }
        // ...and of those, the ones a new report could be merged with or deny: only their
        // happenings are merged anew.
        load_reports(&tx, cache, &filed_keys)?;
        let mut touched_at = vec![false; happening_ids.len()];
        {
            let cache = &*cache;
            // Each candidate list as places in `filed_keys`, once per list.
            let lists: Vec<Vec<u32>> = asked
                .lists
                .iter()
                .map(|list| {
                    list.iter()
                        .filter_map(|id| near.binary_search(id).ok())
                        .map(|pos| filed_at[pos])
                        .filter(|&f| f != NOT_FILED)
                        .collect()
                })
                .collect();
            let mut profiles: Vec<Option<Option<annals_merge::Profile>>> =
                std::iter::repeat_with(|| None)
                    .take(filed_keys.len())
                    .collect();
            for (key, found) in fresh_keys.iter().zip(&near_of) {
                let Some(list) = found.and_then(|n| lists.get(n)) else {
                    continue;
                };
                let Some(report) = cache.get(key) else {
                    continue;
                };
                let profile = merger.profile(report);
                for &f in list {
                    let f = f as usize;
                    let h = happening_of[f];
                    if touched_at[h] {
                        continue;
                    }
                    let other = profiles[f].get_or_insert_with(|| {
                        cache.get(&filed_keys[f]).map(|o| merger.profile(o))
                    });
                    if let Some(o) = other
                        && merger.related_profiles(&profile, o)
                    {
                        touched_at[h] = true;
                    }
                }
            }
        }
        let touched: BTreeSet<String> = happening_ids
            .into_iter()
            .zip(touched_at)
            .filter_map(|(h, t)| t.then_some(h))
            .collect();
        let mut members: Vec<Key> = Vec::new();
        let mut stances: Vec<String> = Vec::new();
        let mut members_of: HashMap<&str, std::ops::Range<usize>> = HashMap::new();
        {
            let mut of = tx.prepare_cached(
                "SELECT doc_id, idx, stance FROM happening_reports WHERE happening_id = ?1",
            )?;
            for h in &touched {
                let from = members.len();
                let rows = of.query_map([h], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
                for row in rows {
                    let (key, stance) = row?;
                    members.push(key);
                    stances.push(stance);
                }
                members_of.insert(h.as_str(), from..members.len());
            }
        }
        let mut filed: Filed = HashMap::with_capacity(members.len());
        for (h, range) in &members_of {
            for i in range.clone() {
                if let (Some((doc, idx)), Some(stance)) = (members.get(i), stances.get(i)) {
                    filed.insert((doc.as_str(), *idx), (h, stance.as_str()));
                }
            }
        }
        let stored_keys = load_reports(&tx, cache, &members)?;
        stats.reloaded = stored_keys.len() as u64;
        let cache = &*cache;
        let mut all_keys: Vec<&Key> = fresh_keys.iter().chain(&stored_keys).collect();
        // One report per key, in key order, so the merge does not depend on the load order.
        all_keys.sort();
        all_keys.dedup();
        let all: Vec<&Report> = all_keys.iter().filter_map(|k| cache.get(k)).collect();
        let happenings = merger.merge_refs(&all);
        // Happenings that come out as they were stored stay; the others are replaced.
        let mut old: HashMap<String, i64> = HashMap::new();
        {
            let mut of = tx.prepare_cached("SELECT digest FROM happenings WHERE id = ?1")?;
            for h in &touched {
                old.insert(h.clone(), of.query_row([h], |r| r.get(0))?);
            }
        }
        let mut scratch = Vec::new();
        let fresh: Vec<HappeningRow> = happenings
            .iter()
            .filter_map(|h| {
                let json = happening_json(h);
                let d = digest(h, &json, &mut scratch);
                (old.get(&h.id) != Some(&d)).then(|| HappeningRow::new(h, json, d))
            })
            .collect();
        {
            // Stored happenings that no longer come out go (their rows with them; their reports
            // are filed again below); the others are updated in place.
            let ids: HashSet<&str> = happenings.iter().map(|h| h.id.as_str()).collect();
            for h in touched.iter().filter(|h| !ids.contains(h.as_str())) {
                for table in [
                    "happening_reports",
                    "happening_reasons",
                    "happening_contradictions",
                ] {
                    tx.prepare_cached(&format!("DELETE FROM {table} WHERE happening_id = ?1"))?
                        .execute([h])?;
                }
                let mut delete = tx.prepare_cached("DELETE FROM happenings WHERE id = ?1")?;
                stats.replaced += delete.execute([h])? as u64;
            }
        }
        // Stored happenings are rewritten in place; the new ones are inserted together.
        let (updated, inserted): (Vec<&HappeningRow>, Vec<&HappeningRow>) =
            fresh.iter().partition(|r| old.contains_key(&r.h.id));
        for row in &updated {
            let stored = members_of
                .get(row.h.id.as_str())
                .and_then(|r| members.get(r.clone()))
                .unwrap_or(&[]);
            update_happening(&tx, row, stored, &filed)?;
        }
        stats.replaced += updated.len() as u64;
        insert_happenings(&tx, &inserted, &filed)?;
        stats.written = fresh.len() as u64;
        // The pending rows taken are the first in key order (and no other writer can add one
        // meanwhile): all of them, or those up to the last taken.
        if pending.len() < max.max(1) {
            tx.prepare_cached("DELETE FROM merge_pending")?
                .execute([])?;
        } else if let Some((doc, idx)) = pending.last() {
            tx.prepare_cached("DELETE FROM merge_pending WHERE (doc_id, idx) <= (?1, ?2)")?
                .execute(params![doc, idx])?;
        }
        tx.commit()?;
        self.reports.trim();
        Ok(stats)
    }

    /// [`Store::insert_records`], handing the merger the reports of the records' events:
    /// `reports[i]` lists those of `records[i]`, as [`Report::stored_from_extraction`] gives them
    /// for its extraction (`None` for an event that is not a report). Merging these events then
    /// does not read them back. Reports of documents not written (already stored) are dropped,
    /// and so are those of a record whose list does not match its events.
    pub fn insert_with_reports(
        &mut self,
        records: &[Record],
        reports: Vec<Vec<Option<Report>>>,
    ) -> Result<InsertStats, StoreError> {
        let stats = self.insert_records(records)?;
        let cache = &mut self.reports;
        let mut written: HashSet<String> =
            std::mem::take(&mut cache.inserted).into_iter().collect();
        cache.map.reserve(reports.iter().map(Vec::len).sum());
        for (record, list) in records.iter().zip(reports) {
            // A document given twice is written from its first record.
            if !written.remove(&record.id) || list.len() != record.events.len() {
                continue;
            }
            let matches = list.iter().zip(&record.events).all(|(r, e)| {
                r.as_ref().is_none_or(|r| {
                    r.doc_id == record.id && i64::try_from(r.event_index) == Ok(e.idx)
                })
            });
            if !matches {
                continue;
            }
            for (report, e) in list.into_iter().zip(&record.events) {
                let entry = (cache.generation, report.map(Box::new));
                cache.map.insert((record.id.clone(), e.idx), entry);
            }
        }
        Ok(stats)
    }

    /// Merges every pending event, `chunk` at a time; returns the summed statistics.
    pub fn merge_all_pending(
        &mut self,
        merger: &Merger,
        chunk: usize,
    ) -> Result<MergeStats, StoreError> {
        let mut total = MergeStats::default();
        loop {
            let s = self.merge_pending(merger, chunk)?;
            if s.pending == 0 {
                return Ok(total);
            }
            total.pending += s.pending;
            total.replaced += s.replaced;
            total.written += s.written;
            total.reloaded += s.reloaded;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use annals_document::Document;
    use annals_pipeline::Pipeline;

    const ARTICLES: [(&str, &str, &str); 3] = [
        (
            "Valley Herald",
            "2025-06-03",
            "Miners protested in Lyon on Monday about pay, the union said.",
        ),
        (
            "Coast Times",
            "2025-06-03",
            "Hundreds of miners protested in Lyon on Monday, police said.",
        ),
        (
            "Alpine Daily",
            "2025-06-04",
            "Miners in Lyon protested on Monday over pay, local officials said.",
        ),
    ];

    /// Every happening row, report row, reason and contradiction of a store, sorted.
    fn dump(store: &Store) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT id, event, quad_code, modality, earliest, latest, place, place_country, lat,
                 lon, actor, recipient, first_reported, last_reported, reports, outlets,
                 independent_sources, corroborated, contradictions, json, digest FROM happenings",
            "SELECT doc_id, idx, happening_id, stance FROM happening_reports",
            "SELECT happening_id, reasons FROM happening_reasons",
            "SELECT happening_id, n, kind, a, b, detail FROM happening_contradictions",
        ] {
            let mut stmt = store.conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    let mut line = String::new();
                    for i in 0..n {
                        line.push_str(&format!("{:?}|", r.get_ref(i)?));
                    }
                    Ok(line)
                })
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out.sort();
        out
    }

    #[test]
    fn happenings_rewritten_in_place_equal_those_written_at_once() {
        let pipeline = Pipeline::new();
        let records: Vec<_> = ARTICLES
            .iter()
            .map(|(outlet, date, text)| {
                let mut doc =
                    Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
                doc.outlet = Some(outlet.to_string());
                pipeline.extract(doc)
            })
            .collect();
        let merger = Merger::new(annals_merge::MergeConfig::default());
        let dir = tempfile::tempdir().unwrap();
        let mut whole = Store::open(dir.path().join("whole.db")).unwrap();
        whole.insert_batch(&records).unwrap();
        whole.merge_all_pending(&merger, 1000).unwrap();
        let expected = dump(&whole);
        let most: i64 = whole
            .conn
            .query_row("SELECT MAX(reports) FROM happenings", [], |r| r.get(0))
            .unwrap();
        assert!(most >= 2, "the articles merge: {expected:?}");
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let mut step = Store::open(dir.path().join(format!("step-{order:?}.db"))).unwrap();
            let mut stats = MergeStats::default();
            for i in order {
                step.insert_batch(std::slice::from_ref(&records[i]))
                    .unwrap();
                let s = step.merge_all_pending(&merger, 1000).unwrap();
                stats.replaced += s.replaced;
            }
            assert!(stats.replaced > 0, "a stored happening was rewritten");
            assert_eq!(dump(&step), expected, "order {order:?}");
        }
    }

    #[test]
    fn handed_over_reports_merge_as_the_stored_events() {
        let pipeline = Pipeline::new();
        let extract = |outlet: &str, date: &str, text: &str, id: Option<&str>| {
            let mut doc = Document::new(text.to_string()).with_date(Some(date.parse().unwrap()));
            doc.outlet = Some(outlet.to_string());
            if let Some(id) = id {
                doc.id = id.to_string();
            }
            pipeline.extract(doc)
        };
        let mut extractions: Vec<_> = ARTICLES
            .iter()
            .map(|(outlet, date, text)| extract(outlet, date, text, None))
            .collect();
        // A second record under the id of the first (not written, so its reports must not
        // be taken), and an article stored before the hand-over (likewise).
        let first = extractions[0].document.id.clone();
        extractions.push(extract(
            "Rival Post",
            "2025-06-03",
            "Farmers blocked roads near Lyon on Monday, police said.",
            Some(&first),
        ));
        let earlier = extract(
            "Lake Gazette",
            "2025-06-02",
            "Miners marched in Lyon on Monday, organisers said.",
            None,
        );
        extractions.push(earlier.clone());
        let merger = Merger::new(annals_merge::MergeConfig::default());
        let dir = tempfile::tempdir().unwrap();
        let mut read = Store::open(dir.path().join("read.db")).unwrap();
        read.insert_batch(std::slice::from_ref(&earlier)).unwrap();
        read.insert_batch(&extractions).unwrap();
        read.merge_all_pending(&merger, 1000).unwrap();
        let mut handed = Store::open(dir.path().join("handed.db")).unwrap();
        handed.insert_batch(&[earlier]).unwrap();
        let records: Vec<crate::Record> = extractions
            .iter()
            .map(crate::Record::from_extraction)
            .collect();
        let reports: Vec<_> = extractions
            .into_iter()
            .map(Report::stored_from_extraction)
            .collect();
        let handed_over: usize = reports[..ARTICLES.len()].iter().map(Vec::len).sum();
        assert!(handed_over > 0);
        let stats = handed.insert_with_reports(&records, reports).unwrap();
        assert_eq!((stats.inserted, stats.skipped), (3, 2));
        assert_eq!(handed.reports.map.len(), handed_over);
        handed.merge_all_pending(&merger, 1000).unwrap();
        assert_eq!(dump(&handed), dump(&read));
        // Foreign keys, not checked while merging, are checked again after.
        let checked: bool = handed
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(checked);
        assert!(!dump(&read).is_empty());
    }

    /// A stored article (written for this test) whose one event is a REJECT with a recipient
    /// and no actor.
    fn rejection_record(id: &str, outlet: &str, text: &str) -> crate::Record {
        crate::Record::from_value(serde_json::json!({
            "id": id, "date": "2031-05-06", "outlet": outlet, "text": text,
            "events": [{
                "id": "e1", "event": "REJECT", "cameo": "120", "quad_code": 3,
                "modality": "asserted",
                "recipient": [{"text": "Ruritania", "code": "RUR", "country": "RUR"}],
                "date": {"value": "2031-05-06", "earliest": "2031-05-06",
                         "latest": "2031-05-06"},
                "event_loc": {"name": "Strelsau", "country": "RUR", "lat": 50.1, "lon": 14.4},
                "sentence": {"start": 0, "end": text.len()},
            }],
        }))
    }

    #[test]
    fn rejections_merged_one_by_one_equal_those_merged_at_once() {
        let records = [
            rejection_record(
                "a",
                "Strelsau Courier",
                "The plan for Ruritania was rejected today.",
            ),
            rejection_record(
                "b",
                "Zenda Times",
                "Ruritania's plan was rejected in Strelsau.",
            ),
            rejection_record(
                "c",
                "Hentzau Post",
                "The Ruritania plan was rejected on Tuesday.",
            ),
        ];
        let merger = Merger::new(annals_merge::MergeConfig::default());
        let dir = tempfile::tempdir().unwrap();
        let mut whole = Store::open(dir.path().join("whole.db")).unwrap();
        whole.insert_records(&records).unwrap();
        whole.merge_all_pending(&merger, 1000).unwrap();
        let expected = dump(&whole);
        let n: i64 = whole
            .conn
            .query_row("SELECT COUNT(*) FROM happenings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "the rejections merge: {expected:?}");
        for order in [[0, 1, 2], [2, 0, 1]] {
            let mut step = Store::open(dir.path().join(format!("step-{order:?}.db"))).unwrap();
            for i in order {
                step.insert_records(std::slice::from_ref(&records[i]))
                    .unwrap();
                step.merge_all_pending(&merger, 1000).unwrap();
            }
            assert_eq!(dump(&step), expected, "order {order:?}");
        }
    }

    /// Happenings of two articles written for this test, one with every optional field empty.
    fn happenings() -> Vec<Happening> {
        let pipeline = Pipeline::new();
        let mut reports = Vec::new();
        for (outlet, text) in [
            (
                "Valley Herald",
                "Miners protested in Lyon on Monday about pay, the union said.",
            ),
            (
                "Coast Times",
                "Hundreds of miners protested in Lyon on Monday, police said.",
            ),
        ] {
            let mut doc = Document::new(text.into()).with_date(Some("2025-06-03".parse().unwrap()));
            doc.outlet = Some(outlet.into());
            reports.extend(Report::from_extraction(&pipeline.extract(doc)));
        }
        let mut out = Merger::new(annals_merge::MergeConfig::default()).merge(&reports);
        assert!(!out.is_empty());
        let mut bare = out[0].clone();
        bare.date = None;
        bare.event_loc = None;
        bare.first_reported = None;
        bare.last_reported = None;
        out.push(bare);
        out
    }

    #[test]
    fn json_column_is_the_happening_without_its_rows() {
        for h in happenings() {
            let mut whole = serde_json::to_value(&h).unwrap();
            let map = whole.as_object_mut().unwrap();
            for k in ["reports", "merge_reasons", "contradictions", "id"] {
                assert!(map.remove(k).is_some(), "{k}");
            }
            assert_eq!(happening_json(&h), whole.to_string());
        }
    }

    #[test]
    fn iso_days_are_the_days_as_printed() {
        for s in [
            "2025-06-03",
            "0001-01-01",
            "9999-12-31",
            "1970-01-01",
            "2024-02-29",
        ] {
            let d: Date = s.parse().unwrap();
            assert_eq!(iso_day(d).as_str(), d.to_string());
        }
        for d in [Date::new(-5, 3, 1).unwrap(), Date::new(9999, 1, 9).unwrap()] {
            assert_eq!(iso_day(d).as_str(), d.to_string());
        }
    }

    #[test]
    fn stance_names_are_the_serialized_ones() {
        for s in [Stance::Supports, Stance::Denies] {
            assert_eq!(serde_json::to_value(s).unwrap(), stance_name(s));
        }
    }

    /// The rows of `sql`, four columns each.
    fn four_columns<A, B, C, D>(tx: &Transaction, sql: &str) -> Vec<(A, B, C, D)>
    where
        A: rusqlite::types::FromSql,
        B: rusqlite::types::FromSql,
        C: rusqlite::types::FromSql,
        D: rusqlite::types::FromSql,
    {
        tx.prepare(sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn batch_inserts_rewrite_rows_already_there() {
        let mut h = happenings().swap_remove(0);
        h.merge_reasons.push(MergeReason {
            a: "a#0".into(),
            b: "b#0".into(),
            score: 0.5,
            signals: vec!["same place".into()],
        });
        h.contradictions.push(Contradiction {
            kind: "date".into(),
            between: ("a#0".into(), "b#0".into()),
            detail: "dates differ".into(),
        });
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("x.db")).unwrap();
        store
            .conn
            .pragma_update(None, "foreign_keys", false)
            .unwrap();
        let tx = store.conn.transaction().unwrap();
        // Rows left from elsewhere, unlike those the happening has: each must be rewritten.
        let r = &h.reports[0];
        tx.execute(
            "INSERT INTO happening_reports VALUES (?1, ?2, 'h-other', 'denies')",
            params![r.doc_id, r.event_index as i64],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO happening_reasons VALUES (?1, '[[\"x\",\"y\",0.1,[]]]')",
            [&h.id],
        )
        .unwrap();
        let n = h.contradictions.len() as i64 - 1;
        tx.execute(
            "INSERT INTO happening_contradictions VALUES (?1, ?2, 'place', 'x', 'y', 'far')",
            params![h.id, n],
        )
        .unwrap();
        let json = happening_json(&h);
        let d = digest(&h, &json, &mut Vec::new());
        let row = HappeningRow::new(&h, json, d);
        insert_happenings(&tx, &[&row], &HashMap::new()).unwrap();
        let reports: Vec<(String, i64, String, String)> =
            four_columns(&tx, "SELECT * FROM happening_reports ORDER BY doc_id, idx");
        let mut expected: Vec<_> = h
            .reports
            .iter()
            .map(|r| {
                let row = report_row(&h, r);
                (
                    row.0.to_string(),
                    row.1,
                    row.2.to_string(),
                    row.3.to_string(),
                )
            })
            .collect();
        expected.sort();
        assert_eq!(reports, expected);
        let reasons: String = tx
            .query_row("SELECT reasons FROM happening_reasons", [], |r| r.get(0))
            .unwrap();
        let expected: Vec<serde_json::Value> = h
            .merge_reasons
            .iter()
            .map(|m| serde_json::json!([m.a, m.b, m.score, m.signals]))
            .collect();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&reasons).unwrap(),
            serde_json::Value::Array(expected)
        );
        let contradictions: Vec<(String, String, String, String)> = four_columns(
            &tx,
            "SELECT kind, a, b, detail FROM happening_contradictions ORDER BY n",
        );
        let expected: Vec<_> = h
            .contradictions
            .iter()
            .map(|c| {
                let (a, b) = c.between.clone();
                (c.kind.clone(), a, b, c.detail.clone())
            })
            .collect();
        assert_eq!(contradictions, expected);
    }

    #[test]
    fn digest_hashes_the_whole_happening() {
        let digest_of = |h: &Happening| digest(h, &happening_json(h), &mut Vec::new());
        type Change = fn(&mut Happening);
        let changes: [(&str, Change); 12] = [
            ("id", |h| h.id.push('x')),
            ("event", |h| h.event.push('x')),
            ("actor", |h| h.actor.push("XYZ".into())),
            ("sources", |h| h.corroboration.independent_sources += 1),
            ("sentence", |h| h.reports[0].sentence.push('x')),
            ("stance", |h| h.reports[0].stance = Stance::Denies),
            ("attribution", |h| h.reports[0].attribution.push("x".into())),
            ("outlet", |h| h.reports[0].outlet = None),
            ("reports", |h| {
                let r = h.reports[0].clone();
                h.reports.push(r);
            }),
            ("reason", |h| {
                h.merge_reasons.push(MergeReason {
                    a: "a#0".into(),
                    b: "b#0".into(),
                    score: 0.5,
                    signals: vec!["same place".into()],
                });
            }),
            ("contradiction", |h| {
                h.contradictions.push(Contradiction {
                    kind: "date".into(),
                    between: ("a#0".into(), "b#0".into()),
                    detail: "dates differ".into(),
                });
            }),
            ("bare text moved", |h| {
                // The same characters, split between two strings at another place.
                let s = std::mem::take(&mut h.reports[0].sentence);
                h.reports[0].event_id.push_str(&s);
            }),
        ];
        let mut scratch = vec![1, 2, 3];
        for h in happenings() {
            let d = digest_of(&h);
            assert_eq!(digest(&h.clone(), &happening_json(&h), &mut scratch), d);
            for (what, change) in changes {
                let mut other = h.clone();
                change(&mut other);
                assert_ne!(digest_of(&other), d, "{what}");
                if !other.merge_reasons.is_empty() {
                    let mut signal = other.clone();
                    signal.merge_reasons[0].signals.push("x".into());
                    assert_ne!(digest_of(&signal), digest_of(&other), "{what}: signals");
                }
            }
        }
    }
}
