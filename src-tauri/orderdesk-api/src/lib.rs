//! OrderDesk's API, defined once.
//!
//! Every use-case a desk or the CLI calls is one entry of
//! [`for_each_command!`]: its name, its parameters, what it returns, and
//! whether it needs a session. From that one list come the dispatcher the
//! office server serves (`{command, params}` → JSON), the typed in-process
//! calls ([`call`]) the desktop shell and the CLI use on "this PC", and, in
//! the adapters, the Tauri commands and the network client. Nobody writes a
//! second list of routes.
//!
//! Every call with a session names it by its [`Token`]; the core re-checks
//! the user behind it at each call ([`orderdesk_core::auth::resume`]), so a
//! disabled or demoted user is refused at their next click. Handlers are
//! thin: rights and rules live in `orderdesk-core`. What changed goes out
//! through [`Events`], which each adapter implements (Tauri events on this
//! PC, a WebSocket per session on the server).
//!
//! This crate knows no transport: no Tauri, no HTTP.

mod commands;
pub mod handlers;
pub mod keys;
pub mod mail;
pub mod types;
pub mod wire;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use orderdesk_core::auth::{self, Session, Token};
use orderdesk_core::jobs::JobStatus;
use orderdesk_core::{Error, Msg, Result, Store};

pub use commands::{COMMANDS, call, dispatch, params};

/// The product version; a desk and a server of different versions refuse to
/// work together.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the API tells the world about changes. Every method has a default
/// that does nothing, so a tool (the CLI) implements none.
pub trait Events: Send + Sync {
    /// These orders changed (empty: many, after a bulk job).
    fn orders_changed(&self, _numbers: &[String]) {}
    /// Somebody may have new notifications in their inbox.
    fn inbox_changed(&self) {}
    /// A bulk job of the session `token` finished a batch.
    fn job_progress(&self, _token: &Token, _status: &JobStatus) {}
    /// An administrator changed a setting (`what` names it).
    fn settings_changed(&self, _what: &str) {}
    /// Every session ended at once (the database was restored): each
    /// window is told `msg` and logs in again.
    fn sessions_ended(&self, _msg: &orderdesk_core::Msg) {}
}

/// Events nobody listens to.
#[derive(Debug, Default)]
pub struct NoEvents;
impl Events for NoEvents {}

/// Where the API runs; some commands behave differently on a desk's own
/// file than on the office server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the desktop app or the CLI, on a file of this PC.
    ThisPc,
    /// In `orderdesk-server`, for every desk of the office.
    Server,
}

impl Place {
    fn client_label(self) -> &'static str {
        match self {
            Place::ThisPc => "this-pc",
            Place::Server => "server",
        }
    }
}

/// Stop flags of the bulk jobs running in this process.
#[derive(Debug, Default)]
pub struct JobControl {
    flags: Mutex<HashMap<String, Arc<AtomicBool>>>,
    stopping: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl JobControl {
    /// Registers a job as running; None when it already runs here or the
    /// process is shutting down.
    fn start(&self, job: &str) -> Option<Arc<AtomicBool>> {
        let mut flags = lock(&self.flags);
        if flags.contains_key(job) || self.stopping.load(Ordering::SeqCst) {
            return None;
        }
        let flag = Arc::new(AtomicBool::new(false));
        flags.insert(job.to_string(), flag.clone());
        Some(flag)
    }

    fn finish(&self, job: &str) {
        lock(&self.flags).remove(job);
    }

    /// Asks a running job to stop after its current batch.
    fn stop(&self, job: &str) {
        if let Some(flag) = lock(&self.flags).get(job) {
            flag.store(true, Ordering::SeqCst);
        }
    }

    /// Shutting down: every running job stops after its batch, resumable,
    /// and no new one starts.
    pub fn stop_all(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        for flag in lock(&self.flags).values() {
            flag.store(true, Ordering::SeqCst);
        }
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Ids of the jobs running in this process now.
    pub fn running(&self) -> HashSet<String> {
        lock(&self.flags).keys().cloned().collect()
    }
}

/// The API over one store: what every handler reaches.
pub struct Api {
    store: Arc<Store>,
    events: Arc<dyn Events>,
    place: Place,
    pub jobs: JobControl,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("store", &self.store)
            .field("place", &self.place)
            .finish()
    }
}

impl Api {
    pub fn new(store: Arc<Store>, place: Place, events: Arc<dyn Events>) -> Api {
        Api {
            store,
            events,
            place,
            jobs: JobControl::default(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn place(&self) -> Place {
        self.place
    }

    pub fn events(&self) -> &dyn Events {
        &*self.events
    }

    /// Where automatic (and, on the server, "backup now") backups go:
    /// `backups/` beside the database.
    pub fn backup_dir(&self) -> PathBuf {
        self.store
            .path()
            .parent()
            .map(|p| p.join("backups"))
            .unwrap_or_else(|| PathBuf::from("backups"))
    }

    /// The context of a call with a session: the user as they are now.
    pub fn ctx<'a>(&'a self, token: Option<&'a Token>) -> Result<Ctx<'a>> {
        let token = token.ok_or_else(|| Error::forbidden(Msg::NotLoggedIn))?;
        let session = auth::resume(&self.store, token)?;
        Ok(Ctx {
            api: self,
            session,
            token,
        })
    }
}

/// One call of a logged-in person.
pub struct Ctx<'a> {
    pub api: &'a Api,
    /// Re-read from the database for this call.
    pub session: Session,
    pub token: &'a Token,
}

impl Ctx<'_> {
    pub fn store(&self) -> &Store {
        &self.api.store
    }

    /// Tells everyone these orders changed, and that inboxes may have grown.
    pub(crate) fn changed(&self, numbers: &[String]) {
        self.api.events.orders_changed(numbers);
        self.api.events.inbox_changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderdesk_core::{ErrorKind, seed};
    use serde_json::json;

    fn api() -> (tempfile::TempDir, Api) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("orderdesk.db")).expect("open");
        seed::seed(
            &store,
            &seed::SeedOptions {
                orders: 200,
                seed: 3,
                anchor: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
            },
        )
        .expect("seed");
        (
            dir,
            Api::new(Arc::new(store), Place::Server, Arc::new(NoEvents)),
        )
    }

