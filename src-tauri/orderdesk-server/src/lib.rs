//! The office server: one PC of the office owns the SQLite file (one host,
//! one writer, the rules and the hash chain in one process), and every desk
//! talks to it over the LAN: HTTPS with a self-signed certificate that desks
//! pin, one `POST /api` for every command of the API definition, and a
//! WebSocket of live events per desk.
//!
//! It decides no rule: [`orderdesk_api`] and the core do. It owns the
//! transport (TLS, routes, sockets), the shutdown, and the upkeep a desk
//! would otherwise do (backups, integrity checks, the mDNS announcement).

mod discovery;
mod http;
mod hub;
mod listener;
mod tls;
pub mod updates;
mod upkeep;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use orderdesk_api::{Api, Place};
use orderdesk_core::DB_FILE_NAME;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

pub use discovery::{Discovery, host_name};
pub use tls::fingerprint;

/// Written into the data folder at start: what `status` prints.
const STATE_FILE: &str = "server.json";
/// How often queued customer notices are looked at.
const DELIVER_EVERY: Duration = Duration::from_secs(10);
/// How long a shutdown waits for calls in flight (a bulk job's batch).
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Options {
    /// Holds `orderdesk.db`, `tls/`, `backups/` and `server.json`.
    pub data: PathBuf,
    /// The database file, when not `data/orderdesk.db` (the benchmark's own file).
    pub db: Option<PathBuf>,
    pub listen: SocketAddr,
    pub discovery: Discovery,
}

/// What `orderdesk-server status` prints.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Status {
    pub listen: String,
    pub fingerprint: String,
    pub version: String,
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub fingerprint: String,
    pub db: PathBuf,
    api: Arc<Api>,
    shared: Arc<http::Shared>,
    stop: watch::Sender<bool>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
    accepting: tokio::task::AbortHandle,
    upkeep: upkeep::Upkeep,
    announcement: Option<discovery::Announcement>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish()
    }
}

/// Opens (or creates) the database and the certificate in `opts.data`,
/// binds, and serves until [`Server::shutdown`].
pub async fn start(opts: Options) -> Result<Server, String> {
    orderdesk_core::store::files::private_dir(&opts.data)
        .map_err(|e| format!("cannot create {}: {}", opts.data.display(), e.log_detail()))?;
    let db = opts
        .db
        .clone()
        .unwrap_or_else(|| opts.data.join(DB_FILE_NAME));
    let opened = db.clone();
    let store = tokio::task::spawn_blocking(move || orderdesk_api::keys::open_store(&opened))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.log_detail())?;
    let identity = tls::load_or_create(&opts.data)
        .map_err(|e| format!("cannot make or read the certificate: {e}"))?;
    let config = tls::server_config(&identity).map_err(|e| e.to_string())?;

    let (hub, work) = hub::Hub::new();
    let api = Arc::new(Api::new(Arc::new(store), Place::Server, hub.clone()));
    hub.run_worker(api.clone(), work);
    if let Err(e) = orderdesk_api::mail::spawn_delivery(&api, DELIVER_EVERY) {
        log::error!("cannot start delivering customer notices: {e}");
    }
    let (stop, stopping) = watch::channel(false);
    let shared = Arc::new(http::Shared::new(
        api.clone(),
        opts.data.clone(),
        hub,
        stopping.clone(),
    ));

    let tcp = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
    let listener = listener::TlsListener::new(tcp, config).map_err(|e| e.to_string())?;
    let accepting = listener.accepting.clone();
    let addr = axum::serve::Listener::local_addr(&listener).map_err(|e| e.to_string())?;
    let app = http::router(shared.clone());
    let mut until = stopping;
    let serving = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = until.wait_for(|s| *s).await;
            })
            .await
    });
    let status = Status {
        listen: addr.to_string(),
        fingerprint: identity.fingerprint.clone(),
        version: orderdesk_api::VERSION.into(),
    };
    write_state(&opts.data, &status);
    let announcement = match discovery::announce(&opts.discovery, addr, &identity.fingerprint) {
        Ok(a) => a,
        Err(e) => {
            log::warn!("mDNS announcement failed (desks can still type the address): {e}");
            None
        }
    };
    Ok(Server {
        addr,
        fingerprint: identity.fingerprint,
        db,
        upkeep: upkeep::Upkeep::start(api.clone(), shared.clone()),
        api,
        shared,
        stop,
        serving,
        accepting,
        announcement,
    })
}

impl Server {
    pub fn api(&self) -> &Arc<Api> {
        &self.api
    }

    /// Desks with a live event socket now.
    pub fn desks_connected(&self) -> usize {
        self.shared.hub.connected()
    }

    /// Stops the way SIGTERM does: running jobs stop after their batch (left
    /// resumable), calls in flight finish, desks are told, then it returns.
    pub async fn shutdown(self) {
        self.api.jobs.stop_all();
        self.shared.hub.stopping();
        let _ = self.stop.send(true);
        match tokio::time::timeout(DRAIN_LIMIT, self.serving).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => log::warn!("serving ended with {e}"),
            Ok(Err(e)) => log::warn!("serving task: {e}"),
            Err(_) => log::warn!("calls still running after {DRAIN_LIMIT:?}; stopping anyway"),
        }
        self.accepting.abort();
        self.shared.hub.close();
        if let Some(a) = self.announcement {
            a.withdraw();
        }
        let upkeep = self.upkeep;
        let _ = tokio::task::spawn_blocking(move || upkeep.stop()).await;
    }
}

fn write_state(data: &Path, status: &Status) {
    let path = data.join(STATE_FILE);
    let part = path.with_extension("json.part");
    let text = serde_json::to_string_pretty(status).unwrap_or_default();
    if let Err(e) = std::fs::write(&part, text).and_then(|()| std::fs::rename(&part, &path)) {
        log::warn!("cannot write {}: {e}", path.display());
    }
}

/// The address the server last listened on and its certificate's
/// fingerprint; an error when no server ever ran in `data`.
pub fn status(data: &Path) -> Result<Status, String> {
    let fingerprint = tls::existing_fingerprint(data).ok_or_else(|| {
        format!(
            "no office server has run in {} yet: start it with `orderdesk-server --data {}`",
            data.display(),
            data.display()
        )
    })?;
    let listen = std::fs::read_to_string(data.join(STATE_FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<Status>(&t).ok())
        .map(|s| s.listen)
        .unwrap_or_else(|| format!("0.0.0.0:{}", orderdesk_api::wire::DEFAULT_PORT));
    Ok(Status {
        listen,
        fingerprint,
        version: orderdesk_api::VERSION.into(),
    })
}
