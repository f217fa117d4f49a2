//! What the CLI's test files share: the binaries, a server process, and a
//! keychain of their own (a session bus with gnome-keyring).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn cli_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_orderdesk-cli"))
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
