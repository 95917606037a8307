//! Secure mode (as LaunchDarkly's): when an environment turns it on, a client-key request must
//! carry `hex(HMAC-SHA256(secret, context.targetingKey))`, computed by the customer's server with
//! the environment's secure-mode secret, so a browser cannot pose as another user. Server keys
//! are trusted as they are. The hash travels as the `X-Switchyard-Hash` header (OFREP), the
//! `hash` field of `hello` / `identify` (WebSocket) and the `hash` query parameter (SSE).

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use switchyard_core::domain::{Environment, KeyKind};

/// The header OFREP requests carry the hash in.
pub const HASH_HEADER: &str = "x-switchyard-hash";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecureModeError {
    #[error(
        "secure mode is on: send the hex HMAC-SHA256 of the context's targetingKey (X-Switchyard-Hash, or `hash`)"
    )]
    MissingHash,
    #[error("secure mode is on: the context needs a targetingKey (a string)")]
    NoTargetingKey,
    #[error("secure mode is on: the hash does not match the context's targetingKey")]
    WrongHash,
}

/// Whether a caller of `kind` may evaluate `context` in `env`, given the hash it sent.
pub fn check(
    env: &Environment,
    kind: KeyKind,
    context: &Value,
    hash: Option<&str>,
) -> Result<(), SecureModeError> {
    if kind == KeyKind::Server || !env.secure_mode {
        return Ok(());
    }
    let key = context
        .get("targetingKey")
        .and_then(Value::as_str)
        .ok_or(SecureModeError::NoTargetingKey)?;
    let hash = hash
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(SecureModeError::MissingHash)?;
    // Secure mode on with no secret cannot be stored; refuse rather than let anything through.
    let secret = env
        .secure_mode_secret
        .as_ref()
        .ok_or(SecureModeError::WrongHash)?;
    let given = hex::decode(hash).map_err(|_| SecureModeError::WrongHash)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.0.as_bytes())
        .map_err(|_| SecureModeError::WrongHash)?;
    mac.update(key.as_bytes());
    // Constant time: a wrong guess learns nothing from how long the refusal took.
    mac.verify_slice(&given)
        .map_err(|_| SecureModeError::WrongHash)
}

/// The hash a customer's server computes (here for tests and documentation).
pub fn sign(secret: &str, targeting_key: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(targeting_key.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use switchyard_core::domain::SecureModeSecret;

    fn env(on: bool) -> Environment {
        Environment {
            id: "e".into(),
            org_id: "o".into(),
            project_id: "p".into(),
            key: "k".into(),
            name: "n".into(),
            revision: 1,
            allowed_origins: vec![],
            created_at: 0,
            secure_mode: on,
            secure_mode_secret: Some(SecureModeSecret("s3cret".into())),
            approval: None,
            critical: false,
            custom_events: false,
        }
    }

    #[test]
    fn the_hash_of_the_targeting_key_is_accepted() {
        let ctx = json!({"targetingKey": "user-1"});
        let hash = sign("s3cret", "user-1");
        assert_eq!(
            check(&env(true), KeyKind::Client, &ctx, Some(&hash)),
            Ok(())
        );
    }

    #[test]
    fn a_wrong_or_missing_hash_is_refused() {
        let e = env(true);
        let ctx = json!({"targetingKey": "user-1"});
        let other = sign("s3cret", "user-2");
        let refused = |hash: Option<&str>| check(&e, KeyKind::Client, &ctx, hash);
        assert_eq!(refused(Some(&other)), Err(SecureModeError::WrongHash));
        assert_eq!(refused(Some("not hex")), Err(SecureModeError::WrongHash));
        assert_eq!(refused(None), Err(SecureModeError::MissingHash));
        assert_eq!(
            check(&e, KeyKind::Client, &json!({}), Some(&other)),
            Err(SecureModeError::NoTargetingKey)
        );
    }

    #[test]
    fn server_keys_and_environments_without_secure_mode_need_no_hash() {
        let ctx = json!({"targetingKey": "user-1"});
        assert_eq!(check(&env(true), KeyKind::Server, &ctx, None), Ok(()));
        assert_eq!(check(&env(false), KeyKind::Client, &ctx, None), Ok(()));
    }
}
