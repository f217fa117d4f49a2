//! The benchmarks change the database they run on (they cancel, reassign and
//! archive as an administrator, and rebuild it when it no longer fits), so
//! they only ever work on a file of their own: one that does not exist yet,
//! or one they marked as theirs when they made it. Anything else — a site's
//! working file — is refused and left alone.

use std::path::{Path, PathBuf};

use orderdesk_core::cipher::DbKey;
use orderdesk_core::{Error, Msg, Store};

const MARK: &str = "bench_file";

/// The key of an encrypted benchmark database: fixed, since the file holds
/// only demo data and the benchmark measures what encryption costs, not
/// what it protects; a run reuses the file the last one made.
pub fn bench_key() -> DbKey {
    // "orderdesk-bench: demo data only!"
    const KEY: &str = "6f726465726465736b2d62656e63683a2064656d6f2064617461206f6e6c7921";
    DbKey::from_hex(KEY).unwrap_or_else(|_| DbKey::random())
}

/// Whose the file at `path` is.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Nothing there yet: the benchmark makes it.
    New,
    /// Made (and marked) by a benchmark before.
    Ours,
}

pub fn claim(path: &Path, key: Option<&DbKey>) -> Result<Claim, Error> {
    if !path.exists() {
        return Ok(Claim::New);
    }
    let refuse = || {
        Error::invalid(Msg::NotBenchFile {
            path: path.display().to_string(),
        })
    };
    // A read-only look: a file that is not ours is not even opened for writing.
    match Store::peek_setting(path, key, MARK) {
        Ok(Some(_)) => Ok(Claim::Ours),
        _ => Err(refuse()),
    }
}

/// Marks a database the benchmark has just made.
pub fn mark(store: &Store) -> Result<(), Error> {
    store.write(|tx| orderdesk_core::store::settings::put(tx, MARK, "true"))
}

/// Deletes a database of the benchmark's own (and its WAL), to build it anew.
pub fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
