//! What the app holds between commands: which way this desk works (its own
//! file, or the office server) and the [`Backend`] for it, who is logged in,
//! the language, and the state of the link to the server. Nothing here
//! decides a rule; every command goes through the API.

use std::path::PathBuf;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use orderdesk_api::{Api, Place};
use orderdesk_client::{Backend, Remote};
use orderdesk_core::auth::Session;
use orderdesk_core::domain::Lang;
use orderdesk_core::{Error, Msg};
use serde::Serialize;
use tauri::AppHandle;

use crate::desk::{self, DeskConfig};
use crate::error::{BridgeError, BridgeResult};
use crate::events::ShellEvents;

/// How the desk reaches its data right now (shown in the window, and
/// followed by the buttons that change something).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// This PC only: the database is here.
    ThisPc,
    /// Logged in to the office server, live events flowing.
    Connected,
    /// The server went away; trying again. Nothing can be changed meanwhile.
    Reconnecting,
    /// Connected mode, not logged in yet.
    Idle,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Link {
    pub state: LinkState,
    /// Why, when reconnecting: the cause in words.
    pub message: Option<String>,
}

struct Desk {
    /// None until someone chose (then it works as this PC only).
    config: Option<DeskConfig>,
    backend: Result<Arc<Backend>, Error>,
}

pub struct AppState {
    pub data: PathBuf,
    app: AppHandle,
    desk: RwLock<Desk>,
    session: Mutex<Option<Session>>,
    lang: Mutex<Lang>,
    link: Mutex<Link>,
    /// Newest inbox id already shown as a desktop notification.
    pub last_shown: AtomicI64,
    /// The live event task of the logged-in session (connected mode).
    pub live: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Stops a running export ("export" is not a job of the API).
    pub export_stop: Arc<std::sync::atomic::AtomicBool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(app: AppHandle, data: PathBuf, lang: Lang) -> AppState {
        let config = desk::load(&data);
        let backend = open(&app, &data, config.as_ref());
        let link = Link {
            state: match config {
                Some(DeskConfig::Server { .. }) => LinkState::Idle,
                _ => LinkState::ThisPc,
            },
            message: None,
        };
        AppState {
            data,
            app,
            desk: RwLock::new(Desk { config, backend }),
            session: Mutex::new(None),
            lang: Mutex::new(lang),
            link: Mutex::new(link),
            last_shown: AtomicI64::new(0),
            live: Mutex::new(None),
            export_stop: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }

    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    pub fn set_lang(&self, lang: Lang) {
        *lock(&self.lang) = lang;
        if let Ok(b) = self.backend()
            && let Some(r) = b.remote()
        {
            r.set_lang(lang);
        }
    }

    pub fn fail(&self, e: &Error) -> BridgeError {
        BridgeError::from_core(e, self.lang())
    }

    pub fn backend(&self) -> BridgeResult<Arc<Backend>> {
        let desk = self.desk.read().unwrap_or_else(|p| p.into_inner());
        desk.backend
            .as_ref()
            .map(Arc::clone)
            .map_err(|e| self.fail(e))
    }

    /// The saved choice (None at first start).
    pub fn config(&self) -> Option<DeskConfig> {
        self.desk
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .config
            .clone()
    }

    /// Switches the desk to `config` and saves the choice. Whoever was logged
    /// in is logged out first; the local database stays as it was.
    pub fn switch(&self, config: DeskConfig) -> Result<(), Error> {
        desk::save(&self.data, &config).map_err(|e| {
            Error::with_source(
                orderdesk_core::ErrorKind::Storage,
                Msg::CannotOpen {
                    path: self.data.display().to_string(),
                },
                e,
            )
        })?;
        let backend = open(&self.app, &self.data, Some(&config));
        let state = match config {
            DeskConfig::Server { .. } => LinkState::Idle,
            DeskConfig::ThisPc => LinkState::ThisPc,
        };
        *self.desk.write().unwrap_or_else(|p| p.into_inner()) = Desk {
            config: Some(config),
            backend,
        };
        self.set_session(None);
        self.set_link(state, None);
        Ok(())
    }

    /// Whether this PC's database is encrypted and this PC lacks its key
    /// (a new keychain, a file brought from another PC).
    pub fn needs_key(&self) -> bool {
        let desk = self.desk.read().unwrap_or_else(|p| p.into_inner());
        matches!(&desk.backend, Err(e) if matches!(e.msg(), Msg::EncryptedNoKey { .. }))
    }

    /// Opens this PC's encrypted database with its recovery key, and keeps
    /// the key in the keychain for the next start. A key that does not open
    /// it, or a keychain that does not keep it, changes nothing.
    pub fn unlock(&self, key: orderdesk_core::cipher::DbKey) -> Result<(), Error> {
        let path = desk::local_db(&self.data);
        let store = orderdesk_core::Store::open_with_key(&path, Some(key.clone()))?;
        orderdesk_api::keys::put(&path, &key)?;
        let mut desk = self.desk.write().unwrap_or_else(|p| p.into_inner());
        desk.backend = Ok(this_pc(&self.app, store));
        Ok(())
    }

    pub fn current_session(&self) -> Option<Session> {
        lock(&self.session).clone()
    }

    pub fn set_session(&self, session: Option<Session>) {
        *lock(&self.session) = session;
        self.last_shown
            .store(0, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn link(&self) -> Link {
        lock(&self.link).clone()
    }

    /// Records the link's state and tells the windows when it changed.
    pub fn set_link(&self, state: LinkState, message: Option<String>) {
        let link = Link { state, message };
        let changed = {
            let mut current = lock(&self.link);
            let changed = current.state != link.state || current.message != link.message;
            *current = link.clone();
            changed
        };
        if changed {
            crate::events::emit(&self.app, crate::events::ConnectionChanged { link });
        }
    }
}

/// How often queued customer notices are looked at (on this PC).
const DELIVER_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// The backend for a choice: the API over this PC's file, or the server.
fn open(
    app: &AppHandle,
    data: &std::path::Path,
    config: Option<&DeskConfig>,
) -> Result<Arc<Backend>, Error> {
    match config {
        Some(DeskConfig::Server {
            address,
            fingerprint,
        }) => Ok(Arc::new(Backend::server(Arc::new(Remote::new(
            address,
            fingerprint,
        )?)))),
        Some(DeskConfig::ThisPc) | None => {
            if let Err(e) = std::fs::create_dir_all(data) {
                log::error!("cannot create {}: {e}", data.display());
            }
            let path = desk::local_db(data);
            log::info!("database: {}", path.display());
            let store = orderdesk_api::keys::open_store(&path).inspect_err(|e| {
                log::error!("cannot open the database: {}", e.log_detail());
            })?;
            Ok(this_pc(app, store))
        }
    }
}

fn this_pc(app: &AppHandle, store: orderdesk_core::Store) -> Arc<Backend> {
    let events = Arc::new(ShellEvents(app.clone()));
    let api = Arc::new(Api::new(Arc::new(store), Place::ThisPc, events));
    // On this PC the desk holds the database, so it sends the notices.
    if let Err(e) = orderdesk_api::mail::spawn_delivery(&api, DELIVER_EVERY) {
        log::error!("cannot start delivering customer notices: {e}");
    }
    Arc::new(Backend::this_pc(api))
}
