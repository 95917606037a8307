use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::FlagType;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Key))]
    pub name: String,
    pub value: Value,
}

/// A flag at project level: what it is and which values it can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub project_id: String,
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub kind: FlagType,
    /// In the order the user gave them.
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub archived: bool,
    /// Whether client (browser) keys see the flag; server keys always do.
    #[serde(default = "yes")]
    pub client_visible: bool,
    /// +1 on every change, for optimistic concurrency.
    pub version: u64,
    pub created_by: String,
    pub created_at: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

fn yes() -> bool {
    true
}

/// A flag's state in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FlagState {
    pub environment_id: String,
    pub flag_key: String,
    pub enabled: bool,
    pub default_variant: Option<String>,
    /// JsonLogic, or `None` for no targeting.
    pub targeting: Option<Value>,
    /// Other flags of the project that must evaluate to one of the listed variants here before
    /// this flag's targeting applies; when one does not, the flag serves its default variant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<Prerequisite>,
    /// +1 on every change, for optimistic concurrency.
    pub version: u64,
    pub updated_by: String,
    pub updated_at: i64,
}

/// A flag that must hold before another flag's targeting applies: `flag` is enabled in the same
/// environment and evaluates, for the same context, to one of `variants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Prerequisite {
    /// Another flag's key, in the same project.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Key))]
    pub flag: String,
    /// 1 or more of that flag's variants, each once.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::changes::rules::schema::Key>, min_items = 1))]
    pub variants: Vec<String>,
}

/// A named, reusable condition (a flagd `$evaluators` entry, referenced as `{"$ref": key}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub project_id: String,
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub rule: Value,
    pub version: u64,
    pub updated_by: String,
    pub updated_at: i64,
}
