//! Finding office servers on the LAN by mDNS. Blocking: call it off the UI
//! thread. `only` keeps the search to one interface ("lo": the loopback
//! interface, as tests do); the desk takes it from `ORDERDESK_MDNS_INTERFACE`.

use std::time::{Duration, Instant};

use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent};
use orderdesk_api::wire::SERVICE_TYPE;
use serde::{Deserialize, Serialize};

/// A server that answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Found {
    /// "OrderDesk on OFFICE-PC".
    pub name: String,
    pub address: String,
    /// As announced; a person still compares it before the desk trusts it.
    pub fingerprint: String,
    pub version: String,
}

/// Servers that answer within `wait`.
pub fn discover(wait: Duration, only: Option<String>) -> Vec<Found> {
    let Ok(daemon) = ServiceDaemon::new() else {
        return Vec::new();
    };
    if let Some(name) = only {
        let kind = if name == "lo" {
            IfKind::LoopbackV4
        } else {
            IfKind::Name(name)
        };
        let _ = daemon.disable_interface(IfKind::All);
        let _ = daemon.enable_interface(kind);
    }
    let Ok(events) = daemon.browse(SERVICE_TYPE) else {
        let _ = daemon.shutdown();
        return Vec::new();
    };
    let end = Instant::now() + wait;
    let mut found: Vec<Found> = Vec::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        let Ok(event) = events.recv_timeout(left) else {
            break;
        };
        if let ServiceEvent::ServiceResolved(info) = event {
            let ip = info
                .get_addresses()
                .iter()
                .map(|a| a.to_ip_addr())
                .min_by_key(|ip| (ip.is_loopback(), ip.is_ipv6()));
            let Some(ip) = ip else { continue };
            let host = if ip.is_ipv6() {
                format!("[{ip}]")
            } else {
                ip.to_string()
            };
            let prop = |k: &str| info.get_property_val_str(k).unwrap_or_default().to_string();
            let entry = Found {
                name: info
                    .get_fullname()
                    .trim_end_matches(SERVICE_TYPE)
                    .trim_end_matches('.')
                    .to_string(),
                address: format!("{host}:{}", info.get_port()),
                fingerprint: prop("fingerprint"),
                version: prop("version"),
            };
            if !found.contains(&entry) {
                found.push(entry);
            }
        }
    }
    let _ = daemon.stop_browse(SERVICE_TYPE);
    let _ = daemon.shutdown();
    found
}
