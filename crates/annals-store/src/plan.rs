//! Where a listing starts: from the rows of a full-text query or of a bounding box when there
//! are few of them (fetch them all, then sort), else from the date index, checking each row in
//! order until the page is full. The choice rests on counting the matches of the text and of
//! the box up to [`DRIVE_MAX`], both cheap (an FTS5 doclist and an R*Tree walk).

use crate::StoreError;
use crate::search::BBox;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, params, params_from_iter, types::Value as Sql};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A text or box with at most this many matches drives the listing.
pub(crate) const DRIVE_MAX: i64 = 3000;

/// What a listing starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Driver {
    /// The ordering index, every filter checked row by row.
    Scan,
    /// The documents matching the full-text query.
    Text,
    /// The rows inside the bounding box (R*Tree).
    Box,
}

/// How many documents match the FTS5 query `fts`, counted up to `DRIVE_MAX + 1`.
pub(crate) fn text_matches(conn: &Connection, fts: &str) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM documents_fts WHERE documents_fts MATCH ?1
                LIMIT ?2)",
        )?
        .query_row(params![fts, DRIVE_MAX + 1], |r| r.get(0))?)
}

/// How many rows of the R*Tree `rtree` lie in `b`, counted up to `DRIVE_MAX + 1` (`None` for a
/// box across the antimeridian, which the tree is not asked about).
pub(crate) fn box_matches(
    conn: &Connection,
    rtree: &str,
    b: &BBox,
) -> Result<Option<i64>, StoreError> {
    if b.min_lon > b.max_lon {
        return Ok(None);
    }
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {rtree} r WHERE {} LIMIT ?5)",
        RTREE_COND
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(Some(stmt.query_row(
        params![b.max_lon, b.min_lon, b.max_lat, b.min_lat, DRIVE_MAX + 1],
        |r| r.get(0),
    )?))
}

/// The R*Tree condition on alias `r`; parameters from [`rtree_params`].
pub(crate) const RTREE_COND: &str =
    "r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?";

/// The parameters of [`RTREE_COND`].
pub(crate) fn rtree_params(b: &BBox) -> [Sql; 4] {
    [
        Sql::Real(b.max_lon),
        Sql::Real(b.min_lon),
        Sql::Real(b.max_lat),
        Sql::Real(b.min_lat),
    ]
}

/// Picks the driver: the text or the box with fewer matches, if at most [`DRIVE_MAX`].
pub(crate) fn choose(
    conn: &Connection,
    fts: Option<&str>,
    bbox: Option<(&BBox, &str)>,
) -> Result<Driver, StoreError> {
    let text = match fts {
        Some(f) => Some(text_matches(conn, f)?),
        None => None,
    };
    let boxed = match bbox {
        Some((b, rtree)) => box_matches(conn, rtree, b)?,
        None => None,
    };
    let best = match (text, boxed) {
        (Some(t), Some(b)) if b < t => (Driver::Box, b),
        (Some(t), _) => (Driver::Text, t),
        (None, Some(b)) => (Driver::Box, b),
        (None, None) => return Ok(Driver::Scan),
    };
    Ok(if best.1 <= DRIVE_MAX {
        best.0
    } else {
        Driver::Scan
    })
}

/// The rowids of the documents matching the full-text query of the listing being run, which
/// the SQL function [`TEXT_DOC_FN`] checks. A listing driven by the date index reads them once
/// (a walk of the FTS5 doclist), rather than asking the text index again for every row. They
/// are kept for the next listing with the same words while the store is unchanged.
pub(crate) type TextDocs = Arc<Mutex<TextSet>>;

/// The documents matching one FTS5 query, and what they were read for.
#[derive(Debug, Default)]
pub(crate) struct TextSet {
    /// The FTS5 query, the store's `data_version` and the connection's total changes when the
    /// set was read.
    key: Option<(String, i64, u64)>,
    ids: HashSet<i64>,
}

/// `annals_text_doc(rowid)`: whether the document with this rowid is in the [`TextDocs`].
pub(crate) const TEXT_DOC_FN: &str = "annals_text_doc";

/// Registers [`TEXT_DOC_FN`] on `conn`, over the returned set.
pub(crate) fn register_text_docs(conn: &Connection) -> Result<TextDocs, StoreError> {
    let set: TextDocs = Arc::default();
    let docs = Arc::clone(&set);
    conn.create_scalar_function(TEXT_DOC_FN, 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let Some(id) = ctx.get::<Option<i64>>(0)? else {
            return Ok(false);
        };
        Ok(docs.lock().map(|d| d.ids.contains(&id)).unwrap_or(false))
    })?;
    Ok(set)
}

/// Fills `docs` with the documents matching `fts` (unless it holds them already) and returns
/// the condition that a document rowid (the SQL expression `rowid`) is one of them.
pub(crate) fn text_docs_cond(
    conn: &Connection,
    docs: &TextDocs,
    fts: &str,
    rowid: &str,
) -> Result<String, StoreError> {
    let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let key = (fts.to_string(), version, conn.total_changes());
    let fresh = docs.lock().is_ok_and(|d| d.key.as_ref() == Some(&key));
    if !fresh {
        let mut ids = HashSet::new();
        let mut stmt =
            conn.prepare_cached("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1")?;
        for id in stmt.query_map([fts], |r| r.get::<_, i64>(0))? {
            ids.insert(id?);
        }
        if let Ok(mut d) = docs.lock() {
            *d = TextSet {
                key: Some(key),
                ids,
            };
        }
    }
    Ok(format!("{TEXT_DOC_FN}({rowid})"))
}

/// Counts the rows `sql` returns, up to `cap + 1`, for at most `budget`: SQLite interrupts the
/// statement once the time is up, however many rows it reads without returning one. Returns
/// the count (at most `cap`) and whether it is exact.
pub(crate) fn bounded_count(
    conn: &Connection,
    sql: &str,
    params: &[Sql],
    cap: u64,
    budget: Duration,
) -> Result<(u64, bool), StoreError> {
    let started = Instant::now();
    conn.progress_handler(1000, Some(move || started.elapsed() > budget));
    let counted = (|| -> rusqlite::Result<(u64, bool)> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        let mut n: u64 = 0;
        loop {
            match rows.next() {
                Ok(Some(_)) => n += 1,
                Ok(None) => return Ok((n.min(cap), n <= cap)),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::OperationInterrupted =>
                {
                    return Ok((n.min(cap), false));
                }
                Err(e) => return Err(e),
            }
        }
    })();
    conn.progress_handler(0, None::<fn() -> bool>);
    Ok(counted?)
}
