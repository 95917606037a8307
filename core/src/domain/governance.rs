//! Governance: an environment's approval policy, and change requests (proposed changes that are
//! reviewed, approved and applied together, now or at a scheduled time).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Role;

/// What an environment requires before a change to it applies: `approvals` approvals from
/// members with at least `min_role`, never the author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// 1 to 10.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub approvals: u32,
    /// The weakest role whose approval counts: editor, admin or owner.
    #[cfg_attr(feature = "openapi", schema(value_type = ApproverRole))]
    pub min_role: Role,
    /// Whether an owner may apply a request without its approvals, giving a reason (recorded).
    #[serde(default)]
    pub owner_bypass: bool,
}

/// The roles an approval policy can ask for (viewers never approve).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ApproverRole {
    Editor,
    Admin,
    Owner,
}

impl ApprovalPolicy {
    /// The policy that satisfies both: the most approvals, the strongest role, a bypass only if
    /// both allow one.
    pub fn strictest(&self, other: &ApprovalPolicy) -> ApprovalPolicy {
        ApprovalPolicy {
            approvals: self.approvals.max(other.approvals),
            min_role: self.min_role.max(other.min_role),
            owner_bypass: self.owner_bypass && other.owner_bypass,
        }
    }
}

/// Where a change request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    /// Waiting for approvals.
    Open,
    /// Has the approvals its environments need (or needs none): it can be applied.
    Approved,
    /// Applied, in one transaction.
    Applied,
    /// A reviewer turned it down.
    Rejected,
    /// Something it was made against changed since: it must be refreshed before it can apply.
    Conflicted,
    /// Its scheduled time came and it could not apply (not approved by then).
    Failed,
    /// Its author (or an admin) closed it.
    Withdrawn,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 7] = [
        RequestStatus::Open,
        RequestStatus::Approved,
        RequestStatus::Applied,
        RequestStatus::Rejected,
        RequestStatus::Conflicted,
        RequestStatus::Failed,
        RequestStatus::Withdrawn,
    ];

    /// Whether the request can still change (be edited, reviewed, applied).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RequestStatus::Open | RequestStatus::Approved | RequestStatus::Conflicted
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Approved => "approved",
            RequestStatus::Applied => "applied",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Conflicted => "conflicted",
            RequestStatus::Failed => "failed",
            RequestStatus::Withdrawn => "withdrawn",
        }
    }
}

/// One change a request proposes, against the version it was made on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum ProposedChange {
    /// Set a flag's state in one environment.
    #[serde(rename_all = "camelCase")]
    State {
        environment_id: String,
        flag: String,
        /// The state's version this change was made on (0: never set).
        base_version: u64,
        enabled: bool,
        default_variant: Option<String>,
        /// JsonLogic with flagd's operators, as in `PUT .../flags/{flag}`.
        targeting: Option<Value>,
        /// Flags that must evaluate to given variants first (docs/prerequisites.md).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        prerequisites: Vec<super::Prerequisite>,
    },
    /// Change a flag's definition (name, description, tags, variants, archived, client
    /// visibility); what is absent stays.
    #[serde(rename_all = "camelCase")]
    Flag {
        flag: String,
        base_version: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::domain::Variant>>))]
        variants: Option<Vec<super::Variant>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        archived: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_visible: Option<bool>,
    },
    /// Start a timed ramp of a flag in one environment (its first step applies with the
    /// request; the rest advance on their own: the plan is what is approved).
    #[serde(rename_all = "camelCase")]
    Ramp {
        environment_id: String,
        flag: String,
        /// The state's version this change was made on (0: never set).
        base_version: u64,
        variant: String,
        baseline: String,
        steps: Vec<super::RampStep>,
    },
    /// Change a segment (name, description, rule); what is absent stays.
    #[serde(rename_all = "camelCase")]
    Segment {
        segment: String,
        base_version: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<Value>,
    },
}

impl ProposedChange {
    /// The environment a state change or a ramp is in.
    pub fn environment(&self) -> Option<&str> {
        match self {
            ProposedChange::State { environment_id, .. }
            | ProposedChange::Ramp { environment_id, .. } => Some(environment_id),
            _ => None,
        }
    }

