//! The read API: paged listings of events, happenings and documents, single-item views, and
//! streaming walks for exports. Every type serializes with PLOVER field names where PLOVER has
//! one (the event objects are the extraction's own, as `annals extract` prints them).

use crate::plan::{self, Driver};
use crate::search::{
    BBox, Query, checked_date, earliest_floor, event_filter, fts_query, max_span_days,
};
use crate::{Store, StoreError};
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter, types::Value as Sql};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Items per page when a query gives no limit.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest page a query may ask for.
pub const MAX_LIMIT: u32 = 1000;
/// Totals are counted up to this many matches; beyond it `total_exact` is false.
pub const TOTAL_CAP: u64 = 100_000;
/// Counting a total stops after this long; the page then says `total_exact: false` and
/// `total` is the number counted so far (a lower bound).
pub const COUNT_BUDGET: std::time::Duration = std::time::Duration::from_millis(15);

/// Listing order, by event date (documents: by publication date).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Latest first (the default).
    #[default]
    Newest,
    /// Earliest first.
    Oldest,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The items of this page, in order.
    pub items: Vec<T>,
    /// How many items match in all (counted up to [`TOTAL_CAP`] or for [`COUNT_BUDGET`]).
    pub total: u64,
    /// Whether `total` is exact (false: there are at least `total`).
    pub total_exact: bool,
    /// The offset this page starts at (0 when a cursor was given).
    pub offset: u64,
    /// The page size used.
    pub limit: u32,
    /// Pass this as `cursor` to get the next page (absent on the last page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Filters and paging for [`Store::events`]. Every filter is optional; the given ones must all
/// hold for an event. Flat (no nesting), so it deserializes from a URL query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventQuery {
    /// Full-text query over the titles and texts of the events' documents.
    pub text: Option<String>,
    /// Actor code prefix, on either side (`USA` matches `USAGOV`).
    pub actor: Option<String>,
    /// Country code of an actor, a recipient or the event's place.
    pub country: Option<String>,
    /// PLOVER event type (case-insensitive).
    pub event: Option<String>,
    /// PLOVER mode (one of the event's modes).
    pub mode: Option<String>,
    /// Modality (asserted, reported, denied, ...).
    pub modality: Option<String>,
    /// Events that may have happened on or after this date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Events that may have happened on or before this date.
    pub to: Option<String>,
    /// Events located inside this box (`min_lon,min_lat,max_lon,max_lat` in a query string).
    pub bbox: Option<BBox>,
    /// Events whose place name contains this (case-insensitive).
    pub place: Option<String>,
    /// Events attributed to a source whose text contains this (case-insensitive).
    pub source: Option<String>,
    /// Events from documents of this outlet (case-insensitive).
    pub outlet: Option<String>,
    /// Events of this document.
    pub doc_id: Option<String>,
    /// Events (reports) of this happening.
    pub happening_id: Option<String>,
    /// Page size (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]).
    pub limit: Option<u32>,
    /// Skip this many matches first (ignored when `cursor` is given).
    pub offset: u64,
    /// Continue after the page that returned this `next_cursor` (keyset paging: fast at any
    /// depth, stable while rows are added).
    pub cursor: Option<String>,
    /// Listing order.
    pub order: Order,
}

/// Filters and paging for [`Store::happenings`]. Report-level filters (`text`, `mode`,
/// `modality`, `source`, `outlet`) select happenings with at least one report that satisfies
/// all of them; the others apply to the happening itself (its merged codes, date and place).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HappeningQuery {
    /// Full-text query over the documents of its reports.
    pub text: Option<String>,
    /// Actor code prefix of one of its actors or recipients.
    pub actor: Option<String>,
    /// Country of its place, or country prefix of one of its actor or recipient codes.
    pub country: Option<String>,
    /// The happening's PLOVER event type (case-insensitive).
    pub event: Option<String>,
    /// PLOVER mode of a report.
    pub mode: Option<String>,
    /// Modality of a report.
    pub modality: Option<String>,
    /// Happenings that may have happened on or after this date.
    pub from: Option<String>,
    /// Happenings that may have happened on or before this date.
    pub to: Option<String>,
    /// Happenings located inside this box.
    pub bbox: Option<BBox>,
    /// Happenings whose place name contains this (case-insensitive).
    pub place: Option<String>,
    /// A report attributed to a source containing this.
    pub source: Option<String>,
    /// A report from this outlet.
    pub outlet: Option<String>,
    /// Only corroborated (true) or only uncorroborated (false) happenings.
    pub corroborated: Option<bool>,
    /// Only happenings with (true) or without (false) contradictions.
    pub contradicted: Option<bool>,
    /// Happenings with at least this many reports.
    pub min_reports: Option<u32>,
    /// Page size (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]).
    pub limit: Option<u32>,
    /// Skip this many matches first (ignored when `cursor` is given).
    pub offset: u64,
    /// Continue after the page that returned this `next_cursor`.
    pub cursor: Option<String>,
    /// Listing order.
    pub order: Order,
}

