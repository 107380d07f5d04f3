//! The read API: paged listings of events, happenings and documents, single-item views, and
//! streaming walks for exports. Every type serializes with PLOVER field names where PLOVER has
//! one (the event objects are the extraction's own, as `annals extract` prints them).

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

/// The SQL condition and parameters continuing after `cursor` for rows ordered by
/// `col` then rowid (`alias.rowid`), NULL keys last in either order.
fn cursor_cond(
    cursor: &str,
    col: &str,
    rowid: &str,
    order: Order,
) -> Result<(String, Vec<Sql>), StoreError> {
    let (key, id) = decode_cursor(cursor)?;
    let (cmp, id_cmp) = match order {
        Order::Newest => ("<", "<"),
        Order::Oldest => (">", ">"),
    };
    Ok(match key {
        Some(k) => (
            format!("({col} {cmp} ? OR ({col} = ? AND {rowid} {id_cmp} ?) OR {col} IS NULL)"),
            vec![Sql::Text(k.clone()), Sql::Text(k), Sql::Integer(id)],
        ),
        None => (
            format!("({col} IS NULL AND {rowid} {id_cmp} ?)"),
            vec![Sql::Integer(id)],
        ),
    })
}

fn order_sql(col: &str, rowid: &str, order: Order) -> String {
    match order {
        // NULL sorts lowest in SQLite: last when descending.
        Order::Newest => format!(" ORDER BY {col} DESC, {rowid} DESC"),
        Order::Oldest => format!(" ORDER BY {col} IS NULL, {col} ASC, {rowid} ASC"),
    }
}

/// Counts the rows of `from_where` up to [`TOTAL_CAP`], or for at most [`COUNT_BUDGET`]:
/// returns the count and whether it is exact (false: the true total is at least this).
fn capped_count(
    conn: &Connection,
    from_where: &str,
    params: &[Sql],
) -> Result<(u64, bool), StoreError> {
    let sql = format!("SELECT 1 {from_where} LIMIT {}", TOTAL_CAP + 1);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    let started = std::time::Instant::now();
    let mut n: u64 = 0;
    while rows.next()?.is_some() {
        n += 1;
        // Checking the clock every 256 rows keeps its cost out of the count.
        if n.is_multiple_of(256) && started.elapsed() > COUNT_BUDGET {
            return Ok((n, false));
        }
    }
    Ok((n.min(TOTAL_CAP), n <= TOTAL_CAP))
}

/// SQL conditions (joined with AND) and their parameters, in order.
type Conditions = (Vec<String>, Vec<Sql>);

/// The conditions shared by event listings: event filters plus text, outlet, document and
/// happening, over events `e`.
fn event_conditions(q: &EventQuery, span_days: i64) -> Result<Option<Conditions>, StoreError> {
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
    let mut conds = Vec::new();
    let mut params = Vec::new();
    if let Some((c, p)) = event_filter(&search, span_days)? {
        conds.push(c);
        params.extend(p);
    }
    if !doc_conditions(
        q.text.as_deref(),
        q.outlet.as_deref(),
        "e.doc_id",
        &mut conds,
        &mut params,
    ) {
        return Ok(None);
    }
    if let Some(d) = &q.doc_id {
        conds.push("e.doc_id = ?".into());
        params.push(Sql::Text(d.clone()));
    }
    if let Some(h) = &q.happening_id {
        conds.push(
            "EXISTS (SELECT 1 FROM happening_reports hr WHERE hr.doc_id = e.doc_id
                AND hr.idx = e.idx AND hr.happening_id = ?)"
                .into(),
        );
        params.push(Sql::Text(h.clone()));
    }
    Ok(Some((conds, params)))
}

/// Adds full-text and outlet conditions on a document id column; false when the text query
/// can match nothing (only punctuation).
fn doc_conditions(
    text: Option<&str>,
    outlet: Option<&str>,
    id_col: &str,
    conds: &mut Vec<String>,
    params: &mut Vec<Sql>,
) -> bool {
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        let Some(fts) = fts_query(t) else {
            return false;
        };
        conds.push(if id_col == "d.id" {
            "d.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)".to_string()
        } else {
            format!(
                "{id_col} IN (SELECT id FROM documents WHERE rowid IN
                    (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?))"
            )
        });
        params.push(Sql::Text(fts));
    }
    if let Some(o) = outlet {
        conds.push(format!(
            "{id_col} IN (SELECT id FROM documents WHERE outlet = ? COLLATE NOCASE)"
        ));
        params.push(Sql::Text(o.trim().to_string()));
    }
    true
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

/// Runs a paged listing: `base` is `FROM ... ` without WHERE; `conds` its conditions.
struct Listing<'a> {
    select: &'a str,
    from: &'a str,
    count_from: &'a str,
    sort_col: &'a str,
    rowid: &'a str,
}