    /// What the change is to, such as `flag:checkout` (as change records name it), with the
    /// environment for a state or a ramp.
    pub fn target(&self) -> (String, Option<&str>) {
        match self {
            ProposedChange::State {
                flag,
                environment_id,
                ..
            }
            | ProposedChange::Ramp {
                flag,
                environment_id,
                ..
            } => (format!("flag:{flag}"), Some(environment_id)),
            ProposedChange::Flag { flag, .. } => (format!("flag:{flag}"), None),
            ProposedChange::Segment { segment, .. } => (format!("segment:{segment}"), None),
        }
    }

    pub fn base_version(&self) -> u64 {
        match self {
            ProposedChange::State { base_version, .. }
            | ProposedChange::Ramp { base_version, .. }
            | ProposedChange::Flag { base_version, .. }
            | ProposedChange::Segment { base_version, .. } => *base_version,
        }
    }

    pub(crate) fn set_base_version(&mut self, v: u64) {
        match self {
            ProposedChange::State { base_version, .. }
            | ProposedChange::Ramp { base_version, .. }
            | ProposedChange::Flag { base_version, .. }
            | ProposedChange::Segment { base_version, .. } => *base_version = v,
        }
    }
}

/// An approval or a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// `user:ID`.
    pub by: String,
    pub role: Role,
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An owner's application without the approvals, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Bypass {
    pub by: String,
    pub reason: String,
}

/// A proposal of one or more changes to one project, reviewed and applied together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequest {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// In the order they apply.
    pub changes: Vec<ProposedChange>,
    /// `user:ID` or `token:ID`.
    pub author: String,
    /// For a token's request, the member who made the token: they may not approve it either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_owner: Option<String>,
    pub status: RequestStatus,
    /// The environments the changes reach that require approval (ids).
    #[serde(default)]
    pub protected_environments: Vec<String>,
    /// What those environments require together; `None`: no approval needed.
    #[serde(default)]
    pub policy: Option<ApprovalPolicy>,
    /// Approvals of the current content (an edit withdraws them all).
    #[serde(default)]
    pub approvals: Vec<Review>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Review>,
    /// When it applies by itself (Unix ms), if scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<i64>,
    /// Why it could not apply (a conflict, or not approved by its time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass: Option<Bypass>,
    /// +1 on every change to what it proposes (an edit, a refresh): approvals, rejections and
    /// applications name the revision they were given for.
    pub revision: u64,
    /// +1 on every write (reviews too), for optimistic concurrency.
    pub version: u64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ChangeRequest {
    /// Whether `actor` (as written, `user:ID`) is the request's author, or owns the token that is.
    pub fn authored_by(&self, actor: &str) -> bool {
        self.author == actor || self.author_owner.as_deref() == Some(actor)
    }

    /// Whether the approvals meet the policy (always, with no policy).
    pub fn is_approved(&self) -> bool {
        self.policy.as_ref().is_none_or(|p| {
            self.approvals
                .iter()
                .filter(|r| r.role >= p.min_role)
                .count()
                >= p.approvals as usize
        })
    }

    /// The request as a change record holds it: what it is and where it stands, without the
    /// proposed values (each applied change has a record of its own).
    pub fn summary(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "changes": self.changes.iter().map(|c| c.target().0).collect::<Vec<_>>(),
            "approvals": self.approvals.iter().map(|r| &r.by).collect::<Vec<_>>(),
            "scheduledAt": self.scheduled_at,
            "problem": self.problem,
            "revision": self.revision,
        })
    }
}

/// A comment on a change request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestComment {
    pub id: String,
    pub request_id: String,
    pub by: String,
    pub text: String,
    pub at: i64,
}

/// What a change record says of the request it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestRef {
    pub id: String,
    pub title: String,
    /// Who proposed it (`user:ID` or `token:ID`).
    pub author: String,
    /// Who approved it (`user:ID`).
    pub approvers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass: Option<Bypass>,
    /// When it was scheduled to apply, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<i64>,
    /// How late it applied (ms), when its runner was down at the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_by_ms: Option<i64>,
}