/// Filters and paging for [`Store::documents`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocQuery {
    /// Full-text query over titles and texts.
    pub text: Option<String>,
    /// Documents from this outlet (case-insensitive).
    pub outlet: Option<String>,
    /// Published on or after this date.
    pub from: Option<String>,
    /// Published on or before this date.
    pub to: Option<String>,
    /// Page size (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]).
    pub limit: Option<u32>,
    /// Skip this many matches first (ignored when `cursor` is given).
    pub offset: u64,
    /// Continue after the page that returned this `next_cursor`.
    pub cursor: Option<String>,
    /// Listing order (by publication date).
    pub order: Order,
}

/// One event with its document's citation fields. The coded event's own fields (PLOVER names:
/// `id`, `event`, `mode`, `context`, `cameo`, `quad_code`, `actor`, `recipient`, `date`,
/// `reported_date`, `event_loc`, `dead`, `injured`, `arrested`, `size`, `weapons`, `modality`,
/// `attribution`, `trigger`, `sentence` (span), `rules`, `confidence`) sit at the top level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView {
    /// The document id.
    pub doc_id: String,
    /// The event's index in the document's event list (`doc_id#idx` is its report key).
    pub idx: u32,
    /// The happening it was merged into, once merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub happening_id: Option<String>,
    /// Whether it supports or denies its happening.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance: Option<String>,
    /// The document's publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story_date: Option<String>,
    /// The outlet (PLOVER citation `publication`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// The document's headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The document's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The text of the sentence the event was coded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Earliest day the event may have happened (its date, else the publication date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    /// Latest day (a partial date is padded with `-99`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// The coded event as extracted.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl EventView {
    /// The report key `doc_id#idx` that happenings, merge reasons and contradictions use.
    pub fn key(&self) -> String {
        format!("{}#{}", self.doc_id, self.idx)
    }

    /// A string field of the coded event (e.g. `event`, `modality`, `cameo`).
    pub fn field_str(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

/// One happening in a listing: what happened, when, where, and how well it is sourced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HappeningView {
    /// Happening id (`h-` and 16 hex digits; changes if an earlier report joins it).
    pub id: String,
    /// PLOVER event type (the most frequent among its supporting reports).
    pub event: String,
    /// PLOVER modes.
    pub mode: Vec<String>,
    /// CAMEO code.
    pub cameo: String,
    /// PLOVER quad code.
    pub quad_code: u8,
    /// The strongest modality among its supporting reports.
    pub modality: String,
    /// Actor codes.
    pub actor: Vec<String>,
    /// Recipient codes.
    pub recipient: Vec<String>,
    /// When it happened: `earliest`, `latest`, `basis`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Value>,
    /// Where: `name`, `country`, `lat`, `lon`, `reports`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_loc: Option<Value>,
    /// The earliest publication date of its reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_reported: Option<String>,
    /// The latest publication date of its reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reported: Option<String>,
    /// Number of reports (events of articles) merged into it.
    pub reports: u32,
    /// The outlets that carried it.
    pub outlets: Vec<String>,
    /// Independent source groups among the supporting reports.
    pub independent_sources: u32,
    /// Whether two or more independent sources agree.
    pub corroborated: bool,
    /// Number of contradictions (denials, differing figures, dates, places).
    pub contradictions: u32,
}

/// One report of a happening, with the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    /// `doc_id#idx`, as in merge reasons and contradictions.
    pub key: String,
    /// `supports` or `denies`.
    pub stance: String,
    /// The event with its citation fields and evidence spans (`trigger`, `actor`, `recipient`,
    /// `date`, `event_loc`, quantities, `attribution` chain outermost first).
    #[serde(flatten)]
    pub event: EventView,
}

/// A contradiction between two reports of a happening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContradictionView {
    /// `denial`, `quantity`, `date` or `place`.
    pub kind: String,
    /// The two report keys.
    pub between: (String, String),
    /// What differs, in words.
    pub detail: String,
}

/// Why two reports were merged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeReasonView {
    /// One report key.
    pub a: String,
    /// The other report key.
    pub b: String,
    /// Weighted score in `[0, 1]`.
    pub score: f64,
    /// The signals, in words.
    pub signals: Vec<String>,
}

/// A happening with everything behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HappeningDetail {
    /// The listing fields.
    #[serde(flatten)]
    pub happening: HappeningView,
    /// Its reports, earliest published first.
    pub report_list: Vec<ReportView>,
    /// Independent source groups: `independent_sources`, `corroborated`, `sources`.
    pub corroboration: Value,
    /// The innermost attribution links (or outlets) its supporting reports go back to.
    pub original_sources: Value,
    /// Denials and differing figures, dates or places.
    pub contradiction_list: Vec<ContradictionView>,
    /// Why its reports were merged (one per join).
    pub merge_reasons: Vec<MergeReasonView>,
}

/// One document in a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentSummary {
    /// Document id.
    pub id: String,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Address of the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Language tag.
    pub language: String,
    /// Number of events coded from it.
    pub events: u32,
    /// When it was stored (UTC).
    pub ingested_at: String,
}

/// A document with its text and events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentDetail {
    /// The listing fields.
    #[serde(flatten)]
    pub summary: DocumentSummary,
    /// The text (event spans are byte offsets into it).
    pub text: String,
    /// Where it was read from.
    pub origin: Value,
    /// Its events, in order.
    pub event_list: Vec<EventView>,
}

