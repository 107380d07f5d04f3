//! The JSON API under `/api`: documents, search, ingest, and the OpenAPI description.

use crate::error::ApiError;
use crate::AppState;
use annals_ingest::{Item, ReadOptions};
use annals_store::{BBox, Query as StoreQuery, Store, StoreError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The OpenAPI 3 description of the API (served at `/api/openapi.json`).
pub const OPENAPI: &str = include_str!("openapi.json");

/// Page size when the request gives none.
const DEFAULT_LIMIT: u64 = 50;
/// Largest page size served.
const MAX_LIMIT: u64 = 500;
/// Largest request body accepted by ingest.
const MAX_INGEST_BYTES: usize = 32 << 20;

/// One API route: its path, the methods it answers, and its handlers.
struct Route {
    path: &'static str,
    methods: &'static [&'static str],
    handler: MethodRouter<AppState>,
}

/// Every API route, in one table: the router is built from it and the OpenAPI test checks it.
fn table() -> Vec<Route> {
    vec![
        Route {
            path: "/api/openapi.json",
            methods: &["GET"],
            handler: get(openapi),
        },
        Route {
            path: "/api/stats",
            methods: &["GET"],
            handler: get(stats),
        },
        Route {
            path: "/api/documents",
            methods: &["GET", "POST"],
            handler: get(documents)
                .post(ingest)
                .layer(DefaultBodyLimit::max(MAX_INGEST_BYTES)),
        },
        Route {
            path: "/api/documents/{id}",
            methods: &["GET"],
            handler: get(document),
        },
        Route {
            path: "/api/search",
            methods: &["GET"],
            handler: get(search),
        },
    ]
}

/// The API's routes as `(path, methods)`, as the router serves them.
pub fn routes() -> Vec<(&'static str, &'static [&'static str])> {
    table().into_iter().map(|r| (r.path, r.methods)).collect()
}

/// The API router.
pub(crate) fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in table() {
        router = router.route(route.path, route.handler);
    }
    router.with_state(state)
}

/// Runs `f` against a read-only store connection on a blocking thread.
async fn read<R, F>(state: &AppState, f: F) -> Result<R, ApiError>
where
    R: Send + 'static,
    F: FnOnce(&Store) -> Result<R, StoreError> + Send + 'static,
{
    let state = state.clone();
    tokio::task::spawn_blocking(move || state.inner.pool.with(f))
        .await
        .map_err(|e| ApiError::internal(format!("store task failed: {e}")))?
        .map_err(ApiError::from)
}

/// The query parameters shared by the list endpoints. Empty values count as absent.
#[derive(Debug, Default, Deserialize)]
struct Params {
    q: Option<String>,
    actor: Option<String>,
    country: Option<String>,
    event: Option<String>,
    mode: Option<String>,
    modality: Option<String>,
    from: Option<String>,
    to: Option<String>,
    bbox: Option<String>,
    place: Option<String>,
    source: Option<String>,
    outlet: Option<String>,
    limit: Option<u64>,
    offset: Option<u64>,
}

/// A value given and not blank.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Params {
    /// Checks the parameters of a query string (a malformed number is a 400 naming it).
    fn parse(query: Result<Query<Params>, QueryRejection>) -> Result<Params, ApiError> {
        query
            .map(|Query(p)| p)
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }

    /// The page size and offset asked for (bounded).
    fn page(&self) -> (u64, u64) {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        (limit, self.offset.unwrap_or(0))
    }

    /// The store query for these parameters, without paging.
    fn query(&self) -> Result<StoreQuery, ApiError> {
        let bbox = given(&self.bbox)
            .map(|b| b.parse::<BBox>())
            .transpose()
            .map_err(ApiError::from)?;
        Ok(StoreQuery {
            text: given(&self.q),
            actor: given(&self.actor),
            country: given(&self.country),
            event: given(&self.event),
            mode: given(&self.mode),
            modality: given(&self.modality),
            from: given(&self.from),
            to: given(&self.to),
            bbox,
            place: given(&self.place),
            source: given(&self.source),
            outlet: given(&self.outlet),
            limit: None,
            offset: 0,
        })
    }
}

/// One page of a list.
#[derive(Debug, Serialize)]
struct Page<T> {
    /// How many items match in all.
    total: u64,
    /// The page size.
    limit: u64,
    /// Items skipped before this page.
    offset: u64,
    /// This page's items.
    items: Vec<T>,
}

