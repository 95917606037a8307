//! Session tokens: HS256 JWTs with the algorithm pinned and `exp`, `iss` and `aud` required and
//! checked. The signing key comes from configuration (Secrets Manager in AWS, a generated key file
//! for `switchyard serve`).
//!
//! Keys rotate without random 401s: the configuration may hold a key ring,
//! `{"keys": [{"kid": "2026-12", "secret": "..."}, {"kid": "2026-06", "secret": "..."}]}`. The
//! first key signs, and its `kid` goes in every token's header; every listed key verifies the
//! tokens that name it. Rotating is three steps, each deployed everywhere before the next: add
//! the new key second (all instances now accept it), move it first (new tokens use it), and after
//! a token lifetime (12 h) drop the old one. A token without `kid` (from before key rings) is
//! checked against every listed key.

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use switchyard_core::clock::{Clock, SystemClock};

pub const ISSUER: &str = "switchyard";
pub const AUDIENCE: &str = "switchyard-dashboard";
/// How long a session token lives: a session unused this long ends (the dashboard renews its
/// token while its user is active).
pub const IDLE_SECONDS: u64 = 30 * 60;
/// How long a session lasts at most from its sign-in, renewed or not.
pub const ABSOLUTE_SECONDS: u64 = 12 * 3600;
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
    /// When the user signed in (Unix s): renewals keep it, and end at [`ABSOLUTE_SECONDS`] after
    /// it. Absent in tokens from before renewals: their `iat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<u64>,
}

#[derive(Clone)]
pub struct JwtKeys {
    /// The key that signs, with its id.
    kid: String,
    encoding: EncodingKey,
    /// Every key that verifies, by id (the signing key first).
    decoding: Vec<(String, DecodingKey)>,
    validation: Validation,
}

/// A key ring as configuration holds it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ring {
    keys: Vec<RingKey>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RingKey {
    kid: String,
    secret: String,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys(..)")
    }
}

