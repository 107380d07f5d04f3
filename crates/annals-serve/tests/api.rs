//! The API over a temporary store filled with the fixture articles in `tests/fixtures/`.

use annals_merge::{MergeConfig, Merger};
use annals_pipeline::Pipeline;
use annals_serve::{AppState, Config, OPENAPI, router, routes};
use annals_store::Store;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const TOKEN: &str = "s3cret-token";

/// A store with every fixture article but `skip`, merged into happenings.
fn store_with(dir: &Path, skip: &[&str]) -> PathBuf {
    let path = unmerged_store_with(dir, skip);
    let mut store = Store::open(&path).unwrap();
    store
        .merge_all_pending(&Merger::new(MergeConfig::default()), 1000)
        .unwrap();
    path
}

/// A store with every fixture article but `skip`, its events not merged yet.
fn unmerged_store_with(dir: &Path, skip: &[&str]) -> PathBuf {
    let path = dir.join("annals.db");
    let pipeline = Pipeline::new();
    let mut records = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for file in names {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap();
        annals_ingest::read_bytes(
            &name,
            &bytes,
            &annals_ingest::ReadOptions::default(),
            &mut |item| {
                if let annals_ingest::Item::Document(doc) = item {
                    records.push(pipeline.extract(*doc));
                }
            },
        );
    }
    let mut store = Store::open(&path).unwrap();
    store.insert_batch(&records).unwrap();
    path
}

fn app(db: &Path, token: Option<&str>) -> axum::Router {
    let mut config = Config::new(db);
    config.write_token = token.map(str::to_string);
    router(AppState::open(&config).unwrap())
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(app: &axum::Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post(app: &axum::Router, token: Option<&str>, content_type: &str, body: &str) -> Reply {
    let mut request = Request::post("/api/documents").header(header::CONTENT_TYPE, content_type);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    send(app, request.body(Body::from(body.to_string())).unwrap()).await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn openapi_describes_every_route_and_every_description_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), None);
    let spec: Value = serde_json::from_str(OPENAPI).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    let served = routes();
    // Every route is described, with each of its methods.
    for (path, methods) in &served {
        let described = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is not in openapi.json"));
        for m in *methods {
            assert!(
                described.get(m.to_ascii_lowercase()).is_some(),
                "{m} {path} is not in openapi.json"
            );
        }
    }
    // Every description is a route, and answers (not the no-route 404, not 405).
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let upper = method.to_ascii_uppercase();
            assert!(
                served
                    .iter()
                    .any(|(p, ms)| p == path && ms.contains(&upper.as_str())),
                "{upper} {path} is described but not routed"
            );
            let uri = path.replace("{id}", "unknown-id");
            let request = Request::builder()
                .method(Method::from_bytes(upper.as_bytes()).unwrap())
                .uri(&uri)
                .body(Body::empty())
                .unwrap();
            let reply = send(&app, request).await;
            assert_ne!(
                reply.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{upper} {uri}"
            );
            if reply.status == StatusCode::NOT_FOUND {
                assert_ne!(reply.json()["error"], "no such route", "{upper} {uri}");
            }
        }
    }
    // The no-route fallback itself.
    let reply = get(&app, "/api/nothing-here").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["error"], "no such route");
}

#[tokio::test]
async fn documents_are_paged_with_totals_and_cursors() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), None);
    let first = get(&app, "/api/documents?limit=2").await;
    assert_eq!(first.status, StatusCode::OK);
    let first = first.json();
    assert_eq!(first["total"], 4);
    assert_eq!(first["limit"], 2);
    assert_eq!(ids(&first).len(), 2);
    let second = get(&app, "/api/documents?limit=2&offset=2").await.json();
    assert_eq!(ids(&second).len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let by_cursor = get(&app, &format!("/api/documents?limit=2&cursor={cursor}"))
        .await
        .json();
    assert_eq!(ids(&by_cursor), ids(&second));
    let mut all = ids(&first);
    all.extend(ids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4, "pages overlap");
    // Newest first: the Bergen talks (April) lead.
    assert_eq!(first["items"][0]["title"], "Ministers meet in Bergen");
}

