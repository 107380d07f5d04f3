//! The annals web server: a JSON API over a store and a web UI embedded in the binary.
//!
//! [`router`] builds the whole application (API under `/api`, the UI at `/`) over an
//! [`AppState`]; [`serve`] binds it to an address and runs it until Ctrl-C or SIGTERM. Reads go
//! through read-only store connections on blocking threads, never on the async workers. Writes
//! (`POST /api/documents`) are refused unless the server was started with a write token, and then
//! need `Authorization: Bearer <token>`.
//!
//! Every response carries a strict Content-Security-Policy: the UI loads only its own script and
//! style, and inserts article text as text, never as markup.
//!
//! ```no_run
//! # async fn run() -> Result<(), annals_serve::ServeError> {
//! let config = annals_serve::Config::new("annals.db");
//! annals_serve::serve(config).await
//! # }
//! ```

#![warn(missing_docs)]

mod api;
mod assets;
mod error;
mod pool;

pub use api::{OPENAPI, routes};
pub use error::{ApiError, ServeError};

use annals_merge::{MergeConfig, Merger};
use annals_pipeline::Pipeline;
use annals_store::{Store, StoreError};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The address `annals serve` listens on unless told otherwise: 127.0.0.1:8080.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);

/// Store reads that run at once at most; more requests wait for a turn.
const MAX_READERS: usize = 8;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The store file (it must exist).
    pub db: PathBuf,
    /// The address to listen on.
    pub addr: SocketAddr,
    /// When set, `POST /api/documents` accepts requests bearing this token.
    pub write_token: Option<String>,
    /// PETRARCH/TABARI dictionaries loaded beside the built-in lexicons for ingest over HTTP.
    pub dictionaries: Vec<PathBuf>,
}

impl Config {
    /// A read-only server over `db` on [`DEFAULT_ADDR`].
    pub fn new(db: impl Into<PathBuf>) -> Config {
        Config {
            db: db.into(),
            addr: DEFAULT_ADDR,
            write_token: None,
            dictionaries: Vec::new(),
        }
    }
}

/// What ingest over HTTP needs: the token, the pipeline, and one writer at a time.
struct Writer {
    token: String,
    pipeline: Pipeline,
    merger: Merger,
    /// The read-write store, behind a lock: SQLite takes one writer at a time anyway.
    store: Mutex<Store>,
}

/// The shared state of the server: the store's connection pool and, when writes are allowed,
/// the writer.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    pool: pool::Pool,
    /// Store reads running at once at most (each holds a connection and a blocking thread).
    readers: tokio::sync::Semaphore,
    writer: Option<Writer>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.inner.pool.path())
            .field("writable", &self.inner.writer.is_some())
            .finish()
    }
}

impl AppState {
    /// Opens the store of `config` (migrating an older schema once) and, with a write token,
    /// loads the extraction pipeline and merges any events still waiting to join happenings.
    pub fn open(config: &Config) -> Result<AppState, ServeError> {
        if !config.db.is_file() {
            return Err(ServeError::NoStore(config.db.clone()));
        }
        let open_error = |source: StoreError| ServeError::Store {
            path: config.db.clone(),
            source,
        };
        match Store::open_read_only(&config.db) {
            Ok(_) => {}
            // An older store: one read-write open migrates it, then reads go read-only.
            Err(StoreError::NeedsMigration { .. }) => {
                Store::open(&config.db).map_err(open_error)?;
            }
            Err(e) => return Err(open_error(e)),
        }
        let writer = match &config.write_token {
            Some(token) if token.trim().is_empty() => return Err(ServeError::EmptyToken),
            Some(token) => {
                let pipeline = if config.dictionaries.is_empty() {
                    Pipeline::new()
                } else {
                    Pipeline::with_dictionaries(&config.dictionaries)
                        .map_err(|e| ServeError::Pipeline(e.to_string()))?
                };
                let mut store = Store::open(&config.db).map_err(open_error)?;
                let merger = Merger::new(MergeConfig::default());
                // Events stored but not yet merged (by an older annals) join their happenings.
                store
                    .merge_all_pending(&merger, api::MERGE_CHUNK)
                    .map_err(open_error)?;
                Some(Writer {
                    token: token.clone(),
                    pipeline,
                    merger,
                    store: Mutex::new(store),
                })
            }
            None => None,
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                pool: pool::Pool::new(config.db.clone()),
                readers: tokio::sync::Semaphore::new(MAX_READERS),
                writer,
            }),
        })
    }

    /// Whether the server accepts writes (it was given a write token).
    pub fn writable(&self) -> bool {
        self.inner.writer.is_some()
    }
}

/// The whole application: the API under `/api` and the embedded UI.
pub fn router(state: AppState) -> Router {
    api::router(state)
        .merge(assets::router())
        .fallback(error::no_route)
        .layer(axum::middleware::map_response(assets::security_headers))
}

/// Serves `config.db` on `config.addr` until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let state = AppState::open(&config)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: config.addr,
        source,
    })?;
    let mode = if state.writable() {
        "read-write"
    } else {
        "read-only"
    };
    eprintln!(
        "annals: serving {} ({mode}) on http://{addr}/",
        config.db.display()
    );
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(ServeError::Io)
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        // Without a signal handler there is nothing to wait for but the other signal.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
