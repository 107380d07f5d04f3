//! A small pool of read-only store connections, used from blocking threads.

use annals_store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Idle connections kept for reuse at most.
const MAX_IDLE: usize = 8;

/// Read-only connections to one store file, opened on demand and reused.
#[derive(Debug)]
pub struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
}

impl Pool {
    /// A pool over the store at `path` (no connection is opened yet).
    pub fn new(path: PathBuf) -> Pool {
        Pool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with a read-only connection (call it from a blocking thread).
    pub fn with<R>(
        &self,
        f: impl FnOnce(&Store) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let store = match reused {
            Some(store) => store,
            None => Store::open_read_only(&self.path)?,
        };
        let result = f(&store);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(store);
        }
        result
    }
}
