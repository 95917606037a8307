//! The Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`
//! under the secret's bytes (a secret is `whsec_` and base64), one per valid secret,
//! space-separated (so a receiver can move to a rotated secret while the old one still works).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub const SECRET_PREFIX: &str = "whsec_";

/// A new secret: 32 random bytes.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` header for one message, signed with each secret.
pub fn signature<'a>(
    secrets: impl IntoIterator<Item = &'a str>,
    id: &str,
    timestamp: i64,
    body: &str,
) -> Result<String, String> {
    let mut out = Vec::new();
    for secret in secrets {
        let key = STANDARD
            .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
            .map_err(|_| "a webhook secret is not base64".to_owned())?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
        mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
        out.push(format!(
            "v1,{}",
            STANDARD.encode(mac.finalize().into_bytes())
        ));
    }
    Ok(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_example_of_the_specification() {
        // The test vector of the Standard Webhooks reference libraries.
        let sig = signature(
            ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn every_valid_secret_signs() {
        let (a, b) = (new_secret(), new_secret());
        let both = signature([a.as_str(), b.as_str()], "m", 1, "{}").unwrap();
        assert_eq!(both.split(' ').count(), 2);
        assert!(both.starts_with(&signature([a.as_str()], "m", 1, "{}").unwrap()));
    }
}
