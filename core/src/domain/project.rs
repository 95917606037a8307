use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: i64,
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
}
