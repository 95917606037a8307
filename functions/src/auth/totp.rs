//! Two-factor sign-in codes: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps, one step of skew
//! either way), what every authenticator app speaks. A code is accepted once: the step it matched
//! must be later than the last accepted one.

use totp_rs::{Builder, Secret, Totp};

pub const ISSUER: &str = "Switchyard";

fn totp(secret_b32: &str, account: &str) -> Result<Totp, String> {
    let secret =
        Secret::try_from_base32(secret_b32).map_err(|e| format!("bad TOTP secret: {e:?}"))?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| format!("bad TOTP setup: {e:?}"))
}

/// A new secret for `account` (an email): (base32 secret, `otpauth://` URL for the app).
pub fn new_secret(account: &str) -> Result<(String, String), String> {
    let secret = Secret::generate().to_base32();
    let url = totp(&secret, account)?
        .to_url()
        .map_err(|e| format!("cannot write the otpauth URL: {e:?}"))?;
    Ok((secret, url))
}

/// The time step `code` matches now, if it does and is later than `after` (a code works once).
pub fn accept(secret_b32: &str, code: &str, after: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret_b32, "user")
        .ok()?
        .check_current(&code)
        .filter(|step| *step > after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_codes_are_refused_without_checking() {
        let (secret, _) = new_secret("ada@example.com").unwrap();
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert_eq!(accept(&secret, bad, 0), None, "{bad:?}");
        }
    }
}
