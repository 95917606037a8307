//! The before → after diff shown with each change record.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

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
