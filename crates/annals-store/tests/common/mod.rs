//! Helpers shared by the store's integration tests: stores at older schema versions, and the
//! check that a table's R*Tree holds exactly its located rows.

use std::path::Path;

/// The migrations of the schema as it was frozen, in order (entry `i` takes a store from version
/// `i` to `i + 1`): stores of older versions are made with them.
const OLD_MIGRATIONS: [&str; 7] = [
    include_str!("../../migrations/0001_documents_events.sql"),
    include_str!("../../migrations/0002_fulltext.sql"),
    include_str!("../../migrations/0003_event_modes_place_country.sql"),
    include_str!("../../migrations/0004_happenings.sql"),
    include_str!("../../migrations/0005_listing_indexes.sql"),
    include_str!("../../migrations/0006_batch_index_writes.sql"),
    include_str!("../../migrations/0007_lean_rows.sql"),
];

/// A new store file at `path` with the schema of `version` (and no rows).
pub fn store_at_version(path: &Path, version: usize) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    for sql in &OLD_MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn
}

/// Checks that the R*Tree `rtree` holds exactly the rows of `table` that have a place, at their
/// places (`table` has `lat` and `lon` columns; the tree is keyed by its rowid); returns how
/// many rows have a place.
pub fn assert_points_in_step(path: &Path, table: &str, rtree: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let located = count(&format!(
        "SELECT count(*) FROM {table} WHERE lat IS NOT NULL AND lon IS NOT NULL"
    ));
    assert_eq!(count(&format!("SELECT count(*) FROM {rtree}")), located);
    // R*Tree coordinates are 32-bit floats: compare within their precision.
    let matching = count(&format!(
        "SELECT count(*) FROM {table} t JOIN {rtree} r ON r.id = t.rowid
         WHERE abs(r.min_lon - t.lon) < 1e-4 AND abs(r.max_lon - t.lon) < 1e-4
           AND abs(r.min_lat - t.lat) < 1e-4 AND abs(r.max_lat - t.lat) < 1e-4"
    ));
    assert_eq!(matching, located, "{rtree} points match {table}");
    located
}
