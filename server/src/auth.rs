//! Password hashing (argon2id with per-user salt).

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password; with no stored hash it still spends the same effort.
/// The password hash of an account made from the city's directory: no
/// password verifies against it, so it can only log in through the
/// directory.
pub const FROM_DIRECTORY: &str = "!directory";

pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8TZpZ2Glh8Up0Pjd6RL1Smcx3QO3qWW8v9Zu6Z7W0YI";
    let parsed = PasswordHash::new(stored.unwrap_or(DUMMY));
    match parsed {
        Ok(h) => {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
                && stored.is_some()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", Some(&h)));
        assert!(!verify_password("wrong", Some(&h)));
        assert!(!verify_password("correct horse", None));
        assert_ne!(hash_password("correct horse").expect("hash"), h, "salted");
    }
}
