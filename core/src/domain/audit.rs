use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Time-ordered id.
    pub id: String,
    pub org_id: String,
    pub project_id: Option<String>,
    pub environment_id: Option<String>,
    /// The user or token that acted.
    pub actor: String,
    /// Such as `flag.create`, `flag_state.update`, `segment.delete`.
    pub action: String,
    /// What was changed, such as `flag:new-checkout`.
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub at: i64,
}

/// Filters for listing the audit log (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub project_id: Option<String>,
    pub target: Option<String>,
    pub actor: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        self.project_id
            .as_ref()
            .is_none_or(|p| e.project_id.as_ref() == Some(p))
            && self.target.as_ref().is_none_or(|t| &e.target == t)
            && self.actor.as_ref().is_none_or(|a| &e.actor == a)
            && self.from.is_none_or(|f| e.at >= f)
            && self.to.is_none_or(|t| e.at < t)
    }
}

/// Evaluations to add to a counter: environment, flag, variant, hour.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CounterDelta {
    pub environment_id: String,
    pub flag_key: String,
    pub variant: String,
    /// Unix hour (seconds / 3600).
    pub hour: i64,
    pub count: u64,
}

/// A stored counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CounterRow {
    pub flag_key: String,
    pub variant: String,
    pub hour: i64,
    pub count: u64,
}

/// The Unix hour of a time in milliseconds.
pub fn hour_of(ms: i64) -> i64 {
    ms.div_euclid(3_600_000)
}
