//! Search: full text (FTS5) over documents, plus filters on their events.

use crate::plan::{DRIVE_MAX, TextDocs, text_docs_cond, text_matches};
use crate::{COUNT_BUDGET, StoreError};
use rusqlite::{Connection, params, params_from_iter, types::Value as Sql};
use serde::{Deserialize, Serialize};

/// A search over the store. Every field is optional; the given ones must all hold.
///
/// Event filters (`actor`, `country`, `event`, `mode`, `modality`, `from`, `to`, `bbox`, `place`,
/// `source`) select documents with at least one event satisfying all of them at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// Full-text query over titles and texts: words (all must occur, stemmed), `word*` for a
    /// prefix, `OR` between two words for either.
    pub text: Option<String>,
    /// Actor code prefix, on either side of the event (`USA` matches `USAGOV`).
    pub actor: Option<String>,
    /// Country code of an actor, a recipient or the event's place.
    pub country: Option<String>,
    /// PLOVER event type (case-insensitive).
    pub event: Option<String>,
    /// PLOVER mode (one of the event's modes).
    pub mode: Option<String>,
    /// Modality (asserted, denied, ...).
    pub modality: Option<String>,
    /// Events that may have happened on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Events that may have happened on or before this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub to: Option<String>,
    /// Events located inside this box.
    pub bbox: Option<BBox>,
    /// Events whose place name contains this (case-insensitive).
    pub place: Option<String>,
    /// Events attributed to a source whose text contains this (case-insensitive).
    pub source: Option<String>,
    /// Documents from this outlet (case-insensitive).
    pub outlet: Option<String>,
    /// At most this many hits (all when `None`).
    pub limit: Option<u64>,
    /// Skip this many hits first.
    pub offset: u64,
}

/// A bounding box in degrees; a box with `min_lon > max_lon` crosses the antimeridian.
///
/// Deserializes from an object with the four fields or from a string
/// `min_lon,min_lat,max_lon,max_lat` (as in a URL query string).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BBoxRepr")]
pub struct BBox {
    /// Western edge.
    pub min_lon: f64,
    /// Southern edge.
    pub min_lat: f64,
    /// Eastern edge.
    pub max_lon: f64,
    /// Northern edge.
    pub max_lat: f64,
}

/// The forms a bounding box deserializes from.
#[derive(Deserialize)]
#[serde(untagged)]
enum BBoxRepr {
    Text(String),
    Fields {
        min_lon: f64,
        min_lat: f64,
        max_lon: f64,
        max_lat: f64,
    },
}

impl TryFrom<BBoxRepr> for BBox {
    type Error = StoreError;

    fn try_from(r: BBoxRepr) -> Result<BBox, StoreError> {
        match r {
            BBoxRepr::Text(s) => s.parse(),
            BBoxRepr::Fields {
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            } => Ok(BBox {
                min_lon,
                min_lat,
                max_lon,
                max_lat,
            }),
        }
    }
}

impl std::str::FromStr for BBox {
    type Err = StoreError;

    /// Parses `min_lon,min_lat,max_lon,max_lat`.
    fn from_str(s: &str) -> Result<BBox, StoreError> {
        let bad = || {
            StoreError::Query(format!(
                "bounding box `{s}`: want min_lon,min_lat,max_lon,max_lat"
            ))
        };
        let nums: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let [min_lon, min_lat, max_lon, max_lat] = nums[..] else {
            return Err(bad());
        };
        Ok(BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }
}

/// One matching document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
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
    /// Full-text relevance (higher is better), for text queries whose hits are ranked (at most
    /// 3000 documents match the words; with more, hits come latest published first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The best-matching passage, matches in `[brackets]`, for text queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// The document's events that satisfy the event filters (all its events without any).
    pub events: Vec<serde_json::Value>,
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Turns user words into an FTS5 query: each word a quoted phrase, `word*` a prefix, `OR` kept.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    let mut pending_or = false;
    for (i, word) in words.iter().enumerate() {
        if *word == "OR" && i > 0 && i + 1 < words.len() {
            pending_or = true;
            continue;
        }
        let (stem, prefix) = match word.strip_suffix('*') {
            Some(s) => (s.trim_end_matches('*'), true),
            None => (*word, false),
        };
        // Quote marks carry no meaning inside a word; drop them.
        let stem: String = stem.chars().filter(|c| *c != '"').collect();
        if !stem.chars().any(char::is_alphanumeric) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if pending_or { " OR " } else { " AND " });
        }
        pending_or = false;
        out.push('"');
        out.push_str(&stem);
        out.push('"');
        if prefix {
            out.push('*');
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A query date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), or an error naming the field.
pub(crate) fn checked_date<'a>(field: &str, s: &'a str) -> Result<&'a str, StoreError> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let ok = !parts.is_empty()
        && parts.len() <= 3
        && parts.first().is_some_and(|y| y.len() == 4)
        && parts.iter().skip(1).all(|p| p.len() == 2)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(s)
    } else {
        Err(StoreError::Query(format!(
            "--{field} `{s}`: want YYYY, YYYY-MM or YYYY-MM-DD"
        )))
    }
}