impl Listing<'_> {
    fn run<T>(
        &self,
        conn: &Connection,
        conds: Vec<String>,
        params: Vec<Sql>,
        page: (Option<u32>, u64, Option<&str>, Order),
        map: impl Fn(&Row) -> rusqlite::Result<(i64, Option<String>, T)>,
    ) -> Result<Page<T>, StoreError> {
        let (limit, offset, cursor, order) = page;
        let limit = page_limit(limit);
        let (total, total_exact) = capped_count(
            conn,
            &format!("{}{}", self.count_from, where_sql(&conds)),
            &params,
        )?;
        let mut conds = conds;
        let mut params = params;
        let offset = if let Some(c) = cursor {
            let (cond, p) = cursor_cond(c, self.sort_col, self.rowid, order)?;
            conds.push(cond);
            params.extend(p);
            0
        } else {
            offset
        };
        // The page's rowids first, from the filtered table alone (skipping `offset` rows then
        // costs an index walk, not a join per skipped row); then the columns of those rows.
        let order_by = order_sql(self.sort_col, self.rowid, order);
        let sql = format!(
            "SELECT {} FROM (SELECT {} AS page_rowid {}{}{order_by} LIMIT ? OFFSET ?) page CROSS JOIN {}
             WHERE {} = page.page_rowid{order_by}",
            self.select,
            self.rowid,
            self.count_from,
            where_sql(&conds),
            self.from,
            self.rowid,
        );
        params.push(Sql::Integer(i64::from(limit) + 1));
        params.push(Sql::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows: Vec<(i64, Option<String>, T)> = stmt
            .query_map(params_from_iter(params.iter()), map)?
            .collect::<Result<_, _>>()?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last()
                .map(|(id, key, _)| encode_cursor(key.as_deref(), *id))
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(|r| r.2).collect(),
            total,
            total_exact,
            offset,
            limit,
            next_cursor,
        })
    }
}

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

