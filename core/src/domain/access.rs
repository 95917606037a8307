use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// Public, for browsers: evaluated values only.
    Client,
    /// Secret, for servers: full flag documents.
    Server,
}

/// An environment's SDK key. The secret is shown once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SdkKey {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub environment_id: String,
    pub kind: KeyKind,
    pub secret_hash: String,
    /// The first characters of the secret, to tell keys apart in lists.
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// When a rotated key stops working (Unix ms): until then it works beside its successor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

impl SdkKey {
    /// Whether the key opens its environment at `now_ms`: not revoked, not past its expiry.
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|t| now_ms < t)
    }
}

/// The random bytes of every generated secret ([`new_secret`]).
pub const SECRET_BYTES: usize = 32;

impl KeyKind {
    /// The prefix of this kind's secrets (`sy_client_…`, `sy_server_…`).
    pub fn secret_prefix(self) -> &'static str {
        match self {
            KeyKind::Client => "sy_client",
            KeyKind::Server => "sy_server",
        }
    }

    /// The kind a presented secret claims by its shape, or `None` when it cannot be a key this
    /// product issued (wrong prefix, length or characters): such a key is refused unread.
    pub fn of_secret(secret: &str) -> Option<KeyKind> {
        [KeyKind::Client, KeyKind::Server].into_iter().find(|k| {
            secret
                .strip_prefix(k.secret_prefix())
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|hex| {
                    hex.len() == SECRET_BYTES * 2
                        && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                })
        })
    }
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Read everything the organization has.
    Read,
    /// Change flags, segments and their states.
    WriteFlags,
    /// Manage projects, environments and keys.
    WriteProjects,
    /// Open and edit change requests, never apply them (for agents and automation that a
    /// human reviews).
    Propose,
}

/// A token for automation, acting in one organization with the given scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub secret_hash: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The service account the token belongs to (a name): such a token belongs to the
    /// organization and outlives its creator's membership; others end with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
}

/// SHA-256 of a secret, hex: how keys and tokens are stored and looked up. (The secrets are
/// random and long, so a fast hash is the right one; passwords use argon2id instead.)
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new random secret with a readable prefix, such as `sy_client_…` ([`SECRET_BYTES`] random
/// bytes, hex).
pub fn new_secret(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_have_the_shape_of_their_kind() {
        for kind in [KeyKind::Client, KeyKind::Server] {
            assert_eq!(
                KeyKind::of_secret(&new_secret(kind.secret_prefix())),
                Some(kind)
            );
        }
    }

    #[test]
    fn secrets_of_another_shape_are_no_keys() {
        let hex = "a".repeat(SECRET_BYTES * 2);
        for bad in [
            String::new(),
            "sy_client_nope".into(),
            format!("sy_client_{}", &hex[1..]),
            format!("sy_client_{hex}0"),
            format!("sy_client_{}", hex.to_uppercase()),
            format!("sy_api_{hex}"),
            format!("sy_clientx{hex}"),
            format!("sy_client_{}g", &hex[1..]),
        ] {
            assert_eq!(KeyKind::of_secret(&bad), None, "{bad}");
        }
    }

    #[test]
    fn a_rotated_key_is_live_until_it_expires() {
        let key = SdkKey {
            id: "k".into(),
            org_id: "o".into(),
            project_id: "p".into(),
            environment_id: "e".into(),
            kind: KeyKind::Client,
            secret_hash: String::new(),
            prefix: String::new(),
            created_at: 0,
            revoked_at: None,
            expires_at: Some(1_000),
        };
        assert!(key.is_live(999));
        assert!(!key.is_live(1_000));
        let revoked = SdkKey {
            revoked_at: Some(5),
            expires_at: None,
            ..key
        };
        assert!(!revoked.is_live(0));
    }
}
