//! Passwords: argon2id with the `argon2` crate's defaults (19 MiB, 2 iterations, parallelism 1,
//! the OWASP minimum), stored as the full PHC string so parameters can be raised later.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

/// The shortest and longest passwords accepted.
pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

/// Checks a new password's length; returns a plain message when it is not acceptable.
pub fn check_new(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Err(format!("a password needs at least {MIN_LEN} characters"))
    } else if password.len() > MAX_LEN {
        Err(format!("a password may have at most {MAX_LEN} bytes"))
    } else {
        Ok(())
    }
}

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

/// Checks a password against a stored PHC string. A malformed stored hash never verifies.
pub fn verify(password: &str, phc: &str) -> bool {
    if password.len() > MAX_LEN {
        return false;
    }
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("wrong horse battery", &phc));
        assert!(!verify("anything", "not a phc string"));
        assert!(check_new("short").is_err());
        assert!(check_new(&"x".repeat(300)).is_err());
        assert!(check_new("long enough pw").is_ok());
    }
}