    fn login(api: &Api, who: &str) -> Token {
        let reply = dispatch(
            api,
            None,
            "login",
            json!({"login": who, "password": "demo"}),
        )
        .expect("login");
        serde_json::from_value::<types::LoginReply>(reply)
            .expect("reply")
            .token
    }

    #[test]
    fn a_command_runs_by_name_with_its_json_parameters() {
        let (_dir, api) = api();
        let token = login(&api, "clerk01");
        let page = dispatch(
            &api,
            Some(&token),
            "search_orders",
            json!({"query": {"limit": 5}}),
        )
        .expect("search");
        let page: types::SearchPage = serde_json::from_value(page).expect("page");
        assert_eq!(page.rows.len(), 5);
        let number = page.rows[0].number.clone();
        let detail = dispatch(
            &api,
            Some(&token),
            "order_detail",
            json!({ "number": number }),
        )
        .expect("detail");
        assert_eq!(detail["number"], json!(number));
    }

    #[test]
    fn every_session_command_refuses_a_call_without_a_token() {
        let (_dir, api) = api();
        for (name, public) in COMMANDS {
            if *public {
                continue;
            }
            let e = dispatch(&api, None, name, json!({})).expect_err(name);
            // Parameters are read first; a command with none reaches the check.
            assert!(e.is_forbidden() || e.is_invalid_input(), "{name}: {e:?}");
            if e.is_forbidden() {
                assert!(matches!(e.msg(), Msg::NotLoggedIn), "{name}: {e:?}");
            }
        }
        let e = dispatch(
            &api,
            Some(&Token::from_wire("forged")),
            "watching",
            json!({}),
        )
        .expect_err("forged token");
        assert!(matches!(e.msg(), Msg::SessionEnded), "{e:?}");
    }

    #[test]
    fn unknown_commands_and_malformed_parameters_are_refused_clearly() {
        let (_dir, api) = api();
        let token = login(&api, "clerk01");
        let e = dispatch(&api, Some(&token), "drop_tables", json!({})).expect_err("unknown");
        assert!(matches!(e.msg(), Msg::UnknownCommand { .. }));
        let e = dispatch(&api, Some(&token), "order_detail", json!({"number": 5}))
            .expect_err("wrong type");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e = dispatch(&api, Some(&token), "order_detail", json!(null)).expect_err("missing");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn a_disabled_user_is_refused_at_the_next_call() {
        let (_dir, api) = api();
        let clerk = login(&api, "clerk02");
        let admin = login(&api, "admin");
        call::watching(&api, Some(&clerk)).expect("works");
        let me = call::me(&api, Some(&clerk)).expect("me");
        call::user_update(
            &api,
            Some(&admin),
            types::UserChange {
                login: "clerk02".into(),
                role: me.role,
                department_id: me.department_id,
                active: false,
            },
        )
        .expect("disable");
        let e = call::watching(&api, Some(&clerk)).expect_err("disabled");
        assert!(matches!(e.msg(), Msg::AccountDisabled { .. }), "{e:?}");
    }

    #[test]
    fn the_server_never_writes_a_backup_where_a_desk_says() {
        let (dir, api) = api();
        let admin = login(&api, "admin");
        let elsewhere = dir.path().join("elsewhere.db").display().to_string();
        let e = call::backup_now(&api, Some(&admin), Some(elsewhere)).expect_err("a path");
        assert!(e.is_invalid_input());
        let b = call::backup_now(&api, Some(&admin), None).expect("into its folder");
        assert!(b.path.contains("backups"), "{}", b.path);
        assert_eq!(
            call::backups_list(&api, Some(&admin)).expect("list").len(),
            0,
            "automatic ones only"
        );
    }
}