/// The clamped page size.
fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// A keyset cursor: the sort key (absent for rows without one) and the rowid of the last row.
fn encode_cursor(key: Option<&str>, rowid: i64) -> String {
    match key {
        Some(k) => format!("{rowid}.{k}"),
        None => format!("{rowid}."),
    }
}

fn decode_cursor(c: &str) -> Result<(Option<String>, i64), StoreError> {
    let bad = || StoreError::Query(format!("cursor `{c}` is not one this store returned"));
    let (rowid, key) = c.split_once('.').ok_or_else(bad)?;
    let rowid: i64 = rowid.parse().map_err(|_| bad())?;
    Ok(((!key.is_empty()).then(|| key.to_string()), rowid))
}

/// Counts the rows of `from_where` up to [`TOTAL_CAP`], or for at most [`COUNT_BUDGET`]:
/// returns the count and whether it is exact (false: the true total is at least this).
fn capped_count(
    conn: &Connection,
    from_where: &str,
    params: &[Sql],
) -> Result<(u64, bool), StoreError> {
    let sql = format!("SELECT 1 {from_where} LIMIT {}", TOTAL_CAP + 1);
    plan::bounded_count(conn, &sql, params, TOTAL_CAP, COUNT_BUDGET)
}

/// The rows a listing reads: its `FROM` clause (the listed table under its alias, perhaps
/// behind the rows that drive it, see [`plan::choose`]) and the conditions over them, with
/// their parameters in order.
struct Plan {
    from: String,
    conds: Vec<String>,
    params: Vec<Sql>,
}

impl Plan {
    fn new(from: &str) -> Plan {
        Plan {
            from: from.to_string(),
            conds: Vec::new(),
            params: Vec::new(),
        }
    }

    fn push(&mut self, cond: impl Into<String>, params: impl IntoIterator<Item = Sql>) {
        self.conds.push(cond.into());
        self.params.extend(params);
    }
}

/// The rowid of the document of event `e`.
const EVENT_DOC_ROWID: &str = "(SELECT dt.rowid FROM documents dt WHERE dt.id = e.doc_id)";

/// The events of the documents matching a full-text query, as the listing's first tables. Each
/// document's events are found by key (the primary key's index), never through an index of a
/// filter, which would read every event of that type once per document.
const EVENT_TEXT_FROM: &str = "FROM documents_fts f CROSS JOIN documents dt ON dt.rowid = f.rowid
    CROSS JOIN events e INDEXED BY sqlite_autoindex_events_1 ON e.doc_id = dt.id";

/// The FTS5 query of a listing's `text`: `Ok(None)` without one, `Err(())` when the words can
/// match nothing (only punctuation).
fn text_of(text: Option<&str>) -> Result<Option<String>, ()> {
    match text.filter(|t| !t.trim().is_empty()) {
        Some(t) => fts_query(t).map(Some).ok_or(()),
        None => Ok(None),
    }
}

/// The plan of an event listing: event filters plus text, outlet, document and happening,
/// over events `e`; `None` when nothing can match.
fn event_plan(store: &Store, q: &EventQuery, span_days: i64) -> Result<Option<Plan>, StoreError> {
    let conn = &store.conn;
    let search = Query {
        actor: q.actor.clone(),
        country: q.country.clone(),
        event: q.event.clone(),
        mode: q.mode.clone(),
        modality: q.modality.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        bbox: q.bbox,
        place: q.place.clone(),
        source: q.source.clone(),
        ..Query::default()
    };
    // Checks the filters (dates, box) before anything is counted.
    let filter = event_filter(&search, span_days)?;
    let Ok(fts) = text_of(q.text.as_deref()) else {
        return Ok(None);
    };
    let driver = if q.doc_id.is_some() || q.happening_id.is_some() {
        // A document's or a happening's few events: found by key.
        Driver::Scan
    } else {
        plan::choose(
            conn,
            fts.as_deref(),
            q.bbox.as_ref().map(|b| (b, "events_rtree")),
        )?
    };
    let mut p = match (driver, &fts, &q.bbox) {
        (Driver::Text, Some(f), _) => {
            let mut p = Plan::new(EVENT_TEXT_FROM);
            p.push("documents_fts MATCH ?", [Sql::Text(f.clone())]);
            p
        }
        (Driver::Box, _, Some(b)) => {
            let mut p = Plan::new("FROM events_rtree r CROSS JOIN events e ON e.rowid = r.id");
            p.push(plan::RTREE_COND, plan::rtree_params(b));
            p
        }
        _ => Plan::new("FROM events e"),
    };
    if let Some((c, params)) = filter {
        p.push(c, params);
    }
    if let Some(o) = &q.outlet {
        p.push(
            "e.doc_id IN (SELECT id FROM documents WHERE outlet = ? COLLATE NOCASE)",
            [Sql::Text(o.trim().to_string())],
        );
    }
    if let Some(d) = &q.doc_id {
        p.push("e.doc_id = ?", [Sql::Text(d.clone())]);
    }
    if let Some(h) = &q.happening_id {
        p.push(
            "(e.doc_id, e.idx) IN (SELECT hr.doc_id, hr.idx FROM happening_reports hr
                WHERE hr.happening_id = ?)",
            [Sql::Text(h.clone())],
        );
    }
    if let (Some(f), false) = (&fts, driver == Driver::Text) {
        // Checked last: each check reads the text index.
        let cond = plan::text_docs_cond(conn, &store.text_docs, f, EVENT_DOC_ROWID)?;
        p.push(cond, []);
    }
    Ok(Some(p))
}

