//! Session tokens: HS256 JWTs with the algorithm pinned and `exp`, `iss` and `aud` required and
//! checked. The signing key comes from configuration (Secrets Manager in AWS, a generated key file
//! for `switchyard serve`).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::fmt;
use switchyard_core::clock::{Clock, SystemClock};

pub const ISSUER: &str = "switchyard";
pub const AUDIENCE: &str = "switchyard-dashboard";
/// How long a session token lives.
pub const TTL_SECONDS: u64 = 12 * 3600;
/// The shortest signing key accepted (bytes).
pub const MIN_KEY_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The user's session generation: logging out or changing the password bumps it, which
    /// retires every token issued before.
    #[serde(rename = "gen")]
    pub generation: u64,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
    pub aud: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys(..)")
    }
}

impl JwtKeys {
    /// Keys from a secret of at least [`MIN_KEY_LEN`] bytes.
    pub fn from_secret(secret: &[u8]) -> Result<JwtKeys, String> {
        if secret.len() < MIN_KEY_LEN {
            return Err(format!(
                "the JWT signing key must be at least {MIN_KEY_LEN} bytes, got {}",
                secret.len()
            ));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 30;
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        })
    }

    /// Issues a token for a user.
    pub fn issue(&self, user_id: &str, generation: u64) -> Result<String, String> {
        let now = now();
        let claims = Claims {
            sub: user_id.to_owned(),
            generation,
            iat: now,
            exp: now + TTL_SECONDS,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| format!("cannot sign a token: {e}"))
    }

    /// Verifies a token: signature, algorithm, expiry, issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| format!("invalid token: {e}"))
    }
}

fn now() -> u64 {
    u64::try_from(SystemClock.now_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use serde_json::json;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn keys() -> JwtKeys {
        JwtKeys::from_secret(SECRET).unwrap()
    }

    fn forge(header: serde_json::Value, claims: serde_json::Value, secret: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let signing_input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            B64.encode(mac.finalize().into_bytes())
        )
    }

    fn good_claims() -> serde_json::Value {
        json!({"sub": "u1", "gen": 0, "iat": now(), "exp": now() + 600,
               "iss": ISSUER, "aud": AUDIENCE})
    }

    #[test]
    fn issues_and_verifies() {
        let token = keys().issue("u1", 3).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.generation), ("u1", 3));
        assert!(JwtKeys::from_secret(b"short").is_err());
    }

    #[test]
    fn rejects_every_kind_of_bad_token() {
        let hs = json!({"alg": "HS256", "typ": "JWT"});
        // The forger's control: a correctly forged token with the right secret verifies.
        assert!(
            keys()
                .verify(&forge(hs.clone(), good_claims(), SECRET))
                .is_ok()
        );

        let mut cases = vec![
            (
                "wrong secret",
                forge(
                    hs.clone(),
                    good_claims(),
                    b"another-secret-another-secret-xx",
                ),
            ),
            (
                "alg none",
                format!(
                    "{}.{}.",
                    B64.encode(json!({"alg": "none"}).to_string()),
                    B64.encode(good_claims().to_string())
                ),
            ),
            (
                "alg HS512",
                forge(json!({"alg": "HS512", "typ": "JWT"}), good_claims(), SECRET),
            ),
            ("garbage", "not.a.token".to_owned()),
        ];
        let mut expired = good_claims();
        expired["exp"] = json!(now() - 3600);
        cases.push(("expired", forge(hs.clone(), expired, SECRET)));
        let mut string_exp = good_claims();
        string_exp["exp"] = json!("9999999999");
        cases.push(("string exp", forge(hs.clone(), string_exp, SECRET)));
        for field in ["aud", "iss", "exp"] {
            let mut c = good_claims();
            c.as_object_mut().unwrap().remove(field);
            cases.push((field, forge(hs.clone(), c, SECRET)));
        }
        let mut wrong_aud = good_claims();
        wrong_aud["aud"] = json!("someone-else");
        cases.push(("wrong aud", forge(hs.clone(), wrong_aud, SECRET)));
        let mut wrong_iss = good_claims();
        wrong_iss["iss"] = json!("evil");
        cases.push(("wrong iss", forge(hs.clone(), wrong_iss, SECRET)));
        let token = keys().issue("u1", 0).unwrap();
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        cases.push(("tampered signature", tampered));
        let (head, rest) = token.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let mut admin = good_claims();
        admin["sub"] = json!("admin");
        cases.push((
            "swapped payload",
            format!("{head}.{}.{sig}", B64.encode(admin.to_string())),
        ));

        for (name, token) in cases {
            assert!(keys().verify(&token).is_err(), "{name} was accepted");
        }
    }
}
