//! The annals store: documents and their events in one SQLite file.
//!
//! [`Store::insert_batch`] writes extraction records in one transaction; a document already in the
//! store (same id) is skipped, so ingesting the same input twice, or again after the process was
//! killed mid-way, neither loses nor duplicates anything. The file runs in WAL mode, so readers
//! ([`Store::search`]) do not block the writer. [`Store::search`] combines SQLite FTS5 full-text
//! search over titles and texts with filters on the events (actor, country, event type, mode,
//! modality, date range, place or bounding box, attribution source).
//!
//! ```
//! use annals_document::Document;
//! use annals_pipeline::Pipeline;
//! use annals_store::{Query, Store};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = Store::open(dir.path().join("annals.db")).unwrap();
//! let record = Pipeline::new().extract(Document::new("Farmers protested in Lyon.".into()));
//! let stats = store.insert_batch(&[record.clone(), record]).unwrap();
//! assert_eq!((stats.inserted, stats.skipped), (1, 1));
//! let hits = store.search(&Query { text: Some("protest".into()), ..Query::default() }).unwrap();
//! assert_eq!(hits.len(), 1);
//! ```

mod api;
mod merging;
mod packed;
mod plan;
mod record;
mod schema;
mod search;
mod sorted_json;

pub use api::{
    COUNT_BUDGET, ContradictionView, DEFAULT_LIMIT, DocQuery, DocumentDetail, DocumentSummary,
    EventQuery, EventView, HappeningDetail, HappeningQuery, HappeningView, MAX_LIMIT,
    MergeReasonView, Order, Page, ReportView, TOTAL_CAP,
};
pub use merging::MergeStats;
pub use record::{EventRow, Participant, Record, RecordColumn};
pub use schema::SCHEMA_VERSION;
pub use search::{BBox, Hit, Query};

use annals_pipeline::Extraction;
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::Path;
use std::time::Duration;

/// The page size of new store files, in bytes.
const PAGE_SIZE: i64 = 32768;

/// The page cache of each connection, in bytes.
const CACHE_BYTES: i64 = 64 << 20;

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error (cannot open, disk full, corrupt file, ...).
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file has a schema version this annals does not know (written by a newer annals).
    #[error("store schema version {found} is unknown to this annals (it knows up to {supported})")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Latest version this build knows.
        supported: i64,
    },
    /// A store opened read-only has an older schema and needs a read-write open to migrate.
    #[error("store schema version {found} needs migrating to {supported}; open it read-write once")]
    NeedsMigration {
        /// Version found in the file.
        found: i64,
        /// Latest version this build knows.
        supported: i64,
    },
    /// A search query is malformed (e.g. a bounding box with min above max).
    #[error("invalid query: {0}")]
    Query(String),
}

/// What one [`Store::insert_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsertStats {
    /// Documents written.
    pub inserted: u64,
    /// Documents skipped because a document with the same id was already stored.
    pub skipped: u64,
    /// Event rows written.
    pub events: u64,
}

/// How much the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Documents stored.
    pub documents: u64,
    /// Events stored.
    pub events: u64,
}