fn happening_conditions(
    q: &HappeningQuery,
    span_days: i64,
) -> Result<Option<Conditions>, StoreError> {
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
        text: q.text.clone(),
        mode: q.mode.clone(),
        modality: q.modality.clone(),
        source: q.source.clone(),
        outlet: q.outlet.clone(),
        ..EventQuery::default()
    };
    let Some((rconds, rparams)) = event_conditions(&report_q, span_days)? else {
        return Ok(None);
    };
    if !rconds.is_empty() {
        conds.push(format!(
            "h.id IN (SELECT hr.happening_id FROM events e JOIN happening_reports hr
                ON hr.doc_id = e.doc_id AND hr.idx = e.idx WHERE {})",
            rconds.join(" AND ")
        ));
        params.extend(rparams);
    }
    Ok(Some((conds, params)))
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
        let Some((conds, params)) = event_conditions(q, max_span_days(&self.conn)?)? else {
            return Ok(empty_page(q.limit));
        };
        let from = format!("events e {EVENT_JOINS}");
        Listing {
            select: EVENT_COLUMNS,
            from: &from,
            count_from: "FROM events e",
            sort_col: "e.earliest",
            rowid: "e.rowid",
        }
        .run(
            &self.conn,
            conds,
            params,
            (q.limit, q.offset, q.cursor.as_deref(), q.order),
            |r| {
                let (id, view) = event_row(r)?;
                Ok((id, view.earliest.clone(), view))
            },
        )
    }

    /// Calls `f` on every event matching `q` (its `limit`, `offset` and `cursor` are ignored),
    /// in `q.order`, reading in pages so memory stays flat; `f` returns false to stop early.
    /// Returns how many events were passed to `f`.
    pub fn for_each_event(
        &self,
        q: &EventQuery,
        mut f: impl FnMut(EventView) -> bool,
    ) -> Result<u64, StoreError> {
        let mut q = EventQuery {
            limit: Some(MAX_LIMIT),
            offset: 0,
            cursor: None,
            ..q.clone()
        };
        let mut n = 0;
        loop {
            let page = self.events_uncounted(&q)?;
            for item in page.items {
                n += 1;
                if !f(item) {
                    return Ok(n);
                }
            }
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => return Ok(n),
            }
        }
    }

    /// A page of events without counting the total (for streaming).
    fn events_uncounted(&self, q: &EventQuery) -> Result<Page<EventView>, StoreError> {
        let Some((mut conds, mut params)) = event_conditions(q, max_span_days(&self.conn)?)? else {
            return Ok(empty_page(q.limit));
        };
        let limit = page_limit(q.limit);
        if let Some(c) = &q.cursor {
            let (cond, p) = cursor_cond(c, "e.earliest", "e.rowid", q.order)?;
            conds.push(cond);
            params.extend(p);
        }
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e {EVENT_JOINS}{}{} LIMIT ?",
            where_sql(&conds),
            order_sql("e.earliest", "e.rowid", q.order)
        );
        params.push(Sql::Integer(i64::from(limit) + 1));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows: Vec<(i64, EventView)> = stmt
            .query_map(params_from_iter(params.iter()), event_row)?
            .collect::<Result<_, _>>()?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| {
                rows.last()
                    .map(|(id, v)| encode_cursor(v.earliest.as_deref(), *id))
            })
            .flatten();
        Ok(Page {
            total: rows.len() as u64,
            total_exact: !more,
            items: rows.into_iter().map(|r| r.1).collect(),
            offset: 0,
            limit,
            next_cursor,
        })
    }

    /// Happenings matching `q`, one page, ordered by date (then storage order).
    pub fn happenings(&self, q: &HappeningQuery) -> Result<Page<HappeningView>, StoreError> {
        let Some((conds, params)) = happening_conditions(q, max_span_days(&self.conn)?)? else {
            return Ok(empty_page(q.limit));
        };
        Listing {
            select: HAPPENING_COLUMNS,
            from: "happenings h",
            count_from: "FROM happenings h",
            sort_col: "h.earliest",
            rowid: "h.rowid",
        }
        .run(
            &self.conn,
            conds,
            params,
            (q.limit, q.offset, q.cursor.as_deref(), q.order),
            happening_row,
        )
    }

    /// Calls `f` on every happening matching `q` (paging fields ignored) with its details;
    /// `f` returns false to stop early. Returns how many were passed to `f`.
    pub fn for_each_happening(
        &self,
        q: &HappeningQuery,
        mut f: impl FnMut(HappeningDetail) -> bool,
    ) -> Result<u64, StoreError> {
        let Some((base_conds, base_params)) = happening_conditions(q, max_span_days(&self.conn)?)?
        else {
            return Ok(0);
        };
        let mut cursor: Option<String> = None;
        let mut n = 0;
        loop {
            let (mut conds, mut params) = (base_conds.clone(), base_params.clone());
            if let Some(c) = &cursor {
                let (cond, p) = cursor_cond(c, "h.earliest", "h.rowid", q.order)?;
                conds.push(cond);
                params.extend(p);
            }
            let sql = format!(
                "SELECT {HAPPENING_COLUMNS} FROM happenings h{}{} LIMIT {MAX_LIMIT}",
                where_sql(&conds),
                order_sql("h.earliest", "h.rowid", q.order)
            );
            let rows: Vec<(i64, Option<String>, HappeningView)> = self
                .conn
                .prepare_cached(&sql)?
                .query_map(params_from_iter(params.iter()), happening_row)?
                .collect::<Result<_, _>>()?;
            let full = rows.len() == MAX_LIMIT as usize;
            cursor = rows
                .last()
                .map(|(id, key, _)| encode_cursor(key.as_deref(), *id));
            for (_, _, view) in rows {
                let detail = self.happening_detail(view)?;
                n += 1;
                if !f(detail) {
                    return Ok(n);
                }
            }
            if !full {
                return Ok(n);
            }
        }
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
        let merge_reasons = self
            .conn
            .prepare_cached(
                "SELECT a, b, score, signals FROM happening_reasons
                 WHERE happening_id = ?1 ORDER BY n",
            )?
            .query_map([&id], |r| {
                let signals: String = r.get(3)?;
                Ok(MergeReasonView {
                    a: r.get(0)?,
                    b: r.get(1)?,
                    score: r.get(2)?,
                    signals: serde_json::from_str(&signals).unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
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
        let mut conds = Vec::new();
        let mut params = Vec::new();
        if !doc_conditions(
            q.text.as_deref(),
            q.outlet.as_deref(),
            "d.id",
            &mut conds,
            &mut params,
        ) {
            return Ok(empty_page(q.limit));
        }
        if let Some(v) = &q.from {
            conds.push("d.date >= ?".into());
            params.push(Sql::Text(checked_date("from", v)?.to_string()));
        }
        if let Some(v) = &q.to {
            let to = checked_date("to", v)?;
            conds.push("d.date <= ?".into());
            params.push(Sql::Text(format!("{to}\u{ffff}")));
        }
        Listing {
            select: "d.rowid, d.id, d.title, d.date, d.outlet, d.url, d.language,
                (SELECT COUNT(*) FROM events e WHERE e.doc_id = d.id), d.ingested_at",
            from: "documents d",
            count_from: "FROM documents d",
            sort_col: "d.date",
            rowid: "d.rowid",
        }
        .run(
            &self.conn,
            conds,
            params,
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