fn where_sql(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}

const EVENT_COLUMNS: &str = "e.rowid, e.doc_id, e.idx, hr.happening_id, hr.stance, d.date,
    d.outlet, d.title, d.url, e.sentence, e.earliest, e.latest, e.json";

const EVENT_JOINS: &str = "JOIN documents d ON d.id = e.doc_id
    LEFT JOIN happening_reports hr ON hr.doc_id = e.doc_id AND hr.idx = e.idx";

fn event_row(r: &Row) -> rusqlite::Result<(i64, EventView)> {
    let json: String = r.get(12)?;
    let fields = match serde_json::from_str(&json) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    Ok((
        r.get(0)?,
        EventView {
            doc_id: r.get(1)?,
            idx: r.get::<_, i64>(2)?.clamp(0, i64::from(u32::MAX)) as u32,
            happening_id: r.get(3)?,
            stance: r.get(4)?,
            story_date: r.get(5)?,
            outlet: r.get(6)?,
            title: r.get(7)?,
            url: r.get(8)?,
            text: r.get(9)?,
            earliest: r.get(10)?,
            latest: r.get(11)?,
            fields,
        },
    ))
}

fn event_item(r: &Row) -> rusqlite::Result<(i64, Option<String>, EventView)> {
    let (id, view) = event_row(r)?;
    Ok((id, view.earliest.clone(), view))
}

/// A listing's columns and tables: rows are ordered by `sort_col`, then by `rowid`; rows
/// without a sort key come last in either order.
struct Listing<'a> {
    /// The columns selected (from `from`).
    select: &'a str,
    /// The tables the columns come from (`FROM` omitted), the listed one first.
    from: &'a str,
    /// The sort key column.
    sort_col: &'a str,
    /// The listed table's rowid (`alias.rowid`).
    rowid: &'a str,
}

/// One listing row: rowid, sort key and item.
type Item<T> = (i64, Option<String>, T);

