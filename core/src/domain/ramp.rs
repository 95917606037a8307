//! Timed ramps: a rollout plan that moves a flag's fall-through in one environment through
//! growing percentages of a variant, holding each step at least a given time, each step a normal
//! change of the flag's state.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One step of a ramp: serve `percent` % of contexts the ramped variant, for at least `hold_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RampStep {
    /// 1 to 100, growing from step to step.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub percent: u32,
    /// How long the step holds before the next (ms; at least 1000). The last step's hold is
    /// when the ramp completes.
    pub hold_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RampStatus {
    /// Advancing on its own.
    Active,
    /// Held at its step until resumed (by a member, or because the state was changed by hand).
    Paused,
    /// Its last step held its time.
    Completed,
    /// Stopped for good; the state stays as the last step left it.
    Cancelled,
}

/// A ramp of a flag in one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ramp {
    pub org_id: String,
    pub project_id: String,
    pub environment_id: String,
    pub flag: String,
    /// The variant ramped to.
    pub variant: String,
    /// The variant the rest of the fall-through gets.
    pub baseline: String,
    pub steps: Vec<RampStep>,
    /// The flag's rules when the ramp started: each step puts its split in their fall-through.
    pub base_targeting: Option<Value>,
    /// The index of the step the state is at.
    pub step: usize,
    pub status: RampStatus,
    /// When the ramp moves on (the next step, or completion), while it is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<i64>,
    /// The state's version the last step wrote: a state changed by hand since pauses the ramp.
    pub state_version: u64,
    /// Why it paused by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Reserved for guarded ramps (metrics that let a step advance, hold or roll back); `null`.
    #[serde(default)]
    pub guard: Option<Value>,
    /// The change request that approved the plan, where the environment requires approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// +1 on every write, for optimistic concurrency.
    pub version: u64,
}

impl Ramp {
    /// The percentage the state serves the variant at now.
    pub fn percent(&self) -> u32 {
        self.steps.get(self.step).map_or(0, |s| s.percent)
    }

    /// The ramp as a change record holds it.
    pub fn summary(&self) -> Value {
        serde_json::json!({
            "flag": self.flag,
            "variant": self.variant,
            "step": self.step + 1,
            "steps": self.steps.len(),
            "percent": self.percent(),
            "status": self.status,
            "nextAt": self.next_at,
            "problem": self.problem,
        })
    }
}