#[tokio::test]
async fn filters_select_events_happenings_and_search_hits() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), None);

    let consult = get(&app, "/api/events?event=CONSULT").await.json();
    assert!(consult["total"].as_u64().unwrap() >= 1);
    for e in consult["items"].as_array().unwrap() {
        assert_eq!(e["event"], "CONSULT");
        assert_eq!(e["outlet"], "Harbour Post");
    }
    let norway = get(&app, "/api/events?actor=NOR").await.json();
    assert!(norway["total"].as_u64().unwrap() >= 1);
    let none = get(&app, "/api/events?actor=ZZZ").await.json();
    assert_eq!(none["total"], 0);

    // A box around Lyon holds the Lyon happenings and not Bergen's.
    let lyon = get(&app, "/api/happenings?bbox=4,45,6,46.5").await.json();
    assert!(lyon["total"].as_u64().unwrap() >= 1);
    for h in lyon["items"].as_array().unwrap() {
        assert_eq!(h["event_loc"]["name"], "Lyon");
    }
    let april = get(&app, "/api/happenings?from=2025-04-01&to=2025-04-30")
        .await
        .json();
    assert!(april["total"].as_u64().unwrap() >= 1);
    for h in april["items"].as_array().unwrap() {
        assert_eq!(h["event"], "CONSULT");
    }

    let hits = get(&app, "/api/search?q=tractors").await.json();
    assert_eq!(hits["total"], 1);
    assert_eq!(hits["total_exact"], true);
    assert_eq!(
        hits["items"][0]["title"],
        "Police arrest farmers at Lyon protest"
    );
    assert!(
        hits["items"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("[tractors]")
    );
    let filtered = get(&app, "/api/search?text=Lyon&country=NOR").await.json();
    assert_eq!(filtered["total"], 0);
    let paged = get(&app, "/api/search?limit=1&offset=1").await.json();
    assert_eq!(paged["total"], 4);
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);

    // Empty parameters (as a form sends them) count as absent.
    let empty = get(&app, "/api/happenings?event=&country=&bbox=&limit=").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text());
    let all = get(&app, "/api/happenings").await.json();
    assert_eq!(empty.json()["total"], all["total"]);

    // Malformed parameters are a 400 with a JSON message naming them.
    for uri in [
        "/api/events?from=yesterday",
        "/api/happenings?limit=many",
        "/api/search?bbox=1,2,3",
        "/api/documents?cursor=not-a-cursor",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(!reply.json()["error"].as_str().unwrap().is_empty(), "{uri}");
    }
}

