//! The Windows build, tested here: the CLI, the office server and the core's
//! tests cross-built for `x86_64-pc-windows-gnu` with mingw-w64 and run under
//! Wine, so that a file, a path, a lock or a pipe that Windows treats
//! otherwise fails here before it fails at a desk.
//!
//! Wine is truthful about flushing, sharing modes (a file open in Excel),
//! drive-letter paths, closed pipes, the user's language and Ctrl+C; not
//! about ACLs (it keeps Unix mode bits only), services or WebView2, which
//! the release workflow tests on a Windows runner.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, ensure_packages, root, step, succeeds};

const TARGET: &str = "x86_64-pc-windows-gnu";
const LINKER: &str = "x86_64-w64-mingw32-gcc";
/// Debian puts no `wine64` on PATH.
const WINE: &str = "/usr/lib/wine/wine64";
/// The tests run in Chinese: the CLI must take the language from Windows,
/// not from a `LANG` that a Unix shell left behind.
const LOCALE: &str = "zh_CN.UTF-8";
const PACKAGES: &[&str] = &["gcc-mingw-w64-x86-64", "wine64", "locales"];

/// Builds the Windows binaries and runs the core's tests and the CLI's
/// contract tests (on a file and against the Windows server) under Wine.
/// `ORDERDESK_SKIP_WINDOWS=1` skips it and says so; otherwise a machine
/// where the target cannot be installed fails with the reason.
pub fn test() -> Result<(), String> {
    if std::env::var("ORDERDESK_SKIP_WINDOWS").is_ok_and(|v| v == "1") {
        eprintln!("\n==> the Windows build under Wine: SKIPPED (ORDERDESK_SKIP_WINDOWS=1)");
        return Ok(());
    }
    let why = |e: String| {
        format!(
            "the Windows build under Wine cannot be set up here: {e}\n\
             (set ORDERDESK_SKIP_WINDOWS=1 to skip it)"
        )
    };
    set_up().map_err(why)?;
    let prefix = wine_prefix().map_err(why)?;
    step(
        "build the CLI and the office server for Windows",
        windows_cargo(&prefix).args(["build", "-p", "orderdesk-cli", "-p", "orderdesk-server"]),
    )?;
    // What compiles only for Windows is linted there too. The desktop app
    // links WebView2, which Wine lacks: here it is only compiled; the
    // release workflow builds and runs it on Windows.
    step(
        "cargo clippy for Windows (the app, core, CLI, server)",
        windows_cargo(&prefix).args([
            "clippy",
            "-p",
            "orderdesk",
            "-p",
            "orderdesk-core",
            "-p",
            "orderdesk-cli",
            "-p",
            "orderdesk-server",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "the core's tests under Wine",
        windows_cargo(&prefix).args(["test", "-p", "orderdesk-core", "--lib", "--test", "it"]),
    )?;
    step(
        "the CLI's contract tests under Wine (a file, and the Windows server)",
        windows_cargo(&prefix).args(["test", "-p", "orderdesk-cli", "--test", "cli"]),
    )?;
    step(
        "the office server as a Windows service under Wine's service manager",
        windows_cargo(&prefix).args(["test", "-p", "orderdesk-server", "--test", "service"]),
    )?;
    let installer = installer_choice(&prefix);
    // The Wine server of this prefix (kept for the installer's check).
    let _ = wineserver(&prefix, "-k");
    installer
}

fn wineserver(prefix: &Path, arg: &str) -> Result<(), String> {
    step(
        &format!("wineserver {arg}"),
        Command::new("/usr/lib/wine/wineserver")
            .arg(arg)
            .env("WINEPREFIX", prefix),
    )
}

/// The installer's "this PC is the office server": the hooks Tauri's NSIS
/// installer is given (`src-tauri/windows/installer-hooks.nsh`) built into
/// a small installer with the Windows server in it (Debian's makensis), run
/// silently with /SERVER under Wine: the service is installed and serves;
/// the uninstaller removes it. The service listens on loopback and does not
/// announce itself (the environment the installer passes on).
fn installer_choice(prefix: &Path) -> Result<(), String> {
    ensure_packages(&["nsis"])?;
    let base = root().join("target/wine");
    let server = root()
        .join("target/windows")
        .join(TARGET)
        .join("debug/orderdesk-server.exe");
    let hooks = root().join("src-tauri/windows/installer-hooks.nsh");
    let installer = base.join("hooks-installer.exe");
    let script = base.join("hooks-installer.nsi");
    let text = format!(
        r#"Unicode true
Target amd64-unicode
!include "LogicLib.nsh"
!include "{hooks}"
Name "OrderDesk (installer hooks)"
OutFile "{installer}"
InstallDir "C:\OrderDeskHooks"
RequestExecutionLevel admin
Section
  SetOutPath $INSTDIR
  File "{server}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  !insertmacro NSIS_HOOK_POSTINSTALL
SectionEnd
Section "Uninstall"
  !insertmacro NSIS_HOOK_PREUNINSTALL
  Delete "$INSTDIR\orderdesk-server.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
"#,
        hooks = hooks.display(),
        installer = installer.display(),
        server = server.display(),
    );
    std::fs::write(&script, text).map_err(|e| format!("{}: {e}", script.display()))?;
    step(
        "makensis: an installer with OrderDesk's hooks",
        Command::new("makensis").arg("-V2").arg(&script),
    )?;
    wineserver(prefix, "-p")?;
    let data_unix = prefix.join("drive_c/ProgramData/OrderDesk hooks test");
    let _ = std::fs::remove_dir_all(&data_unix);
    let wine = |args: &[&str]| {
        let mut c = Command::new(WINE);
        c.args(args)
            .env("WINEPREFIX", prefix)
            .env("WINEDEBUG", "-all")
            .env("ORDERDESK_DATA", r"C:\ProgramData\OrderDesk hooks test")
            .env("ORDERDESK_LISTEN", "127.0.0.1:0")
            .env("ORDERDESK_NO_DISCOVERY", "true");
        c
    };
    let mut installer_cmd = wine(&[]);
    installer_cmd.arg(&installer).args(["/S", "/SERVER"]);
    step(
        "the installer, silent, as the office server",
        &mut installer_cmd,
    )?;
    let installed = prefix.join("drive_c/OrderDeskHooks/orderdesk-server.exe");
    if !installed.exists() {
        return Err(format!(
            "the installer installed nothing ({})",
            installed.display()
        ));
    }
    let state = data_unix.join("server.json");
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !state.exists() {
        if std::time::Instant::now() > end {
            return Err("the installer's office server did not start".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let query = crate::output(&mut wine(&["sc", "query", "OrderDeskServer"]))?;
    if !query.contains("RUNNING") {
        return Err(format!("the installed service does not run: {query}"));
    }
    eprintln!("the installer's office server runs: {}", state.display());
    step(
        "the uninstaller, silent",
        &mut wine(&[
            r"C:\OrderDeskHooks\uninstall.exe",
            "/S",
            "_?=C:\\OrderDeskHooks",
        ]),
    )?;
    // `_?=` (the uninstaller runs in place and is waited for) takes no
    // quotes, hence a folder without spaces here.
    let gone = wine(&["sc", "query", "OrderDeskServer"])
        .output()
        .map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&gone.stdout);
    if said.contains("RUNNING") || said.contains("STOPPED") {
        return Err(format!("the uninstaller left the service: {said}"));
    }
    if !data_unix.join("orderdesk.db").exists() {
        return Err("the uninstaller took the server's data".into());
    }
    Ok(())
}

/// The Rust target, mingw-w64, Wine and the Chinese locale.
fn set_up() -> Result<(), String> {
    let installed = crate::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if !installed.lines().any(|l| l.trim() == TARGET) {
        step(
            &format!("rustup target add {TARGET}"),
            Command::new("rustup").args(["target", "add", TARGET]),
        )?;
    }
    if !succeeds(Command::new("dpkg-query").arg("--version")) {
        return Err("not a Debian/Ubuntu system: install mingw-w64 and Wine yourself".into());
    }
    ensure_packages(PACKAGES)?;
    for tool in [LINKER, WINE] {
        if !succeeds(Command::new(tool).arg("--version")) {
            return Err(format!("{tool} does not run"));
        }
    }
    let locales = crate::output(Command::new("locale").arg("-a"))?;
    if !locales
        .lines()
        .any(|l| l.eq_ignore_ascii_case("zh_CN.utf8"))
    {
        step(
            &format!("localedef {LOCALE} (Wine's language in the tests)"),
            Command::new("localedef").args(["-i", "zh_CN", "-f", "UTF-8", LOCALE]),
        )?;
    }
    Ok(())
}

/// A Wine prefix of the tests' own under `target/wine`, with the stand-in
/// `bcryptprimitives.dll` where Wine has none (Wine 8.0: Rust 1.78 and later
/// take their random numbers from its `ProcessPrng`; Windows 10 and 11 have
/// it, Wine from 8.13 on).
fn wine_prefix() -> Result<PathBuf, String> {
    let base = root().join("target/wine");
    let prefix = base.join("prefix");
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.join("kernel32.dll").exists() {
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        step(
            "a Wine prefix for the tests (wineboot)",
            Command::new(WINE)
                .args(["wineboot", "-u"])
                .env("WINEPREFIX", &prefix)
                .env("WINEDEBUG", "-all"),
        )?;
    }
    let dll = system32.join("bcryptprimitives.dll");
    if !dll.exists() {
        let source = root().join("src-tauri/xtask/wine");
        let built = base.join("bcryptprimitives.dll");
        step(
            "the bcryptprimitives.dll stand-in (mingw-w64)",
            Command::new(LINKER)
                .args(["-O2", "-shared", "-o"])
                .arg(&built)
                .arg(source.join("bcryptprimitives.c"))
                .arg(source.join("bcryptprimitives.def"))
                .arg("-lbcrypt"),
        )?;
        std::fs::copy(&built, &dll).map_err(|e| format!("{}: {e}", dll.display()))?;
    }
    Ok(prefix)
}

/// `cargo` for the Windows target, in a target folder of its own (a Linux
/// build goes on beside it), running what it builds under Wine.
fn windows_cargo(prefix: &std::path::Path) -> Command {
    let mut c = cargo();
    c.env("CARGO_TARGET_DIR", root().join("target/windows"))
        .env("CARGO_BUILD_TARGET", TARGET)
        .env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER", LINKER)
        .env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER", WINE)
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env("ORDERDESK_UNDER_WINE", "1")
        .env("LANG", LOCALE)
        .env("LC_ALL", LOCALE)
        .env_remove("LC_MESSAGES");
    c
}
