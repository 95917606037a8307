use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    /// Owners and admins must sign in with two-factor sign-in to act in this organization.
    #[serde(default)]
    pub require_two_factor: bool,
    /// Days a change record (the audit log) is kept after it is written; records take the
    /// setting in force when they are written.
    #[serde(default = "default_audit_retention")]
    #[cfg_attr(feature = "openapi", schema(minimum = 7, maximum = 3650))]
    pub audit_retention_days: u32,
    /// Days analytics counters are kept after their hour; counters take the setting in force
    /// when they are written.
    #[serde(default = "default_analytics_retention")]
    #[cfg_attr(feature = "openapi", schema(minimum = 7, maximum = 730))]
    pub analytics_retention_days: u32,
}

/// How long an organization keeps its audit log unless it says otherwise, and the bounds.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 365;
pub const AUDIT_RETENTION_DAYS: std::ops::RangeInclusive<u32> = 7..=3650;
/// How long an organization keeps its analytics counters unless it says otherwise, and the
/// bounds.
pub const DEFAULT_ANALYTICS_RETENTION_DAYS: u32 = 90;
pub const ANALYTICS_RETENTION_DAYS: std::ops::RangeInclusive<u32> = 7..=730;

fn default_audit_retention() -> u32 {
    DEFAULT_AUDIT_RETENTION_DAYS
}

fn default_analytics_retention() -> u32 {
    DEFAULT_ANALYTICS_RETENTION_DAYS
}

impl Organization {
    /// A new organization with the default settings.
    pub fn new(id: impl Into<String>, name: impl Into<String>, created_at: i64) -> Organization {
        Organization {
            id: id.into(),
            name: name.into(),
            created_at,
            require_two_factor: false,
            audit_retention_days: DEFAULT_AUDIT_RETENTION_DAYS,
            analytics_retention_days: DEFAULT_ANALYTICS_RETENTION_DAYS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    /// Stored lower-cased; unique.
    pub email: String,
    pub name: String,
    /// An argon2id PHC string; never the password.
    pub password_hash: String,
    /// Bumped by logout and password changes: session tokens of older generations are refused.
    pub session_generation: u64,
    pub created_at: i64,
    /// The stored item's version, set when read (not part of the document): an update names the
    /// one it read, so a stale write (a logout that read the user before a password change)
    /// cannot put an old password hash back.
    #[serde(skip)]
    pub version: u64,
    /// Two-factor sign-in: the TOTP secret (RFC 6238, base32) once a code confirmed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// A TOTP secret being set up, until its first code confirms it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_pending: Option<String>,
    /// The last TOTP time step a code was accepted at: each code works once.
    #[serde(default)]
    pub totp_last_step: u64,
    /// Hashes of the unused one-time recovery codes that stand in for an authenticator code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_codes: Vec<String>,
    /// When the user proved the email is theirs (Unix ms), by the link mailed at signup or by an
    /// identity provider that vouches for it; `None`: not yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified_at: Option<i64>,
    /// The organization whose single sign-on this account signs in with: the one that made it,
    /// or that its user linked it to while signed in. No other organization's identity provider
    /// signs in as this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_org: Option<String>,
}

/// Roles, weakest first: viewer < editor < admin < owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Admin,
    Owner,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub org_id: String,
    pub user_id: String,
    pub role: Role,
    pub created_at: i64,
}

/// An invitation to join an organization; the token's hash is stored, the token shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub org_id: String,
    pub token_hash: String,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub expires_at: i64,
}