impl Listing<'_> {
    /// Counts the matches (see [`capped_count`]), then reads one page.
    fn run<T>(
        &self,
        conn: &Connection,
        plan: &Plan,
        page: (Option<u32>, u64, Option<&str>, Order),
        map: impl Fn(&Row) -> rusqlite::Result<Item<T>>,
    ) -> Result<Page<T>, StoreError> {
        let (total, total_exact) = capped_count(
            conn,
            &format!("{}{}", plan.from, where_sql(&plan.conds)),
            &plan.params,
        )?;
        let mut page = self.page(conn, plan, page, map)?;
        page.total = total;
        page.total_exact = total_exact;
        Ok(page)
    }

    /// One page without its total (`total` is the number of items, `total_exact` whether it
    /// is the last page). Keyset paging: rows with a sort key by `(key, rowid)` compared as a
    /// row value, so that each page starts with an index seek; then the rows without one.
    /// Passes every matching row to `f`, a page at a time: each page starts with an index seek
    /// after the last row of the previous one, so the walk is linear in the number of rows and
    /// memory stays flat. `f` returns false to stop early. Returns how many rows `f` got.
    fn walk<T>(
        &self,
        conn: &Connection,
        plan: &Plan,
        order: Order,
        map: impl Fn(&Row) -> rusqlite::Result<Item<T>>,
        mut f: impl FnMut(T) -> Result<bool, StoreError>,
    ) -> Result<u64, StoreError> {
        let mut cursor: Option<String> = None;
        let mut n = 0;
        loop {
            let page = self.page(
                conn,
                plan,
                (Some(MAX_LIMIT), 0, cursor.as_deref(), order),
                &map,
            )?;
            for item in page.items {
                n += 1;
                if !f(item)? {
                    return Ok(n);
                }
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return Ok(n),
            }
        }
    }

    fn page<T>(
        &self,
        conn: &Connection,
        plan: &Plan,
        page: (Option<u32>, u64, Option<&str>, Order),
        map: impl Fn(&Row) -> rusqlite::Result<Item<T>>,
    ) -> Result<Page<T>, StoreError> {
        let (limit, offset, cursor, order) = page;
        let limit = page_limit(limit);
        let want = i64::from(limit) + 1;
        let (col, rowid) = (self.sort_col, self.rowid);
        let (cmp, dir) = match order {
            Order::Newest => ("<", "DESC"),
            Order::Oldest => (">", "ASC"),
        };
        let (after, offset) = match cursor {
            Some(c) => (Some(decode_cursor(c)?), 0),
            None => (None, offset),
        };
        let skip = i64::try_from(offset).unwrap_or(i64::MAX);
        let mut rows: Vec<Item<T>> = Vec::new();
        // Rows with a sort key (unless the cursor is past them).
        if !matches!(after, Some((None, _))) {
            let mut extra = vec![format!("{col} IS NOT NULL")];
            let mut params = Vec::new();
            if let Some((Some(k), id)) = &after {
                extra.push(format!("{col} {cmp}= ? AND ({col}, {rowid}) {cmp} (?, ?)"));
                params.extend([
                    Sql::Text(k.clone()),
                    Sql::Text(k.clone()),
                    Sql::Integer(*id),
                ]);
            }
            let order_by = format!("{col} {dir}, {rowid} {dir}");
            rows = self.fetch(conn, plan, (&extra, params), &order_by, want, skip, &map)?;
        }
        // Then the rows without one, if the page is not full yet.
        if (rows.len() as i64) < want {
            let mut extra = vec![format!("{col} IS NULL")];
            let mut params = Vec::new();
            if let Some((None, id)) = &after {
                extra.push(format!("{rowid} {cmp} ?"));
                params.push(Sql::Integer(*id));
            }
            let skip = if after.is_some() || !rows.is_empty() || skip == 0 {
                0
            } else {
                // The page starts past every keyed row: skip the rest among the others.
                let keyed: i64 = conn
                    .prepare_cached(&format!(
                        "SELECT count(*) {}{}",
                        plan.from,
                        where_sql(
                            &[plan.conds.clone(), vec![format!("{col} IS NOT NULL")]].concat()
                        )
                    ))?
                    .query_row(params_from_iter(plan.params.iter()), |r| r.get(0))?;
                (skip - keyed).max(0)
            };
            let order_by = format!("{rowid} {dir}");
            let left = want - rows.len() as i64;
            rows.extend(self.fetch(conn, plan, (&extra, params), &order_by, left, skip, &map)?);
        }
        let more = rows.len() as i64 > i64::from(limit);
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last()
                .map(|(id, key, _)| encode_cursor(key.as_deref(), *id))
        } else {
            None
        };
        Ok(Page {
            total: rows.len() as u64,
            total_exact: !more,
            items: rows.into_iter().map(|r| r.2).collect(),
            offset,
            limit,
            next_cursor,
        })
    }

    /// Rows of `plan` that also satisfy `extra`, in `order_by`: the page's rowids first, from
    /// the plan's tables alone (skipping rows then costs an index walk, not a join per row),
    /// then the columns of those rows.
    #[allow(clippy::too_many_arguments)]
    fn fetch<T>(
        &self,
        conn: &Connection,
        plan: &Plan,
        extra: (&[String], Vec<Sql>),
        order_by: &str,
        limit: i64,
        offset: i64,
        map: &impl Fn(&Row) -> rusqlite::Result<Item<T>>,
    ) -> Result<Vec<Item<T>>, StoreError> {
        let conds = [plan.conds.as_slice(), extra.0].concat();
        let sql = format!(
            "SELECT {select} FROM (SELECT {rowid} AS page_rowid {from}{where_} ORDER BY {order_by}
                LIMIT ? OFFSET ?) page CROSS JOIN {tables}
             WHERE {rowid} = page.page_rowid ORDER BY {order_by}",
            select = self.select,
            rowid = self.rowid,
            from = plan.from,
            where_ = where_sql(&conds),
            tables = self.from,
        );
        let mut params = plan.params.clone();
        params.extend(extra.1);
        params.push(Sql::Integer(limit));
        params.push(Sql::Integer(offset));
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), map)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// Event listings: events with their documents and happenings.
const EVENT_LISTING: Listing<'static> = Listing {
    select: EVENT_COLUMNS,
    from: "events e JOIN documents d ON d.id = e.doc_id
        LEFT JOIN happening_reports hr ON hr.doc_id = e.doc_id AND hr.idx = e.idx",
    sort_col: "e.earliest",
    rowid: "e.rowid",
};

/// Happening listings.
const HAPPENING_LISTING: Listing<'static> = Listing {
    select: HAPPENING_COLUMNS,
    from: "happenings h",
    sort_col: "h.earliest",
    rowid: "h.rowid",
};

