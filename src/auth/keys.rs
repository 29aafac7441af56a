//! API keys: `rst_` + 32 base62 characters from the OS CSPRNG. Only the
//! SHA-256 of a key is stored; `prefix` (its first 8 characters) helps the
//! owner tell keys apart.

use sha2::{Digest, Sha256};

use super::password::hex;

pub const PREFIX: &str = "rst_";
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` characters drawn uniformly from the alphabet (rejection sampling: no modulo bias).
pub fn random_base62(n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 64];
    while out.len() < n {
        getrandom::fill(&mut buf).expect("the OS random source failed");
        for &b in &buf {
            if b < 248 && out.len() < n {
                out.push(ALPHABET[(b % 62) as usize] as char);
            }
        }
    }
    out
}

pub fn generate() -> String {
    format!("{PREFIX}{}", random_base62(32))
}

pub fn hash(raw: &str) -> String {
    hex(&Sha256::digest(raw.as_bytes()))
}

pub fn prefix(raw: &str) -> String {
    raw.chars().take(8).collect()
}

/// Looks like a key (so a Bearer value is not taken for a JWT).
pub fn looks_like_key(s: &str) -> bool {
    s.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_documented_shape() {
        let k = generate();
        assert_eq!(k.len(), 36);
        assert!(k[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(generate(), k);
        assert_eq!(prefix(&k).len(), 8);
        assert_eq!(hash(&k).len(), 64);
    }
}
