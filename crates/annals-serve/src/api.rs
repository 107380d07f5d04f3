//! The JSON API under `/api`: events, happenings, documents, search, ingest, and the OpenAPI
//! description.

use crate::AppState;
use crate::error::ApiError;
use annals_ingest::{Item, ReadOptions};
use annals_store::{
    BBox, DEFAULT_LIMIT, DocQuery, DocumentDetail, DocumentSummary, EventQuery, EventView,
    HappeningDetail, HappeningQuery, HappeningView, Hit, MAX_LIMIT, Page, Query as StoreQuery,
    Store, StoreError,
};
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The OpenAPI 3 description of the API (served at `/api/openapi.json`).
pub const OPENAPI: &str = include_str!("openapi.json");

/// Largest request body accepted by ingest.
const MAX_INGEST_BYTES: usize = 32 << 20;
/// Pending events merged into happenings per transaction after an ingest.
pub(crate) const MERGE_CHUNK: usize = 2000;
/// Search totals are counted up to this many hits; beyond it `total_exact` is false.
const SEARCH_TOTAL_CAP: u64 = 1000;

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
            path: "/api/events",
            methods: &["GET"],
            handler: get(events),
        },
        Route {
            path: "/api/happenings",
            methods: &["GET"],
            handler: get(happenings),
        },
        Route {
            path: "/api/happenings/{id}",
            methods: &["GET"],
            handler: get(happening),
        },
        Route {
            path: "/api/documents",
            methods: &["GET", "POST"],
            handler: get(documents).post(ingest),
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
    let _permit = state
        .inner
        .readers
        .acquire()
        .await
        .map_err(|_| ApiError::internal("the server is shutting down"))?;
    let state = state.clone();
    tokio::task::spawn_blocking(move || state.inner.pool.with(f))
        .await
        .map_err(|e| ApiError::internal(format!("store task failed: {e}")))?
        .map_err(ApiError::from)
}

/// The query string as `T`, or a 400 naming what is malformed. Parameters given empty
/// (`event=`, as an HTML form sends them) count as absent.
fn params<T: serde::de::DeserializeOwned>(RawQuery(raw): RawQuery) -> Result<T, ApiError> {
    let kept: Vec<&str> = raw
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|pair| pair.split_once('=').is_some_and(|(_, v)| !v.is_empty()))
        .collect();
    let uri: axum::http::Uri = format!("/?{}", kept.join("&"))
        .parse()
        .map_err(|_| ApiError::bad_request("malformed query string"))?;
    Query::<T>::try_from_uri(&uri)
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

