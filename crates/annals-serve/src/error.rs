//! Errors: the server's start-up errors and the API's JSON error responses.

use annals_store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store file does not exist.
    #[error("no store at {0} (create one with `annals ingest`)")]
    NoStore(PathBuf),
    /// The store could not be opened.
    #[error("cannot open {path}: {source}")]
    Store {
        /// The store file.
        path: PathBuf,
        /// What the store said.
        source: StoreError,
    },
    /// The write token is empty.
    #[error("the write token is empty")]
    EmptyToken,
    /// The extraction pipeline (needed for writes) could not be loaded.
    #[error("cannot load the pipeline: {0}")]
    Pipeline(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("server: {0}")]
    Io(std::io::Error),
}

/// An API error: an HTTP status and a message, sent as `{"error": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in words.
    pub message: String,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: the thing asked for does not exist.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 500: the server failed.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Query(m) => ApiError::bad_request(m),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.status, Json(body)).into_response()
    }
}

/// The message of the 404 sent for a path that no route serves.
pub const NO_ROUTE: &str = "no such route";

/// The fallback for paths no route serves.
pub async fn no_route() -> ApiError {
    ApiError::not_found(NO_ROUTE)
}
