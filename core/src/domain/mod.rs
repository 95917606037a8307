//! The domain: organizations → projects → environments; users with roles; flags and segments per
//! project with a state per environment; SDK keys, API tokens, audit entries, analytics counters.
//! Plain data (serde), no I/O.

mod access;
mod account;
mod audit;
mod change;
mod flag;
mod governance;
mod project;
mod ramp;
mod webhook;

pub use access::{ApiToken, KeyKind, SECRET_BYTES, Scope, SdkKey, hash_secret, new_secret};
pub use account::{
    ANALYTICS_RETENTION_DAYS, AUDIT_RETENTION_DAYS, DEFAULT_ANALYTICS_RETENTION_DAYS,
    DEFAULT_AUDIT_RETENTION_DAYS, Invitation, Membership, Organization, Role, User,
};
pub use audit::{CounterRow, CounterTotal, EVENT_PREFIX, EVENT_VARIANT, hour_of};
pub use change::{Actor, AuditFilter, ChangeRecord};
pub use flag::{Flag, FlagState, Prerequisite, Segment, Variant};
pub use governance::{
    ApprovalPolicy, Bypass, ChangeRequest, ProposedChange, RequestComment, RequestRef,
    RequestStatus, Review,
};
pub use project::{Environment, Project, SecureModeSecret};
pub use ramp::{Ramp, RampStatus, RampStep};
pub use webhook::{
    Attempt, Delivery, DeliveryState, EVENT_TYPES, KEPT_ATTEMPTS, Webhook, WebhookFilter,
    WebhookKind, WebhookSecret, event_type,
};

use serde::{Deserialize, Serialize};

/// A new random id (UUID v7: time-ordered, so lists sort by creation).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Now, in Unix milliseconds, by the system clock ([`crate::clock::SystemClock`]).
pub fn now_ms() -> i64 {
    use crate::clock::Clock;
    crate::clock::SystemClock.now_ms()
}

/// The change event the bus carries: an environment moved to `revision`. A hint, never the
/// truth: what changed is in the change log, and consumers compare what they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangeEvent {
    pub environment: String,
    pub revision: u64,
}
