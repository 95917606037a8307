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
}

/// SHA-256 of a secret, hex: how keys and tokens are stored and looked up. (The secrets are
/// random and long, so a fast hash is the right one; passwords use argon2id instead.)
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new random secret with a readable prefix, such as `sy_client_…` (32 random bytes).
pub fn new_secret(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}