/// The SQL condition over events `e` for the event filters, with its parameters.
/// The day `span_days` before a query date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, taken at its
/// first day): an event no longer than `span_days` that reaches the query date starts no
/// earlier than this.
pub(crate) fn earliest_floor(from: &str, span_days: i64) -> String {
    let full = match from.len() {
        4 => format!("{from}-01-01"),
        7 => format!("{from}-01"),
        _ => from.to_string(),
    };
    full.parse::<annals_document::Date>()
        .ok()
        .and_then(|d| {
            d.checked_sub(jiff::Span::new().days(span_days.clamp(0, 3_000_000)))
                .ok()
        })
        .map_or_else(|| "0000".to_string(), |d| d.to_string())
}

/// The longest event interval stored, in days (see `store_meta`).
pub(crate) fn max_span_days(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM store_meta WHERE key = 'max_span_days'")?
        .query_row([], |r| r.get(0))
        .unwrap_or(36600))
}

pub(crate) fn event_filter(
    q: &Query,
    span_days: i64,
) -> Result<Option<(String, Vec<Sql>)>, StoreError> {
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Vec<Sql> = Vec::new();
    let text = |s: &str| Sql::Text(s.trim().to_string());
    if let Some(v) = &q.event {
        conds.push("e.event = ? COLLATE NOCASE");
        params.push(text(v));
    }
    if let Some(v) = &q.mode {
        // Modes are stored joined with ','.
        conds.push("(',' || e.mode || ',') LIKE ? ESCAPE '\\'");
        params.push(Sql::Text(format!("%,{},%", like_escape(v.trim()))));
    }
    if let Some(v) = &q.modality {
        conds.push("e.modality = ? COLLATE NOCASE");
        params.push(text(v));
    }
    if let Some(v) = &q.from {
        let from = checked_date("from", v)?;
        // The lower bound on `earliest` is implied (no stored interval is longer), and lets the
        // date index bound the scan.
        conds.push("e.latest >= ? AND e.earliest >= ?");
        params.push(text(from));
        params.push(Sql::Text(earliest_floor(from, span_days)));
    }
    if let Some(v) = &q.to {
        // Pad a partial date so that every day of that month or year sorts below it.
        let to = checked_date("to", v)?;
        let padded = match to.len() {
            4 => format!("{to}-99-99"),
            7 => format!("{to}-99"),
            _ => to.to_string(),
        };
        conds.push("e.earliest <= ?");
        params.push(Sql::Text(padded));
    }
    if let Some(b) = &q.bbox {
        if b.min_lat > b.max_lat {
            return Err(StoreError::Query(
                "bounding box has min_lat above max_lat".into(),
            ));
        }
        conds.push("e.lat BETWEEN ? AND ?");
        params.extend([Sql::Real(b.min_lat), Sql::Real(b.max_lat)]);
        if b.min_lon <= b.max_lon {
            conds.push("e.lon BETWEEN ? AND ?");
        } else {
            conds.push("(e.lon >= ? OR e.lon <= ?)");
        }
        params.extend([Sql::Real(b.min_lon), Sql::Real(b.max_lon)]);
    }
    if let Some(v) = &q.place {
        conds.push("e.place LIKE ? ESCAPE '\\'");
        params.push(Sql::Text(format!("%{}%", like_escape(v.trim()))));
    }
    if let Some(v) = &q.source {
        conds.push("e.source LIKE ? ESCAPE '\\'");
        params.push(Sql::Text(format!("%{}%", like_escape(v.trim()))));
    }
    // The first actor and recipient of an event are columns of its row; `event_actors` holds
    // the others (a store migrated from before version 7 may hold some first ones, too).
    if let Some(v) = &q.actor {
        conds.push(
            "(e.actor_code LIKE ? ESCAPE '\\' OR e.recipient_code LIKE ? ESCAPE '\\'
              OR EXISTS (SELECT 1 FROM event_actors p WHERE p.doc_id = e.doc_id AND p.idx = e.idx
                         AND p.code LIKE ? ESCAPE '\\'))",
        );
        let prefix = Sql::Text(format!("{}%", like_escape(v.trim())));
        params.extend([prefix.clone(), prefix.clone(), prefix]);
    }
    if let Some(v) = &q.country {
        conds.push(
            "(e.place_country = ? COLLATE NOCASE OR e.actor_country = ? COLLATE NOCASE
              OR e.recipient_country = ? COLLATE NOCASE OR EXISTS (SELECT 1 FROM event_actors p
                WHERE p.doc_id = e.doc_id AND p.idx = e.idx AND p.country = ? COLLATE NOCASE))",
        );
        params.extend([text(v), text(v), text(v), text(v)]);
    }
    Ok((!conds.is_empty()).then(|| (conds.join(" AND "), params)))
}

