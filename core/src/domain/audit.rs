use serde::{Deserialize, Serialize};

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
