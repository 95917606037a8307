use serde::{Deserialize, Serialize};

/// One realtime node's total for a counter: how often a flag's variant was evaluated (or, for a
/// `flag_key` of [`EVENT_PREFIX`]`name`, a custom event happened) in one hour of an environment,
/// as that node counted it. The store keeps one item per node and sums them on read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CounterTotal {
    pub environment_id: String,
    pub flag_key: String,
    pub variant: String,
    /// Unix hour (seconds / 3600).
    pub hour: i64,
    pub count: u64,
}

/// Custom events are counted as the "flag" `event:{name}` (flag keys never hold a `:`).
pub const EVENT_PREFIX: &str = "event:";

/// The "variant" custom events are counted under.
pub const EVENT_VARIANT: &str = "count";

/// A stored counter, summed over nodes.
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
