//! Logging in, the `Session` every use-case takes, and the rights of
//! DESIGN.md section 3. Rights are decided here, in the core; front ends only
//! show what the answers allow.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::domain::{DepartmentId, Role, UserId};
use crate::error::{Error, Msg, Result};
use crate::store::orders::Order;
use crate::store::{self, Store};

/// Failed logins in a row before the account locks.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a lock lasts.
pub const LOCKOUT_MINUTES: i64 = 5;

/// Who is acting. Made only by `login` (or `session_for` in trusted tools).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Session {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: DepartmentId,
}

impl Session {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    pub fn is_manager(&self) -> bool {
        matches!(self.role, Role::Manager | Role::Admin)
    }
}

/// An argon2id hash in PHC format, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("hashing failed: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The longest password accepted: argon2 would hash megabytes, slowly.
pub const MAX_PASSWORD: usize = 256;

/// A hash of a random password nobody knows, made once: checked for logins
/// that are no user, so an unknown login takes as long as a known one.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let secret = format!("{:032x}", rand::random::<u128>());
        hash_password(&secret).unwrap_or_default()
    })
}

/// Checks a password and opens a session. The password is checked first;
/// only the right one learns that the account is disabled or locked. Five
/// failures in a row lock the account for five minutes, counted in one
/// statement; the last two attempts are warned of. A login that is no user
/// is answered (and counted, and timed) exactly like a wrong password. The
/// slow hash check runs outside the write transaction.
pub fn login(store: &Store, login: &str, password: &str) -> Result<Session> {
    let now = store.now();
    let login = login.trim();
    let user = store.read(|c| store::users::by_login(c, login))?;
    let hash = user
        .as_ref()
        .map_or(dummy_hash(), |u| u.password_hash.as_str());
    let right = password.chars().count() <= MAX_PASSWORD && password_matches(password, hash);
    let until = store::stamp(now + Duration::minutes(LOCKOUT_MINUTES));
    store.write(|tx| {
        let Some(user) = user.as_ref() else {
            let key = login.to_lowercase();
            let (failures, locked) =
                store::users::count_unknown_failure(tx, &key, MAX_FAILED_LOGINS, &until)?;
            return Ok(Err(failure(failures, locked.as_deref(), now)));
        };
        // As stored now: a lock set by another attempt meanwhile counts.
        let current = store::users::by_id(tx, user.id)?
            .ok_or_else(|| Error::internal("user vanished during login"))?;
        if !right {
            let (failures, locked) =
                store::users::count_failure(tx, user.id, MAX_FAILED_LOGINS, &until)?;
            return Ok(Err(failure(failures, locked.as_deref(), now)));
        }
        if !current.active {
            return Ok(Err(Error::forbidden(Msg::AccountDisabled {
                login: current.login,
            })));
        }
        if let Some(until) = locked_until(&current.locked_until, now) {
            return Ok(Err(locked_error(until, now)));
        }
        if current.failed_logins != 0 || current.locked_until.is_some() {
            store::users::set_login_failures(tx, user.id, 0, None)?;
        }
        Ok(Ok(session_of(&current)))
    })?
}

/// The answer to a wrong password: locked when this attempt locked it, a
/// warning when one or two attempts are left, else just wrong.
fn failure(failures: i64, locked: Option<&str>, now: DateTime<Utc>) -> Error {
    if failures == 0
        && let Some(until) = locked_until(&locked.map(str::to_string), now)
    {
        return locked_error(until, now);
    }
    let left = MAX_FAILED_LOGINS - failures;
    if left <= 2 {
        return Error::forbidden(Msg::WrongCredentialsTriesLeft {
            left,
            minutes: LOCKOUT_MINUTES,
        });
    }
    Error::forbidden(Msg::WrongCredentials)
}

fn locked_error(until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    let seconds = (until - now).num_seconds().max(0);
    Error::forbidden(Msg::AccountLocked {
        until: until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        minutes: (seconds + 59) / 60,
    })
}

fn locked_until(stored: &Option<String>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let until = DateTime::parse_from_rfc3339(stored.as_deref()?).ok()?;
    let until = until.with_timezone(&Utc);
    (until > now).then_some(until)
}

fn session_of(user: &store::users::User) -> Session {
    Session {
        user_id: user.id,
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        department_id: user.department_id,
    }
}

/// A session without a password, for tools that already hold the database
/// file (data generation, benchmarks). Never reachable from the desktop UI.
pub fn session_for(store: &Store, login: &str) -> Result<Session> {
    store.read(|c| {
        store::users::by_login(c, login)?
            .map(|u| session_of(&u))
            .ok_or_else(|| {
                Error::not_found(Msg::UserNotFound {
                    login: login.into(),
                })
            })
    })
}