/// The documents a search matches: ` FROM ... WHERE ...` (no order), its parameters,
/// the event filter, the FTS5 query and whether hits are ranked.
struct Matches {
    sql: String,
    params: Vec<Sql>,
    events: Option<(String, Vec<Sql>)>,
    fts: Option<String>,
    ranked: bool,
}

/// Builds the [`Matches`] of `q`; `None` when nothing can match.
fn matches(conn: &Connection, docs: &TextDocs, q: &Query) -> Result<Option<Matches>, StoreError> {
    let events = event_filter(q, max_span_days(conn)?)?;
    let fts = q.text.as_deref().and_then(fts_query);
    if q.text.as_deref().is_some_and(|t| !t.trim().is_empty()) && fts.is_none() {
        return Ok(None); // only punctuation: nothing can match
    }
    let ranked = match &fts {
        Some(f) => text_matches(conn, f)? <= DRIVE_MAX,
        None => false,
    };
    let mut sql = String::new();
    let mut params: Vec<Sql> = Vec::new();
    match &fts {
        Some(f) if ranked => {
            sql.push_str(
                " FROM documents_fts f JOIN documents d ON d.rowid = f.rowid
                 WHERE documents_fts MATCH ?",
            );
            params.push(Sql::Text(f.clone()));
        }
        Some(f) => {
            sql.push_str(" FROM documents d WHERE ");
            sql.push_str(&text_docs_cond(conn, docs, f, "d.rowid")?);
        }
        None => sql.push_str(" FROM documents d WHERE 1"),
    }
    if let Some(v) = &q.outlet {
        sql.push_str(" AND d.outlet = ? COLLATE NOCASE");
        params.push(Sql::Text(v.trim().to_string()));
    }
    if let Some((cond, p)) = &events {
        let few: i64 = conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM events e WHERE {cond} LIMIT ?)"
            ))?
            .query_row(
                params_from_iter(p.iter().chain([&Sql::Integer(DRIVE_MAX + 1)])),
                |r| r.get(0),
            )?;
        if few <= DRIVE_MAX {
            // The documents of the few matching events, as one set.
            sql.push_str(" AND d.id IN (SELECT e.doc_id FROM events e WHERE ");
        } else {
            // Checked per document, in listing order, until the page is full.
            sql.push_str(" AND EXISTS (SELECT 1 FROM events e WHERE e.doc_id = d.id AND ");
        }
        sql.push_str(cond);
        sql.push(')');
        params.extend(p.iter().cloned());
    }
    Ok(Some(Matches {
        sql,
        params,
        events,
        fts,
        ranked,
    }))
}

/// How many documents `q` matches, counted up to `cap` or for at most [`COUNT_BUDGET`]
/// (its limit and offset are ignored): the count and whether it is exact.
pub(crate) fn count(
    conn: &Connection,
    docs: &TextDocs,
    q: &Query,
    cap: u64,
) -> Result<(u64, bool), StoreError> {
    let Some(m) = matches(conn, docs, q)? else {
        return Ok((0, true));
    };
    let cap = cap.min(i64::MAX as u64 - 1);
    // Unranked matches are counted in listing order: a walk of the date index, which reads a
    // document row only when it matches, rather than a scan of the whole table.
    let order = if m.ranked {
        ""
    } else {
        " ORDER BY d.date DESC"
    };
    let sql = format!("SELECT 1{}{order} LIMIT {}", m.sql, cap + 1);
    crate::plan::bounded_count(conn, &sql, &m.params, cap, COUNT_BUDGET)
}

