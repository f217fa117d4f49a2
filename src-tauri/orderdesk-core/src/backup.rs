//! Backups: "backup now" to a chosen file, and automatic daily backups kept in
//! a folder and rotated. Both use SQLite's online backup API, check the copy
//! whole before it takes the target's name, and never touch the live file
//! (see `Store::backup_to`); a failed backup leaves the previous one.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{Session, require_admin};
use crate::cipher::{DbKey, KeyKeeper};
use crate::error::{Error, Result};
use crate::settings::audit;
use crate::store::Store;

/// Automatic backups are named like this, so the list and rotation find them.
const PREFIX: &str = "orderdesk-auto-";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub name: String,
    pub path: String,
    pub size_bytes: u64,
    pub at: String,
}

fn info(path: &Path) -> Option<BackupInfo> {
    let meta = std::fs::metadata(path).ok()?;
    let at: DateTime<Utc> = meta.modified().ok()?.into();
    Some(BackupInfo {
        name: path.file_name()?.to_string_lossy().into_owned(),
        path: path.display().to_string(),
        size_bytes: meta.len(),
        at: crate::store::stamp(at),
    })
}

/// "Backup now" to `target` (administrators); logged in the settings log.
pub fn now(store: &Store, s: &Session, target: &Path) -> Result<BackupInfo> {
    require_admin(s)?;
    store.backup_to(target)?;
    let path = target.display().to_string();
    store.write(|tx| audit(tx, store, s, "backup", &path, None))?;
    info(target).ok_or_else(|| Error::internal("backup vanished"))
}

/// The automatic backups in `dir`, newest first.
pub fn list(dir: &Path) -> Vec<BackupInfo> {
    let mut all: Vec<BackupInfo> = files_named(dir, |n| n.starts_with(PREFIX))
        .iter()
        .filter_map(|p| info(p))
        .collect();
    all.sort_by(|a, b| b.name.cmp(&a.name));
    all
}

/// The files in `dir` whose names pass `wanted` (none when it cannot be read).
fn files_named(dir: &Path, wanted: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| wanted(&n.to_string_lossy())))
                .collect()
        })
        .unwrap_or_default()
}

fn partials(dir: &Path) -> Vec<PathBuf> {
    files_named(dir, |n| n.contains(".partial-"))
}

/// Makes an automatic backup in `dir` unless one is younger than
/// `min_hours`, then keeps only the newest `keep`. Returns the new one.
pub fn automatic(
    store: &Store,
    dir: &Path,
    min_hours: i64,
    keep: usize,
) -> Result<Option<BackupInfo>> {
    let now = store.now();
    if let Some(newest) = list(dir).first()
        && DateTime::parse_from_rfc3339(&newest.at).is_ok_and(|at| {
            now.signed_duration_since(at.with_timezone(&Utc))
                .num_hours()
                < min_hours
        })
    {
        return Ok(None);
    }
    crate::store::files::private_dir(dir)?;
    // Copies cut off by a crash are never backups.
    for stale in partials(dir) {
        let _ = std::fs::remove_file(stale);
    }
    let target: PathBuf = dir.join(format!("{PREFIX}{}.db", now.format("%Y%m%d-%H%M%S")));
    store.backup_to(&target)?;
    for old in list(dir).into_iter().skip(keep.max(1)) {
        let _ = std::fs::remove_file(&old.path);
    }
    Ok(info(&target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_backups_rotate_and_verify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path().join("live.db")).expect("open");
        let backups = dir.path().join("backups");
        let clock = std::sync::Arc::new(std::sync::Mutex::new(Utc::now()));
        let c = clock.clone();
        store.set_clock(move || *c.lock().expect("clock"));
        let first = automatic(&store, &backups, 24, 2)
            .expect("backup")
            .expect("made");
        assert!(first.size_bytes > 0);
        assert!(
            automatic(&store, &backups, 24, 2)
                .expect("second")
                .is_none(),
            "too soon"
        );
        for _ in 0..3 {
            *clock.lock().expect("clock") += chrono::Duration::hours(25);
            let _ = automatic(&store, &backups, 0, 2).expect("backup");
        }
        assert_eq!(list(&backups).len(), 2, "rotated to the newest two");
        let copy = Store::open(&list(&backups)[0].path).expect("a backup opens as a database");
        drop(copy);
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    /// The backup the database now holds.
    pub restored_from: String,
    /// Where the database as it was before is kept.
    pub previous_kept_at: String,
    pub active_orders: i64,
    pub archived_orders: i64,
}

/// Encrypts the database with `key` (administrators), kept by `keeper`
/// first (`Store::encrypt`), then logged in the settings log. An error means
/// the file is as it was; `Some` error, that it is encrypted but the log
/// did not take the entry (the recovery key must be shown all the same).
pub fn encrypt(
    store: &Store,
    s: &Session,
    key: DbKey,
    keeper: &dyn KeyKeeper,
) -> Result<Option<Error>> {
    require_admin(s)?;
    store.encrypt(key, keeper)?;
    let subject = store.path().display().to_string();
    Ok(store
        .write(|tx| audit(tx, store, s, "encryption", &subject, None))
        .err())
}

/// Restores the database from the backup at `source` (administrators).
/// The backup is checked first (ours, not newer, whole, audit chain intact);
/// the database as it is now is kept as a dated copy in `keep_dir`; then the
/// backup's content replaces it in place and every session ends (each
/// window logs in again, told why). Logged in the restored settings log.
/// An encrypted backup opens with `recovery` (the recovery key of the
/// database it came from, on another PC) or else with this database's own
/// key; the database keeps its own key (or stays plain) either way.
pub fn restore(
    store: &Store,
    s: &Session,
    source: &Path,
    recovery: Option<&DbKey>,
    keep_dir: &Path,
) -> Result<RestoreReport> {
    require_admin(s)?;
    if crate::store::files::same_file(source, store.path()) {
        return Err(Error::invalid(crate::Msg::BackupOntoLive {
            path: source.display().to_string(),
        }));
    }
    // A plain backup opens as it is; an encrypted one with the recovery key
    // given, or else with this database's own key (its own backups).
    let own = store.key();
    let key = if !crate::store::files::looks_encrypted(source) {
        None
    } else {
        recovery.or(own.as_ref())
    };
    crate::store::check_restorable(source, key)?;
    crate::store::files::private_dir(keep_dir)?;
    let now = store.now();
    // A name of its own, even for two restores within one second.
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    let kept = (1..)
        .map(|n| match n {
            1 => keep_dir.join(format!("orderdesk-before-restore-{stamp}.db")),
            n => keep_dir.join(format!("orderdesk-before-restore-{stamp}-{n}.db")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| keep_dir.join(format!("orderdesk-before-restore-{stamp}.db")));
    // Kept as it is, even if it fails its own checks (that may be why).
    store.copy_unchecked(&kept)?;
    let tokens: Vec<String> = store.read(|c| crate::store::sessions::all_hashes(c))?;
    store.replace_with(source, key)?;
    let at = crate::store::stamp(now);
    let subject = source.display().to_string();
    store.write(|tx| {
        crate::store::sessions::end_all(tx, &tokens, "restored", &at)?;
        audit(
            tx,
            store,
            s,
            "restore",
            &subject,
            Some(&kept.display().to_string()),
        )
    })?;
    let (active_orders, archived_orders) = store.read(|c| {
        Ok((
            crate::store::orders::count_active(c)?,
            crate::store::orders::count_archived(c)?,
        ))
    })?;
    Ok(RestoreReport {
        restored_from: subject,
        previous_kept_at: kept.display().to_string(),
        active_orders,
        archived_orders,
    })
}