fn strings_of(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

const HAPPENING_COLUMNS: &str = "h.rowid, h.id, h.earliest, h.event, h.quad_code, h.modality,
    h.first_reported, h.last_reported, h.reports, h.independent_sources, h.corroborated,
    h.contradictions, h.json";

fn happening_row(r: &Row) -> rusqlite::Result<(i64, Option<String>, HappeningView)> {
    let json: String = r.get(12)?;
    let v: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    let count = |i: usize| -> rusqlite::Result<u32> {
        Ok(r.get::<_, i64>(i)?.clamp(0, i64::from(u32::MAX)) as u32)
    };
    Ok((
        r.get(0)?,
        r.get(2)?,
        HappeningView {
            id: r.get(1)?,
            event: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            mode: strings_of(v.get("mode")),
            cameo: v
                .get("cameo")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            quad_code: r.get::<_, Option<i64>>(4)?.unwrap_or(0).clamp(0, 255) as u8,
            modality: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            actor: strings_of(v.get("actor")),
            recipient: strings_of(v.get("recipient")),
            date: v.get("date").filter(|d| !d.is_null()).cloned(),
            event_loc: v.get("event_loc").filter(|d| !d.is_null()).cloned(),
            first_reported: r.get(6)?,
            last_reported: r.get(7)?,
            reports: count(8)?,
            outlets: strings_of(v.get("outlets")),
            independent_sources: count(9)?,
            corroborated: r.get::<_, i64>(10)? != 0,
            contradictions: count(11)?,
        },
    ))
}

/// The plan of a happening listing, over happenings `h`; `None` when nothing can match.
fn happening_plan(
    store: &Store,
    q: &HappeningQuery,
    span_days: i64,
) -> Result<Option<Plan>, StoreError> {
    let conn = &store.conn;
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<Sql> = Vec::new();
    let text = |s: &str| Sql::Text(s.trim().to_string());
    if let Some(v) = &q.event {
        conds.push("h.event = ?".into());
        params.push(Sql::Text(v.trim().to_uppercase()));
    }
    if let Some(v) = &q.from {
        let from = checked_date("from", v)?;
        // A happening spans at most its reports' days plus the merge tolerance.
        conds.push("h.latest >= ? AND h.earliest >= ?".into());
        params.push(text(from));
        params.push(Sql::Text(earliest_floor(from, span_days + 31)));
    }
    if let Some(v) = &q.to {
        let to = checked_date("to", v)?;
        // Happening dates are full days: a partial date covers its whole month or year.
        let padded = match to.len() {
            4 => format!("{to}-99-99"),
            7 => format!("{to}-99"),
            _ => to.to_string(),
        };
        conds.push("h.earliest <= ?".into());
        params.push(Sql::Text(padded));
    }
    if let Some(b) = &q.bbox {
        if b.min_lat > b.max_lat {
            return Err(StoreError::Query(
                "bounding box has min_lat above max_lat".into(),
            ));
        }
        conds.push("h.lat BETWEEN ? AND ?".into());
        params.extend([Sql::Real(b.min_lat), Sql::Real(b.max_lat)]);
        conds.push(if b.min_lon <= b.max_lon {
            "h.lon BETWEEN ? AND ?".into()
        } else {
            "(h.lon >= ? OR h.lon <= ?)".into()
        });
        params.extend([Sql::Real(b.min_lon), Sql::Real(b.max_lon)]);
    }
    if let Some(v) = &q.place {
        conds.push("h.place LIKE ? ESCAPE '\\'".into());
        params.push(Sql::Text(format!(
            "%{}%",
            crate::search::like_escape(v.trim())
        )));
    }
    if let Some(c) = q.corroborated {
        conds.push("h.corroborated = ?".into());
        params.push(Sql::Integer(i64::from(c)));
    }
    if let Some(c) = q.contradicted {
        conds.push(if c {
            "h.contradictions > 0".into()
        } else {
            "h.contradictions = 0".into()
        });
    }
    if let Some(n) = q.min_reports {
        conds.push("h.reports >= ?".into());
        params.push(Sql::Integer(i64::from(n)));
    }
    // Actor and country on the happening's own codes (codes begin with their country).
    if let Some(v) = &q.actor {
        conds.push("(',' || h.actor || ',' || h.recipient) LIKE ? ESCAPE '\\'".into());
        params.push(Sql::Text(format!(
            "%,{}%",
            crate::search::like_escape(&v.trim().to_uppercase())
        )));
    }
    if let Some(v) = &q.country {
        let c = v.trim().to_uppercase();
        conds.push(
            "(h.place_country = ? OR (',' || h.actor || ',' || h.recipient) LIKE ? ESCAPE '\\')"
                .into(),
        );
        params.push(Sql::Text(c.clone()));
        params.push(Sql::Text(format!("%,{}%", crate::search::like_escape(&c))));
    }
    // Report-level filters: some report of the happening satisfies all of them.
    let report_q = EventQuery {
        mode: q.mode.clone(),
        modality: q.modality.clone(),
        source: q.source.clone(),
        outlet: q.outlet.clone(),
        ..EventQuery::default()
    };
    let Ok(fts) = text_of(q.text.as_deref()) else {
        return Ok(None);
    };
    // The report filters alone (no text, no box: a plain plan over events `e`).
    let Some(report) = event_plan(store, &report_q, span_days)? else {
        return Ok(None);
    };
    let sparse_text = match &fts {
        Some(f) => plan::text_matches(conn, f)? <= plan::DRIVE_MAX,
        None => false,
    };
    match (&fts, sparse_text) {
        (Some(f), true) => {
            // Few documents match: the happenings of their events, as one set.
            let mut rconds = vec!["documents_fts MATCH ?".to_string()];
            rconds.extend(report.conds);
            conds.push(format!(
                "h.id IN (SELECT hr.happening_id {EVENT_TEXT_FROM}
                    CROSS JOIN happening_reports hr ON hr.doc_id = e.doc_id AND hr.idx = e.idx
                    WHERE {})",
                rconds.join(" AND ")
            ));
            params.push(Sql::Text(f.clone()));
            params.extend(report.params);
        }
        _ => {
            let mut rconds = report.conds;
            let rparams = report.params;
            if let Some(f) = &fts {
                rconds.push(plan::text_docs_cond(
                    conn,
                    &store.text_docs,
                    f,
                    EVENT_DOC_ROWID,
                )?);
            }
            if !rconds.is_empty() {
                // Checked for each happening in order, through its few reports.
                conds.push(format!(
                    "EXISTS (SELECT 1 FROM happening_reports hr CROSS JOIN events e
                        ON e.doc_id = hr.doc_id AND e.idx = hr.idx
                        WHERE hr.happening_id = h.id AND {})",
                    rconds.join(" AND ")
                ));
                params.extend(rparams);
            }
        }
    }
    let driver = plan::choose(conn, None, q.bbox.as_ref().map(|b| (b, "happenings_rtree")))?;
    let mut p = match (driver, &q.bbox) {
        (Driver::Box, Some(b)) => {
            let mut p =
                Plan::new("FROM happenings_rtree r CROSS JOIN happenings h ON h.rowid = r.id");
            p.push(plan::RTREE_COND, plan::rtree_params(b));
            p
        }
        _ => Plan::new("FROM happenings h"),
    };
    p.conds.extend(conds);
    p.params.extend(params);
    Ok(Some(p))
}

