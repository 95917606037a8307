//! The second factor a sign-in or a two-factor change proves: an authenticator code (TOTP) or
//! one of the user's one-time recovery codes, for when the phone is lost.

use rand::Rng;
use switchyard_core::domain::{User, hash_secret};

use super::totp;

/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code: lower-case letters and digits without the look-alikes
/// (0/o, 1/l/i), 5 bits each; 10 characters make 50 bits.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const CODE_CHARS: usize = 10;

/// A second factor that matched, and what spends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// An authenticator code at this TOTP time step.
    Authenticator(u64),
    /// The recovery code at this index of the user's list.
    Recovery(usize),
}

/// New recovery codes: (what the user writes down, as `xxxxx-xxxxx`; what is stored, hashes).
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rng();
    let plain: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let raw: String = (0..CODE_CHARS)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &raw[..CODE_CHARS / 2], &raw[CODE_CHARS / 2..])
        })
        .collect();
    let hashes = plain.iter().map(|c| hash_secret(&normalize(c))).collect();
    (plain, hashes)
}

/// A recovery code as typed, reduced to what was generated: case, dashes and spaces ignored.
fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What `code` proves for `user` (who has two-factor sign-in on), if anything: six digits are an
/// authenticator code (once each), anything else is tried as a recovery code.
pub fn check(user: &User, code: &str) -> Option<Proof> {
    let secret = user.totp_secret.as_deref()?;
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return totp::accept(secret, &digits, user.totp_last_step).map(Proof::Authenticator);
    }
    let typed = normalize(code);
    if typed.len() != CODE_CHARS {
        return None;
    }
    let hash = hash_secret(&typed);
    user.recovery_codes
        .iter()
        .position(|h| *h == hash)
        .map(Proof::Recovery)
}

/// Spends `proof` on `user`: the code does not work again (the caller stores the user,
/// version-checked, so two sign-ins racing with one code cannot both win).
pub fn spend(user: &mut User, proof: Proof) {
    match proof {
        Proof::Authenticator(step) => user.totp_last_step = step,
        Proof::Recovery(i) => {
            user.recovery_codes.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_with(codes: Vec<String>) -> User {
        let (secret, _) = totp::new_secret("ada@example.com").unwrap();
        User {
            id: "u".into(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            password_hash: String::new(),
            session_generation: 0,
            created_at: 0,
            version: 0,
            totp_secret: Some(secret),
            totp_pending: None,
            totp_last_step: 0,
            recovery_codes: codes,
            email_verified_at: None,
            sso_org: None,
        }
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_stored_only_as_hashes() {
        let (plain, hashes) = new_recovery_codes();
        assert_eq!(plain.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = plain.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        assert!(plain.iter().all(|c| !hashes.contains(c)));
    }

    #[test]
    fn a_recovery_code_matches_whatever_its_case_and_dashes() {
        let (plain, hashes) = new_recovery_codes();
        let u = user_with(hashes);
        let shouted = plain[3].to_uppercase().replace('-', " ");
        assert_eq!(check(&u, &shouted), Some(Proof::Recovery(3)));
    }

    #[test]
    fn a_spent_recovery_code_does_not_match_again() {
        let (plain, hashes) = new_recovery_codes();
        let mut u = user_with(hashes);
        let proof = check(&u, &plain[0]).unwrap();
        spend(&mut u, proof);
        assert_eq!(check(&u, &plain[0]), None);
        assert_eq!(u.recovery_codes.len(), RECOVERY_CODES - 1);
    }

    #[test]
    fn nothing_matches_for_a_user_without_two_factor() {
        let (plain, hashes) = new_recovery_codes();
        let mut u = user_with(hashes);
        u.totp_secret = None;
        assert_eq!(check(&u, &plain[0]), None);
    }
}
