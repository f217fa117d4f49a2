//! What the CLI's test files share: the binaries, a server process, and a
//! keychain of their own (a session bus with gnome-keyring).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A process, stopped when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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

/// A session bus of its own with a Secret Service on it (gnome-keyring, its
/// login keyring kept in `dir` and unlocked): a PC's keychain. None when
/// gnome-keyring is not installed (the set-up installs it).
pub struct Keychain {
    pub bus: String,
    _daemons: Vec<Proc>,
}

impl Keychain {
    pub fn start(dir: &Path) -> Option<Keychain> {
        use std::io::{BufRead, Write};
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        std::io::BufReader::new(bus.stdout.take()?)
            .read_line(&mut line)
            .ok()?;
        let bus = (line.trim().to_string(), Proc(bus));
        let home = dir.join("keychain-home");
        std::fs::create_dir_all(&home).ok()?;
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.0)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", &home)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        keyring.stdin.take()?.write_all(b"test").ok()?;
        // Until it answers on the bus.
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            let answered = Command::new("dbus-send")
                .env("DBUS_SESSION_BUS_ADDRESS", &bus.0)
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.secrets",
                    "/org/freedesktop/secrets",
                    "org.freedesktop.DBus.Peer.Ping",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if answered {
                return Some(Keychain {
                    bus: bus.0,
                    _daemons: vec![Proc(keyring), bus.1],
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }
}
