//! What the CLI's test files share: the binaries, a server process, and a
//! keychain of their own (a session bus with gnome-keyring).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn cli_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_orderdesk-cli"))
}

/// The CLI, speaking English whatever the system's language (the tests
/// under Wine run in Chinese).
pub fn cli_command() -> Command {
    let mut c = Command::new(cli_bin());
    c.env("ORDERDESK_LANG", "en");
    c
}

/// The server binary beside the CLI's (cargo builds it for the workspace's
/// tests; run alone, this crate's tests build it first).
pub fn server_bin() -> PathBuf {
    let bin = cli_bin().with_file_name(format!("orderdesk-server{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let built = Command::new(cargo)
            .args([
                "build",
                "-p",
                "orderdesk-server",
                "--bin",
                "orderdesk-server",
            ])
            .status()
            .expect("cargo build orderdesk-server");
        assert!(built.success(), "could not build orderdesk-server");
    }
    bin
}

/// A server on 127.0.0.1 (a port the system picks) over the folder `data`,
/// with the session bus `bus` (where its keychain is) when given; returns
/// once `server.json` says where it listens: the process, its address and
/// its certificate's fingerprint. None when it exited first (it could not
/// open the database).
pub fn start_server_on(data: &Path, bus: Option<&str>) -> Option<(Proc, String, String)> {
    let _ = std::fs::remove_file(data.join("server.json"));
    let mut command = Command::new(server_bin());
    if let Some(address) = bus {
        command.env("DBUS_SESSION_BUS_ADDRESS", address);
    }
    let mut process = Proc(
        command
            .arg("--data")
            .arg(data)
            .args(["--listen", "127.0.0.1:0", "--no-discovery"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start orderdesk-server"),
    );
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = std::fs::read_to_string(data.join("server.json"))
            && let Ok(state) = serde_json::from_str::<Value>(&text)
        {
            let address = state["listen"].as_str().expect("listen").to_string();
            let fingerprint = state["fingerprint"].as_str().expect("fp").to_string();
            return Some((process, address, fingerprint));
        }
        if let Ok(Some(_)) = process.0.try_wait() {
            return None;
        }
        assert!(Instant::now() < end, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PC's keychain (gnome-keyring on a session bus of its own).
#[allow(unused_imports)]
pub use orderdesk_e2e::keychain::{Keychain, Proc};

/// The tests that use keychains take turns (a keychain starting while
/// another test's asks the bus was seen to find "another secret service").
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where the commands go.
pub enum Via {
    File,
    Server {
        _process: Proc,
        address: String,
        fingerprint: String,
    },
}

/// A session bus address where nothing listens.
pub const NO_BUS: &str = "unix:path=/nonexistent/orderdesk-test-no-bus";

/// A seeded database, reached through a file or through a server over it.
pub struct Site {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub via: Via,
}

/// Starts `orderdesk-server` on the folder of `db`, on 127.0.0.1 with a port
/// the system picks; returns it once `server.json` says where it listens.
pub fn start_server(data: &Path) -> Via {
    let (process, address, fingerprint) = start_server_on(data, None).expect("the server started");
    Via::Server {
        _process: process,
        address,
        fingerprint,
    }
}

pub fn seed_file(path: &Path, orders: u32) {
    let out = cli_command()
        .arg("--db")
        .arg(path)
        .env_remove("ORDERDESK_SERVER")
        .args([
            "seed",
            "--orders",
            &orders.to_string(),
            "--anchor",
            "2026-11-28",
        ])
        .output()
        .expect("seed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn site(orders: u32, served: bool) -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("orderdesk.db");
    seed_file(&path, orders);
    let via = if served {
        start_server(dir.path())
    } else {
        Via::File
    };
    Site {
        _dir: dir,
        path,
        via,
    }
}

/// Runs `check` on a seeded file, then on a server over an identical one.
pub fn both(orders: u32, check: impl Fn(&Site)) {
    for served in [false, true] {
        let site = site(orders, served);
        check(&site);
    }
}

impl Site {
    pub fn served(&self) -> bool {
        matches!(self.via, Via::Server { .. })
    }

    pub fn command(&self, user: Option<&str>, password: &str) -> Command {
        let mut c = cli_command();
        c.env_remove("ORDERDESK_USER")
            .env_remove("ORDERDESK_DB")
            .env_remove("ORDERDESK_SERVER")
            .env_remove("ORDERDESK_SERVER_FINGERPRINT")
            .env("ORDERDESK_PASSWORD", password)
            // No keychain answers: a test never touches the keychain of
            // whoever runs it (tests of the keychain bring their own bus).
            .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);
        match &self.via {
            Via::File => {
                c.arg("--db").arg(&self.path);
            }
            Via::Server {
                address,
                fingerprint,
                ..
            } => {
                c.args(["--server", address, "--server-fingerprint", fingerprint]);
            }
        }
        if let Some(u) = user {
            c.args(["--as", u]);
        }
        c
    }

    pub fn cli(&self, user: Option<&str>, args: &[&str]) -> Output {
        self.command(user, "demo")
            .args(args)
            .output()
            .expect("run orderdesk-cli")
    }

    /// Runs with --json, expects `code`, returns stdout (or stderr on failure) as JSON.
    pub fn json(&self, user: Option<&str>, args: &[&str], code: i32) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.cli(user, &all);
        let via = if self.served() { "server" } else { "file" };
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?} via {via}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = if code == 0 { &out.stdout } else { &out.stderr };
        serde_json::from_slice(text).unwrap_or_else(|e| {
            panic!(
                "{args:?} via {via}: not JSON ({e}): {}",
                String::from_utf8_lossy(text)
            )
        })
    }
}
