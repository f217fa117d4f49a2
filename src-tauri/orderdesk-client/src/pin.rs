//! Trust by fingerprint: a desk accepts exactly the certificate whose SHA-256
//! it pinned at its first connection, and nothing else, whatever name or
//! authority it claims. The handshake's signatures are still checked against
//! that certificate's key, so a copy of the certificate alone is worthless.
//!
//! For the first connection ([`Trust::Any`]) the verifier accepts any
//! certificate and records its fingerprint, for a person to compare with the
//! one the server printed before the desk pins it.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// Which certificate to accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Only the one with this SHA-256 (hex).
    Pinned(String),
    /// Any (the first look at a server, before a person compared it).
    Any,
}

/// A fingerprint as people write it (spaces, colons, capitals), normalised:
/// 64 lowercase hex digits, or None when it is not one.
pub fn normalise(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ':' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

/// Where a verifier records the fingerprint it was shown.
pub type Presented = Arc<Mutex<Option<String>>>;

#[derive(Debug)]
pub struct PinVerifier {
    trust: Trust,
    algorithms: WebPkiSupportedAlgorithms,
    /// The fingerprint the server presented last: what a person compares,
    /// and what a "certificate changed" refusal names.
    presented: Presented,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = hex::encode(Sha256::digest(end_entity.as_ref()));
        if let Ok(mut p) = self.presented.lock() {
            *p = Some(seen.clone());
        }
        match &self.trust {
            Trust::Any => Ok(ServerCertVerified::assertion()),
            Trust::Pinned(pinned) if *pinned == seen => Ok(ServerCertVerified::assertion()),
            Trust::Pinned(_) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A TLS client configuration that trusts as `trust` says, and the cell where
/// its verifier records the fingerprint it was shown.
pub fn client_config(trust: Trust) -> Result<(rustls::ClientConfig, Presented), rustls::Error> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let presented = Arc::new(Mutex::new(None));
    let verifier = Arc::new(PinVerifier {
        trust,
        algorithms: provider.signature_verification_algorithms,
        presented: presented.clone(),
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((config, presented))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_compare_however_people_write_them() {
        let hex = "658b089e307808c97f4d610ba53deacdab3395965f542aef707cecc73d7d9d3e";
        assert_eq!(normalise(hex).as_deref(), Some(hex));
        let spaced =
            "658B 089E 3078 08C9 7F4D 610B A53D EACD AB33 9596 5F54 2AEF 707C ECC7 3D7D 9D3E";
        assert_eq!(normalise(spaced).as_deref(), Some(hex));
        assert_eq!(normalise("658b:08"), None);
        assert_eq!(normalise(&"z".repeat(64)), None);
    }
}
