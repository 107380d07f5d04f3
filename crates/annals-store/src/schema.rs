//! Schema versions: the file's version lives in `PRAGMA user_version`; opening a store runs the
//! migrations above it, in order, each in its own transaction.

use crate::StoreError;
use rusqlite::Connection;

/// The migrations, in order: entry `i` takes a store from version `i` to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_documents_events.sql"),
    include_str!("../migrations/0002_fulltext.sql"),
    include_str!("../migrations/0003_event_modes_place_country.sql"),
    include_str!("../migrations/0004_happenings.sql"),
    include_str!("../migrations/0005_listing_indexes.sql"),
    include_str!("../migrations/0006_batch_index_writes.sql"),
    include_str!("../migrations/0007_lean_rows.sql"),
    include_str!("../migrations/0008_lean_happenings.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema version stored in the file (0 for a new, empty file).
pub(crate) fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the store up to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &Connection) -> Result<(), StoreError> {
    // Fast path without the write lock, so opening a current store never waits on a writer.
    let found = version(conn)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    loop {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = step(conn);
        match result {
            Ok(true) => conn.execute_batch("COMMIT")?,
            Ok(false) => {
                conn.execute_batch("COMMIT")?;
                return Ok(());
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
}

/// Applies the next migration, if any; returns whether one was applied.
fn step(conn: &Connection) -> Result<bool, StoreError> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < 0 {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let Some(sql) = usize::try_from(found).ok().and_then(|v| MIGRATIONS.get(v)) else {
        return Ok(false);
    };
    conn.execute_batch(sql)?;
    conn.pragma_update(None, "user_version", found + 1)?;
    Ok(true)
}