/// A document in a list: its metadata and how many events it has.
#[derive(Debug, Serialize)]
struct DocumentSummary {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outlet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// Events of the document that match the filters.
    events: usize,
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// What the store holds and whether the server takes writes.
async fn stats(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let writable = state.writable();
    let counts = read(&state, |s| s.counts()).await?;
    Ok(Json(serde_json::json!({
        "documents": counts.documents,
        "events": counts.events,
        "writable": writable,
    })))
}

/// Runs a search and returns the page asked for with the total.
async fn search_page(
    state: &AppState,
    params: &Params,
) -> Result<Page<annals_store::Hit>, ApiError> {
    let query = params.query()?;
    let (limit, offset) = params.page();
    let hits = read(state, move |s| s.search(&query)).await?;
    let total = hits.len() as u64;
    let items = hits
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    Ok(Page {
        total,
        limit,
        offset,
        items,
    })
}

/// `GET /api/documents`: documents, newest first, with the filters.
async fn documents(
    State(state): State<AppState>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Page<DocumentSummary>>, ApiError> {
    let params = Params::parse(query)?;
    let page = search_page(&state, &params).await?;
    Ok(Json(Page {
        total: page.total,
        limit: page.limit,
        offset: page.offset,
        items: page
            .items
            .into_iter()
            .map(|h| DocumentSummary {
                id: h.id,
                title: h.title,
                date: h.date,
                outlet: h.outlet,
                url: h.url,
                events: h.events.len(),
            })
            .collect(),
    }))
}

/// `GET /api/search`: full-text search with the filters, best first, with snippets and events.
async fn search(
    State(state): State<AppState>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Page<annals_store::Hit>>, ApiError> {
    let params = Params::parse(query)?;
    Ok(Json(search_page(&state, &params).await?))
}

/// `GET /api/documents/{id}`: the stored extraction record, text included.
async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key = id.clone();
    match read(&state, move |s| s.record(&key)).await? {
        Some(record) => Ok(Json(record)),
        None => Err(ApiError::not_found(format!("no document with id {id}"))),
    }
}

/// Whether two byte strings are equal, in time that depends on their lengths only.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The input name that tells the reader the body's format, from its content type.
fn input_name(headers: &HeaderMap) -> &'static str {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "application/json" => "request.json",
        "application/x-ndjson" | "application/jsonl" => "request.jsonl",
        "text/plain" => "request.txt",
        "text/html" => "request.html",
        "application/rss+xml" | "application/atom+xml" | "application/xml" | "text/xml" => {
            "request.xml"
        }
        _ => "request",
    }
}

/// What an ingest request did.
#[derive(Debug, Serialize)]
struct IngestReport {
    /// Documents written.
    inserted: u64,
    /// Documents already stored (same id), skipped.
    skipped: u64,
    /// Events written.
    events: u64,
    /// The ids of the documents read from the request, in order.
    documents: Vec<String>,
    /// Warnings and errors about the request's content.
    diagnostics: Vec<String>,
}

/// `POST /api/documents`: reads articles from the body (text, JSON, JSONL, HTML or a feed), runs
/// the pipeline and stores them. Needs the write token.
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let Some(writer) = &state.inner.writer else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only (start it with a write token to ingest)",
        ));
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if !bearer.is_some_and(|t| same_secret(t.as_bytes(), writer.token.as_bytes())) {
        let mut response =
            ApiError::new(StatusCode::UNAUTHORIZED, "a valid bearer token is needed").into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        return Ok(response);
    }
    let name = input_name(&headers);
    let task_state = state.clone();
    let report = tokio::task::spawn_blocking(move || -> Result<IngestReport, ApiError> {
        let Some(writer) = &task_state.inner.writer else {
            return Err(ApiError::internal("writer gone"));
        };
        let mut docs = Vec::new();
        let mut diagnostics = Vec::new();
        annals_ingest::read_bytes(name, &body, &ReadOptions::default(), &mut |item| match item {
            Item::Document(doc) => docs.push(*doc),
            Item::Diagnostic(d) => diagnostics.push(d.to_string()),
        });
        if docs.is_empty() {
            let why = diagnostics.join("; ");
            return Err(ApiError::bad_request(if why.is_empty() {
                "the request holds no article".to_string()
            } else {
                format!("the request holds no article: {why}")
            }));
        }
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let records: Vec<_> = docs
            .into_iter()
            .map(|d| writer.pipeline.extract(d))
            .collect();
        let mut store = writer
            .store
            .lock()
            .map_err(|_| ApiError::internal("the store writer failed earlier"))?;
        let stats = store.insert_batch(&records)?;
        Ok(IngestReport {
            inserted: stats.inserted,
            skipped: stats.skipped,
            events: stats.events,
            documents: ids,
            diagnostics,
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("ingest task failed: {e}")))??;
    let status = if report.inserted > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }

    #[test]
    fn content_type_picks_reader() {
        let mut h = HeaderMap::new();
        assert_eq!(input_name(&h), "request");
        h.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(input_name(&h), "request.json");
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(input_name(&h), "request.txt");
    }

    #[test]
    fn page_is_bounded() {
        let p = Params {
            limit: Some(100_000),
            ..Params::default()
        };
        assert_eq!(p.page(), (MAX_LIMIT, 0));
        let p = Params {
            limit: Some(0),
            offset: Some(7),
            ..Params::default()
        };
        assert_eq!(p.page(), (1, 7));
        assert_eq!(Params::default().page(), (DEFAULT_LIMIT, 0));
    }
}