fn empty_page<T>(limit: Option<u32>) -> Page<T> {
    Page {
        items: Vec::new(),
        total: 0,
        total_exact: true,
        offset: 0,
        limit: page_limit(limit),
        next_cursor: None,
    }
}

impl Store {
    /// Events matching `q`, one page, ordered by event date (then storage order).
    pub fn events(&self, q: &EventQuery) -> Result<Page<EventView>, StoreError> {
        let Some(plan) = event_plan(self, q, max_span_days(&self.conn)?)? else {
            return Ok(empty_page(q.limit));
        };
        EVENT_LISTING.run(
            &self.conn,
            &plan,
            (q.limit, q.offset, q.cursor.as_deref(), q.order),
            event_item,
        )
    }

    /// Calls `f` on every event matching `q` (its `limit`, `offset` and `cursor` are ignored),
    /// in `q.order`, reading in pages so memory stays flat; `f` returns false to stop early.
    /// Each page starts with an index seek after the last row of the previous one, so the walk
    /// takes time linear in the number of events. Returns how many events were passed to `f`.
    pub fn for_each_event(
        &self,
        q: &EventQuery,
        mut f: impl FnMut(EventView) -> bool,
    ) -> Result<u64, StoreError> {
        let Some(plan) = event_plan(self, q, max_span_days(&self.conn)?)? else {
            return Ok(0);
        };
        EVENT_LISTING.walk(&self.conn, &plan, q.order, event_item, |item| Ok(f(item)))
    }

    /// Happenings matching `q`, one page, ordered by date (then storage order).
    pub fn happenings(&self, q: &HappeningQuery) -> Result<Page<HappeningView>, StoreError> {
        let Some(plan) = happening_plan(self, q, max_span_days(&self.conn)?)? else {
            return Ok(empty_page(q.limit));
        };
        HAPPENING_LISTING.run(
            &self.conn,
            &plan,
            (q.limit, q.offset, q.cursor.as_deref(), q.order),
            happening_row,
        )
    }

    /// Calls `f` on every happening matching `q` (paging fields ignored) with its details, in
    /// `q.order`, a page at a time (keyset: linear in the number of happenings); `f` returns
    /// false to stop early. Returns how many were passed to `f`.
    pub fn for_each_happening(
        &self,
        q: &HappeningQuery,
        mut f: impl FnMut(HappeningDetail) -> bool,
    ) -> Result<u64, StoreError> {
        let Some(plan) = happening_plan(self, q, max_span_days(&self.conn)?)? else {
            return Ok(0);
        };
        HAPPENING_LISTING.walk(&self.conn, &plan, q.order, happening_row, |view| {
            Ok(f(self.happening_detail(view)?))
        })
    }