pub fn require_manager(s: &Session) -> Result<()> {
    if s.is_manager() {
        Ok(())
    } else {
        Err(Error::forbidden(Msg::ManagersOnly))
    }
}

pub fn require_admin(s: &Session) -> Result<()> {
    if s.is_admin() {
        Ok(())
    } else {
        Err(Error::forbidden(Msg::AdminsOnly))
    }
}

/// May `s` see this order? Its department, its handler, its watchers, admins.
pub fn can_read(c: &Connection, s: &Session, o: &Order) -> Result<()> {
    if s.is_admin()
        || o.department_id == s.department_id
        || o.handler_id == Some(s.user_id)
        || store::orders::is_watcher(c, o.id, s.user_id)?
    {
        Ok(())
    } else {
        Err(Error::forbidden(Msg::NoAccess {
            number: o.number.clone(),
        }))
    }
}

/// May `s` change this order (cancel it, move it on)? Its handler, the
/// department's manager, admins. A watcher reads only. Also refuses archived
/// orders, which nobody may change.
pub fn can_modify(c: &Connection, s: &Session, o: &Order) -> Result<()> {
    can_read(c, s, o)?;
    if o.is_archived() {
        return Err(Error::rule(Msg::ArchivedReadOnly {
            number: o.number.clone(),
        }));
    }
    if s.is_admin() || o.handler_id == Some(s.user_id) {
        return Ok(());
    }
    if s.is_manager() && o.department_id == s.department_id {
        return Ok(());
    }
    let number = o.number.clone();
    if store::orders::is_watcher(c, o.id, s.user_id)? {
        Err(Error::forbidden(Msg::WatcherOnly { number }))
    } else if o.department_id == s.department_id {
        Err(Error::forbidden(Msg::NotYourOrder { number }))
    } else {
        Err(Error::forbidden(Msg::OtherDepartment { number }))
    }
}

/// May `s` approve or reject cancellations of this order, or archive it?
/// Managers of its department, admins.
pub fn can_manage(c: &Connection, s: &Session, o: &Order) -> Result<()> {
    can_read(c, s, o)?;
    if o.is_archived() {
        return Err(Error::rule(Msg::ArchivedReadOnly {
            number: o.number.clone(),
        }));
    }
    require_manager(s)?;
    if s.is_admin() || o.department_id == s.department_id {
        Ok(())
    } else {
        Err(Error::forbidden(Msg::OtherDepartment {
            number: o.number.clone(),
        }))
    }
}

/// A session's bearer token: 32 random bytes, hex. Never printed: `Debug`
/// shows only that there is one, so tokens stay out of logs.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl Token {
    fn fresh() -> Token {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Token(hex::encode(bytes))
    }

    /// A token as a client sent it.
    pub fn from_wire(text: &str) -> Token {
        Token(text.trim().to_string())
    }

    /// The text to send (an `Authorization: Bearer` header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps: the SHA-256 of the token.
    fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// How stale `last_seen_at` may get before a call writes it again: a busy
/// session costs one small write a minute, not one per call (and never more
/// than a quarter of the idle time, so a short lock is not reached early).
fn touch_after(idle_minutes: i64) -> Duration {
    Duration::seconds((idle_minutes * 15).clamp(1, 60))
}

/// Whether a session last seen at `last_seen` is past the idle lock now.
fn idle_past(last_seen: &str, now: DateTime<Utc>, idle_minutes: i64) -> bool {
    let last = DateTime::parse_from_rfc3339(last_seen)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    now - last > Duration::minutes(idle_minutes)
}

/// Logs in (as [`login`]) and opens a session that later calls name by its
/// token. `client` says what logged in ("desk", "cli"), for the server's status.
pub fn open_session(
    store: &Store,
    login_name: &str,
    password: &str,
    client: &str,
) -> Result<(Token, Session)> {
    let session = login(store, login_name, password)?;
    let token = Token::fresh();
    let now = store.now();
    store.write(|tx| {
        let idle = crate::settings::session_rules_in(tx)?.idle_lock_minutes;
        let stale = store::stamp(now - Duration::minutes(idle));
        store::sessions::delete_idle(tx, &stale)?;
        store::sessions::insert(
            tx,
            &token.hash(),
            session.user_id,
            &store::stamp(now),
            client,
        )
    })?;
    Ok((token, session))
}