#[tokio::test]
async fn a_happening_shows_its_reports_with_evidence_and_corroboration() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), None);
    let list = get(&app, "/api/happenings?event=COERCE").await.json();
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["reports"] == 2)
        .expect("the two Lyon arrest reports merge");
    assert_eq!(item["corroborated"], true);
    assert_eq!(item["independent_sources"], 2);
    let id = item["id"].as_str().unwrap();
    let detail = get(&app, &format!("/api/happenings/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    let reports = detail["report_list"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let mut outlets: Vec<&str> = reports
        .iter()
        .map(|r| r["outlet"].as_str().unwrap())
        .collect();
    outlets.sort();
    assert_eq!(outlets, ["Coastal Times", "Northern Herald"]);
    for r in reports {
        // The sentence and the evidence spans the UI highlights (byte offsets into the document).
        let sentence = r["text"].as_str().unwrap();
        let start = r["sentence"]["start"].as_u64().unwrap();
        let trigger = &r["trigger"];
        let (ts, te) = (
            trigger["span"]["start"].as_u64().unwrap() - start,
            trigger["span"]["end"].as_u64().unwrap() - start,
        );
        assert_eq!(
            sentence.get(ts as usize..te as usize),
            trigger["text"].as_str()
        );
        // The attribution chain, outermost (the outlet) first.
        assert_eq!(r["attribution"][0]["text"], r["outlet"]);
        assert!(r["attribution"].as_array().unwrap().len() >= 2);
    }
    // Contradictions: listed with the two report keys, both among the happening's reports.
    let contradicted = get(&app, "/api/happenings?contradicted=true").await.json();
    assert!(
        contradicted["total"].as_u64().unwrap() >= 1,
        "{contradicted}"
    );
    let id = contradicted["items"][0]["id"].as_str().unwrap();
    let detail = get(&app, &format!("/api/happenings/{id}")).await.json();
    let keys: Vec<&str> = detail["report_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    let list = detail["contradiction_list"].as_array().unwrap();
    assert!(!list.is_empty());
    for c in list {
        assert!(!c["kind"].as_str().unwrap().is_empty());
        assert!(keys.contains(&c["between"][0].as_str().unwrap()), "{c}");
        assert!(keys.contains(&c["between"][1].as_str().unwrap()), "{c}");
    }
    let clean = get(&app, "/api/happenings?contradicted=false").await.json();
    assert!(
        clean["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["contradictions"] == 0)
    );

    let missing = get(&app, "/api/happenings/h-0000000000000000").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.json()["error"].as_str().unwrap().contains("h-0000"));
}

#[tokio::test]
async fn writes_need_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with(dir.path(), &["oslo-talks.txt"]);
    let article = std::fs::read_to_string(Path::new(FIXTURES).join("oslo-talks.txt")).unwrap();

    // Read-only server: refused whatever the token.
    let read_only = app(&db, None);
    let reply = post(&read_only, Some(TOKEN), "text/plain", &article).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(read_only_stats(&read_only).await, 3);

    let writable = app(&db, Some(TOKEN));
    for token in [None, Some("wrong"), Some("s3cret-token-longer")] {
        let reply = post(&writable, token, "text/plain", &article).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    assert_eq!(read_only_stats(&writable).await, 3);

    let reply = post(&writable, Some(TOKEN), "text/plain", &article).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let report = reply.json();
    assert_eq!(report["inserted"], 1);
    assert!(report["events"].as_u64().unwrap() >= 1);
    assert!(report["happenings_written"].as_u64().unwrap() >= 1);
    let id = report["documents"][0].as_str().unwrap().to_string();
    assert_eq!(read_only_stats(&writable).await, 4);
    let doc = get(&writable, &format!("/api/documents/{id}")).await.json();
    assert_eq!(doc["title"], "Ministers meet in Bergen");
    // Its events are merged into happenings at once.
    let consult = get(&writable, "/api/happenings?event=CONSULT").await.json();
    assert!(consult["total"].as_u64().unwrap() >= 1);

    // The same article again is skipped, not duplicated.
    let again = post(&writable, Some(TOKEN), "text/plain", &article).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["skipped"], 1);

    // JSON articles, one or several.
    let json = r#"[{"date": "2025-05-01", "title": "Strike in Turin", "source": "Po Valley News",
        "text": "Dock workers went on strike in Turin on Thursday, their union said."}]"#;
    let reply = post(&writable, Some(TOKEN), "application/json", json).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(read_only_stats(&writable).await, 5);

    // A body without an article is a 400 naming the problem.
    let reply = post(&writable, Some(TOKEN), "application/json", "{\"title\": 3").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("no article")
    );
}

#[tokio::test]
async fn a_writable_server_merges_waiting_events_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = unmerged_store_with(dir.path(), &[]);
    let read_only = app(&db, None);
    let stats = get(&read_only, "/api/stats").await.json();
    assert_eq!(stats["happenings"], 0);
    assert_eq!(stats["writable"], false);
    let writable = app(&db, Some(TOKEN));
    let stats = get(&writable, "/api/stats").await.json();
    assert!(stats["happenings"].as_u64().unwrap() >= 3, "{stats}");
    assert_eq!(stats["writable"], true);
}

