//! Updates for the desks, from the office server: a site without internet
//! upgrades every desk from one place. The administrator gives the server
//! the signed update bundles of a release (`orderdesk-server publish-update
//! FILE --version V --platform P`, with the `.sig` file Tauri's bundler
//! writes beside each); the server keeps them in `updates/` in its data
//! folder and answers desks in the format of Tauri's updater:
//! `GET /updates/latest.json` (version, notes, date, and per platform the
//! signature and where to download) and `GET /updates/files/NAME`.
//!
//! The server only passes bundles on: each desk checks the signature against
//! the public key built into it before it installs anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use orderdesk_core::store::files;
use serde::{Deserialize, Serialize};

/// The folder in the data folder.
pub const DIR: &str = "updates";
/// What was published, in the folder.
const PUBLISHED: &str = "published.json";
/// A minisign signature is a few hundred bytes.
const MAX_SIGNATURE: u64 = 4096;
/// Platforms as Tauri's updater names them; `darwin-universal` publishes one
/// bundle for both Mac architectures.
pub const PLATFORMS: &[&str] = &[
    "windows-x86_64",
    "darwin-aarch64",
    "darwin-x86_64",
    "darwin-universal",
    "linux-x86_64",
];

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
struct Published {
    version: String,
    notes: String,
    pub_date: String,
    platforms: BTreeMap<String, Bundle>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Bundle {
    file: String,
    signature: String,
}

fn folder(data: &Path) -> PathBuf {
    data.join(DIR)
}

fn read(data: &Path) -> Option<Published> {
    let text = std::fs::read(folder(data).join(PUBLISHED)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// A release version: digits and dots (and a pre-release tag), as Tauri
/// compares them.
fn valid_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    !v.is_empty()
        && v.len() <= 40
        && core.split('.').count() == 3
        && core
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
}

/// A bundle's name as it may appear in a URL and a path.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Keeps `file` (and its signature, `FILE.sig` unless given) as the update
/// for `platform` of release `version`. A new version replaces what was
/// published before; the same version adds or replaces one platform.
pub fn publish(
    data: &Path,
    file: &Path,
    signature: Option<&Path>,
    version: &str,
    platform: &str,
    notes: &str,
) -> Result<String, String> {
    if !valid_version(version) {
        return Err(format!(
            "{version:?} is not a release version (such as 1.4.0)"
        ));
    }
    if !PLATFORMS.contains(&platform) {
        return Err(format!(
            "{platform:?} is not a platform; one of {}",
            PLATFORMS.join(", ")
        ));
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !valid_name(&name) {
        return Err(format!(
            "{name:?}: a bundle's name may hold letters, digits, '.', '_' and '-' only"
        ));
    }
    let sig_path = signature.map_or_else(
        || {
            let mut p = file.as_os_str().to_owned();
            p.push(".sig");
            PathBuf::from(p)
        },
        Path::to_path_buf,
    );
    let too_big = std::fs::metadata(&sig_path).map_or(true, |m| m.len() > MAX_SIGNATURE);
    let signature = std::fs::read_to_string(&sig_path)
        .ok()
        .filter(|s| !too_big && !s.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "no signature at {} (Tauri's bundler writes it beside the bundle when \
                 TAURI_SIGNING_PRIVATE_KEY is set)",
                sig_path.display()
            )
        })?;
    let dir = folder(data);
    files::private_dir(&dir).map_err(|e| e.to_string())?;
    let mut published = read(data)
        .filter(|p| p.version == version)
        .unwrap_or_else(|| Published {
            version: version.into(),
            ..Published::default()
        });
    // Copied beside, flushed, then renamed: a desk never downloads half.
    let partial = files::partial_beside(&dir.join(&name));
    let copied =
        std::fs::copy(file, &partial).and_then(|_| files::replace(&partial, &dir.join(&name)));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("{}: {e}", file.display()));
    }
    let bundle = Bundle {
        file: name.clone(),
        signature: signature.trim().to_string(),
    };
    let keys: &[&str] = match platform {
        "darwin-universal" => &["darwin-aarch64", "darwin-x86_64"],
        one => &[one],
    };
    for key in keys {
        published.platforms.insert((*key).into(), bundle.clone());
    }
    published.notes = notes.into();
    published.pub_date = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let text = serde_json::to_vec_pretty(&published).map_err(|e| e.to_string())?;
    files::write_private(&dir.join(PUBLISHED), &text).map_err(|e| e.to_string())?;
    // Bundles of other releases are gone from the list: gone from disk too.
    let kept: Vec<&str> = published
        .platforms
        .values()
        .map(|b| b.file.as_str())
        .collect();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n != PUBLISHED && !kept.contains(&n.as_str()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(format!(
        "desks of {} update to {version} from this server ({name})",
        keys.join(", ")
    ))
}

