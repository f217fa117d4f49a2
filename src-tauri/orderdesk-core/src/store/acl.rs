//! Owner-only files on Windows. Windows has no file modes: what a file or a
//! folder lets others do is its DACL, and a new entry inherits its parent's,
//! which under `%ProgramData%` lets every local user read. A private entry
//! gets an explicit, protected DACL instead: full control for the account
//! the process runs as (the person at the desk; for the office server's
//! service, the service's account) and for Administrators, nothing
//! inherited. A private folder passes the same two entries on to whatever
//! is created inside it (SQLite's `-wal` and `-shm`, backups, `tls/`).
//!
//! The descriptor is written in SDDL, Windows' own text form, so that what
//! is set is what a test reads back.

/// The DACL of a private entry in SDDL: `P` cuts inheritance from the
/// parent; `FA` is full access; `OICI` passes both entries on to the files
/// and folders a folder will hold; `BA` is the Administrators group.
pub fn private_sddl(owner_sid: &str, folder: bool) -> String {
    let inherit = if folder { "OICI" } else { "" };
    format!("D:P(A;{inherit};FA;;;{owner_sid})(A;{inherit};FA;;;BA)")
}

#[cfg(windows)]
pub use sys::{current_sid, dacl_sddl, set_dacl};

/// The calls into Windows' security API, each checked and each freeing what
/// Windows allocated.
#[cfg(windows)]
#[allow(unsafe_code)]
mod sys {
    use std::ffi::OsStr;
    use std::io;
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;

