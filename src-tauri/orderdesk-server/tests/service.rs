//! The server as a service: the systemd unit is checked by systemd itself
//! (`systemd-analyze verify`, with the built binary in it); the launchd
//! daemon is well-formed and runs the same command; on Windows the server
//! is its own service, driven through the service manager.

use std::process::Command;

#[cfg(unix)]
const UNIT: &str = include_str!("../service/orderdesk-server.service");
const PLIST: &str = include_str!("../service/com.orderdesk.server.plist");

#[cfg(unix)]
#[test]
fn the_systemd_unit_is_valid_and_stops_the_server_gracefully() {
    assert!(UNIT.contains("KillSignal=SIGTERM"));
    assert!(UNIT.contains("--data /var/lib/orderdesk"));
    assert!(UNIT.contains("StateDirectory=orderdesk"));
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        panic!("systemd-analyze is needed to check the unit (package systemd)");
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    let unit = dir.path().join("orderdesk-server.service");
    let bin = env!("CARGO_BIN_EXE_orderdesk-server");
    std::fs::write(&unit, UNIT.replace("/usr/local/bin/orderdesk-server", bin)).expect("write");
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&unit)
        .output()
        .expect("systemd-analyze verify");
    let said = String::from_utf8_lossy(&out.stderr);
    // Outside a booted systemd the check still reads and validates the unit;
    // only complaints about this unit count.
    let ours: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("orderdesk-server.service"))
        .collect();
    assert!(ours.is_empty(), "systemd-analyze found problems: {ours:?}");
}

#[test]
fn the_macos_daemon_runs_the_same_server() {
    assert!(PLIST.contains("<string>/usr/local/bin/orderdesk-server</string>"));
    assert!(PLIST.contains("<string>--data</string>"));
    assert!(PLIST.contains("0.0.0.0:4780"));
    assert!(PLIST.trim_start().starts_with('<') && PLIST.trim_end().ends_with('>'));
    assert_eq!(
        PLIST.matches("<dict>").count(),
        PLIST.matches("</dict>").count()
    );
    assert!(PLIST.contains("<key>ProgramArguments</key>"));
}

/// The Windows service, through Windows' service manager (Wine's, under
/// `cargo xtask test`; Windows' own on the release workflow's runner):
/// installed, it starts and serves from its data folder; stopped, it stops
/// as SIGTERM stops it (calls in flight finish, exit code 0); uninstalled,
/// it is gone and its data stays.
#[cfg(windows)]
#[test]
fn the_windows_service_installs_serves_stops_and_goes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("OrderDesk Server");
    let server = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_orderdesk-server"))
            .arg("--data")
            .arg(&data)
            .args(["--listen", "127.0.0.1:0", "--no-discovery"])
            .arg("service")
            .args(args)
            .output()
            .expect("orderdesk-server service")
    };
    let said = |out: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let installed = server(&["install"]);
    if said(&installed).contains("run this as administrator") {
        eprintln!("not an administrator here: the service test needs one (CI runners are)");
        return;
    }
    assert!(installed.status.success(), "{}", said(&installed));
    let state = data.join("server.json");
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !state.exists() {
        assert!(std::time::Instant::now() < end, "the service did not start");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let status = Command::new(env!("CARGO_BIN_EXE_orderdesk-server"))
        .arg("--data")
        .arg(&data)
        .args(["status", "--json"])
        .output()
        .expect("status");
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("\"fingerprint\"") && text.contains("127.0.0.1:"),
        "{text}"
    );
    let again = server(&["install"]);
    assert!(!again.status.success());
    assert!(
        said(&again).contains("installed already"),
        "{}",
        said(&again)
    );

    let stopped = server(&["stop"]);
    assert!(stopped.status.success(), "{}", said(&stopped));
    let log = std::fs::read_to_string(data.join("server.log")).expect("server.log");
    assert!(
        log.contains("the service manager asks the server to stop"),
        "{log}"
    );
    assert!(log.trim_end().ends_with("stopped"), "{log}");
    let query = Command::new("sc")
        .args(["query", "OrderDeskServer"])
        .output()
        .expect("sc");
    let text = String::from_utf8_lossy(&query.stdout);
    assert!(text.contains("STOPPED"), "{text}");
    assert!(text.contains("WIN32_EXIT_CODE    : 0"), "{text}");

    let removed = server(&["uninstall"]);
    assert!(removed.status.success(), "{}", said(&removed));
    assert!(data.join("orderdesk.db").exists(), "the data stays");
    let gone = server(&["stop"]);
    assert!(said(&gone).contains("not installed"), "{}", said(&gone));
}
