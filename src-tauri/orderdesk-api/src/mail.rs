//! Customer notices on their way out: the mail account's password, kept out
//! of the database, and the delivery passes (one now, or one every little
//! while in the process that holds the database).
//!
//! The password lives in the OS keychain of the PC that holds the database;
//! on the office server (a service, often without a keychain session) and
//! wherever no keychain answers, in `smtp-password` in the data folder,
//! readable by its owner only. It is never returned, shown or logged.
//!
//! One delivery pass runs at a time per database, across processes: a pass
//! holds an OS lock on `<database>.delivery.lock`, which the OS lets go when
//! the process dies. So a notice left `sending` by a killed pass is known to
//! be nobody's, and the next pass sends it again under its stored
//! Message-ID.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use orderdesk_core::auth::Session;
use orderdesk_core::outbox::{self, Delivery, Pass};
use orderdesk_core::store::files;
use orderdesk_core::{Error, ErrorKind, Msg, Result, Store, settings};
use orderdesk_mail::Smtp;

use crate::keys::SERVICE;
use crate::{Api, Place};

const PASSWORD_FILE: &str = "smtp-password";
/// Notices sent at most in one pass.
const PASS_LIMIT: i64 = 200;

/// Where the password of the mail account is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Keychain,
    File,
}

impl Kept {
    pub fn code(self) -> &'static str {
        match self {
            Kept::Keychain => "keychain",
            Kept::File => "file",
        }
    }
}

fn password_file(db: &Path) -> PathBuf {
    db.parent()
        .unwrap_or_else(|| Path::new("."))
        .join(PASSWORD_FILE)
}

fn keychain(db: &Path) -> Option<keyring::Entry> {
    let account = format!("smtp {}", files::canonical(db).display());
    keyring::Entry::new(SERVICE, &account).ok()
}

/// Keeps the password (empty: forgets it). On this PC in the keychain when
/// one answers, else (and on the server) in the owner-only file.
pub fn put_password(place: Place, db: &Path, password: &str) -> Result<Option<Kept>> {
    if password.is_empty() {
        forget_password(db);
        return Ok(None);
    }
    if place == Place::ThisPc
        && let Some(entry) = keychain(db)
    {
        match entry.set_password(password) {
            Ok(()) if entry.get_password().ok().as_deref() == Some(password) => {
                // One place only: an older file copy goes.
                let _ = std::fs::remove_file(password_file(db));
                return Ok(Some(Kept::Keychain));
            }
            Ok(()) => log::warn!("keychain: the mail password did not read back; kept in a file"),
            Err(e) => log::warn!("keychain: {e}; the mail password is kept in a file"),
        }
    }
    files::write_private(&password_file(db), password.as_bytes())?;
    Ok(Some(Kept::File))
}

/// The password and where it is kept, if any.
pub fn password(place: Place, db: &Path) -> Option<(String, Kept)> {
    if place == Place::ThisPc
        && let Some(entry) = keychain(db)
        && let Ok(p) = entry.get_password()
    {
        return Some((p, Kept::Keychain));
    }
    std::fs::read_to_string(password_file(db))
        .ok()
        .map(|p| (p, Kept::File))
}

fn forget_password(db: &Path) {
    if let Some(entry) = keychain(db) {
        let _ = entry.delete_credential();
    }
    let _ = std::fs::remove_file(password_file(db));
}

/// The lock that makes a delivery pass the only one on its database.
fn lock_file(store: &Store) -> Result<File> {
    let mut path = store.path().as_os_str().to_owned();
    path.push(".delivery.lock");
    let path = PathBuf::from(path);
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| {
            let path = path.display().to_string();
            Error::with_source(ErrorKind::Storage, Msg::CannotWrite { path }, e)
        })
}

/// The mail channel as the settings and the kept password make it, for an
/// administrator's test; None while no mail server is set up.
pub fn channel(api: &Api, s: &Session) -> Result<Option<Smtp>> {
    let m = settings::mail_for(api.store(), s)?;
    if !m.configured() {
        return Ok(None);
    }
    let password = password(api.place(), api.store().path()).map(|(p, _)| p);
    Ok(Some(Smtp::new(m, password)))
}

/// One delivery pass now (a person asked), waiting for a pass of another
/// process to end.
pub fn deliver_now(api: &Api, s: &Session) -> Result<Vec<Delivery>> {
    deliver(api, Pass::Now(s))
}

/// A pass under the lock: `Now` waits for it and says when no mail server is
/// set up; `Scheduled` goes away quietly. The keychain is asked for the
/// password only when something is due.
fn deliver(api: &Api, pass: Pass) -> Result<Vec<Delivery>> {
    pass.allowed()?;
    let store = api.store();
    let settings = settings::mail(store)?;
    if !settings.configured() {
        return match pass {
            Pass::Now(_) => Err(Error::new(ErrorKind::RuleViolation, Msg::MailNotConfigured)),
            Pass::Scheduled => Ok(Vec::new()),
        };
    }
    let lock = lock_file(store)?;
    match pass {
        Pass::Now(_) => lock
            .lock()
            .map_err(|e| Error::with_source(ErrorKind::Storage, Msg::Internal, e))?,
        Pass::Scheduled if lock.try_lock().is_err() => return Ok(Vec::new()),
        Pass::Scheduled => {}
    }
    let due = outbox::due(store, pass, PASS_LIMIT)?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let password = password(api.place(), store.path()).map(|(p, _)| p);
    let out = outbox::send(store, &Smtp::new(settings, password), &due)?;
    drop(lock);
    told(api, &out);
    Ok(out)
}

fn told(api: &Api, out: &[Delivery]) {
    if out.is_empty() {
        return;
    }
    let numbers: Vec<String> = out.iter().map(|d| d.order_number.clone()).collect();
    api.events().orders_changed(&numbers);
    api.events().inbox_changed();
}

/// Delivers in the background, a pass every `every`, until the process
/// shuts down (`Api::jobs.stop_all`) or the API is dropped (a desk switched
/// to the office server). The process that holds the database runs it: the
/// office server, or the desktop app on "this PC".
pub fn spawn_delivery(
    api: &Arc<Api>,
    every: Duration,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let api = Arc::downgrade(api);
    std::thread::Builder::new()
        .name("delivery".into())
        .spawn(move || {
            let tick = Duration::from_millis(250);
            let mut waited = every;
            loop {
                let Some(api) = api.upgrade() else { return };
                if api.jobs.is_stopping() {
                    return;
                }
                if waited >= every {
                    waited = Duration::ZERO;
                    if let Err(e) = deliver(&api, Pass::Scheduled) {
                        log::warn!("delivery: {}", e.log_detail());
                    }
                }
                drop(api);
                std::thread::sleep(tick);
                waited += tick;
            }
        })
}
