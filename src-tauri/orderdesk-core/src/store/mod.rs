//! The SQLite store: opening the file, migrations, connections and transactions.
//!
//! All SQL of the product lives below this module, one submodule per table or
//! aggregate. One writer connection (every write is `BEGIN IMMEDIATE`) and a
//! small pool of read-only connections, so a long report never blocks a cancel.
//! Nothing here knows the lifecycle rules; the use-case modules do.

pub mod acl;
pub mod archive;
pub mod audit;
pub mod bulk;
pub mod customers;
pub mod events;
pub mod files;
pub mod inbox;
pub mod invariants;
pub mod jobs;
pub mod orders;
pub mod outbox;
pub mod products;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

use crate::cipher::{DbKey, KeyKeeper};
use crate::error::{Error, ErrorKind, Msg, Result};

/// Marks a file as ours (`PRAGMA application_id`): "ODK1".
const APPLICATION_ID: i64 = 0x4F44_4B31;
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_settings_audit.sql"),
    include_str!("migrations/0003_number_in_department.sql"),
    include_str!("migrations/0004_statistics.sql"),
    include_str!("migrations/0005_sessions.sql"),
    include_str!("migrations/0006_own_data.sql"),
    include_str!("migrations/0007_customer_message.sql"),
    include_str!("migrations/0008_initials.sql"),
    include_str!("migrations/0009_login_failures.sql"),
    include_str!("migrations/0010_ended_sessions.sql"),
    include_str!("migrations/0011_audit_anchor.sql"),
    include_str!("migrations/0012_outbox_queue.sql"),
];
/// Rows `ANALYZE` samples per index: at 1,000 the planner's statistics were
/// off by a factor of 300 on a million orders; at 10,000, by two.
const ANALYSIS_LIMIT: i64 = 10_000;
const READERS_KEPT: usize = 4;

