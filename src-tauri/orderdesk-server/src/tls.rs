//! The server's identity: a self-signed certificate made at first start and
//! kept in the data folder. Desks do not trust it by a certificate authority
//! (an office LAN has none) but by its SHA-256 fingerprint, which a person
//! compares once and the desk pins.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};

const CERT_FILE: &str = "certificate.der";
const KEY_FILE: &str = "private-key.der";

pub struct Identity {
    pub cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
    pub fingerprint: String,
}

fn tls_dir(data: &Path) -> PathBuf {
    data.join("tls")
}

/// SHA-256 of a certificate (DER), lowercase hex.
pub fn fingerprint(cert: &[u8]) -> String {
    hex::encode(Sha256::digest(cert))
}

/// The identity kept in `data/tls/`, made there first if missing.
pub fn load_or_create(data: &Path) -> io::Result<Identity> {
    let dir = tls_dir(data);
    let (cert_path, key_path) = (dir.join(CERT_FILE), dir.join(KEY_FILE));
    if !cert_path.exists() || !key_path.exists() {
        create(&dir, &cert_path, &key_path)?;
    }
    let cert = std::fs::read(&cert_path)?;
    let key = std::fs::read(&key_path)?;
    Ok(Identity {
        fingerprint: fingerprint(&cert),
        cert: CertificateDer::from(cert),
        key: PrivatePkcs8KeyDer::from(key),
    })
}

/// The fingerprint of the identity in `data`, if one was made.
pub fn existing_fingerprint(data: &Path) -> Option<String> {
    std::fs::read(tls_dir(data).join(CERT_FILE))
        .ok()
        .map(|c| fingerprint(&c))
}

fn create(dir: &Path, cert_path: &Path, key_path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let host = crate::host_name();
    let made = rcgen::generate_simple_self_signed(vec![host, "localhost".into()])
        .map_err(|e| io::Error::other(e.to_string()))?;
    // The key first, readable by the service's account only; the certificate
    // last, so a half-made identity is made again at the next start.
    orderdesk_core::store::files::write_private(key_path, &made.signing_key.serialize_der())
        .map_err(|e| io::Error::other(e.log_detail()))?;
    write_atomically(cert_path, made.cert.der())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let part = path.with_extension("part");
    std::fs::write(&part, bytes)?;
    std::fs::rename(&part, path)
}

/// The rustls configuration serving this identity (HTTP/1.1).
pub fn server_config(id: &Identity) -> io::Result<Arc<rustls::ServerConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| io::Error::other(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(
            vec![id.cert.clone()],
            PrivateKeyDer::Pkcs8(id.key.clone_key()),
        )
        .map_err(|e| io::Error::other(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