/// A store lookup of one item by id: the item, or a 404 naming the id.
async fn one<T, F>(state: &AppState, what: &str, id: String, f: F) -> Result<Json<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Store, &str) -> Result<Option<T>, StoreError> + Send + 'static,
{
    let key = id.clone();
    match read(state, move |s| f(s, &key)).await? {
        Some(item) => Ok(Json(item)),
        None => Err(ApiError::not_found(format!("no {what} with id {id}"))),
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `GET /api/stats`: what the store holds and whether the server takes writes.
async fn stats(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let writable = state.writable();
    let (counts, happenings) = read(&state, |s| {
        let counts = s.counts()?;
        let happenings = s.happenings(&HappeningQuery {
            limit: Some(1),
            ..HappeningQuery::default()
        })?;
        Ok((counts, happenings.total))
    })
    .await?;
    Ok(Json(serde_json::json!({
        "documents": counts.documents,
        "events": counts.events,
        "happenings": happenings,
        "writable": writable,
    })))
}

/// `GET /api/events`: coded events with their citations, filtered and paged.
async fn events(
    State(state): State<AppState>,
    query: RawQuery,
) -> Result<Json<Page<EventView>>, ApiError> {
    let q: EventQuery = params(query)?;
    Ok(Json(read(&state, move |s| s.events(&q)).await?))
}

/// `GET /api/happenings`: happenings (events merged across reports), filtered and paged.
async fn happenings(
    State(state): State<AppState>,
    query: RawQuery,
) -> Result<Json<Page<HappeningView>>, ApiError> {
    let q: HappeningQuery = params(query)?;
    Ok(Json(read(&state, move |s| s.happenings(&q)).await?))
}

/// `GET /api/happenings/{id}`: one happening with its reports, sources and contradictions.
async fn happening(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<HappeningDetail>, ApiError> {
    one(&state, "happening", id, |s, id| s.happening(id)).await
}

/// `GET /api/documents`: stored documents, filtered and paged.
async fn documents(
    State(state): State<AppState>,
    query: RawQuery,
) -> Result<Json<Page<DocumentSummary>>, ApiError> {
    let q: DocQuery = params(query)?;
    Ok(Json(read(&state, move |s| s.documents(&q)).await?))
}

/// `GET /api/documents/{id}`: one document with its text and events.
async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DocumentDetail>, ApiError> {
    one(&state, "document", id, |s, id| s.document(id)).await
}

/// The query string of `GET /api/search`: words, event filters and paging.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchParams {
    /// Full-text words (`q` is accepted too).
    #[serde(alias = "q")]
    text: Option<String>,
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
    limit: Option<u32>,
    offset: u64,
}

/// A page of search hits.
#[derive(Debug, Serialize)]
struct SearchPage {
    items: Vec<Hit>,
    /// Hits in all, counted up to 1000.
    total: u64,
    /// Whether `total` is exact.
    total_exact: bool,
    offset: u64,
    limit: u32,
}

/// `GET /api/search`: documents matching the words and having an event that matches the
/// filters, best first, with a snippet and the matching events.
async fn search(
    State(state): State<AppState>,
    query: RawQuery,
) -> Result<Json<SearchPage>, ApiError> {
    let p: SearchParams = params(query)?;
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let offset = p.offset;
    let bbox = p
        .bbox
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::parse::<BBox>)
        .transpose()?;
    let query = StoreQuery {
        text: p.text,
        actor: p.actor,
        country: p.country,
        event: p.event,
        mode: p.mode,
        modality: p.modality,
        from: p.from,
        to: p.to,
        bbox,
        place: p.place,
        source: p.source,
        outlet: p.outlet,
        limit: Some(u64::from(limit)),
        offset,
    };
    // The page, then the total counted up to the cap (or for the store's count budget).
    let (items, (total, total_exact)) = read(&state, move |s| {
        Ok((s.search(&query)?, s.search_count(&query, SEARCH_TOTAL_CAP)?))
    })
    .await?;
    Ok(Json(SearchPage {
        items,
        total,
        total_exact,
        offset,
        limit,
    }))
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
    /// Happenings written or rewritten by merging the new events.
    happenings_written: u64,
    /// The ids of the documents read from the request, in order.
    documents: Vec<String>,
    /// Warnings and errors about the request's content.
    diagnostics: Vec<String>,
}

/// `POST /api/documents`: reads articles from the body (text, JSON, JSONL, HTML or a feed), runs
/// the pipeline and stores them. Needs the write token.
async fn ingest(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
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
            ApiError::new(StatusCode::UNAUTHORIZED, "a valid bearer token is needed")
                .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return Ok(response);
    }
    // The body is read only once the token is checked.
    let body = axum::body::to_bytes(body, MAX_INGEST_BYTES)
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("cannot read the request body (at most {MAX_INGEST_BYTES} bytes): {e}"),
            )
        })?;
    let name = input_name(&headers);
    let task_state = state.clone();
    let report = tokio::task::spawn_blocking(move || -> Result<IngestReport, ApiError> {
        let Some(writer) = &task_state.inner.writer else {
            return Err(ApiError::internal("writer gone"));
        };
        let mut docs = Vec::new();
        let mut diagnostics = Vec::new();
        annals_ingest::read_bytes(
            name,
            &body,
            &ReadOptions::default(),
            &mut |item| match item {
                Item::Document(doc) => docs.push(*doc),
                Item::Diagnostic(d) => diagnostics.push(d.to_string()),
            },
        );
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
        // The new events join the stored happenings (or make new ones) right away.
        let merged = store.merge_all_pending(&writer.merger, MERGE_CHUNK)?;
        Ok(IngestReport {
            inserted: stats.inserted,
            skipped: stats.skipped,
            events: stats.events,
            happenings_written: merged.written,
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
}