/// The session a token names, re-checked against the user as they are now:
/// a disabled user is refused, a changed role or department takes effect at
/// once. A session idle longer than the administrator's setting is locked
/// (for good: unlocking is logging in again, which opens a new session).
pub fn resume(store: &Store, token: &Token) -> Result<Session> {
    let hash = token.hash();
    let now = store.now();
    let (row, user, idle) = store.read(|c| {
        let row = store::sessions::get(c, &hash)?;
        let user = match &row {
            Some(r) => store::users::by_id(c, r.user_id)?,
            None => None,
        };
        if row.is_none() && store::sessions::ended_reason(c, &hash)?.is_some() {
            return Err(Error::forbidden(Msg::DatabaseRestored));
        }
        Ok((
            row,
            user,
            crate::settings::session_rules_in(c)?.idle_lock_minutes,
        ))
    })?;
    let (Some(row), Some(user)) = (row, user) else {
        return Err(Error::forbidden(Msg::SessionEnded));
    };
    if !user.active {
        // Kept, so every later call says why (the idle purge forgets it).
        return Err(Error::forbidden(Msg::AccountDisabled { login: user.login }));
    }
    if idle_past(&row.last_seen_at, now, idle) {
        return Err(Error::forbidden(Msg::SessionLocked { minutes: idle }));
    }
    let last = DateTime::parse_from_rfc3339(&row.last_seen_at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    if now - last > touch_after(idle) {
        store.write(|tx| store::sessions::touch(tx, &hash, &store::stamp(now)))?;
    }
    Ok(session_of(&user))
}

/// The session a token names, as [`resume`] would see it, but without
/// counting as activity or ending anything: for the server's own checks
/// (whom to send an event), never for a person's call.
pub fn peek(store: &Store, token: &Token) -> Result<Session> {
    let hash = token.hash();
    let now = store.now();
    store.read(|c| {
        let Some(row) = store::sessions::get(c, &hash)? else {
            return Err(Error::forbidden(Msg::SessionEnded));
        };
        let idle = crate::settings::session_rules_in(c)?.idle_lock_minutes;
        match store::users::by_id(c, row.user_id)? {
            Some(u) if !u.active => Err(Error::forbidden(Msg::AccountDisabled { login: u.login })),
            Some(_) if idle_past(&row.last_seen_at, now, idle) => {
                Err(Error::forbidden(Msg::SessionLocked { minutes: idle }))
            }
            Some(u) => Ok(session_of(&u)),
            None => Err(Error::forbidden(Msg::SessionEnded)),
        }
    })
}

/// Ends a session (logout, or the window locked). Ending one that is already
/// gone is not an error.
pub fn close_session(store: &Store, token: &Token) -> Result<()> {
    store.write(|tx| store::sessions::delete(tx, &token.hash()))?;
    Ok(())
}

/// Shortest password accepted for new accounts.
pub const MIN_PASSWORD: usize = 8;

/// Checks a login name: 2–40 of a-z, 0-9, `.`, `_`, `-`.
pub fn check_login(login: &str) -> Result<()> {
    let ok = (2..=40).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(Msg::BadField {
            field: "login".into(),
            value: login.to_string(),
        }))
    }
}

/// On an empty database ("start empty"), creates the head-office department
/// and the first administrator, and logs them in.
pub fn create_first_admin(
    store: &Store,
    login: &str,
    display_name: &str,
    password: &str,
) -> Result<Session> {
    let login = login.trim();
    check_login(login)?;
    if display_name.trim().is_empty() || display_name.chars().count() > 60 {
        return Err(Error::invalid(Msg::BadField {
            field: "name".into(),
            value: display_name.to_string(),
        }));
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::invalid(Msg::PasswordTooShort { min: MIN_PASSWORD }));
    }
    if password.chars().count() > MAX_PASSWORD {
        return Err(Error::invalid(Msg::TextTooLong {
            field: "password".into(),
            max: MAX_PASSWORD,
        }));
    }
    let hash = hash_password(password)?;
    store.write(|tx| {
        if store::users::count(tx)? > 0 {
            return Err(Error::rule(Msg::AlreadySetUp));
        }
        let department = store::users::insert_department(tx, "总部", "Head Office")?;
        let id = store::users::insert(
            tx,
            &store::users::NewUser {
                login,
                display_name: display_name.trim(),
                role: Role::Admin,
                department_id: department,
                password_hash: &hash,
            },
        )?;
        Ok(Session {
            user_id: id,
            login: login.to_string(),
            display_name: display_name.trim().to_string(),
            role: Role::Admin,
            department_id: department,
        })
    })
}

/// Whether the database has no users yet (first start).
pub fn is_empty(store: &Store) -> Result<bool> {
    store.read(|c| Ok(store::users::count(c)? == 0))
}
