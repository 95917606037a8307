//! What the streams send (docs/protocol.md): per-client evaluated values, full snapshots, and the
//! changes between two snapshots.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use switchyard_core::engine::{Context, Resolution};

use crate::envs::Compiled;

/// A client's evaluated flags: key → `{value?, variant?, reason, errorCode?, errorMessage?}`.
pub type Values = BTreeMap<String, Value>;

/// One evaluated flag as the streams (and OFREP, with `key` and metadata) show it. An absent
/// `value` means "use the code default".
pub fn entry(r: &Resolution<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(v) = r.value {
        m.insert("value".into(), v.clone());
    }
    if let Some(v) = r.variant {
        m.insert("variant".into(), v.into());
    }
    m.insert("reason".into(), json!(r.reason));
    if let Some((code, message)) = &r.error {
        m.insert("errorCode".into(), json!(code));
        m.insert("errorMessage".into(), message.clone().into());
    }
    m
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Evaluates every flag of the environment for one context.
pub fn evaluate_all(env: &Compiled, context: &Value) -> Values {
    let Ok(ctx) = Context::new(context, now()) else {
        return Values::new();
    };
    env.flags
        .evaluate_all(&ctx)
        .map(|(k, r)| (k.to_owned(), Value::Object(entry(&r))))
        .collect()
}

/// The flags whose entry changed, and the keys that are gone.
pub fn diff(old: &Values, new: &Values) -> (Map<String, Value>, Vec<String>) {
    let changed = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    (changed, removed)
}

pub fn snapshot(revision: u64, values: &Values) -> String {
    json!({"type": "snapshot", "revision": revision, "flags": values}).to_string()
}

pub fn changes(
    revision: u64,
    base: u64,
    changed: &Map<String, Value>,
    removed: &[String],
) -> String {
    json!({"type": "changes", "revision": revision, "base": base, "flags": changed, "removed": removed}).to_string()
}

pub fn error(code: &str, message: &str) -> String {
    json!({"type": "error", "code": code, "message": message}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_finds_changed_added_and_removed() {
        let old: Values = [
            ("a".into(), json!({"value": 1})),
            ("b".into(), json!({"value": 2})),
        ]
        .into();
        let new: Values = [
            ("a".into(), json!({"value": 1})),
            ("b".into(), json!({"value": 3})),
            ("c".into(), json!({"value": 4})),
        ]
        .into();
        let (changed, removed) = diff(&old, &new);
        assert_eq!(changed.keys().collect::<Vec<_>>(), ["b", "c"]);
        assert!(removed.is_empty());
        let (_, removed) = diff(&new, &old);
        assert_eq!(removed, ["c"]);
    }
}