impl JwtKeys {
    /// Keys from a secret of at least [`MIN_KEY_LEN`] bytes (its `kid`: the first 8 hex digits
    /// of its SHA-256).
    pub fn from_secret(secret: &[u8]) -> Result<JwtKeys, String> {
        let kid = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(secret))[..8].to_owned();
        JwtKeys::from_ring(vec![(kid, secret.to_vec())])
    }

    /// Keys from configuration: a key ring as JSON (see the module's documentation), or one
    /// secret.
    pub fn from_config(value: &[u8]) -> Result<JwtKeys, String> {
        if value.trim_ascii_start().starts_with(b"{") {
            let ring: Ring = serde_json::from_slice(value)
                .map_err(|e| format!("the JWT key ring does not parse: {e}"))?;
            return JwtKeys::from_ring(
                ring.keys
                    .into_iter()
                    .map(|k| (k.kid, k.secret.into_bytes()))
                    .collect(),
            );
        }
        JwtKeys::from_secret(value)
    }

    /// Keys from `(kid, secret)` pairs: the first signs, all verify.
    pub fn from_ring(keys: Vec<(String, Vec<u8>)>) -> Result<JwtKeys, String> {
        let Some((kid, first)) = keys.first() else {
            return Err("the JWT key ring is empty".into());
        };
        let mut seen = std::collections::BTreeSet::new();
        for (kid, secret) in &keys {
            if secret.len() < MIN_KEY_LEN {
                return Err(format!(
                    "the JWT signing key {kid:?} must be at least {MIN_KEY_LEN} bytes, got {}",
                    secret.len()
                ));
            }
            if kid.is_empty() || !seen.insert(kid.clone()) {
                return Err(format!(
                    "the JWT key ring names {kid:?} twice (or not at all)"
                ));
            }
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 30;
        Ok(JwtKeys {
            kid: kid.clone(),
            encoding: EncodingKey::from_secret(first),
            decoding: keys
                .iter()
                .map(|(kid, secret)| (kid.clone(), DecodingKey::from_secret(secret)))
                .collect(),
            validation,
        })
    }

    /// Issues a token for a user who just signed in.
    pub fn issue(&self, user_id: &str, generation: u64) -> Result<String, String> {
        self.sign(user_id, generation, now(), now())
    }

    /// A new token for the session `claims` (verified) belong to: another [`IDLE_SECONDS`], never
    /// past [`ABSOLUTE_SECONDS`] from its sign-in; `Err` once the session reached that.
    pub fn renew(&self, claims: &Claims) -> Result<String, String> {
        let signed_in = claims.auth_time.unwrap_or(claims.iat);
        let now = now();
        if now >= signed_in.saturating_add(ABSOLUTE_SECONDS) {
            return Err("the session has reached its 12-hour limit; sign in again".into());
        }
        self.sign(&claims.sub, claims.generation, signed_in, now)
    }

    fn sign(
        &self,
        user_id: &str,
        generation: u64,
        auth_time: u64,
        now: u64,
    ) -> Result<String, String> {
        let claims = Claims {
            sub: user_id.to_owned(),
            generation,
            iat: now,
            exp: (now + IDLE_SECONDS).min(auth_time.saturating_add(ABSOLUTE_SECONDS)),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            auth_time: Some(auth_time),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        encode(&header, &claims, &self.encoding).map_err(|e| format!("cannot sign a token: {e}"))
    }

    /// Verifies a token: signature (by the key its `kid` names), algorithm, expiry, issuer and
    /// audience.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        let header = decode_header(token).map_err(|e| format!("invalid token: {e}"))?;
        let candidates: Vec<&DecodingKey> = match &header.kid {
            Some(kid) => self
                .decoding
                .iter()
                .filter(|(k, _)| k == kid)
                .map(|(_, key)| key)
                .collect(),
            None => self.decoding.iter().map(|(_, key)| key).collect(),
        };
        let mut last = "invalid token: no key has this kid".to_owned();
        for key in candidates {
            match decode::<Claims>(token, key, &self.validation) {
                Ok(data) => return Ok(data.claims),
                Err(e) => last = format!("invalid token: {e}"),
            }
        }
        Err(last)
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

    fn ring(kids: &[(&str, &[u8])]) -> JwtKeys {
        JwtKeys::from_ring(
            kids.iter()
                .map(|(k, s)| ((*k).to_owned(), s.to_vec()))
                .collect(),
        )
        .unwrap()
    }

    const OLD: &[u8] = b"old-key-old-key-old-key-old-key-!";
    const NEW: &[u8] = b"new-key-new-key-new-key-new-key-!";

    #[test]
    fn a_token_lasts_the_idle_timeout() {
        let claims = keys().verify(&keys().issue("u1", 0).unwrap()).unwrap();
        assert_eq!(claims.exp - claims.iat, IDLE_SECONDS);
        assert_eq!(claims.auth_time, Some(claims.iat));
    }

    #[test]
    fn a_renewal_keeps_the_sign_in_time_and_stops_at_the_absolute_limit() {
        let k = keys();
        let mut old = k.verify(&k.issue("u1", 4).unwrap()).unwrap();
        // Signed in 11 h 50 min ago: the renewal ends at 12 h, not 30 min from now.
        old.auth_time = Some(now() - ABSOLUTE_SECONDS + 600);
        let renewed = k.verify(&k.renew(&old).unwrap()).unwrap();
        assert_eq!(renewed.auth_time, old.auth_time);
        assert_eq!(renewed.generation, 4);
        assert_eq!(renewed.exp, old.auth_time.unwrap() + ABSOLUTE_SECONDS);
        old.auth_time = Some(now() - ABSOLUTE_SECONDS);
        assert!(k.renew(&old).is_err());
    }

    #[test]
    fn a_token_names_the_key_that_signed_it() {
        let token = ring(&[("k2", NEW), ("k1", OLD)]).issue("u1", 0).unwrap();
        assert_eq!(decode_header(&token).unwrap().kid.as_deref(), Some("k2"));
    }

    #[test]
    fn a_new_key_listed_second_is_accepted_before_it_signs() {
        let token = ring(&[("k2", NEW)]).issue("u1", 0).unwrap();
        assert!(ring(&[("k1", OLD), ("k2", NEW)]).verify(&token).is_ok());
    }

    #[test]
    fn tokens_of_the_old_key_verify_while_it_is_listed_and_not_after() {
        let token = ring(&[("k1", OLD)]).issue("u1", 0).unwrap();
        assert!(ring(&[("k2", NEW), ("k1", OLD)]).verify(&token).is_ok());
        assert!(ring(&[("k2", NEW)]).verify(&token).is_err());
    }

    #[test]
    fn a_kid_does_not_let_another_listed_key_verify() {
        // Signed with the old key but naming the new one.
        let claims = good_claims();
        let forged = forge(json!({"alg": "HS256", "kid": "k2"}), claims, OLD);
        assert!(ring(&[("k2", NEW), ("k1", OLD)]).verify(&forged).is_err());
    }

    #[test]
    fn a_token_from_before_key_rings_verifies_with_its_key() {
        let legacy = forge(json!({"alg": "HS256", "typ": "JWT"}), good_claims(), OLD);
        assert!(ring(&[("k2", NEW), ("k1", OLD)]).verify(&legacy).is_ok());
    }

    #[test]
    fn configuration_holds_a_ring_or_one_secret() {
        let ring_json = format!(
            r#"{{"keys": [{{"kid": "k2", "secret": "{}"}}, {{"kid": "k1", "secret": "{}"}}]}}"#,
            std::str::from_utf8(NEW).unwrap(),
            std::str::from_utf8(OLD).unwrap()
        );
        let keys = JwtKeys::from_config(ring_json.as_bytes()).unwrap();
        let token = keys.issue("u1", 0).unwrap();
        assert_eq!(decode_header(&token).unwrap().kid.as_deref(), Some("k2"));
        assert!(JwtKeys::from_config(OLD).unwrap().verify(&token).is_err());
        assert!(
            JwtKeys::from_config(NEW).unwrap().verify(&token).is_err(),
            "kid differs"
        );
        for bad in [
            r#"{"keys": []}"#,
            r#"{"keys": [{"kid": "a", "secret": "short"}]}"#,
            r#"{"keys": [{"kid": "a", "secret": "0123456789abcdef0123456789abcdef"}, {"kid": "a", "secret": "0123456789abcdef0123456789abcdef"}]}"#,
            r#"{"keys": "#,
        ] {
            assert!(JwtKeys::from_config(bad.as_bytes()).is_err(), "{bad}");
        }
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
