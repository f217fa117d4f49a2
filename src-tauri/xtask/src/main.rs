//! `cargo xtask run` and `cargo xtask test`: the two commands of the README.
//!
//! Each sets up what is missing on a fresh Debian/Ubuntu machine with Rust
//! (and, once the desktop app lands, Node), then runs the program or every
//! test and check. Plain `std::process::Command` calls, so that what the
//! project needs is written down here and nowhere else.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

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

/// Runs a command, echoing it; fails with its name when it fails.
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

fn ensure_rust_components() -> Result<(), String> {
    for (tool, component) in [("rustfmt", "rustfmt"), ("clippy-driver", "clippy")] {
        let present = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !present {
            step(
                &format!("install {component}"),
                Command::new("rustup").args(["component", "add", component]),
            )?;
        }
    }
    Ok(())
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
    step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    check_core_is_shell_free()?;
    step(
        "cargo clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("cargo test", cargo().args(["test", "--workspace"]))?;
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    step(
        "build orderdesk-cli",
        cargo().args(["build", "--release", "-p", "orderdesk-cli"]),
    )?;
    let cli = root().join("target/release/orderdesk-cli");
    // Demo data on first start: an empty database gets 20,000 orders.
    step(
        "demo data (first start only)",
        Command::new(&cli).args(["seed", "--orders", "20000", "--if-empty"]),
    )?;
    eprintln!("log in as admin, mgr.east, mgr.north, mgr.key or clerk01…clerk18; password 'demo'");
    let mut cmd = Command::new(&cli);
    if args.is_empty() {
        cmd.env("ORDERDESK_PASSWORD", "demo")
            .args(["--as", "clerk01", "search", "--limit", "20"]);
    } else {
        cmd.args(args);
    }
    step("orderdesk-cli", &mut cmd)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("run") => run(&args[1..]),
        _ => Err("usage: cargo xtask run [CLI ARGS…] | cargo xtask test".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}
