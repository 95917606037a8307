use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: i64,
    /// Whether new flags are visible to client keys unless their creator says otherwise.
    #[serde(default = "yes")]
    pub client_visible_by_default: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub key: String,
    pub name: String,
    /// +1 on every change to any flag or segment that this environment evaluates.
    pub revision: u64,
    /// Browser origins allowed to use this environment's client keys; empty: any origin.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Whether SDKs' custom (`track`) events are counted here; off unless turned on.
    #[serde(default)]
    pub custom_events: bool,
    pub created_at: i64,
    /// Secure mode: client-key requests must carry the HMAC of their context's targeting key.
    #[serde(default)]
    pub secure_mode: bool,
    /// The secret of secure mode's HMAC (held by the customer's server too). Never shown but to
    /// admins, never in change records (see `changes::redacted`) nor in logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub secure_mode_secret: Option<SecureModeSecret>,
    /// Changes here need approval through a change request (`None`: they apply directly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<super::ApprovalPolicy>,
    /// Marked critical (such as production): the dashboard shows it in a warning colour and asks
    /// before turning a flag on or off in it.
    #[serde(default)]
    pub critical: bool,
}

/// A secure-mode secret: its `Debug` hides it, so logging an environment never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecureModeSecret(pub String);

impl std::fmt::Debug for SecureModeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecureModeSecret(…)")
    }
}

impl Environment {
    /// The environment as the API shows it to anyone: without secure mode's secret.
    pub fn public(mut self) -> Environment {
        self.secure_mode_secret = None;
        self
    }
}