/// An open store file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Stored reports already read back for merging (stored events never change).
    reports: merging::ReportCache,
    /// The documents matching the text of the listing being run (see `plan`).
    text_docs: plan::TextDocs,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and migrates it to [`SCHEMA_VERSION`].
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        Store::configure(&conn)?;
        // A new store gets 32 KiB pages: document rows (their text and compressed record, a
        // few KiB each) then share pages instead of leaving most of one page each unused or
        // spilling into overflow pages, and a batch writes a quarter of the log frames (and of
        // the write calls) that 8 KiB pages need: storing an ingest took 14% less writer CPU,
        // and the queries of `annals bench-store` on a million events took about the same CPU.
        // SQLite ignores this for a file that already has pages.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Statement journals (statements that may fail midway after changing rows, as the
        // merge's upserts and cascading deletes) in memory, not in temporary files: merging
        // wrote about eight times the store's size to them.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // The page size is settled now (a new file's was chosen above): size the cache again,
        // in pages of that size.
        Store::size_cache(&conn)?;
        schema::migrate(&conn)?;
        let text_docs = plan::register_text_docs(&conn)?;
        Ok(Store {
            conn,
            reports: merging::ReportCache::default(),
            text_docs,
        })
    }

    /// Opens an existing store for reading only (it must already be at [`SCHEMA_VERSION`]).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        Store::configure(&conn)?;
        let found = schema::version(&conn)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(StoreError::NeedsMigration {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let text_docs = plan::register_text_docs(&conn)?;
        Ok(Store {
            conn,
            reports: merging::ReportCache::default(),
            text_docs,
        })
    }

    /// Gives the connection [`CACHE_BYTES`] of page cache, in pages of the size the file uses
    /// (the default 2 MiB spills mid-batch and rereads index pages). Counted in pages of the
    /// page size in use: a size in KiB set before a new file's page size is chosen is turned
    /// into pages of the default size, and the cache then holds eight times as many bytes once
    /// the pages are 32 KiB.
    fn size_cache(conn: &Connection) -> Result<(), StoreError> {
        Store::cache_bytes(conn, CACHE_BYTES)
    }

    /// Sets the connection's page cache to about `bytes`, in pages of the size the file uses.
    fn cache_bytes(conn: &Connection, bytes: i64) -> Result<(), StoreError> {
        let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", (bytes / page.max(512)).max(1))?;
        Ok(())
    }

    /// Gives this connection about `bytes` of page cache (at least one page) instead of the
    /// default, 64 MiB; other connections to the file keep theirs.
    pub fn set_cache_bytes(&self, bytes: i64) -> Result<(), StoreError> {
        Store::cache_bytes(&self.conn, bytes)
    }

    fn configure(conn: &Connection) -> Result<(), StoreError> {
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Store::size_cache(conn)?;
        // Plans do not depend on bound values, so rebinding a cached statement (a new date
        // range, a new LIMIT) does not make SQLite prepare it again.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }

    /// Closes the store at the end of a process, as dropping it does (the connection is closed
    /// and folds the write-ahead log back into the file), but leaves the reports kept for
    /// merging to the process's exit instead of freeing them one by one: after a large ingest
    /// they are tens of thousands of small allocations, and freeing them took about 2% of the
    /// CPU of `annals ingest`. Meant for a process that ends right after; a long-running one
    /// should drop the store instead.
    pub fn close_before_exit(self) -> Result<(), StoreError> {
        let Store {
            conn,
            reports,
            text_docs,
        } = self;
        std::mem::forget(reports);
        drop(text_docs);
        conn.close().map_err(|(_, e)| StoreError::Sqlite(e))
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        schema::version(&self.conn)
    }

    /// Writes `records` in one transaction, skipping documents already stored.
    pub fn insert_batch(&mut self, records: &[Extraction]) -> Result<InsertStats, StoreError> {
        let rows: Vec<Record> = records.iter().map(Record::from_extraction).collect();
        self.insert_records(&rows)
    }

    /// Writes prepared rows in one transaction, skipping documents already stored (by id).
    ///
    /// Build the rows with [`Record::from_extraction`] (in parallel, if you like) and write them
    /// here; either the whole batch is committed or none of it.
    pub fn insert_records(&mut self, records: &[Record]) -> Result<InsertStats, StoreError> {
        let mut stats = InsertStats::default();
        self.reports.forget_inserted();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut doc = tx.prepare_cached(
                "INSERT INTO documents
                     (id, title, date, outlet, url, language, origin, text, record, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                 ON CONFLICT(id) DO NOTHING",
            )?;
            let mut event = tx.prepare_cached(
                "INSERT INTO events (doc_id, idx, event, mode, modality, date, earliest, latest,
                     actor_code, actor_country, recipient_code, recipient_country,
                     place, place_country, lat, lon, source, json, quad_code, sentence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                         ?18, ?19, ?20)
                 ON CONFLICT DO NOTHING",
            )?;
            let mut pending = tx.prepare_cached(
                "INSERT INTO merge_pending (doc_id, idx) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?;
            let mut party = tx.prepare_cached(
                "INSERT INTO event_actors (doc_id, idx, role, n, code, country)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?;
            // The full-text index and the R*Tree are written here rather than by triggers
            // (migration 0006): without triggers no INSERT needs a statement journal, and FTS5
            // keeps the whole batch in memory and writes one segment at commit.
            let mut fts = tx.prepare_cached(
                "INSERT INTO documents_fts (rowid, title, text) VALUES (?1, ?2, ?3)",
            )?;
            let mut point = tx.prepare_cached(
                "INSERT INTO events_rtree (id, min_lon, max_lon, min_lat, max_lat)
                 VALUES (?1, ?2, ?2, ?3, ?3)",
            )?;
            // The rows go in table by table: the documents, their full-text entries, the
            // events, then their points. Each step then works on its own pages and structures
            // (B-tree pages, the FTS5 term hash, R*Tree nodes), which stay in the CPU caches,
            // instead of all of them in turn for every document. The rows, their rowids and the
            // order each index receives them are those of a document-by-document loop.
            let mut written: Vec<(i64, &Record)> = Vec::with_capacity(records.len());
            for r in records {
                // The record, compressed when the row was built (see `RecordColumn`).
                let record = ToSqlOutput::Borrowed(r.record.value());
                let changed = doc.execute(params![
                    r.id, r.title, r.date, r.outlet, r.url, r.language, r.origin, r.text, record
                ])?;
                if changed == 0 {
                    stats.skipped += 1;
                    continue;
                }
                stats.inserted += 1;
                self.reports.inserted(&r.id);
                written.push((tx.last_insert_rowid(), r));
            }
            for (rowid, r) in &written {
                fts.execute(params![rowid, r.title, r.text])?;
            }
            let mut span: i64 = 0;
            let none = Participant::default();
            let mut points: Vec<(i64, f64, f64)> = Vec::new();
            for (_, r) in &written {
                for e in &r.events {
                    let (a, b) = (
                        e.actors.first().unwrap_or(&none),
                        e.recipients.first().unwrap_or(&none),
                    );
                    let stored = event.execute(params![
                        r.id,
                        e.idx,
                        e.event,
                        e.mode,
                        e.modality,
                        e.date,
                        e.earliest,
                        e.latest,
                        a.code,
                        a.country,
                        b.code,
                        b.country,
                        e.place,
                        e.place_country,
                        e.lat,
                        e.lon,
                        e.source,
                        e.json,
                        e.quad_code,
                        e.sentence
                    ])?;
                    stats.events += stored as u64;
                    if let (1, Some(lat), Some(lon)) = (stored, e.lat, e.lon) {
                        points.push((tx.last_insert_rowid(), lon, lat));
                    }
                    pending.execute(params![r.id, e.idx])?;
                    span = span.max(record::span_days(
                        e.earliest.as_deref(),
                        e.latest.as_deref(),
                    ));
                    // The first actor and recipient are columns of the event row; only the
                    // others get rows of their own (version 7).
                    for (role, list) in [("actor", &e.actors), ("recipient", &e.recipients)] {
                        for (n, p) in list.iter().enumerate().skip(1) {
                            party
                                .execute(params![r.id, e.idx, role, n as i64, p.code, p.country])?;
                        }
                    }
                }
            }
            for (rowid, lon, lat) in points {
                point.execute(params![rowid, lon, lat])?;
            }
            if span > 0 {
                tx.prepare_cached(
                    "UPDATE store_meta SET value = MAX(value, ?1) WHERE key = 'max_span_days'",
                )?
                .execute([span])?;
            }
        }
        tx.commit()?;
        Ok(stats)
    }

    /// How many documents and events are stored.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        Ok(Counts {
            documents: count("SELECT COUNT(*) FROM documents")?,
            events: count("SELECT COUNT(*) FROM events")?,
        })
    }

    /// Whether a document with this id is stored.
    pub fn contains(&self, id: &str) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE id = ?1")?;
        Ok(stmt.exists([id])?)
    }

    /// The stored extraction record of a document, as JSON (text included), if present.
    pub fn record(&self, id: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let row: Option<(Option<String>, String)> = self
            .conn
            .query_row(
                "SELECT record, text FROM documents WHERE id = ?1",
                [id],
                |r| Ok((packed::unpack(r.get_ref(0)?), r.get(1)?)),
            )
            .optional()?;
        let Some((record, text)) = row else {
            return Ok(None);
        };
        let mut value: serde_json::Value = record
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or(serde_json::Value::Null);
        if let Some(map) = value.as_object_mut() {
            map.insert("text".into(), serde_json::Value::String(text));
            // The events live in their own rows; an empty list in the record stands for them.
            match map.get_mut("events") {
                Some(serde_json::Value::Array(list)) if list.is_empty() => {
                    let mut stmt = self
                        .conn
                        .prepare_cached("SELECT json FROM events WHERE doc_id = ?1 ORDER BY idx")?;
                    for json in stmt.query_map([id], |r| r.get::<_, String>(0))? {
                        let event = serde_json::from_str(&json?);
                        list.push(event.unwrap_or(serde_json::Value::Null));
                    }
                }
                _ => {}
            }
        }
        Ok(Some(value))
    }

    /// Runs [`Query`] and returns the matching documents, best first.
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>, StoreError> {
        search::run(&self.conn, &self.text_docs, query)
    }

    /// How many documents [`Store::search`] would return without a limit, counted up to `cap`
    /// or for at most [`COUNT_BUDGET`]: the count, and whether it is exact (false: at least).
    pub fn search_count(&self, query: &Query, cap: u64) -> Result<(u64, bool), StoreError> {
        search::count(&self.conn, &self.text_docs, query, cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page cache size of the store's connection, in pages.
    fn cache_pages(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn the_page_cache_holds_the_same_bytes_whatever_the_page_size() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.db");
        let store = Store::open(&new).unwrap();
        assert_eq!(cache_pages(&store), CACHE_BYTES / PAGE_SIZE);
        drop(store);
        // Reopened, for writing and for reading: the file's page size is known on opening.
        assert_eq!(
            cache_pages(&Store::open(&new).unwrap()),
            CACHE_BYTES / PAGE_SIZE
        );
        let reader = Store::open_read_only(&new).unwrap();
        assert_eq!(cache_pages(&reader), CACHE_BYTES / PAGE_SIZE);
        // A store made with smaller pages keeps them, and gets more of them.
        let old = dir.path().join("old.db");
        Connection::open(&old)
            .unwrap()
            .execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); PRAGMA user_version = 0;")
            .unwrap();
        assert_eq!(cache_pages(&Store::open(&old).unwrap()), CACHE_BYTES / 4096);
        assert_eq!(
            cache_pages(&Store::open_read_only(&old).unwrap()),
            CACHE_BYTES / 4096
        );
    }

    #[test]
    fn a_connection_can_be_given_a_smaller_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let store = Store::open(&path).unwrap();
        let reader = Store::open_read_only(&path).unwrap();
        store.set_cache_bytes(16 << 20).unwrap();
        assert_eq!(cache_pages(&store), (16 << 20) / PAGE_SIZE);
        // Other connections keep theirs.
        assert_eq!(cache_pages(&reader), CACHE_BYTES / PAGE_SIZE);
        // Never less than one page.
        store.set_cache_bytes(0).unwrap();
        assert_eq!(cache_pages(&store), 1);
    }
}