    use windows_sys::Win32::Foundation::{CloseHandle, ERROR_SUCCESS, HANDLE, LocalFree};
    use windows_sys::Win32::Security::Authorization::{
        ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
        ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
        SDDL_REVISION_1, SE_FILE_OBJECT, SetNamedSecurityInfoW,
    };
    use windows_sys::Win32::Security::{
        ACL, DACL_SECURITY_INFORMATION, GetSecurityDescriptorDacl, GetTokenInformation,
        PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER,
        TokenUser,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    fn wide(s: &OsStr) -> Vec<u16> {
        s.encode_wide().chain(Some(0)).collect()
    }

    /// A string Windows allocated with LocalAlloc, read and freed.
    ///
    /// SAFETY: `p` is null or a NUL-terminated UTF-16 string from LocalAlloc
    /// that nothing else frees.
    unsafe fn take_local_string(p: *mut u16) -> String {
        if p.is_null() {
            return String::new();
        }
        // SAFETY: NUL-terminated, as the caller promises.
        let len = (0..).take_while(|&i| unsafe { *p.add(i) } != 0).count();
        // SAFETY: `len` units were just read from it.
        let text = String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, len) });
        // SAFETY: allocated by LocalAlloc, freed once.
        unsafe { LocalFree(p.cast()) };
        text
    }

    /// The SID, as text, of the account this process runs as.
    pub fn current_sid() -> io::Result<String> {
        let mut token: HANDLE = null_mut();
        // SAFETY: the pseudo-handle of this process; `token` receives a handle
        // closed below.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let sid = (|| {
            let mut needed = 0u32;
            // SAFETY: asks for the size only.
            unsafe { GetTokenInformation(token, TokenUser, null_mut(), 0, &mut needed) };
            // u64s: aligned for TOKEN_USER.
            let mut buf = vec![0u64; (needed as usize).div_ceil(8).max(1)];
            // SAFETY: `buf` holds at least `needed` bytes.
            let ok = unsafe {
                GetTokenInformation(
                    token,
                    TokenUser,
                    buf.as_mut_ptr().cast(),
                    (buf.len() * 8) as u32,
                    &mut needed,
                )
            };
            if ok == 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: Windows wrote a TOKEN_USER at the start of `buf`.
            let user = unsafe { &*(buf.as_ptr().cast::<TOKEN_USER>()) };
            let mut text: *mut u16 = null_mut();
            // SAFETY: the SID points into `buf`, alive here; `text` is freed
            // by take_local_string.
            if unsafe { ConvertSidToStringSidW(user.User.Sid, &mut text) } == 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: a LocalAlloc'd string from ConvertSidToStringSidW.
            Ok(unsafe { take_local_string(text) })
        })();
        // SAFETY: opened above, closed once.
        unsafe { CloseHandle(token) };
        sid
    }

    /// Sets the DACL written in `sddl` on `path`, protected from its parent.
    pub fn set_dacl(path: &Path, sddl: &str) -> io::Result<()> {
        let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
        let text = wide(OsStr::new(sddl));
        // SAFETY: `text` is NUL-terminated; `descriptor` is freed below.
        let made = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                text.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                null_mut(),
            )
        };
        if made == 0 {
            return Err(io::Error::last_os_error());
        }
        let set = (|| {
            let (mut present, mut defaulted) = (0, 0);
            let mut dacl: *mut ACL = null_mut();
            // SAFETY: `descriptor` was made above; `dacl` points into it.
            if unsafe {
                GetSecurityDescriptorDacl(descriptor, &mut present, &mut dacl, &mut defaulted)
            } == 0
            {
                return Err(io::Error::last_os_error());
            }
            let name = wide(path.as_os_str());
            // SAFETY: `name` is NUL-terminated; `dacl` lives in `descriptor`.
            let status = unsafe {
                SetNamedSecurityInfoW(
                    name.as_ptr(),
                    SE_FILE_OBJECT,
                    DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                    null_mut(),
                    null_mut(),
                    dacl,
                    null_mut(),
                )
            };
            if status == ERROR_SUCCESS {
                Ok(())
            } else {
                Err(io::Error::from_raw_os_error(status as i32))
            }
        })();
        // SAFETY: allocated by the conversion above, freed once.
        unsafe { LocalFree(descriptor.cast()) };
        set
    }

    /// The DACL of `path`, as SDDL (what Windows reports, to check it).
    pub fn dacl_sddl(path: &Path) -> io::Result<String> {
        let name = wide(path.as_os_str());
        let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: `name` is NUL-terminated; `descriptor` is freed below.
        let status = unsafe {
            GetNamedSecurityInfoW(
                name.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                null_mut(),
                null_mut(),
                null_mut(),
                null_mut(),
                &mut descriptor,
            )
        };
        if status != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(status as i32));
        }
        let mut text: *mut u16 = null_mut();
        // SAFETY: `descriptor` is Windows'; `text` is freed by take_local_string.
        let ok = unsafe {
            ConvertSecurityDescriptorToStringSecurityDescriptorW(
                descriptor,
                SDDL_REVISION_1,
                DACL_SECURITY_INFORMATION,
                &mut text,
                null_mut(),
            )
        };
        let result = if ok == 0 {
            Err(io::Error::last_os_error())
        } else {
            // SAFETY: a LocalAlloc'd string from the conversion.
            Ok(unsafe { take_local_string(text) })
        };
        // SAFETY: allocated by GetNamedSecurityInfoW, freed once.
        unsafe { LocalFree(descriptor.cast()) };
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_folder_passes_its_two_entries_on_and_inherits_nothing() {
        let sid = "S-1-5-21-1-2-3-1001";
        assert_eq!(
            private_sddl(sid, true),
            "D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1001)(A;OICI;FA;;;BA)"
        );
        assert_eq!(
            private_sddl(sid, false),
            "D:P(A;;FA;;;S-1-5-21-1-2-3-1001)(A;;FA;;;BA)"
        );
    }

    /// The DACL read back is the one set: the user and Administrators,
    /// inheritance cut, nobody else (on Windows; the release workflow runs
    /// this on a Windows runner).
    #[cfg(windows)]
    #[test]
    fn the_dacl_set_is_the_dacl_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("data");
        crate::store::files::private_dir(&folder).expect("private folder");
        let file = folder.join("orderdesk.db");
        std::fs::write(&file, b"x").expect("write");
        crate::store::files::make_private(&file).expect("private file");
        let sid = current_sid().expect("sid");
        assert!(sid.starts_with("S-1-"), "{sid}");
        if std::env::var_os("ORDERDESK_UNDER_WINE").is_some() {
            // Wine accepts a DACL but keeps only Unix mode bits, and reads
            // back a descriptor made from them: only real Windows can say.
            eprintln!("under Wine: the DACL was set; reading it back needs Windows");
            return;
        }
        let read = dacl_sddl(&folder).expect("folder's DACL");
        assert!(read.starts_with("D:P"), "protected: {read}");
        assert!(read.contains(&format!(";FA;;;{sid})")), "{read}");
        assert!(read.contains(";FA;;;BA)"), "{read}");
        assert!(
            !read.contains(";;;WD)") && !read.contains(";;;BU)"),
            "{read}"
        );
        let read = dacl_sddl(&file).expect("file's DACL");
        assert!(read.starts_with("D:P"), "{read}");
        assert!(
            !read.contains(";;;WD)") && !read.contains(";;;BU)"),
            "{read}"
        );
    }
}
