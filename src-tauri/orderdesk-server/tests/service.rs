//! The files that run the server as a service: the systemd unit is checked
//! by systemd itself (`systemd-analyze verify`, with the built binary in it);
//! the launchd and WinSW files are well-formed and run the same command.

use std::process::Command;

const UNIT: &str = include_str!("../service/orderdesk-server.service");
const PLIST: &str = include_str!("../service/com.orderdesk.server.plist");
const WINSW: &str = include_str!("../service/orderdesk-server-winsw.xml");

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
fn the_macos_and_windows_files_run_the_same_server() {
    for text in [PLIST, WINSW] {
        assert!(text.contains("orderdesk-server"));
        assert!(text.contains("--data"));
        assert!(text.contains("0.0.0.0:4780"));
        assert!(text.trim_start().starts_with('<') && text.trim_end().ends_with('>'));
        let opened = text.matches("<dict>").count() + text.matches("<service>").count();
        let closed = text.matches("</dict>").count() + text.matches("</service>").count();
        assert_eq!(opened, closed, "balanced");
    }
    assert!(PLIST.contains("<key>ProgramArguments</key>"));
    assert!(WINSW.contains("<executable>"));
}
