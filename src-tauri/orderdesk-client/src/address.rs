//! Server addresses as people type them: `192.168.1.20`, `office-pc:4780`,
//! `https://office-pc:4780/`, `[fe80::1]:4780`. Stored and shown as
//! `host:port`.

use orderdesk_api::wire::DEFAULT_PORT;
use orderdesk_core::{Error, Msg};

/// `host:port`, with the default port when none was typed.
pub fn normalise(text: &str) -> Result<String, Error> {
    let bad = || {
        Error::invalid(Msg::BadField {
            field: "address".into(),
            value: text.to_string(),
        })
    };
    let t = text.trim();
    let t = t.strip_prefix("https://").unwrap_or(t);
    let t = t.trim_end_matches('/');
    if t.is_empty() || t.contains(['/', ' ', '?', '#', '@']) {
        return Err(bad());
    }
    let (host, port) = if let Some(rest) = t.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(p) => p,
            None if after.is_empty() => "",
            None => return Err(bad()),
        };
        (format!("[{host}]"), port)
    } else if t.matches(':').count() > 1 {
        // A bare IPv6 address.
        (format!("[{t}]"), "")
    } else {
        match t.split_once(':') {
            Some((h, p)) => (h.to_string(), p),
            None => (t.to_string(), ""),
        }
    };
    let port: u16 = if port.is_empty() {
        DEFAULT_PORT
    } else {
        port.parse().ok().filter(|p| *p > 0).ok_or_else(bad)?
    };
    if host.is_empty() || host == "[]" {
        return Err(bad());
    }
    Ok(format!("{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_people_type_them() {
        assert_eq!(
            normalise("192.168.1.20").ok().as_deref(),
            Some("192.168.1.20:4780")
        );
        assert_eq!(
            normalise(" office-pc:5000 ").ok().as_deref(),
            Some("office-pc:5000")
        );
        assert_eq!(
            normalise("https://office-pc:5000/").ok().as_deref(),
            Some("office-pc:5000")
        );
        assert_eq!(
            normalise("[fe80::1]:4781").ok().as_deref(),
            Some("[fe80::1]:4781")
        );
        assert_eq!(normalise("fe80::1").ok().as_deref(), Some("[fe80::1]:4780"));
        for bad in [
            "",
            "pc:0",
            "pc:99999",
            "pc:abc",
            "a b",
            "http://x/y",
            "[::1",
        ] {
            assert!(normalise(bad).is_err(), "{bad:?}");
        }
    }
}
