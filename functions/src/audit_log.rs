//! Building audit entries, and the before/after diff shown with each.

use serde::Serialize;
use serde_json::Value;
use switchyard_core::domain::{AuditEntry, new_id, now_ms};
use utoipa::ToSchema;

use crate::extract::Caller;

/// Where a change happened: an organization's project, and maybe one environment.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub org: &'a str,
    pub project: &'a str,
    pub env: Option<&'a str>,
}

impl<'a> At<'a> {
    /// A change to a project's flags or segments.
    pub fn project(p: &'a switchyard_core::domain::Project) -> Self {
        At {
            org: &p.org_id,
            project: &p.id,
            env: None,
        }
    }

    /// A change in one environment of a project.
    pub fn environment(p: &'a switchyard_core::domain::Project, env: &'a str) -> Self {
        At {
            org: &p.org_id,
            project: &p.id,
            env: Some(env),
        }
    }
}

/// An audit entry for a change.
pub fn entry<B: Serialize, A: Serialize>(
    caller: &Caller,
    at: At<'_>,
    action: &str,
    target: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> AuditEntry {
    AuditEntry {
        id: new_id(),
        org_id: at.org.to_owned(),
        project_id: Some(at.project.to_owned()),
        environment_id: at.env.map(str::to_owned),
        actor: caller.actor(),
        action: action.to_owned(),
        target: target.to_owned(),
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: after.and_then(|a| serde_json::to_value(a).ok()),
        at: now_ms(),
    }
}

/// One difference between two JSON documents.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Change {
    /// JSON Pointer of what changed.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The differences between `before` and `after`, object by object (arrays compare whole).
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out
}

fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                walk(&p, x.get(k), y.get(k), out);
            }
        }
        (a, b) if a != b => out.push(Change {
            path: path.to_owned(),
            before: a.cloned(),
            after: b.cloned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diffs_objects_key_by_key() {
        let a = json!({"enabled": false, "targeting": {"if": [1]}, "same": 1, "gone": "x"});
        let b = json!({"enabled": true, "targeting": {"if": [2]}, "same": 1, "new": [1]});
        let d = diff(Some(&a), Some(&b));
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/enabled", "/gone", "/new", "/targeting/if"]);
        assert_eq!(d[1].after, None);
        assert_eq!(diff(None, Some(&json!(1)))[0].path, "");
        assert!(diff(Some(&a), Some(&a)).is_empty());
    }
}
