//! A keychain as a Linux desktop has one, for tests: gnome-keyring's Secret
//! Service on a session bus, its login keyring kept in the test's folder and
//! unlocked. The app, the server and the CLI keep the database key there.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A process, stopped when dropped.
#[derive(Debug)]
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A session bus of its own with a Secret Service on it: one PC's keychain.
#[derive(Debug)]
pub struct Keychain {
    pub bus: String,
    _service: Proc,
    _bus: Proc,
}

impl Keychain {
    /// None when dbus-daemon or gnome-keyring is missing (the set-up
    /// installs them) or does not come up.
    pub fn start(dir: &Path) -> Option<Keychain> {
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
        let bus = Proc(bus);
        let address = line.trim().to_string();
        let service = secret_service(dir, Some(&address))?;
        Some(Keychain {
            bus: address,
            _service: service,
            _bus: bus,
        })
    }
}

/// Starts gnome-keyring on the session bus `bus` (None: the session's own)
/// and returns once its login keyring is the default collection. None when
/// it is not installed or does not come up (another one already answers on
/// that bus: it exits then).
pub fn secret_service(dir: &Path, bus: Option<&str>) -> Option<Proc> {
    let home = dir.join("keychain-home");
    std::fs::create_dir_all(&home).ok()?;
    let mut daemon = Command::new("gnome-keyring-daemon");
    if let Some(address) = bus {
        daemon.env("DBUS_SESSION_BUS_ADDRESS", address);
    }
    let mut child = daemon
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", &home)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // The login keyring's password, on stdin, then end of input.
    child.stdin.take()?.write_all(b"test").ok()?;
    let child = Proc(child);
    // Asked only once it owns the name: a call to an unowned name would have
    // the bus start a keyring of its own, without the login keyring (and
    // ours would then find "another secret service" and exit).
    let ask = |args: &[&str]| {
        let mut c = Command::new("dbus-send");
        if let Some(address) = bus {
            c.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        c.args(["--session", "--print-reply"])
            .args(args)
            .stderr(Stdio::null())
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        let owned = ask(&[
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ])
        .contains("boolean true");
        if owned
            && ask(&[
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.ReadAlias",
                "string:default",
            ])
            .contains("/collection/")
        {
            return Some(child);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}
