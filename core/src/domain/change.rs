//! Changes: who made them ([`Actor`]) and the durable record of each ([`ChangeRecord`]), from
//! which the audit log and every outside consumer read.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Who made a change. Written as `user:ID`, `token:ID` or `system:NAME` (a schedule, an
/// approval, a sync).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Actor {
    User(String),
    Token(String),
    System(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
            Actor::System(name) => write!(f, "system:{name}"),
        }
    }
}

impl From<Actor> for String {
    fn from(a: Actor) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for Actor {
    type Error = String;
    fn try_from(s: String) -> Result<Actor, String> {
        match s.split_once(':') {
            Some(("user", id)) => Ok(Actor::User(id.to_owned())),
            Some(("token", id)) => Ok(Actor::Token(id.to_owned())),
            Some(("system", name)) => Ok(Actor::System(name.to_owned())),
            _ => Err(format!(
                "{s:?} is not an actor (user:ID, token:ID or system:NAME)"
            )),
        }
    }
}

/// One committed change, written in the same transaction as the change itself. Records of an
/// organization are numbered without gaps (`seq`), so a consumer that keeps the last `id` it
/// read sees every change once, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangeRecord {
    /// `seq`, zero-padded to 20 digits: sorts as it counts; the cursor of `GET .../changes`.
    pub id: String,
    pub seq: u64,
    pub org_id: String,
    pub project_id: Option<String>,
    pub environment_id: Option<String>,
    /// `user:ID`, `token:ID` or `system:NAME`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor: Actor,
    /// Such as `flag.create`, `flag_state.update`, `segment.delete`, `environment.import`.
    pub action: String,
    /// What was changed, such as `flag:new-checkout`.
    pub target: String,
    /// The flag and segment keys the change touched.
    #[serde(default)]
    pub keys: Vec<String>,
    /// The environments whose revision the change moved, with their new revision.
    #[serde(default)]
    pub revisions: BTreeMap<String, u64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// Unix milliseconds.
    pub at: i64,
    /// The change request this change applied, with its approvers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<super::RequestRef>,
    /// When the record expires (Unix seconds): the organization's audit retention from when it
    /// was written. Set by the store; reads leave out records past it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

impl ChangeRecord {
    /// The id of the record numbered `seq`.
    pub fn id_of(seq: u64) -> String {
        format!("{seq:020}")
    }

    /// Whether the record has expired at `now_secs` (Unix seconds).
    pub fn expired(&self, now_secs: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= now_secs)
    }
}

/// Filters for listing the audit log (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub project_id: Option<String>,
    pub environment_id: Option<String>,
    pub target: Option<String>,
    /// Only records that touched this flag or segment key (an import touches many).
    pub key: Option<String>,
    pub actor: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl AuditFilter {
    pub fn matches(&self, e: &ChangeRecord) -> bool {
        self.project_id
            .as_ref()
            .is_none_or(|p| e.project_id.as_ref() == Some(p))
            && self
                .environment_id
                .as_ref()
                .is_none_or(|v| e.environment_id.as_ref() == Some(v))
            && self.target.as_ref().is_none_or(|t| &e.target == t)
            && self.key.as_ref().is_none_or(|k| e.keys.contains(k))
            && self
                .actor
                .as_ref()
                .is_none_or(|a| &e.actor.to_string() == a)
            && self.from.is_none_or(|f| e.at >= f)
            && self.to.is_none_or(|t| e.at < t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_read_back_as_written() {
        for a in [
            Actor::User("u1".into()),
            Actor::Token("t1".into()),
            Actor::System("scheduler".into()),
        ] {
            let text = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Actor>(&text).unwrap(), a);
        }
        assert!(serde_json::from_str::<Actor>("\"nobody\"").is_err());
    }

    #[test]
    fn record_ids_sort_as_they_count() {
        assert!(ChangeRecord::id_of(9) < ChangeRecord::id_of(10));
        assert_eq!(ChangeRecord::id_of(42).len(), 20);
    }
}
