//! Announcing the server on the LAN by mDNS (`_orderdesk._tcp`), so a desk
//! finds it without anyone typing an address. The announcement carries the
//! version and the certificate's fingerprint; a desk still asks its person
//! to compare the fingerprint before it trusts the server.

use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo};
use orderdesk_api::wire::SERVICE_TYPE;

/// Where to announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    Off,
    /// Every LAN interface (loopback only, when the server listens on loopback).
    Lan,
    /// One interface, by name (such as "lo" in tests).
    Interface(String),
}

pub struct Announcement {
    daemon: ServiceDaemon,
    fullname: String,
}

/// This PC's name, for the announcement and the certificate.
pub fn host_name() -> String {
    let asked = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_string();
    // macOS answers "Name-of-the-Mac.local": the name is the part before.
    let name = asked.strip_suffix(".local").unwrap_or(&asked);
    if !name.is_empty() && name != "localhost" {
        return name.to_string();
    }
    ["COMPUTERNAME", "HOSTNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| "orderdesk-server".into())
}

pub fn announce(
    how: &Discovery,
    listen: std::net::SocketAddr,
    fingerprint: &str,
) -> Result<Option<Announcement>, mdns_sd::Error> {
    let scope = match how {
        Discovery::Off => return Ok(None),
        Discovery::Lan if listen.ip().is_loopback() => Some(IfKind::LoopbackV4),
        Discovery::Lan => None,
        Discovery::Interface(name) => Some(IfKind::Name(name.clone())),
    };
    let daemon = ServiceDaemon::new()?;
    if let Some(kind) = scope {
        daemon.disable_interface(IfKind::All)?;
        daemon.enable_interface(kind)?;
    }
    let host = host_name();
    let ip = if listen.ip().is_unspecified() {
        String::new()
    } else {
        listen.ip().to_string()
    };
    let properties = [
        ("version", orderdesk_api::VERSION),
        ("fingerprint", fingerprint),
    ];
    let mut info = ServiceInfo::new(
        SERVICE_TYPE,
        &format!("OrderDesk on {host}"),
        &format!("{}.local.", host.replace(' ', "-")),
        ip.as_str(),
        listen.port(),
        &properties[..],
    )?;
    if listen.ip().is_unspecified() {
        info = info.enable_addr_auto();
    }
    let fullname = info.get_fullname().to_string();
    daemon.register(info)?;
    Ok(Some(Announcement { daemon, fullname }))
}

impl Announcement {
    pub fn withdraw(self) {
        if let Ok(done) = self.daemon.unregister(&self.fullname) {
            let _ = done.recv_timeout(std::time::Duration::from_secs(1));
        }
        let _ = self.daemon.shutdown();
    }
}
