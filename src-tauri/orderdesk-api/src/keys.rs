//! The database key in the OS keychain of the PC that holds the database
//! (Windows Credential Manager, the macOS Keychain, the Secret Service on
//! Linux), never in a file beside it; and opening a database with it.

use std::path::Path;

use orderdesk_core::cipher::{DbKey, KeyKeeper};
use orderdesk_core::store::files;
use orderdesk_core::{Error, ErrorKind, Msg, Result, Store};

/// The keychain service every entry of ours is kept under.
pub(crate) const SERVICE: &str = "OrderDesk";

/// The keychain entry of the database at `db`: one per file, by its path.
fn entry(db: &Path) -> Result<keyring::Entry> {
    let account = format!("database {}", files::canonical(db).display());
    keyring::Entry::new(SERVICE, &account).map_err(unavailable)
}

fn unavailable(e: keyring::Error) -> Error {
    Error::with_source(
        ErrorKind::Storage,
        Msg::KeychainUnavailable {
            detail: e.to_string(),
        },
        e,
    )
}

/// The key the keychain keeps for the database at `db`, if any.
pub fn get(db: &Path) -> Result<Option<DbKey>> {
    match entry(db)?.get_password() {
        Ok(hex) => DbKey::from_hex(&hex).map(Some),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Keeps `key` for the database at `db`, and reads it back: a keychain that
/// does not keep what it is given is found before anything is encrypted.
pub fn put(db: &Path, key: &DbKey) -> Result<()> {
    entry(db)?
        .set_password(&key.to_hex())
        .map_err(unavailable)?;
    match get(db)? {
        Some(kept) if kept == *key => Ok(()),
        _ => Err(Error::new(
            ErrorKind::Storage,
            Msg::KeychainUnavailable {
                detail: "the key did not read back".into(),
            },
        )),
    }
}

/// Keeps the key of the database at `db` in this PC's keychain while the
/// database is encrypted (`backup::encrypt`).
#[derive(Debug)]
pub struct Keychain<'a>(pub &'a Path);

impl KeyKeeper for Keychain<'_> {
    fn keep(&self, key: &DbKey) -> Result<()> {
        put(self.0, key)
    }

    fn forget(&self) {
        if let Ok(e) = entry(self.0)
            && let Err(e) = e.delete_credential()
        {
            log::warn!("keychain: {e}");
        }
    }
}

/// Opens the database at `path`: an encrypted file with the key this PC's
/// keychain keeps for it (none: a clear message, never "not a database"),
/// a plain one as it is. The keychain is not asked about a plain file.
pub fn open_store(path: &Path) -> Result<Store> {
    if !files::looks_encrypted(path) {
        return Store::open(path);
    }
    // A keychain that cannot be reached has no key for it either; the
    // person is told what the file is, the log what the keychain said.
    let key = get(path).unwrap_or_else(|e| {
        log::warn!("{}", e.log_detail());
        None
    });
    match key {
        Some(key) => Store::open_with_key(path, Some(key)),
        None => Err(Error::new(
            ErrorKind::Storage,
            Msg::EncryptedNoKey {
                path: path.display().to_string(),
            },
        )),
    }
}