type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An open OrderDesk database. Cheap to share behind an `Arc`; `Send + Sync`.
pub struct Store {
    path: PathBuf,
    /// SQLCipher's key, when the file is encrypted (it changes once, when
    /// an administrator encrypts the database).
    key: RwLock<Option<DbKey>>,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Every reader holds it shared; replacing the file under the store
    /// (encrypting it) holds it alone, after the writer, so no connection
    /// is open on the old file then.
    gate: RwLock<()>,
    clock: Clock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if missing) the database at `path` and brings its schema
    /// up to date. A file that is not an OrderDesk database is left untouched.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with_key(path, None)
    }

    /// Opens the database at `path` with SQLCipher's `key` (None: a plain
    /// file). A new file with a key is encrypted from its first page. An
    /// encrypted file without its key, or with another key, is refused with
    /// a message that says so.
    pub fn open_with_key(path: impl AsRef<Path>, key: Option<DbKey>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let new = !path.exists();
        let mut conn = connect(&path, OpenFlags::default(), key.as_ref())?;
        if new {
            // Before the WAL exists: SQLite gives its -wal and -shm the
            // database file's permissions.
            files::make_private(&path)?;
        }
        let shown = path.display().to_string();
        check_is_ours(&conn, &shown)?;
        configure(&conn, true).map_err(|e| open_error(e, &shown))?;
        // Windows gives the WAL and its index (made anew at each open) their
        // folder's rights, not the database's: the data folders OrderDesk
        // makes are private, and a database kept elsewhere gets its side
        // files made private here where Windows lets this account.
        if cfg!(windows) {
            for side in ["-wal", "-shm"] {
                let mut name = path.as_os_str().to_owned();
                name.push(side);
                let _ = files::make_private(Path::new(&name));
            }
        }
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| Error::with_source(ErrorKind::Storage, Msg::Storage, e))?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        // Re-samples the statistics of tables that have grown or shrunk a lot
        // since they were last sampled (a site that started empty); a check
        // of a millisecond or two otherwise. 0x10002 keeps our sample size
        // rather than SQLite's smaller default for `optimize`. Best effort: a
        // busy or full disk must not keep the data from opening; the next
        // open tries again.
        let _ = conn.execute_batch("PRAGMA optimize = 0x10002");
        Ok(Store {
            path,
            key: RwLock::new(key),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            gate: RwLock::new(()),
            clock: Arc::new(Utc::now),
        })
    }

    /// Whether the file is encrypted (SQLCipher, with a key).
    pub fn encrypted(&self) -> bool {
        self.key().is_some()
    }

    /// The key the file is encrypted with; None when it is plain.
    pub(crate) fn key(&self) -> Option<DbKey> {
        self.key
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// One setting of the OrderDesk database at `path`, read through a
    /// read-only connection: nothing is written, not even to a file that
    /// turns out to be someone else's. None when it is not set.
    pub fn peek_setting(
        path: impl AsRef<Path>,
        db_key: Option<&DbKey>,
        key: &str,
    ) -> Result<Option<String>> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY, db_key)?;
        check_is_ours(&conn, &shown)?;
        let has_settings: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'settings'",
            [],
            |r| r.get(0),
        )?;
        if !has_settings {
            return Ok(None);
        }
        settings::get(&conn, key)
    }

    /// Replaces the clock (tests use it to step past a lockout).
    pub fn set_clock(&mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) {
        self.clock = Arc::new(clock);
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`): all or nothing.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on a read-only connection inside one read transaction, so that
    /// a count and its page see the same snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let _open = self.gate.read().unwrap_or_else(|p| p.into_inner());
        let mut conn = match lock(&self.readers).pop() {
            Some(conn) => conn,
            None => self.open_reader()?,
        };
        let out = {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = f(&tx);
            tx.finish()?;
            out
        };
        let mut readers = lock(&self.readers);
        if readers.len() < READERS_KEPT {
            readers.push(conn);
        }
        out
    }

    /// A read-only connection; the caller holds the gate.
    fn open_reader(&self) -> Result<Connection> {
        let conn = connect(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
            self.key().as_ref(),
        )?;
        configure(&conn, false)?;
        Ok(conn)
    }

    /// Online backup to `target` through SQLite's backup API (never a file copy
    /// of a live WAL database), read from its own connection so writers go on.
    /// The copy is written beside the target under another name, checked
    /// whole (`integrity_check` and the audit chain), made private to its
    /// owner, and only then renamed over the target: a failed backup leaves
    /// the previous one as it was. The live database (under any spelling)
    /// and its `-wal`/`-shm` are refused.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        self.refuse_live(target)?;
        let shown = target.display().to_string();
        let partial = files::partial_beside(target);
        let made = self.backup_into(&partial, &shown).and_then(|point| {
            files::make_private(&partial)?;
            files::replace(&partial, target).map_err(|e| {
                Error::with_source(
                    ErrorKind::Storage,
                    Msg::CannotWrite {
                        path: shown.clone(),
                    },
                    e,
                )
            })?;
            Ok(point)
        });
        match made {
            // Only a backup that is in place has its checkpoint kept.
            Ok(point) => self.keep_checkpoint(&point),
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                Err(e)
            }
        }
    }

    /// A copy with no checks, made private: the database as it is before a
    /// restore replaces it (it may be kept precisely because it is damaged).
    pub fn copy_unchecked(&self, target: &Path) -> Result<()> {
        self.refuse_live(target)?;
        let shown = target.display().to_string();
        let _open = self.gate.read().unwrap_or_else(|p| p.into_inner());
        let source = self.open_reader()?;
        let mut dest = connect(target, OpenFlags::default(), self.key().as_ref())?;
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut dest)
                .map_err(|e| open_error(e, &shown))?;
            backup
                .run_to_completion(4096, Duration::from_millis(0), None)
                .map_err(|e| open_error(e, &shown))?;
        }
        dest.pragma_update(None, "journal_mode", "DELETE")?;
        drop(dest);
        files::make_private(target)
    }

    /// A checkpoint a backup carries is also kept by the live database and
    /// the file beside it.
    fn keep_checkpoint(&self, point: &crate::audit::Checkpoint) -> Result<()> {
        self.write(|tx| audit::insert(tx, point))?;
        crate::audit::append_line(&crate::audit::beside(&self.path), point)
    }

    /// Copies into `partial`, records the copy's checkpoint in it, checks it.
    fn backup_into(&self, partial: &Path, shown: &str) -> Result<crate::audit::Checkpoint> {
        let _open = self.gate.read().unwrap_or_else(|p| p.into_inner());
        let source = self.open_reader()?;
        // Encrypted with the database's own key: a backup is no easier to
        // read than the database.
        let mut dest = connect(partial, OpenFlags::default(), self.key().as_ref())?;
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut dest)
                .map_err(|e| open_error(e, shown))?;
            backup
                .run_to_completion(4096, Duration::from_millis(0), None)
                .map_err(|e| open_error(e, shown))?;
        }
        let point = crate::audit::checkpoint_in(&dest, &stamp(self.now()))?;
        audit::insert(&dest, &point)?;
        verify_copy(&dest)?;
        // A copy is one file: no WAL beside it.
        dest.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(point)
    }

    /// Refuses `target` when it is the live database or one of its side
    /// files, however it is spelt (relative, `./`, a symlink, another case
    /// on Windows and macOS, another hard link).
    fn refuse_live(&self, target: &Path) -> Result<()> {
        let live = files::canonical(&self.path);
        let wanted = files::canonical(target);
        let same_name = ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
            let mut side = live.clone().into_os_string();
            side.push(suffix);
            files::same_path(&wanted, Path::new(&side))
        });
        if same_name || files::same_file(target, &self.path) {
            return Err(Error::invalid(Msg::BackupOntoLive {
                path: target.display().to_string(),
            }));
        }
        Ok(())
    }

    /// Replaces this database's content with the OrderDesk database at
    /// `source` (encrypted with `source_key`, or plain) through SQLite's
    /// backup API, into the writer (every connection sees the result; no
    /// file is swapped under them), then brings its schema up to date. A
    /// source under another key than this database's is first exported to a
    /// copy under this database's key. `source` must already be checked
    /// (`check_restorable`).
    pub fn replace_with(&self, source: &Path, source_key: Option<&DbKey>) -> Result<()> {
        let own = self.key();
        let converted = files::partial_beside(&self.path.with_extension("restore.db"));
        let from_path = if source_key == own.as_ref() {
            source.to_path_buf()
        } else {
            let _ = std::fs::remove_file(&converted);
            export(source, source_key, &converted, own.as_ref())?;
            converted.clone()
        };
        let replaced = self.replace_from(&from_path, own.as_ref());
        let _ = std::fs::remove_file(&converted);
        replaced
    }

    fn replace_from(&self, source: &Path, key: Option<&DbKey>) -> Result<()> {
        let shown = source.display().to_string();
        let from = connect(source, OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
        let mut writer = lock(&self.writer);
        {
            let backup = rusqlite::backup::Backup::new(&from, &mut writer)
                .map_err(|e| open_error(e, &shown))?;
            backup
                .run_to_completion(4096, Duration::from_millis(0), None)
                .map_err(|e| open_error(e, &shown))?;
        }
        migrations()
            .to_latest(&mut writer)
            .map_err(|e| Error::with_source(ErrorKind::Storage, Msg::Storage, e))?;
        writer.pragma_update(None, "application_id", APPLICATION_ID)?;
        drop(writer);
        // Readers opened before would keep their own cache: open new ones.
        lock(&self.readers).clear();
        Ok(())
    }

    /// Encrypts the database with `key`: a copy under the key is written
    /// beside it, checked whole (`integrity_check`, the audit chain, the same
    /// number of orders and events), and only then renamed over the file;
    /// the store goes on with the encrypted file. Everything else waits
    /// meanwhile (seconds for a large database). `keeper` keeps the key
    /// first; a failure leaves the plain file as it was and the key
    /// forgotten, and once the file is encrypted its key is never forgotten.
    pub fn encrypt(&self, key: DbKey, keeper: &dyn KeyKeeper) -> Result<()> {
        let mut writer = lock(&self.writer);
        let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
        if self.encrypted() {
            return Err(Error::invalid(Msg::AlreadyEncrypted));
        }
        keeper.keep(&key)?;
        let done = self.encrypt_locked(&mut writer, key);
        if done.is_err() && !self.encrypted() && !files::looks_encrypted(&self.path) {
            keeper.forget();
        }
        done
    }

    /// `encrypt`, its locks held.
    fn encrypt_locked(&self, writer: &mut Connection, key: DbKey) -> Result<()> {
        let shown = self.path.display().to_string();
        writer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        let partial = files::partial_beside(&self.path);
        let _ = std::fs::remove_file(&partial);
        let made = export(&self.path, None, &partial, Some(&key)).and_then(|()| {
            let copy = connect(&partial, OpenFlags::SQLITE_OPEN_READ_ONLY, Some(&key))?;
            verify_copy(&copy)?;
            let counts = |c: &Connection| -> Result<(i64, i64, i64)> {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM archived_orders),
                            (SELECT count(*) FROM order_events),
                            (SELECT count(*) FROM settings_events)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            };
            if counts(&copy)? != counts(writer)? {
                return Err(Error::new(
                    ErrorKind::Storage,
                    Msg::CopyDamaged {
                        detail: "the encrypted copy does not hold every row".into(),
                    },
                ));
            }
            drop(copy);
            files::make_private(&partial)
        });
        if let Err(e) = made {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        // No connection may stay on the plain file: the readers go, the
        // writer closes (its WAL, checkpointed, goes with it).
        lock(&self.readers).clear();
        let plain = std::mem::replace(&mut *writer, Connection::open_in_memory()?);
        if let Err((_, e)) = plain.close() {
            let _ = std::fs::remove_file(&partial);
            *writer = connect(&self.path, OpenFlags::default(), None)?;
            configure(writer, true)?;
            return Err(open_error(e, &shown));
        }
        let swapped = files::replace(&partial, &self.path);
        if swapped.is_ok() {
            *self.key.write().unwrap_or_else(|p| p.into_inner()) = Some(key);
        }
        let reopened = connect(&self.path, OpenFlags::default(), self.key().as_ref())?;
        configure(&reopened, true).map_err(|e| open_error(e, &shown))?;
        *writer = reopened;
        swapped.map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            Error::with_source(ErrorKind::Storage, Msg::CannotOpen { path: shown }, e)
        })
    }

    /// SQLite's `quick_check` of the live file, from a reader (writers go on):
    /// "ok", or what it found.
    pub fn quick_check(&self) -> Result<String> {
        let _open = self.gate.read().unwrap_or_else(|p| p.into_inner());
        let conn = self.open_reader()?;
        let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        Ok(verdict)
    }

    /// Gives back the writer's page cache after a large job (the cache is
    /// large so that bulk archives run fast; idle, the app stays small).
    pub fn release_memory(&self) {
        let conn = lock(&self.writer);
        let _ = conn.execute_batch("PRAGMA shrink_memory");
    }

    /// Samples the statistics afresh after a large load, so the planner
    /// picks the right index for searches.
    pub fn optimize(&self) -> Result<()> {
        let conn = lock(&self.writer);
        conn.execute_batch("ANALYZE")?;
        Ok(())
    }
}

/// The migration whose hook reads every customer's initials again.
const REINDEX_INITIALS: usize = 7;

fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            .enumerate()
            .map(|(i, sql)| {
                if i == REINDEX_INITIALS {
                    M::up_with_hook(sql, |tx: &Transaction| {
                        customers::reindex_initials(tx, crate::names::initials)
                            .map(|_| ())
                            .map_err(|e| rusqlite_migration::HookError::Hook(e.log_detail()))
                    })
                } else {
                    M::up(sql)
                }
            })
            .collect(),
    )
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock dropped its transaction (rolled back), so
    // the connection inside is still sound.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection, writer: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    if writer {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Checkpoint every ~64 MB of WAL rather than 4 MB, and keep up to
        // 128 MB of pages: a bulk archive rewrites the same index pages batch
        // after batch, and then reads and copies each of them once instead of
        // many times. `release_memory` gives the cache back after a job.
        conn.pragma_update(None, "wal_autocheckpoint", 16_000)?;
        conn.pragma_update(None, "cache_size", -131_072)?;
        conn.pragma_update(None, "analysis_limit", ANALYSIS_LIMIT)?;
    }
    if !writer {
        conn.pragma_update(None, "cache_size", -32_000)?;
    }
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Refuses files that are not SQLite, or that belong to another program,
/// before anything is written to them.
fn check_is_ours(conn: &Connection, shown: &str) -> Result<()> {
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| open_error(e, shown))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(Error::with_source(
            ErrorKind::Storage,
            Msg::ForeignDatabase { path: shown.into() },
            format!("application_id {app_id}"),
        ));
    }
    if version == 0 && tables > 0 {
        return Err(Error::new(
            ErrorKind::Storage,
            Msg::ForeignDatabase { path: shown.into() },
        ));
    }
    if version as usize > MIGRATIONS.len() {
        return Err(Error::new(
            ErrorKind::Storage,
            Msg::NewerSchema { path: shown.into() },
        ));
    }
    Ok(())
}

/// Opens `path` with `flags`, with SQLCipher's `key` when it has one, and
/// reads its first page: a missing or wrong key shows here, named as such,
/// never as "not a database".
fn connect(path: &Path, flags: OpenFlags, key: Option<&DbKey>) -> Result<Connection> {
    let shown = path.display().to_string();
    let conn = Connection::open_with_flags(files::for_sqlite(path), flags)
        .map_err(|e| open_error(e, &shown))?;
    // A wrong key is our error to explain, not SQLCipher's to print. Every
    // encrypted file of ours (a database, its backups, an attached export)
    // uses 8 KB pages and HMAC-SHA256: measured on a million orders, the bulk
    // archive then costs about what it costs on a plain file (SQLCipher's
    // defaults, 4 KB and HMAC-SHA512, took it half as long again, over its
    // 15 s target). Process-wide settings, the same at every open.
    let _ = conn.execute_batch(
        "PRAGMA cipher_log_level = NONE;
         PRAGMA cipher_default_page_size = 8192;
         PRAGMA cipher_default_hmac_algorithm = HMAC_SHA256;",
    );
    if let Some(key) = key {
        conn.execute_batch(&format!("PRAGMA key = {};", key.sql()))
            .map_err(|e| open_error(e, &shown))?;
    }
    // macOS: every file we write (the database, a backup, the copy kept
    // before a restore, an encrypted copy) is flushed to the disk itself,
    // not only to the drive's cache (F_FULLFSYNC).
    if cfg!(target_os = "macos") {
        conn.pragma_update(None, "fullfsync", true)
            .map_err(|e| open_error(e, &shown))?;
    }
    let first_page = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()));
    match first_page {
        Ok(()) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::NotADatabase) => {
            let msg = if key.is_some() {
                Msg::WrongKey { path: shown }
            } else if files::looks_encrypted(path) {
                Msg::EncryptedNoKey { path: shown }
            } else {
                Msg::NotADatabase { path: shown }
            };
            Err(Error::with_source(ErrorKind::Storage, msg, e))
        }
        Err(e) => Err(open_error(e, &shown)),
    }
}

/// Writes the database at `source` (under `source_key`) to a new file at
/// `target` under `target_key` (None: plain), with its schema version and
/// our application id: SQLCipher's `sqlcipher_export`.
fn export(
    source: &Path,
    source_key: Option<&DbKey>,
    target: &Path,
    target_key: Option<&DbKey>,
) -> Result<()> {
    let shown = source.display().to_string();
    let to = connect(target, OpenFlags::default(), target_key)?;
    let key = source_key.map_or_else(|| "''".to_string(), DbKey::sql);
    to.execute(
        &format!("ATTACH DATABASE ?1 AS source KEY {key}"),
        [files::for_sqlite(source).to_string_lossy()],
    )
    .map_err(|e| open_error(e, &shown))?;
    let exported = to
        .pragma_query_value(Some("source"), "user_version", |r| r.get::<_, i64>(0))
        .and_then(|version| {
            to.query_row("SELECT sqlcipher_export('main', 'source')", [], |_| Ok(()))?;
            to.execute_batch(&format!(
                "PRAGMA main.user_version = {version};
                 PRAGMA main.application_id = {APPLICATION_ID};"
            ))
        });
    let detached = to.execute_batch("DETACH DATABASE source");
    exported.map_err(|e| open_error(e, &shown))?;
    detached?;
    drop(to);
    files::make_private(target)
}

fn open_error(e: rusqlite::Error, shown: &str) -> Error {
    use rusqlite::ffi::ErrorCode;
    let msg = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Msg::NotADatabase { path: shown.into() }
        }
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => {
            Msg::CannotOpen { path: shown.into() }
        }
        _ => Msg::Storage,
    };
    Error::with_source(ErrorKind::Storage, msg, e)
}

/// Runs `f` inside a savepoint of the caller's transaction, so that its
/// failure undoes only its own writes (one order of a bulk batch).
pub(crate) fn in_savepoint<T>(c: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    c.execute_batch("SAVEPOINT job_item")?;
    match f() {
        Ok(v) => {
            c.execute_batch("RELEASE job_item")?;
            Ok(v)
        }
        Err(e) => {
            c.execute_batch("ROLLBACK TO job_item; RELEASE job_item")?;
            Err(e)
        }
    }
}

/// Whether the file at `path` can be restored into this version: an
/// OrderDesk database, not from a newer version, whole (`integrity_check`)
/// and with an intact audit chain. Nothing is written to it.
pub fn check_restorable(path: &Path, key: Option<&DbKey>) -> Result<()> {
    let shown = path.display().to_string();
    let c = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
    check_is_ours(&c, &shown)?;
    let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == 0 {
        return Err(Error::new(
            ErrorKind::Storage,
            Msg::ForeignDatabase { path: shown },
        ));
    }
    verify_copy(&c)
}

/// A database copy is sound: `integrity_check` passes and the audit chain
/// re-computes.
pub(crate) fn verify_copy(c: &Connection) -> Result<()> {
    let verdict: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(Error::new(
            ErrorKind::Storage,
            Msg::CopyDamaged { detail: verdict },
        ));
    }
    let chain = events::verify(c)?;
    let settings_chain = settings::verify_settings(c)?;
    if !chain.ok || !settings_chain.ok {
        return Err(Error::new(
            ErrorKind::Storage,
            Msg::CopyDamaged {
                detail: format!(
                    "audit chain broken at event {:?}, settings entry {:?}",
                    chain.first_broken_event, settings_chain.first_broken_event
                ),
            },
        ));
    }
    Ok(())
}

/// A timestamp as stored: RFC 3339, UTC, milliseconds.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Whether a statement changed exactly one row; guards optimistic updates.
pub(crate) fn one_row(changed: usize) -> Result<()> {
    if changed == 1 {
        Ok(())
    } else {
        Err(Error::internal(format!(
            "expected one row changed, got {changed}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn refuses_a_text_file_and_leaves_it_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("notes.txt");
        let text = "this is not a database, it is a shopping list\n".repeat(200);
        std::fs::write(&path, &text).expect("write");
        let err = Store::open(&path).expect_err("must refuse");
        assert_eq!(err.kind(), ErrorKind::Storage);
        assert!(matches!(err.msg(), Msg::NotADatabase { .. }), "{err:?}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }

    #[test]
    fn refuses_another_programs_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("other.db");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch("CREATE TABLE things (x INTEGER)")
                .expect("create");
        }
        let err = Store::open(&path).expect_err("must refuse");
        assert!(matches!(err.msg(), Msg::ForeignDatabase { .. }), "{err:?}");
    }

    #[test]
    fn opens_twice_and_keeps_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("od.db");
        drop(Store::open(&path).expect("first open"));
        let store = Store::open(&path).expect("second open");
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM cancel_reasons", [], |r| r.get(0))?))
            .expect("read");
        assert_eq!(n, 6);
    }
}
