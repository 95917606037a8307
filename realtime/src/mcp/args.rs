//! The tools' arguments: their JSON schemas (what an agent sees, from these types and their doc
//! comments) and the checks made before the API is asked. Names are camelCase, as in the API.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The most changes one request holds (the API's limit).
pub const MAX_CHANGES: usize = 20;
/// The longest comment (the API's limit, in characters).
pub const MAX_COMMENT: usize = 2000;
/// The most items one listing tool returns.
pub const MAX_LIMIT: u32 = 100;

fn required(field: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("`{field}` is required"))
    } else {
        Ok(())
    }
}

fn limit(value: Option<u32>, default: u32) -> Result<u32, String> {
    match value {
        None => Ok(default),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(format!("`limit` must be 1 to {MAX_LIMIT} (got {n})")),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListFlags {
    /// The project's id (from list_projects).
    pub project: String,
    /// The `next` value of the previous page, to read on.
    pub cursor: Option<String>,
    /// At most this many flags (1–100, default 50).
    pub limit: Option<u32>,
}

impl ListFlags {
    pub fn limit(&self) -> Result<u32, String> {
        required("project", &self.project)?;
        limit(self.limit, 50)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetFlag {
    /// The project's id.
    pub project: String,
    /// The flag's key.
    pub flag: String,
}

impl GetFlag {
    pub fn check(&self) -> Result<(), String> {
        required("project", &self.project)?;
        required("flag", &self.flag)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExplainFlag {
    /// The project's id.
    pub project: String,
    /// The environment's id or key (such as `production`).
    pub environment: String,
    /// The flag's key.
    pub flag: String,
    /// The evaluation context: `targetingKey` (the user or unit) and any attributes the
    /// targeting reads, such as `{"targetingKey": "user-42", "plan": "pro", "country": "DE"}`.
    #[serde(default)]
    pub context: Map<String, Value>,
}

impl ExplainFlag {
    pub fn check(&self) -> Result<(), String> {
        required("project", &self.project)?;
        required("environment", &self.environment)?;
        required("flag", &self.flag)
    }
}

/// What the API's `ProposedChange` objects are tagged with.
pub const CHANGE_KINDS: [&str; 4] = ["state", "flag", "segment", "ramp"];

fn change_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "minItems": 1,
        "maxItems": MAX_CHANGES,
        "items": {
            "type": "object",
            "required": ["kind"],
            "properties": {
                "kind": {"type": "string", "enum": CHANGE_KINDS},
                "environmentId": {"type": "string", "description": "state and ramp: the environment's id"},
                "flag": {"type": "string", "description": "state, flag and ramp: the flag's key"},
                "segment": {"type": "string", "description": "segment: the segment's key"},
                "baseVersion": {"type": "integer", "minimum": 0, "description": "the version of what it changes, as read now (a state never set: 0)"}
            },
            "additionalProperties": true
        },
        "description": "1 to 20 changes, applied in order (see the tool's description for each kind's fields)"
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposeChange {
    /// The project's id.
    pub project: String,
    /// A short title a reviewer reads first (such as "Turn on new-checkout for Pro users").
    pub title: String,
    /// Why: what it is for, what to watch after it applies.
    pub description: Option<String>,
    #[schemars(schema_with = "change_schema")]
    pub changes: Vec<Value>,
    /// Apply by itself at this time (Unix milliseconds, in the future) once approved.
    pub scheduled_at: Option<i64>,
}

impl ProposeChange {
    pub fn check(&self) -> Result<(), String> {
        required("project", &self.project)?;
        required("title", &self.title)?;
        if self.changes.is_empty() || self.changes.len() > MAX_CHANGES {
            return Err(format!(
                "`changes` must hold 1 to {MAX_CHANGES} changes (got {})",
                self.changes.len()
            ));
        }
        for (i, c) in self.changes.iter().enumerate() {
            let kind = c.get("kind").and_then(Value::as_str);
            if !kind.is_some_and(|k| CHANGE_KINDS.contains(&k)) {
                return Err(format!(
                    "`changes[{i}]` must be an object whose `kind` is one of {}",
                    CHANGE_KINDS.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The body of `POST .../change-requests`.
    pub fn body(&self) -> Value {
        let mut b = Map::new();
        b.insert("title".into(), self.title.trim().into());
        if let Some(d) = &self.description {
            b.insert("description".into(), d.clone().into());
        }
        b.insert("changes".into(), self.changes.clone().into());
        if let Some(t) = self.scheduled_at {
            b.insert("scheduledAt".into(), t.into());
        }
        Value::Object(b)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposeToggle {
    /// The project's id.
    pub project: String,
    /// The environment's id or key (such as `production`).
    pub environment: String,
    /// The flag's key.
    pub flag: String,
    /// `true` to turn the flag on in the environment, `false` to turn it off.
    pub enabled: bool,
    /// A title for reviewers (default: "Turn on FLAG in ENVIRONMENT").
    pub title: Option<String>,
    /// Why.
    pub description: Option<String>,
}

impl ProposeToggle {
    pub fn check(&self) -> Result<(), String> {
        required("project", &self.project)?;
        required("environment", &self.environment)?;
        required("flag", &self.flag)
    }
}

/// Where a change request stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Approved,
    Applied,
    Rejected,
    Conflicted,
    Failed,
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Approved => "approved",
            Status::Applied => "applied",
            Status::Rejected => "rejected",
            Status::Conflicted => "conflicted",
            Status::Failed => "failed",
            Status::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListChangeRequests {
    /// The project's id.
    pub project: String,
    /// Only requests in this status.
    pub status: Option<Status>,
    /// At most this many, newest first (1–100, default 20).
    pub limit: Option<u32>,
}

impl ListChangeRequests {
    pub fn limit(&self) -> Result<u32, String> {
        required("project", &self.project)?;
        limit(self.limit, 20)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetChangeRequest {
    /// The project's id.
    pub project: String,
    /// The change request's id.
    pub id: String,
}

impl GetChangeRequest {
    pub fn check(&self) -> Result<(), String> {
        required("project", &self.project)?;
        required("id", &self.id)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentOnChangeRequest {
    /// The project's id.
    pub project: String,
    /// The change request's id.
    pub id: String,
    /// The comment (1 to 2000 characters).
    pub text: String,
}

impl CommentOnChangeRequest {
    pub fn check(&self) -> Result<(), String> {
        required("project", &self.project)?;
        required("id", &self.id)?;
        required("text", &self.text)?;
        let n = self.text.chars().count();
        if n > MAX_COMMENT {
            return Err(format!(
                "`text` must be at most {MAX_COMMENT} characters (got {n})"
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadAuditLog {
    /// At most this many records, newest first (1–100, default 20).
    pub limit: Option<u32>,
    /// Only this project (its id).
    pub project: Option<String>,
    /// Only this environment: its id, or its key when `project` is given.
    pub environment: Option<String>,
    /// Only changes that touched this flag (its key).
    pub flag: Option<String>,
}

impl ReadAuditLog {
    pub fn limit(&self) -> Result<u32, String> {
        limit(self.limit, 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn proposal(changes: Value) -> Result<ProposeChange, serde_json::Error> {
        serde_json::from_value(json!({"project": "p1", "title": "Turn it on", "changes": changes}))
    }

    #[test]
    fn a_proposal_needs_at_least_one_change() {
        let err = proposal(json!([])).unwrap().check().unwrap_err();
        assert!(err.contains("1 to 20"), "{err}");
    }

    #[test]
    fn a_proposal_holds_at_most_twenty_changes() {
        let changes: Vec<Value> = (0..21).map(|_| json!({"kind": "state"})).collect();
        let err = proposal(json!(changes)).unwrap().check().unwrap_err();
        assert!(err.contains("got 21"), "{err}");
    }

    #[test]
    fn a_change_without_a_known_kind_is_refused_by_position() {
        let err = proposal(json!([{"kind": "state"}, {"flag": "beta"}]))
            .unwrap()
            .check()
            .unwrap_err();
        assert!(err.contains("changes[1]"), "{err}");
        let err = proposal(json!([{"kind": "apply"}]))
            .unwrap()
            .check()
            .unwrap_err();
        assert!(err.contains("changes[0]"), "{err}");
    }

    #[test]
    fn an_unknown_argument_is_refused_not_ignored() {
        let e = serde_json::from_value::<ProposeToggle>(json!({
            "project": "p", "environment": "production", "flag": "beta", "enabled": true,
            "apply": true
        }))
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `apply`"), "{e}");
    }

    #[test]
    fn a_blank_title_is_refused() {
        let p: ProposeChange = serde_json::from_value(
            json!({"project": "p1", "title": "  ", "changes": [{"kind": "state"}]}),
        )
        .unwrap();
        assert_eq!(p.check().unwrap_err(), "`title` is required");
    }

    #[test]
    fn limits_outside_their_range_are_refused() {
        let a = ReadAuditLog {
            limit: Some(0),
            ..ReadAuditLog::default()
        };
        assert!(a.limit().is_err());
        let a = ReadAuditLog {
            limit: Some(101),
            ..ReadAuditLog::default()
        };
        assert!(a.limit().is_err());
        assert_eq!(ReadAuditLog::default().limit(), Ok(20));
    }

    #[test]
    fn a_comment_longer_than_the_api_takes_is_refused() {
        let c = CommentOnChangeRequest {
            project: "p".into(),
            id: "r".into(),
            text: "x".repeat(MAX_COMMENT + 1),
        };
        assert!(c.check().unwrap_err().contains("2000"));
    }

    #[test]
    fn the_proposal_body_is_the_apis_shape() {
        let p: ProposeChange = serde_json::from_value(json!({
            "project": "p1", "title": " On ", "changes": [{"kind": "state"}], "scheduledAt": 5
        }))
        .unwrap();
        assert_eq!(
            p.body(),
            json!({"title": "On", "changes": [{"kind": "state"}], "scheduledAt": 5})
        );
    }
}
