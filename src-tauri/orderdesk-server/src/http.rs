//! The routes: `POST /api` runs one command of the API definition,
//! `GET /hello` is the version handshake, `GET /events` is the desk's
//! WebSocket, `GET /updates/…` the desks' updates (`updates.rs`). Every command goes through [`orderdesk_api::dispatch`]; there is
//! no list of routes here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt, StreamExt};
use orderdesk_api::types::Hello;
use orderdesk_api::wire::{self, Call, Reply, ServerEvent};
use orderdesk_api::{Api, dispatch};
use orderdesk_core::auth::{self, Token};
use orderdesk_core::domain::Lang;
use orderdesk_core::error::WireError;
use orderdesk_core::{Error, ErrorKind, Msg};
use tokio::sync::{Semaphore, watch};

use crate::hub::Hub;

/// Calls that run at once; more wait their turn (two cores, one writer).
const PARALLEL_CALLS: usize = 32;
const PING_EVERY: Duration = Duration::from_secs(20);
/// The largest call: an import file travels base64 in its JSON (a site's
/// 300,000 order lines as XLSX are about 12 MB).
const MAX_BODY: usize = 96 * 1024 * 1024;

/// Public commands that read the whole database: one at a time, so that
/// nobody without a session can crowd the desks out.
const HEAVY_PUBLIC: &[&str] = &["check", "audit_verify"];

pub struct Shared {
    pub api: Arc<Api>,
    /// The data folder (published updates live in it).
    pub data: std::path::PathBuf,
    pub hub: Arc<Hub>,
    pub stopping: watch::Receiver<bool>,
    limit: Arc<Semaphore>,
    heavy: Arc<Semaphore>,
    /// When the last call arrived (the idle check waits for quiet).
    pub last_call: std::sync::Mutex<Instant>,
}

impl Shared {
    pub fn new(
        api: Arc<Api>,
        data: std::path::PathBuf,
        hub: Arc<Hub>,
        stopping: watch::Receiver<bool>,
    ) -> Shared {
        Shared {
            api,
            data,
            hub,
            stopping,
            limit: Arc::new(Semaphore::new(PARALLEL_CALLS)),
            heavy: Arc::new(Semaphore::new(1)),
            last_call: std::sync::Mutex::new(Instant::now()),
        }
    }

    fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(wire::API_PATH, post(call))
        .route(wire::HELLO_PATH, get(hello))
        .route(wire::EVENTS_PATH, get(events))
        .route("/updates/latest.json", get(update_manifest))
        .route("/updates/files/{name}", get(update_bundle))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

async fn hello() -> axum::Json<Hello> {
    axum::Json(Hello::ours())
}

/// The published update in Tauri's updater format, each bundle's address
/// on this server under the name the desk reached it by; 204 (Tauri's "no
/// update") when none is published.
async fn update_manifest(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        });
    let Some(host) = host else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match crate::updates::latest(&shared.data, &format!("https://{host}")) {
        Some(manifest) => axum::Json(manifest).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// A published bundle, streamed from disk.
async fn update_bundle(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let Some(path) = crate::updates::bundle(&shared.data, &name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let length = file.metadata().await.map(|m| m.len()).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<Token> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    (!token.trim().is_empty()).then(|| Token::from_wire(token))
}

fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(Lang::En)
}

/// Refuses a desk or CLI of another version, naming both.
fn version_check(headers: &HeaderMap) -> Result<(), Error> {
    match headers
        .get(wire::VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        Some(theirs) if theirs != orderdesk_api::VERSION => Err(Error::new(
            ErrorKind::Unavailable,
            Msg::VersionMismatch {
                desk: theirs.chars().take(40).collect(),
                server: orderdesk_api::VERSION.into(),
            },
        )),
        _ => Ok(()),
    }
}

fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorKind::RuleViolation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Storage | ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn refusal(e: &Error, lang: Lang) -> Response {
    if matches!(e.kind(), ErrorKind::Storage | ErrorKind::Internal) {
        log::error!("{}", e.log_detail());
    }
    let body = Reply::Error(WireError::new(e, lang));
    (status_of(e.kind()), axum::Json(body)).into_response()
}

async fn call(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = lang(&headers);
    if let Err(e) = version_check(&headers) {
        return refusal(&e, lang);
    }
    if shared.is_stopping() {
        return refusal(
            &Error::new(ErrorKind::Unavailable, Msg::ServerStopping),
            lang,
        );
    }
    let request: Call = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => {
            let msg = Msg::BadRequest {
                detail: e.to_string(),
            };
            return refusal(&Error::invalid(msg), lang);
        }
    };
    let heavy = if HEAVY_PUBLIC.contains(&request.command.as_str()) {
        shared.heavy.clone().acquire_owned().await.ok()
    } else {
        None
    };
    // The permit goes with the work: a desk that hangs up does not free its
    // place while its call still runs.
    let Ok(permit) = shared.limit.clone().acquire_owned().await else {
        return refusal(
            &Error::new(ErrorKind::Unavailable, Msg::ServerStopping),
            lang,
        );
    };
    if let Ok(mut last) = shared.last_call.lock() {
        *last = Instant::now();
    }
    let token = bearer(&headers);
    let api = shared.api.clone();
    let started = Instant::now();
    let command = request.command.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let _held = (permit, heavy);
        dispatch(&api, token.as_ref(), &request.command, request.params)
    })
    .await
    .unwrap_or_else(|e| Err(Error::internal(format!("the call panicked: {e}"))));
    log::debug!(
        "{command} {:.1} ms {}",
        started.elapsed().as_secs_f64() * 1e3,
        if outcome.is_ok() { "ok" } else { "refused" }
    );
    match outcome {
        Ok(value) => (StatusCode::OK, axum::Json(Reply::Ok(value))).into_response(),
        Err(e) => refusal(&e, lang),
    }
}

#[derive(serde::Deserialize)]
struct EventsQuery {
    #[serde(default)]
    after: i64,
}

async fn events(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
    ws: WebSocketUpgrade,
) -> Response {
    let lang = lang(&headers);
    if let Err(e) = version_check(&headers) {
        return refusal(&e, lang);
    }
    let Some(token) = bearer(&headers) else {
        return refusal(&Error::forbidden(Msg::NotLoggedIn), lang);
    };
    let api = shared.api.clone();
    let checked = token.clone();
    let known = tokio::task::spawn_blocking(move || auth::peek(api.store(), &checked))
        .await
        .unwrap_or_else(|e| Err(Error::internal(e.to_string())));
    if let Err(e) = known {
        return refusal(&e, lang);
    }
    ws.on_upgrade(move |socket| desk_socket(socket, shared, token, query.after))
}

/// Sends a desk its events until it goes, its session ends, or the server
/// stops; pings keep idle sockets alive through home routers and firewalls.
async fn desk_socket(socket: WebSocket, shared: Arc<Shared>, token: Token, after: i64) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let id = shared.hub.join(token, tx, after);
    let (mut sink, mut stream) = socket.split();
    let mut stopping = shared.stopping.clone();
    let mut ping = tokio::time::interval(PING_EVERY);
    let hello = ServerEvent::Hello {
        version: orderdesk_api::VERSION.into(),
    };
    let mut next = Some(hello);
    loop {
        if let Some(event) = next.take() {
            let last = matches!(
                event,
                ServerEvent::SessionEnded { .. } | ServerEvent::ServerStopping
            );
            let text = serde_json::to_string(&event).unwrap_or_default();
            if sink.send(Message::Text(text.into())).await.is_err() || last {
                break;
            }
        }
        tokio::select! {
            event = rx.recv() => match event {
                Some(e) => next = Some(e),
                None => break,
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = stopping.changed() => next = Some(ServerEvent::ServerStopping),
            _ = ping.tick() => {
                if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = sink.close().await;
    shared.hub.leave(id);
}
