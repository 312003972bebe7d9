//! The details key: the family's details (deceased, applicant, refund
//! account) are sealed with XChaCha20-Poly1305 before they reach the
//! database, with a key kept in a file apart from it (`--details-key`,
//! by default `<data>/keys/details.key`, made on first start, mode 0600).
//! A copy of the database alone reveals nothing of them.
//!
//! Sealed form: base64 of `version (1) ‖ nonce (24) ‖ ciphertext+tag`.
//! The database keeps one sealed known text, so a server started with
//! another key (another instance's) refuses to start at once.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

const VERSION: u8 = 1;
const NONCE: usize = 24;
/// Bound to every sealed text: a sealed value of another purpose (or
/// another program using the same key) does not open here.
const AAD: &[u8] = b"madoguchi family details v1";
/// The text the database keeps sealed to recognise its key.
const CHECK: &[u8] = b"madoguchi details key check";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("details key {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "details key {0}: not a key (64 hexadecimal digits); restore the key file, or move it away to make a new one (details sealed with the old one are then lost)"
    )]
    Malformed(PathBuf),
    #[error(
        "details key {0} is not the key this database's family details were sealed with: give every server the same key file (--details-key)"
    )]
    WrongKey(PathBuf),
    #[error("the sealed details cannot be opened (damaged, or sealed with another key)")]
    Unreadable,
    #[error("no random numbers from the operating system")]
    Random,
}

pub struct Vault {
    cipher: XChaCha20Poly1305,
    path: PathBuf,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("path", &self.path).finish()
    }
}

impl Vault {
    /// The default key file of a data directory.
    pub fn default_path(data: &Path) -> PathBuf {
        data.join("keys").join("details.key")
    }

    /// Reads the key file, or makes one (32 random bytes, as hex, readable
    /// by the server's user only) when there is none.
    pub fn open_or_create(path: &Path) -> Result<Vault, VaultError> {
        let io = |error| VaultError::Io {
            path: path.to_path_buf(),
            error,
        };
        let key = match std::fs::read_to_string(path) {
            Ok(text) => parse_key(&text).ok_or_else(|| VaultError::Malformed(path.into()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Key::try_generate().map_err(|_| VaultError::Random)?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                match write_new(path, &hex(&key)) {
                    Ok(()) => key,
                    // Another server made it a moment ago: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let text = std::fs::read_to_string(path).map_err(io)?;
                        parse_key(&text).ok_or_else(|| VaultError::Malformed(path.into()))?
                    }
                    Err(e) => return Err(io(e)),
                }
            }
            Err(e) => return Err(io(e)),
        };
        Ok(Vault {
            cipher: XChaCha20Poly1305::new(&key),
            path: path.to_path_buf(),
        })
    }

    /// A key for tests, from fixed bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Vault {
        Vault {
            cipher: XChaCha20Poly1305::new(&Key::from(bytes)),
            path: PathBuf::from("(in memory)"),
        }
    }

    pub fn seal(&self, plaintext: &[u8]) -> Result<String, VaultError> {
        let nonce = XNonce::try_generate().map_err(|_| VaultError::Random)?;
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: AAD,
                },
            )
            .map_err(|_| VaultError::Unreadable)?;
        let mut out = Vec::with_capacity(1 + NONCE + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, VaultError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| VaultError::Unreadable)?;
        if bytes.len() < 1 + NONCE || bytes[0] != VERSION {
            return Err(VaultError::Unreadable);
        }
        let nonce = XNonce::try_from(&bytes[1..1 + NONCE]).map_err(|_| VaultError::Unreadable)?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &bytes[1 + NONCE..],
                    aad: AAD,
                },
            )
            .map_err(|_| VaultError::Unreadable)
    }

    /// A fresh sealed check value for the database.
    pub fn check_value(&self) -> Result<String, VaultError> {
        self.seal(CHECK)
    }

    /// Whether the database's check value was sealed with this key.
    pub fn verify(&self, check: &str) -> Result<(), VaultError> {
        match self.open(check) {
            Ok(text) if text == CHECK => Ok(()),
            _ => Err(VaultError::WrongKey(self.path.clone())),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_key(text: &str) -> Option<Key> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(Key::from(key))
}

/// Writes a new file readable by its owner only; fails if it exists.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_with_its_key_only() {
        let a = Vault::from_bytes([7; 32]);
        let b = Vault::from_bytes([8; 32]);
        let sealed = a.seal("ヤマダ タロウ".as_bytes()).expect("seal");
        assert!(!sealed.contains("ヤマダ"));
        assert_eq!(a.open(&sealed).expect("open"), "ヤマダ タロウ".as_bytes());
        assert!(matches!(b.open(&sealed), Err(VaultError::Unreadable)));
        // The same text twice seals differently (a fresh nonce each time).
        assert_ne!(sealed, a.seal("ヤマダ タロウ".as_bytes()).expect("seal"));
        // A changed byte is refused, not opened into garbage.
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(&sealed)
            .expect("b64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(matches!(a.open(&tampered), Err(VaultError::Unreadable)));
        assert!(a.verify(&a.check_value().expect("check")).is_ok());
        assert!(matches!(
            b.verify(&a.check_value().expect("check")),
            Err(VaultError::WrongKey(_))
        ));
    }

    #[test]
    fn the_key_file_is_made_once_private_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = Vault::default_path(dir.path());
        let first = Vault::open_or_create(&path).expect("made");
        let again = Vault::open_or_create(&path).expect("read");
        let sealed = first.seal(b"1234567").expect("seal");
        assert_eq!(again.open(&sealed).expect("open"), b"1234567");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key\n").expect("write");
        assert!(matches!(
            Vault::open_or_create(&path),
            Err(VaultError::Malformed(_))
        ));
    }
}
