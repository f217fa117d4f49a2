//! The office server, seen from a desk or the CLI: calls over HTTPS with the
//! pinned certificate, the event socket, and the first look at a server
//! (its fingerprint, for a person to compare). Network failures come back as
//! the core's errors, naming their cause in words a clerk can pass on.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use orderdesk_api::types::Hello;
use orderdesk_api::wire::{self, Call, Reply, ServerEvent};
use orderdesk_core::auth::Token;
use orderdesk_core::domain::Lang;
use orderdesk_core::{Error, ErrorKind, Msg, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

use crate::pin::{self, Trust};

/// How long a connection attempt waits for an answer.
const CONNECT_LIMIT: Duration = Duration::from_secs(4);
/// How long an ordinary call may take.
const CALL_LIMIT: Duration = Duration::from_secs(60);
/// Calls that run as long as their work does (a bulk job, demo data, a
/// backup, reading and checking a large import file).
const LONG_CALLS: &[&str] = &[
    "run_job",
    "import_inspect",
    "import_dry_run",
    "import_start",
    "load_demo_data",
    "backup_now",
    "create_first_admin",
];

fn unavailable(msg: Msg) -> Error {
    Error::new(ErrorKind::Unavailable, msg)
}

/// One office server, its certificate pinned.
pub struct Remote {
    address: String,
    fingerprint: String,
    http: reqwest::Client,
    tls: Arc<rustls::ClientConfig>,
    presented: pin::Presented,
    lang: Mutex<Lang>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("address", &self.address)
            .finish()
    }
}

/// What a first look at a server found.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Probe {
    pub address: String,
    pub fingerprint: String,
    pub version: String,
}

impl Remote {
    /// A client for the server at `address` that trusts only the certificate
    /// with `fingerprint`. Nothing is sent yet.
    pub fn new(address: &str, fingerprint: &str) -> Result<Remote> {
        let address = crate::address::normalise(address)?;
        let fingerprint = pin::normalise(fingerprint).ok_or_else(|| {
            Error::invalid(Msg::BadField {
                field: "fingerprint".into(),
                value: fingerprint.to_string(),
            })
        })?;
        Remote::with_trust(address, Trust::Pinned(fingerprint.clone()), fingerprint)
    }

    fn with_trust(address: String, trust: Trust, fingerprint: String) -> Result<Remote> {
        install_crypto();
        let (config, presented) =
            pin::client_config(trust).map_err(|e| Error::internal(e.to_string()))?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(config.clone())
            .connect_timeout(CONNECT_LIMIT)
            // A server PC that loses power is noticed within half a minute,
            // even by a call that runs as long as its job.
            .tcp_keepalive(Duration::from_secs(10))
            .tcp_keepalive_interval(Duration::from_secs(5))
            .tcp_keepalive_retries(3u32)
            .pool_idle_timeout(Duration::from_secs(50))
            .tcp_nodelay(true)
            .no_proxy()
            .build()
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok(Remote {
            address,
            fingerprint,
            http,
            tls: Arc::new(config),
            presented,
            lang: Mutex::new(Lang::En),
        })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The language the server writes `message` in (clients render `msg`
    /// themselves; this is for people reading raw answers).
    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut l) = self.lang.lock() {
            *l = lang;
        }
    }

