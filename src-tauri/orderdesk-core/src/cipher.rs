//! Encryption at rest: the database key and the recovery key written on paper.
//!
//! The database, its WAL and every backup are encrypted by SQLCipher with a
//! random 256-bit key given raw (no password stretching: the key is random,
//! not chosen by a person). The key lives in the OS keychain of the PC that
//! holds the database (never in a file beside it); the recovery key is the
//! same 32 bytes in a form a person can copy by hand, with a checksum so that
//! a typo is caught before a file is touched.

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::error::{Error, Msg, Result};

/// Crockford's base 32: no I, L, O or U, which people misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Check bytes after the key (SHA-256 of it): a typo is found, not a wrong key.
const CHECK: usize = 2;
const GROUP: usize = 5;

/// Where the key of a database being encrypted is kept (this PC's
/// keychain). Both are called under the store's writer lock, so no other
/// encryption comes between them.
pub trait KeyKeeper {
    /// Keeps `key` before anything is encrypted; an error stops there.
    fn keep(&self, key: &DbKey) -> Result<()>;
    /// Forgets the kept key: the encryption failed, the file is still plain.
    fn forget(&self);
}

/// A database key: 32 random bytes. Never printed (its `Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl Drop for DbKey {
    fn drop(&mut self) {
        // Best effort: the bytes do not linger in freed memory.
        self.0.zeroize();
    }
}

impl DbKey {
    /// A new key from the OS's random source.
    pub fn random() -> DbKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        DbKey(bytes)
    }

    /// As kept in the keychain: 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Result<DbKey> {
        let bytes = hex::decode(text.trim()).map_err(|_| Error::invalid(Msg::BadRecoveryKey))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::invalid(Msg::BadRecoveryKey))?;
        Ok(DbKey(bytes))
    }

    /// The recovery key: 55 characters of Crockford's base 32 in groups of
    /// five (`7K2QD-…`), the key and two check bytes.
    pub fn recovery(&self) -> String {
        let mut bytes = self.0.to_vec();
        bytes.extend_from_slice(&check_of(&self.0));
        let plain = encode(&bytes);
        plain
            .as_bytes()
            .chunks(GROUP)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a recovery key as a person types it: any case, with or without
    /// dashes and spaces, O for 0 and I or L for 1. A typo is refused.
    pub fn from_recovery(text: &str) -> Result<DbKey> {
        let bytes = decode(text).ok_or_else(|| Error::invalid(Msg::BadRecoveryKey))?;
        if bytes.len() != 32 + CHECK {
            return Err(Error::invalid(Msg::BadRecoveryKey));
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[..32]);
        if bytes[32..] != check_of(&key) {
            return Err(Error::invalid(Msg::BadRecoveryKey));
        }
        Ok(DbKey(key))
    }

    /// SQLCipher's raw-key literal, for `PRAGMA key` and `ATTACH … KEY`.
    pub(crate) fn sql(&self) -> String {
        format!("\"x'{}'\"", self.to_hex())
    }
}

fn check_of(key: &[u8; 32]) -> [u8; CHECK] {
    let digest = Sha256::digest(key);
    [digest[0], digest[1]]
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' | '\t' | '\r' | '\n' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let v = ALPHABET.iter().position(|&a| a as char == c)? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits are the padding of the last character: zero, or a typo.
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_as_typed_and_a_typo_is_caught() {
        let key = DbKey::random();
        let written = key.recovery();
        assert_eq!(written.len(), 55 + 10, "{written}");
        assert_eq!(DbKey::from_recovery(&written).expect("as written"), key);
        let typed = written.to_lowercase().replace('-', " ");
        assert_eq!(DbKey::from_recovery(&typed).expect("as typed"), key);

        // One character changed: refused, never another key.
        let mut wrong: Vec<char> = written.chars().collect();
        wrong[7] = if wrong[7] == 'A' { 'B' } else { 'A' };
        let wrong: String = wrong.into_iter().collect();
        assert!(DbKey::from_recovery(&wrong).is_err());
        assert!(DbKey::from_recovery("").is_err());
        assert!(DbKey::from_recovery(&written[..40]).is_err());
        assert_eq!(DbKey::from_hex(&key.to_hex()).expect("hex"), key);
        assert_eq!(format!("{key:?}"), "DbKey(…)");
    }
}