#[tokio::test]
async fn ingest_takes_large_articles_and_refuses_oversized_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), Some(TOKEN));
    // Over axum's default 2 MB body limit, under the 32 MiB of ingest.
    let mut big = String::from("date 2025-07-01\ntitle Long report\n\n");
    while big.len() < 2_150_000 {
        big.push_str("Grey skies and calm seas along the northern coast today. ");
    }
    let reply = post(&app, Some(TOKEN), "text/plain", &big).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let huge = "x".repeat(33 << 20);
    let reply = post(&app, Some(TOKEN), "text/plain", &huge).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without the token the body is not read at all: 401, not 413.
    let reply = post(&app, None, "text/plain", &huge).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

async fn read_only_stats(app: &axum::Router) -> u64 {
    get(app, "/api/stats").await.json()["documents"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn markup_in_articles_stays_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with(dir.path(), &["xss.txt"]);
    let app = app(&db, Some(TOKEN));
    let payload = std::fs::read_to_string(Path::new(FIXTURES).join("xss.txt")).unwrap();
    let reply = post(&app, Some(TOKEN), "text/plain", &payload).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["documents"][0].as_str().unwrap().to_string();

    // The API returns the markup as JSON strings, exactly as written.
    let doc = get(&app, &format!("/api/documents/{id}")).await;
    assert!(
        doc.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc = doc.json();
    assert_eq!(doc["title"], "Rally <script>alert(1)</script> in Lyon");
    assert_eq!(doc["outlet"], "Example <b>Bold</b> Wire");
    let text = doc["text"].as_str().unwrap();
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(text.contains("<img src=x onerror=alert(1)>"));
    let hits = get(&app, "/api/search?q=banner").await.json();
    assert_eq!(hits["items"][0]["id"], id.as_str());

    // The page is the same static document whatever the store holds: no data in it, and a
    // policy that forbids inline script and foreign sources.
    let page = get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(!html.contains("alert(1)") && !html.contains("onerror"));
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'none'"));
    assert!(csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    // The script builds the page from data with text nodes only: no HTML parsing sink.
    let script = get(&app, "/app.js").await.text();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        "DOMParser",
        "createContextualFragment",
    ] {
        assert!(!script.contains(sink), "app.js uses {sink}");
    }
    assert!(script.contains("textContent") && script.contains("createTextNode"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), None);
    for uri in [
        "/",
        "/app.js",
        "/app.css",
        "/world.json",
        "/api/stats",
        "/nope",
    ] {
        let reply = get(&app, uri).await;
        assert!(
            reply.headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "{uri}"
        );
        assert_eq!(reply.headers[header::X_FRAME_OPTIONS], "DENY", "{uri}");
    }
    let world = get(&app, "/world.json").await.json();
    assert!(world["countries"].as_array().unwrap().len() > 150);
    assert!(world["source"].as_str().unwrap().contains("Natural Earth"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_all_get_answers() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&store_with(dir.path(), &[]), None);
    let uris = [
        "/api/happenings",
        "/api/events?limit=3",
        "/api/search?q=Lyon",
        "/api/stats",
    ];
    let tasks: Vec<_> = (0..48)
        .map(|i| {
            let app = app.clone();
            let uri = uris[i % uris.len()];
            tokio::spawn(async move { (uri, get(&app, uri).await.status) })
        })
        .collect();
    for task in tasks {
        let (uri, status) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
}

#[test]
fn a_missing_store_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let err = AppState::open(&Config::new(&missing)).unwrap_err();
    assert!(err.to_string().contains("none.db"));
    let db = store_with(dir.path(), &[]);
    let mut config = Config::new(db);
    config.write_token = Some("  ".into());
    assert!(AppState::open(&config).is_err());
}