/// Runs `q` against the store.
///
/// Hits come best first (BM25, with their score) when at most [`DRIVE_MAX`] documents match
/// the words; with more (ranking them all would read every one), latest published first,
/// without a score.
/// The event filters are checked per document, or, when few events match them, as one set.
pub(crate) fn run(conn: &Connection, docs: &TextDocs, q: &Query) -> Result<Vec<Hit>, StoreError> {
    let Some(Matches {
        mut sql,
        mut params,
        events,
        fts,
        ranked,
    }) = matches(conn, docs, q)?
    else {
        return Ok(Vec::new());
    };
    sql.insert_str(
        0,
        if ranked {
            "SELECT d.id, d.title, d.date, d.outlet, d.url, d.rowid, -bm25(documents_fts),
                snippet(documents_fts, -1, '[', ']', '…', 16)"
        } else {
            "SELECT d.id, d.title, d.date, d.outlet, d.url, d.rowid, NULL, NULL"
        },
    );
    sql.push_str(if ranked {
        " ORDER BY bm25(documents_fts), d.date IS NULL, d.date DESC, d.id"
    } else {
        // Newest first; NULL dates sort lowest, so last.
        " ORDER BY d.date DESC, d.id"
    });
    sql.push_str(" LIMIT ? OFFSET ?");
    let limit = q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    params.push(Sql::Integer(limit));
    params.push(Sql::Integer(i64::try_from(q.offset).unwrap_or(i64::MAX)));

    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rowids = Vec::new();
    let mut hits = stmt
        .query_map(params_from_iter(params.iter()), |r| {
            Ok((
                Hit {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    date: r.get(2)?,
                    outlet: r.get(3)?,
                    url: r.get(4)?,
                    score: r.get(6)?,
                    snippet: r.get(7)?,
                    events: Vec::new(),
                },
                r.get::<_, i64>(5)?,
            ))
        })?
        .map(|r| {
            r.map(|(hit, rowid)| {
                rowids.push(rowid);
                hit
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let (Some(f), false) = (&fts, ranked) {
        // The snippet of each hit alone. (Not its score: BM25 reads the whole doclist of every
        // word for its statistics, once per hit.)
        let mut one = conn.prepare_cached(
            "SELECT snippet(documents_fts, -1, '[', ']', '…', 16)
             FROM documents_fts WHERE documents_fts MATCH ?1 AND rowid = ?2",
        )?;
        for (hit, rowid) in hits.iter_mut().zip(&rowids) {
            hit.snippet = one
                .query_map(params![f, rowid], |r| r.get(0))?
                .next()
                .transpose()?;
        }
    }

    // Each hit's events, by document id only (the filter is evaluated per row, not planned).
    let matched = events.as_ref().map_or("1", |(cond, _)| cond.as_str());
    let ev_sql =
        format!("SELECT e.json, ({matched}) FROM events e WHERE e.doc_id = ? ORDER BY e.idx");
    let mut ev_stmt = conn.prepare_cached(&ev_sql)?;
    for hit in &mut hits {
        let mut p: Vec<Sql> = events.as_ref().map(|(_, p)| p.clone()).unwrap_or_default();
        p.push(Sql::Text(hit.id.clone()));
        let rows = ev_stmt.query_map(params_from_iter(p.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<bool>>(1)?))
        })?;
        for row in rows {
            let (json, matched) = row?;
            if matched == Some(true) {
                hit.events
                    .push(serde_json::from_str(&json).unwrap_or(serde_json::Value::Null));
            }
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_words() {
        assert_eq!(
            fts_query("troops  moved").as_deref(),
            Some("\"troops\" AND \"moved\"")
        );
        assert_eq!(
            fts_query("U.S. prot*").as_deref(),
            Some("\"U.S.\" AND \"prot\"*")
        );
        assert_eq!(fts_query("a OR b").as_deref(), Some("\"a\" OR \"b\""));
        assert_eq!(fts_query("OR \"x"), Some("\"OR\" AND \"x\"".into()));
        assert_eq!(fts_query(" -- \" "), None);
    }

    #[test]
    fn bbox_parses_and_rejects() {
        let b: BBox = "-5, 41, 10,51.5".parse().unwrap();
        assert_eq!(b.max_lat, 51.5);
        assert!("1,2,3".parse::<BBox>().is_err());
        assert!("1,2,3,x".parse::<BBox>().is_err());
        assert!("1,2,3,NaN".parse::<BBox>().is_err());
    }

    #[test]
    fn floors_and_spans() {
        assert_eq!(earliest_floor("2024-03", 31), "2024-01-30");
        assert_eq!(earliest_floor("2024", 0), "2024-01-01");
        assert_eq!(
            crate::record::span_days(Some("2024-02-01"), Some("2024-02-99")),
            28
        );
        assert_eq!(
            crate::record::span_days(Some("2024-01-01"), Some("2024-99-99")),
            365
        );
        assert_eq!(crate::record::span_days(Some("x"), Some("2024-01-01")), 0);
    }

    #[test]
    fn dates_are_checked() {
        assert!(checked_date("from", "2024").is_ok());
        assert!(checked_date("from", "2024-03-01").is_ok());
        assert!(checked_date("from", "2024-3-1").is_err());
        assert!(checked_date("from", "yesterday").is_err());
    }
}
