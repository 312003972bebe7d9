//! Bearer secrets: reservation, status, session and device tokens.
//! 256 random bits, URL-safe base64 (43 characters); only their SHA-256
//! is stored where a lookup is all that is needed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const TOKEN_LEN: usize = 43;

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The reservation token a booking form's one-time key stands for. The
/// confirmation page carries a fresh random key; submitting it twice (a
/// double tap, a reload, a second tab) names the same token, so the
/// reservation's unique token hash is the double-submit guard, kept with
/// the booking and checked under the write lock.
pub fn from_submit_key(key: &SubmitKey) -> String {
    let digest = Sha256::digest(format!("madoguchi booking form\0{}", key.0).as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

/// A booking form's one-time key, as the confirmation page issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitKey(String);

impl SubmitKey {
    /// A new key for a confirmation page.
    pub fn new() -> SubmitKey {
        SubmitKey(new_token())
    }

    /// A key sent back with the form; anything not shaped like one is none.
    pub fn parse(s: &str) -> Option<SubmitKey> {
        looks_like_token(s).then(|| SubmitKey(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SubmitKey {
    fn default() -> Self {
        SubmitKey::new()
    }
}

pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a string has the shape of a token (before any lookup).
pub fn looks_like_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_well_formed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(looks_like_token(&a), "{a}");
        // 43 base64 characters carry 256 bits, well above the 128 required.
        assert_eq!(a.len() * 6 / 8, 32);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
        assert!(!looks_like_token("O001"));
        assert!(!looks_like_token(&format!("{}!", &a[..42])));
    }

    #[test]
    fn a_submit_key_names_one_token_that_is_not_the_key() {
        let key = SubmitKey::new();
        let token = from_submit_key(&key);
        assert!(looks_like_token(&token), "{token}");
        assert_eq!(
            token,
            from_submit_key(&SubmitKey::parse(key.as_str()).expect("key"))
        );
        assert_ne!(token, key.as_str());
        assert_ne!(token, from_submit_key(&SubmitKey::new()));
        assert_eq!(SubmitKey::parse("short"), None);
    }
}