    /// One happening with its reports, corroboration, contradictions and merge reasons.
    pub fn happening(&self, id: &str) -> Result<Option<HappeningDetail>, StoreError> {
        let sql = format!("SELECT {HAPPENING_COLUMNS} FROM happenings h WHERE h.id = ?1");
        let view = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], happening_row)
            .optional()?;
        match view {
            Some((_, _, view)) => Ok(Some(self.happening_detail(view)?)),
            None => Ok(None),
        }
    }

    fn happening_detail(&self, happening: HappeningView) -> Result<HappeningDetail, StoreError> {
        let id = happening.id.clone();
        let json: String =
            self.conn
                .query_row("SELECT json FROM happenings WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })?;
        let v: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM happening_reports hr
                JOIN events e ON e.doc_id = hr.doc_id AND e.idx = hr.idx
                JOIN documents d ON d.id = e.doc_id
             WHERE hr.happening_id = ?1
             ORDER BY d.date IS NULL, d.date, e.doc_id, e.idx"
        );
        let report_list = self
            .conn
            .prepare_cached(&sql)?
            .query_map([&id], |r| {
                let (_, event) = event_row(r)?;
                Ok(ReportView {
                    key: event.key(),
                    stance: event.stance.clone().unwrap_or_else(|| "supports".into()),
                    event,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let contradiction_list = self
            .conn
            .prepare_cached(
                "SELECT kind, a, b, detail FROM happening_contradictions
                 WHERE happening_id = ?1 ORDER BY n",
            )?
            .query_map([&id], |r| {
                Ok(ContradictionView {
                    kind: r.get(0)?,
                    between: (r.get(1)?, r.get(2)?),
                    detail: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // One row per happening: its reasons in order, as `[a, b, score, [signals...]]`.
        let reasons: Option<String> = self
            .conn
            .prepare_cached("SELECT reasons FROM happening_reasons WHERE happening_id = ?1")?
            .query_row([&id], |r| r.get(0))
            .optional()?;
        type Reason = (String, String, f64, Vec<String>);
        let merge_reasons = reasons
            .and_then(|json| serde_json::from_str::<Vec<Reason>>(&json).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|(a, b, score, signals)| MergeReasonView {
                a,
                b,
                score,
                signals,
            })
            .collect();
        Ok(HappeningDetail {
            happening,
            report_list,
            corroboration: v.get("corroboration").cloned().unwrap_or(Value::Null),
            original_sources: v
                .get("original_sources")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
            contradiction_list,
            merge_reasons,
        })
    }

    /// Documents matching `q`, one page, ordered by publication date (then storage order).
    pub fn documents(&self, q: &DocQuery) -> Result<Page<DocumentSummary>, StoreError> {
        let Ok(fts) = text_of(q.text.as_deref()) else {
            return Ok(empty_page(q.limit));
        };
        let driver = plan::choose(&self.conn, fts.as_deref(), None)?;
        let mut p = match (driver, &fts) {
            (Driver::Text, Some(f)) => {
                let mut p =
                    Plan::new("FROM documents_fts f CROSS JOIN documents d ON d.rowid = f.rowid");
                p.push("documents_fts MATCH ?", [Sql::Text(f.clone())]);
                p
            }
            _ => Plan::new("FROM documents d"),
        };
        if let Some(o) = &q.outlet {
            p.push(
                "d.outlet = ? COLLATE NOCASE",
                [Sql::Text(o.trim().to_string())],
            );
        }
        if let Some(v) = &q.from {
            p.push(
                "d.date >= ?",
                [Sql::Text(checked_date("from", v)?.to_string())],
            );
        }
        if let Some(v) = &q.to {
            let to = checked_date("to", v)?;
            p.push("d.date <= ?", [Sql::Text(format!("{to}\u{ffff}"))]);
        }
        if let (Some(f), false) = (&fts, driver == Driver::Text) {
            let cond = plan::text_docs_cond(&self.conn, &self.text_docs, f, "d.rowid")?;
            p.push(cond, []);
        }
        Listing {
            select: "d.rowid, d.id, d.title, d.date, d.outlet, d.url, d.language,
                (SELECT COUNT(*) FROM events e WHERE e.doc_id = d.id), d.ingested_at",
            from: "documents d",
            sort_col: "d.date",
            rowid: "d.rowid",
        }
        .run(
            &self.conn,
            &p,
            (q.limit, q.offset, q.cursor.as_deref(), q.order),
            |r| {
                let s = summary_row(r)?;
                Ok((r.get(0)?, s.date.clone(), s))
            },
        )
    }

    /// One document with its text and events.
    pub fn document(&self, id: &str) -> Result<Option<DocumentDetail>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT d.rowid, d.id, d.title, d.date, d.outlet, d.url, d.language,
                    (SELECT COUNT(*) FROM events e WHERE e.doc_id = d.id), d.ingested_at,
                    d.text, d.origin
                 FROM documents d WHERE d.id = ?1",
                [id],
                |r| {
                    Ok((
                        summary_row(r)?,
                        r.get::<_, String>(9)?,
                        r.get::<_, String>(10)?,
                    ))
                },
            )
            .optional()?;
        let Some((summary, text, origin)) = row else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e {EVENT_JOINS} WHERE e.doc_id = ?1 ORDER BY e.idx"
        );
        let event_list = self
            .conn
            .prepare_cached(&sql)?
            .query_map([id], |r| event_row(r).map(|x| x.1))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(DocumentDetail {
            summary,
            text,
            origin: serde_json::from_str(&origin).unwrap_or(Value::Null),
            event_list,
        }))
    }
}

fn summary_row(r: &Row) -> rusqlite::Result<DocumentSummary> {
    Ok(DocumentSummary {
        id: r.get(1)?,
        title: r.get(2)?,
        date: r.get(3)?,
        outlet: r.get(4)?,
        url: r.get(5)?,
        language: r.get(6)?,
        events: r.get::<_, i64>(7)?.clamp(0, i64::from(u32::MAX)) as u32,
        ingested_at: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        assert_eq!(
            decode_cursor(&encode_cursor(Some("2024-03-01"), 42)).unwrap(),
            (Some("2024-03-01".into()), 42)
        );
        assert_eq!(decode_cursor(&encode_cursor(None, 7)).unwrap(), (None, 7));
        assert!(decode_cursor("nonsense").is_err());
        assert!(decode_cursor("x.2024").is_err());
    }

    #[test]
    fn limits_are_clamped() {
        assert_eq!(page_limit(None), DEFAULT_LIMIT);
        assert_eq!(page_limit(Some(0)), 1);
        assert_eq!(page_limit(Some(1_000_000)), MAX_LIMIT);
    }
}