    fn lang(&self) -> &'static str {
        match self.lang.lock().map(|l| *l).unwrap_or_default() {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.address)
    }

    /// The version handshake: refuses a server of another version, or
    /// something that is not an OrderDesk server.
    pub async fn hello(&self) -> Result<Hello> {
        let sent = self
            .http
            .get(self.url(wire::HELLO_PATH))
            .timeout(CONNECT_LIMIT * 2)
            .send()
            .await
            .map_err(|e| self.classify(&e, false))?;
        let hello: Hello = sent.json().await.map_err(|_| {
            unavailable(Msg::NotAnOrderDeskServer {
                address: self.address.clone(),
            })
        })?;
        check_hello(&self.address, &hello)?;
        Ok(hello)
    }

    /// Runs one command on the server.
    pub async fn call<P: Serialize, R: DeserializeOwned>(
        &self,
        command: &str,
        params: &P,
        token: Option<&Token>,
    ) -> Result<R> {
        let body = Call {
            command: command.to_string(),
            params: serde_json::to_value(params)?,
        };
        let mut request = self
            .http
            .post(self.url(wire::API_PATH))
            .header(wire::VERSION_HEADER, orderdesk_api::VERSION)
            .header(reqwest::header::ACCEPT_LANGUAGE, self.lang())
            .json(&body);
        if let Some(t) = token {
            request = request.bearer_auth(t.expose());
        }
        if !LONG_CALLS.contains(&command) {
            request = request.timeout(CALL_LIMIT);
        }
        let answer = request.send().await.map_err(|e| self.classify(&e, true))?;
        let bytes = answer.bytes().await.map_err(|e| self.classify(&e, true))?;
        let reply: Reply = serde_json::from_slice(&bytes).map_err(|_| {
            unavailable(Msg::NotAnOrderDeskServer {
                address: self.address.clone(),
            })
        })?;
        Ok(serde_json::from_value(reply.into_result()?)?)
    }

    /// Opens the event socket of the session `token`; `after` is the newest
    /// inbox item this desk has already shown.
    pub async fn events(&self, token: &Token, after: i64) -> Result<EventSocket> {
        let lost = |e: &dyn std::fmt::Display| {
            unavailable(Msg::ServerUnreachable {
                address: self.address.clone(),
                detail: e.to_string(),
            })
        };
        let tcp = tokio::time::timeout(CONNECT_LIMIT, TcpStream::connect(&self.address))
            .await
            .map_err(|_| {
                unavailable(Msg::ServerNoAnswer {
                    address: self.address.clone(),
                })
            })?
            .map_err(|e| self.io_error(&e).unwrap_or_else(|| lost(&e)))?;
        let _ = tcp.set_nodelay(true);
        let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
        let no_answer = || {
            unavailable(Msg::ServerNoAnswer {
                address: self.address.clone(),
            })
        };
        let tls = tokio::time::timeout(
            CONNECT_LIMIT,
            connector.connect(server_name(&self.address)?, tcp),
        )
        .await
        .map_err(|_| no_answer())?
        .map_err(|e| self.changed_certificate().unwrap_or_else(|| lost(&e)))?;
        let url = format!("wss://{}{}?after={after}", self.address, wire::EVENTS_PATH);
        let mut request = url.into_client_request().map_err(|e| lost(&e))?;
        let headers = request.headers_mut();
        let bearer = format!("Bearer {}", token.expose());
        for (name, value) in [
            ("authorization", bearer.as_str()),
            (wire::VERSION_HEADER, orderdesk_api::VERSION),
        ] {
            if let Ok(v) = value.parse() {
                headers.insert(name, v);
            }
        }
        let handshake =
            tokio::time::timeout(CONNECT_LIMIT, tokio_tungstenite::client_async(request, tls));
        match handshake.await.map_err(|_| no_answer())? {
            Ok((ws, _)) => Ok(EventSocket { ws }),
            Err(tungstenite::Error::Http(answer)) => {
                let body = answer.body().clone().unwrap_or_default();
                match serde_json::from_slice::<Reply>(&body) {
                    Ok(reply) => Err(reply
                        .into_result()
                        .err()
                        .unwrap_or_else(|| lost(&"refused"))),
                    Err(_) => Err(lost(&answer.status())),
                }
            }
            Err(e) => Err(lost(&e)),
        }
    }

    fn changed_certificate(&self) -> Option<Error> {
        let presented = self.presented.lock().ok()?.clone()?;
        (presented != self.fingerprint).then(|| {
            unavailable(Msg::CertificateChanged {
                address: self.address.clone(),
                pinned: self.fingerprint.clone(),
                presented,
            })
        })
    }

    fn io_error(&self, e: &std::io::Error) -> Option<Error> {
        use std::io::ErrorKind as Io;
        let address = self.address.clone();
        match e.kind() {
            Io::ConnectionRefused => Some(unavailable(Msg::ServerRefused { address })),
            Io::TimedOut | Io::HostUnreachable | Io::NetworkUnreachable => {
                Some(unavailable(Msg::ServerNoAnswer { address }))
            }
            _ => None,
        }
    }

    /// Names the cause of a failed request. `sent`: the request may have
    /// reached the server (then whether it was done is for the person to check).
    fn classify(&self, e: &reqwest::Error, sent: bool) -> Error {
        if let Some(changed) = self.changed_certificate() {
            return changed;
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>()
                && let Some(named) = self.io_error(io)
            {
                return named;
            }
            source = s.source();
        }
        let address = self.address.clone();
        if e.is_connect() {
            return unavailable(Msg::ServerNoAnswer { address });
        }
        // Sent, then no answer or a broken line: it may have been done.
        if sent {
            return unavailable(Msg::CallInterrupted { address });
        }
        if e.is_timeout() {
            return unavailable(Msg::ServerNoAnswer { address });
        }
        unavailable(Msg::ServerUnreachable {
            address,
            detail: root_cause(e),
        })
    }
}

