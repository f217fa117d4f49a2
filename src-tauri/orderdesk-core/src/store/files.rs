//! Files on disk: where a copy is written before it replaces its target,
//! whether two spellings name one file, and keeping the database, its WAL,
//! backups and exports private to the person (0600 files, 0700 folders on
//! Unix; on Windows an explicit DACL for the account and Administrators,
//! see `acl`).

use std::path::{Path, PathBuf};

/// The path as the file system resolves it; for a file that does not exist
/// yet, its folder resolved and its name kept.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::canonicalize(&folder)
        .map(|f| f.join(&name))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The name SQLite is given for `path`. Windows refuses a plain path of 260
/// characters or more (MAX_PATH) unless it is written in its long form
/// (`\\?\C:\…`, `\\?\UNC\server\share\…`); Rust's own file calls
/// write that form themselves, SQLite does not. Elsewhere, `path` as it is.
pub fn for_sqlite(path: &Path) -> PathBuf {
    #[cfg(windows)]
    {
        // A folder's limit is 248 (room for an 8.3 name); a file's 260.
        if path.as_os_str().len() >= 248 {
            return long_form(path);
        }
    }
    path.to_path_buf()
}

#[cfg(windows)]
fn long_form(path: &Path) -> PathBuf {
    let Ok(full) = std::path::absolute(path) else {
        return path.to_path_buf();
    };
    let text = full.to_string_lossy();
    if text.starts_with(r"\\?\") {
        full
    } else if let Some(share) = text.strip_prefix(r"\\") {
        PathBuf::from(format!(r"\\?\UNC\{share}"))
    } else {
        PathBuf::from(format!(r"\\?\{text}"))
    }
}

/// A file that looks like SQLCipher's: whole pages, and where SQLite
/// writes its header a random salt instead (not text: a text file that is
/// not a database is named as such).
pub fn looks_encrypted(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    let whole_pages = std::fs::metadata(path).is_ok_and(|m| m.len() >= 512 && m.len() % 512 == 0);
    whole_pages
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok_and(|()| {
                &head != b"SQLite format 3\0"
                    && head
                        .iter()
                        .any(|b| !(b.is_ascii_graphic() || b.is_ascii_whitespace()))
            })
}

/// Two canonical paths name the same entry; Windows and macOS ignore case.
pub fn same_path(a: &Path, b: &Path) -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
    } else {
        a == b
    }
}

/// Both exist and are one file (a hard link or another spelling).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        a.exists() && b.exists() && same_path(&canonical(a), &canonical(b))
    }
}

/// A name beside `target` for the copy being written.
pub fn partial_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "orderdesk".into());
    let tag: u32 = rand::random();
    target.with_file_name(format!(".{name}.partial-{tag:08x}"))
}

/// Flushes `from` to disk and renames it over `to` (one step on every
/// system: `to` is either the old file or the new one, never half).
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    // Opened for writing: Windows flushes (`FlushFileBuffers`) only through
    // a handle that may write, and refuses a read-only one ("Access denied").
    std::fs::OpenOptions::new()
        .write(true)
        .open(from)?
        .sync_all()?;
    std::fs::rename(from, to)?;
    #[cfg(unix)]
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself reaches the disk.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Another program holds the file open and forbids replacing it: Windows'
/// sharing and lock violations (Excel keeps an open workbook so). Unix
/// lets a file that is open be replaced.
pub fn in_use(e: &std::io::Error) -> bool {
    const ERROR_SHARING_VIOLATION: i32 = 32;
    const ERROR_LOCK_VIOLATION: i32 = 33;
    cfg!(windows)
        && matches!(
            e.raw_os_error(),
            Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
        )
}

/// Whether `path`, when it exists, may be replaced now: a file another
/// program holds open is refused before any work is done for it.
pub fn check_replaceable(path: &Path) -> crate::Result<()> {
    match std::fs::OpenOptions::new().append(true).open(path) {
        Err(e) if in_use(&e) => Err(in_use_error(path, e)),
        _ => Ok(()),
    }
}

fn in_use_error(path: &Path, e: std::io::Error) -> crate::Error {
    crate::Error::with_source(
        crate::ErrorKind::Conflict,
        crate::Msg::FileInUse {
            path: path.display().to_string(),
        },
        e,
    )
}

/// The error of writing or replacing `path`: in use by another program (a
/// refused rename says only "access denied" on Windows: the target is
/// asked), or not writable.
pub fn write_error(path: &Path, e: std::io::Error) -> crate::Error {
    let held = in_use(&e)
        || (e.kind() == std::io::ErrorKind::PermissionDenied && check_replaceable(path).is_err());
    if held {
        return in_use_error(path, e);
    }
    crate::Error::with_source(
        crate::ErrorKind::Storage,
        crate::Msg::CannotWrite {
            path: path.display().to_string(),
        },
        e,
    )
}

/// Writes `bytes` to `path`, readable and writable by its owner only, whole
/// or not at all (a partial file beside it, then `replace`).
pub fn write_private(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    let partial = partial_beside(path);
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&partial)?;
        // Private before the secret is in it (a rename keeps the DACL).
        #[cfg(windows)]
        set_private(&partial)?;
        std::io::Write::write_all(&mut file, bytes)?;
        drop(file);
        replace(&partial, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        write_error(path, e)
    })
}

/// Readable and writable by its owner only: mode 0600 (a folder 0700) on
/// Unix; on Windows a DACL for this account and Administrators alone, which
/// a folder passes on to what it will hold.
pub fn make_private(path: &Path) -> crate::Result<()> {
    set_private(path).map_err(|e| {
        crate::Error::with_source(
            crate::ErrorKind::Storage,
            crate::Msg::CannotWrite {
                path: path.display().to_string(),
            },
            e,
        )
    })
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { 0o700 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(windows)]
fn set_private(path: &Path) -> std::io::Result<()> {
    const ERROR_INVALID_FUNCTION: i32 = 1;
    const ERROR_NOT_SUPPORTED: i32 = 50;
    let sid = super::acl::current_sid()?;
    match super::acl::set_dacl(path, &super::acl::private_sddl(&sid, path.is_dir())) {
        // A file system without access lists (FAT32, exFAT: a USB stick)
        // has nothing to set; anyone with the stick reads it anyway.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(ERROR_INVALID_FUNCTION | ERROR_NOT_SUPPORTED)
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

#[cfg(not(any(unix, windows)))]
fn set_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Creates a folder (and its parents) private to its owner.
pub fn private_dir(dir: &Path) -> crate::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        crate::Error::with_source(
            crate::ErrorKind::Storage,
            crate::Msg::CannotOpen {
                path: dir.display().to_string(),
            },
            e,
        )
    })?;
    make_private(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_is_given_a_long_path_in_its_long_form_on_windows() {
        let short = Path::new("orderdesk.db");
        assert_eq!(for_sqlite(short), short);
        let long: PathBuf = std::iter::repeat_n("a-folder-of-twenty-ch", 14)
            .collect::<PathBuf>()
            .join("orderdesk.db");
        let given = for_sqlite(&long);
        if cfg!(windows) {
            let text = given.to_string_lossy().into_owned();
            assert!(
                text.starts_with(r"\\?\") && text.ends_with("orderdesk.db"),
                "{text}"
            );
            assert!(!text.contains('/'), "{text}");
        } else {
            assert_eq!(given, long);
        }
    }
}
