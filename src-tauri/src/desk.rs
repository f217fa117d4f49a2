//! Which way this desk works, kept in `desk.json` in its data folder:
//! "this PC only" (its own database file) or connected to an office server
//! (its address and the certificate fingerprint pinned at first connection).
//! Switching keeps the local database as it is; the two are never mixed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FILE: &str = "desk.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum DeskConfig {
    ThisPc,
    Server {
        address: String,
        fingerprint: String,
    },
}

/// The desk's data folder: `ORDERDESK_DATA_DIR`, or the app's data folder.
pub fn data_dir(app_default: Option<PathBuf>) -> PathBuf {
    std::env::var_os("ORDERDESK_DATA_DIR")
        .map(PathBuf::from)
        .or(app_default)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The database of "this PC only": `ORDERDESK_DB`, or `orderdesk.db` in the data folder.
pub fn local_db(data: &Path) -> PathBuf {
    std::env::var_os("ORDERDESK_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| data.join(orderdesk_core::DB_FILE_NAME))
}

/// The saved choice; None at first start.
pub fn load(data: &Path) -> Option<DeskConfig> {
    let text = std::fs::read_to_string(data.join(FILE)).ok()?;
    match serde_json::from_str(&text) {
        Ok(c) => Some(c),
        Err(e) => {
            log::error!(
                "{} is damaged ({e}); asking again",
                data.join(FILE).display()
            );
            None
        }
    }
}

/// Saves the choice whole or not at all (written beside, flushed, then
/// renamed), readable by this user only.
pub fn save(data: &Path, config: &DeskConfig) -> std::io::Result<()> {
    use orderdesk_core::store::files;
    let private = |e: orderdesk_core::Error| std::io::Error::other(e.log_detail());
    files::private_dir(data).map_err(private)?;
    files::write_private(
        &data.join(FILE),
        serde_json::to_string_pretty(config)?.as_bytes(),
    )
    .map_err(private)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_survives_a_restart_and_a_damaged_file_asks_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(load(dir.path()), None);
        let server = DeskConfig::Server {
            address: "office-pc:4780".into(),
            fingerprint: "ab".repeat(32),
        };
        save(dir.path(), &server).expect("save");
        assert_eq!(load(dir.path()), Some(server));
        save(dir.path(), &DeskConfig::ThisPc).expect("save");
        assert_eq!(load(dir.path()), Some(DeskConfig::ThisPc));
        std::fs::write(dir.path().join(FILE), "{ half").expect("damage");
        assert_eq!(load(dir.path()), None);
    }
}