/// Makes ring the process's TLS provider, once: our own configurations name
/// it, but any other HTTPS client in the process (reqwest built without a
/// provider of its own) looks for a process-wide one.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn check_hello(address: &str, hello: &Hello) -> Result<()> {
    if hello.product != "OrderDesk" {
        return Err(unavailable(Msg::NotAnOrderDeskServer {
            address: address.to_string(),
        }));
    }
    if hello.version != orderdesk_api::VERSION {
        return Err(unavailable(Msg::VersionMismatch {
            desk: orderdesk_api::VERSION.into(),
            server: hello.version.clone(),
        }));
    }
    Ok(())
}

fn server_name(address: &str) -> Result<rustls::pki_types::ServerName<'static>> {
    let host = address
        .rsplit_once(':')
        .map_or(address, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']');
    rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|_| {
        Error::invalid(Msg::BadField {
            field: "address".into(),
            value: address.to_string(),
        })
    })
}

/// A first look at the server at `address`: its certificate's fingerprint
/// (for a person to compare before trusting it) and its version. Refuses a
/// server of another version or something that is not OrderDesk.
pub async fn probe(address: &str) -> Result<Probe> {
    let address = crate::address::normalise(address)?;
    let remote = Remote::with_trust(address.clone(), Trust::Any, String::new())?;
    let hello = remote.hello().await?;
    let fingerprint = remote
        .presented
        .lock()
        .ok()
        .and_then(|p| p.clone())
        .ok_or_else(|| Error::internal("no certificate seen"))?;
    Ok(Probe {
        address,
        fingerprint,
        version: hello.version,
    })
}

/// A desk's live event socket.
pub struct EventSocket {
    ws: tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<TcpStream>>,
}

impl std::fmt::Debug for EventSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventSocket")
    }
}

/// What came from the socket.
#[derive(Debug)]
pub enum Heard {
    Event(ServerEvent),
    /// Closed, or silent for longer than the server's pings allow: gone.
    Gone,
}

impl EventSocket {
    /// The next event, or [`Heard::Gone`] when the socket closed or nothing
    /// at all (not even the server's pings) came for `silence`.
    pub async fn next_within(&mut self, silence: Duration) -> Heard {
        loop {
            let message = match tokio::time::timeout(silence, self.ws.next()).await {
                Ok(Some(Ok(m))) => m,
                Ok(Some(Err(_)) | None) | Err(_) => return Heard::Gone,
            };
            match message {
                tungstenite::Message::Text(text) => match serde_json::from_str(&text) {
                    Ok(event) => return Heard::Event(event),
                    Err(_) => log::warn!("an event this desk does not understand: {text}"),
                },
                tungstenite::Message::Close(_) => return Heard::Gone,
                _ => {}
            }
        }
    }

    /// The next event; None when the socket closed (the desk reconnects).
    pub async fn next(&mut self) -> Option<ServerEvent> {
        while let Some(message) = self.ws.next().await {
            match message {
                Ok(tungstenite::Message::Text(text)) => {
                    if let Ok(event) = serde_json::from_str(&text) {
                        return Some(event);
                    }
                    log::warn!("an event this desk does not understand: {text}");
                }
                Ok(tungstenite::Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
        None
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