/// What `GET /updates/latest.json` answers: Tauri's updater format, each
/// bundle's address on this server as the desk reached it (`base`, such as
/// `https://office-pc:4780`). None when nothing is published.
pub fn latest(data: &Path, base: &str) -> Option<serde_json::Value> {
    let published = read(data)?;
    let platforms: serde_json::Map<String, serde_json::Value> = published
        .platforms
        .iter()
        .map(|(key, b)| {
            (
                key.clone(),
                serde_json::json!({
                    "signature": b.signature,
                    "url": format!("{base}/updates/files/{}", b.file),
                }),
            )
        })
        .collect();
    Some(serde_json::json!({
        "version": published.version,
        "notes": published.notes,
        "pub_date": published.pub_date,
        "platforms": platforms,
    }))
}

/// The bundle called `name`, when it is one that is published.
pub fn bundle(data: &Path, name: &str) -> Option<PathBuf> {
    let published = read(data)?;
    published
        .platforms
        .values()
        .any(|b| b.file == name)
        .then(|| folder(data).join(name))
        .filter(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_names_are_what_a_url_and_a_path_may_hold() {
        for ok in ["1.4.0", "0.2.10", "2.0.0-rc.1"] {
            assert!(valid_version(ok), "{ok}");
        }
        for bad in ["", "1.4", "v1.4.0", "1.4.0/../x", "1..0", "1.4.0 "] {
            assert!(!valid_version(bad), "{bad}");
        }
        assert!(valid_name("OrderDesk_1.4.0_x64-setup.exe"));
        for bad in [
            "",
            ".hidden",
            "a/b.exe",
            "a\\b.exe",
            "a b.exe",
            "..",
            "例子.exe",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_new_release_replaces_the_old_and_each_platform_gets_its_bundle() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).expect("out");
        let make = |name: &str, bytes: &[u8]| {
            let p = out.join(name);
            std::fs::write(&p, bytes).expect("bundle");
            std::fs::write(out.join(format!("{name}.sig")), format!("sig of {name}")).expect("sig");
            p
        };
        assert!(latest(&data, "https://x").is_none());
        let win = make("OrderDesk_1.1.0_x64-setup.exe", b"windows 1.1");
        let mac = make("OrderDesk.app.tar.gz", b"mac 1.1");
        publish(&data, &win, None, "1.1.0", "windows-x86_64", "").expect("windows");
        publish(&data, &mac, None, "1.1.0", "darwin-universal", "fixes").expect("mac");
        let l = latest(&data, "https://office:4780").expect("published");
        assert_eq!(l["version"], "1.1.0");
        assert_eq!(l["notes"], "fixes");
        assert_eq!(
            l["platforms"]["windows-x86_64"]["url"],
            "https://office:4780/updates/files/OrderDesk_1.1.0_x64-setup.exe"
        );
        assert_eq!(
            l["platforms"]["darwin-aarch64"]["signature"],
            "sig of OrderDesk.app.tar.gz"
        );
        assert_eq!(
            l["platforms"]["darwin-x86_64"],
            l["platforms"]["darwin-aarch64"]
        );
        let kept = bundle(&data, "OrderDesk_1.1.0_x64-setup.exe").expect("kept");
        assert_eq!(std::fs::read(kept).expect("read"), b"windows 1.1");
        assert!(
            bundle(&data, "published.json").is_none(),
            "only bundles are served"
        );
        assert!(bundle(&data, "../data/updates/published.json").is_none());

        let win2 = make("OrderDesk_1.2.0_x64-setup.exe", b"windows 1.2");
        publish(&data, &win2, None, "1.2.0", "windows-x86_64", "").expect("1.2");
        let l = latest(&data, "https://office:4780").expect("published");
        assert_eq!(l["version"], "1.2.0");
        assert!(
            l["platforms"].get("darwin-aarch64").is_none(),
            "1.1's Mac bundle is not 1.2"
        );
        assert!(!folder(&data).join("OrderDesk_1.1.0_x64-setup.exe").exists());
        assert!(!folder(&data).join("OrderDesk.app.tar.gz").exists());

        let unsigned = out.join("OrderDesk_1.3.0_x64-setup.exe");
        std::fs::write(&unsigned, b"no signature").expect("write");
        let e =
            publish(&data, &unsigned, None, "1.3.0", "windows-x86_64", "").expect_err("unsigned");
        assert!(e.contains("no signature"), "{e}");
        assert_eq!(
            latest(&data, "https://x").expect("still")["version"],
            "1.2.0"
        );
        assert!(publish(&data, &win2, None, "1.2", "windows-x86_64", "").is_err());
        assert!(publish(&data, &win2, None, "1.2.0", "beos", "").is_err());
    }
}
