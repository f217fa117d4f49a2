//! What the app holds between commands: the store, who is logged in, the
//! language, and stop flags of running bulk jobs. Nothing here decides a
//! rule; every command passes the session to the core.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::sync::{Arc, Mutex, MutexGuard};

use orderdesk_core::auth::Session;
use orderdesk_core::domain::Lang;
use orderdesk_core::{Error, Msg, Store};

use crate::error::{BridgeError, BridgeResult};

pub struct AppState {
    store: Result<Arc<Store>, Error>,
    session: Mutex<Option<Session>>,
    lang: Mutex<Lang>,
    stops: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Newest inbox id already shown as a desktop notification.
    pub last_shown: AtomicI64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(store: Result<Store, Error>, lang: Lang) -> AppState {
        AppState {
            store: store.map(Arc::new),
            session: Mutex::new(None),
            lang: Mutex::new(lang),
            stops: Mutex::new(HashMap::new()),
            last_shown: AtomicI64::new(0),
        }
    }

    pub fn lang(&self) -> Lang {
        *lock(&self.lang)
    }

    pub fn set_lang(&self, lang: Lang) {
        *lock(&self.lang) = lang;
    }

    pub fn fail(&self, e: &Error) -> BridgeError {
        BridgeError::from_core(e, self.lang())
    }

    pub fn store(&self) -> BridgeResult<Arc<Store>> {
        self.store
            .as_ref()
            .map(Arc::clone)
            .map_err(|e| self.fail(e))
    }

    /// The database could not be opened: why, in the user's language.
    pub fn open_error(&self) -> Option<String> {
        self.store.as_ref().err().map(|e| e.message(self.lang()))
    }

    pub fn session(&self) -> BridgeResult<Session> {
        lock(&self.session)
            .clone()
            .ok_or_else(|| self.fail(&Error::forbidden(Msg::NotLoggedIn)))
    }

    pub fn current_session(&self) -> Option<Session> {
        lock(&self.session).clone()
    }

    pub fn set_session(&self, session: Option<Session>) {
        *lock(&self.session) = session;
        self.last_shown
            .store(0, std::sync::atomic::Ordering::SeqCst);
    }

    /// Runs a core call with the store and the session, mapping its error.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Store, &Session) -> orderdesk_core::Result<T>,
    ) -> BridgeResult<T> {
        let store = self.store()?;
        let session = self.session()?;
        f(&store, &session).map_err(|e| self.fail(&e))
    }

    pub fn stop_flag(&self, job: &str) -> Arc<AtomicBool> {
        lock(&self.stops)
            .entry(job.to_string())
            .or_insert_with(|| Arc::new(AtomicBool::new(false)))
            .clone()
    }

    pub fn forget_job(&self, job: &str) {
        lock(&self.stops).remove(job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderdesk_core::ErrorKind;

    fn state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("t.db"));
        (dir, AppState::new(store, Lang::En))
    }

    #[test]
    fn commands_refuse_without_a_session_in_the_users_language() {
        let (_dir, state) = state();
        let e = state.with(|_, _| Ok(())).expect_err("logged out");
        assert_eq!(e.kind, ErrorKind::Forbidden);
        assert_eq!(e.message, "Please log in first.");
        state.set_lang(Lang::ZhCn);
        assert_eq!(
            state.session().expect_err("logged out").message,
            "请先登录。"
        );
    }

    #[test]
    fn a_database_that_cannot_open_is_reported_not_panicked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "not a database at all, just some notes ".repeat(100))
            .expect("write");
        let state = AppState::new(Store::open(&path), Lang::En);
        assert!(
            state
                .open_error()
                .is_some_and(|m| m.contains("not an SQLite database"))
        );
        assert_eq!(
            state.store().err().map(|e| e.kind),
            Some(ErrorKind::Storage)
        );
    }

    #[test]
    fn the_session_reaches_the_core_and_core_errors_come_back_typed() {
        let (_dir, state) = state();
        let store = state.store().expect("store");
        let admin = orderdesk_core::auth::create_first_admin(&store, "boss", "Boss", "long-enough")
            .expect("admin");
        state.set_session(Some(admin));
        let e = state
            .with(|store, s| orderdesk_core::detail::get(store, s, "SO-2026-000001"))
            .expect_err("missing");
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("SO-2026-000001"));
        let stop = state.stop_flag("job");
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(
            state
                .stop_flag("job")
                .load(std::sync::atomic::Ordering::SeqCst)
        );
        state.forget_job("job");
        assert!(
            !state
                .stop_flag("job")
                .load(std::sync::atomic::Ordering::SeqCst)
        );
    }
}
