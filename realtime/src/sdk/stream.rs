//! What the streams send (docs/protocol.md): per-client evaluated values, full snapshots, and the
//! changes since what a client holds.
//!
//! A connection keeps only a hash of each flag's serialized entry, so idle connections stay small;
//! on a change it evaluates only the flags that changed (when it holds the previous revision).

use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::hash::BuildHasher;
use switchyard_core::engine::{Context, Resolution};

use crate::envs::Compiled;

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

/// What one client holds: the revision and a hash of each flag's entry.
#[derive(Debug, Default)]
pub struct ClientView {
    /// The revision these hashes describe.
    pub revision: u64,
    /// The revision of the last message the client received (its `base` for the next one).
    sent: u64,
    hashes: HashMap<String, u64>,
}

fn hash(s: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(s)
}

/// Serialized entries of the given flags (all when `only` is `None`), in key order.
fn evaluate(
    env: &Compiled,
    context: &Value,
    only: Option<&std::collections::HashSet<String>>,
) -> Vec<(String, String)> {
    let Ok(ctx) = Context::new(context, now()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match only {
        None => {
            for (k, r) in env.flags.evaluate_all(&ctx) {
                out.push((k.to_owned(), Value::Object(entry(&r)).to_string()));
            }
        }
        Some(keys) => {
            for k in keys {
                let r = env.flags.evaluate(k, &ctx);
                out.push((k.clone(), Value::Object(entry(&r)).to_string()));
            }
        }
    }
    out
}

fn flags_object(entries: &[(String, String)]) -> String {
    let mut s = String::from("{");
    for (i, (k, e)) in entries.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&Value::String(k.clone()).to_string());
        s.push(':');
        s.push_str(e);
    }
    s.push('}');
    s
}

impl ClientView {
    /// A full snapshot; the view now holds it. Returns the message and how many flags it holds.
    pub fn snapshot(&mut self, env: &Compiled, context: &Value) -> (String, usize) {
        let entries = evaluate(env, context, None);
        self.hashes = entries.iter().map(|(k, e)| (k.clone(), hash(e))).collect();
        self.revision = env.revision;
        self.sent = env.revision;
        (
            format!(
                r#"{{"type":"snapshot","revision":{},"flags":{}}}"#,
                env.revision,
                flags_object(&entries)
            ),
            entries.len(),
        )
    }

    /// The changes since what the view holds, or `None` when nothing this client sees changed.
    /// Returns the message and how many flags were evaluated.
    pub fn changes(&mut self, env: &Compiled, context: &Value) -> (Option<String>, usize) {
        if env.revision <= self.revision {
            return (None, 0);
        }
        // Only the changed flags need evaluating when we hold the revision just before.
        let only = env
            .changed
            .as_deref()
            .filter(|_| env.previous_revision == self.revision);
        let entries = evaluate(env, context, only);
        let evaluated = entries.len();
        let mut removed = Vec::new();
        if only.is_none() {
            removed = self
                .hashes
                .keys()
                .filter(|k| env.flags.flag_type(k).is_none())
                .cloned()
                .collect();
        } else if let Some(keys) = only {
            removed = keys
                .iter()
                .filter(|k| env.flags.flag_type(k).is_none() && self.hashes.contains_key(*k))
                .cloned()
                .collect();
        }
        let changed: Vec<(String, String)> = entries
            .into_iter()
            .filter(|(k, e)| {
                env.flags.flag_type(k).is_some() && self.hashes.get(k) != Some(&hash(e))
            })
            .collect();
        for k in &removed {
            self.hashes.remove(k);
        }
        for (k, e) in &changed {
            self.hashes.insert(k.clone(), hash(e));
        }
        self.revision = env.revision;
        if changed.is_empty() && removed.is_empty() {
            return (None, evaluated);
        }
        let base = std::mem::replace(&mut self.sent, env.revision);
        let removed = Value::from(removed).to_string();
        (
            Some(format!(
                r#"{{"type":"changes","revision":{},"base":{base},"flags":{},"removed":{removed}}}"#,
                env.revision,
                flags_object(&changed)
            )),
            evaluated,
        )
    }
}

pub fn error(code: &str, message: &str) -> String {
    json!({"type": "error", "code": code, "message": message}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use switchyard_core::engine::FlagSet;

    fn compiled(
        revision: u64,
        previous: u64,
        changed: Option<&[&str]>,
        beta: bool,
        extra: bool,
    ) -> Compiled {
        let mut flags = json!({"beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": if beta { "on" } else { "off" }},
                               "other": {"state": "ENABLED", "variants": {"a": 1}, "defaultVariant": "a"}});
        if extra {
            flags["extra"] =
                json!({"state": "ENABLED", "variants": {"x": "x"}, "defaultVariant": "x"});
        }
        let document = json!({"flags": flags});
        Compiled {
            environment: switchyard_core::domain::Environment {
                id: "e".into(),
                org_id: "o".into(),
                project_id: "p".into(),
                key: "k".into(),
                name: "n".into(),
                revision,
                allowed_origins: vec![],
                created_at: 0,
            },
            revision,
            previous_revision: previous,
            changed: changed.map(|c| Arc::new(c.iter().map(|s| (*s).to_owned()).collect())),
            flags: FlagSet::parse(&document).unwrap(),
            document: serde_json::from_value(document).unwrap(),
        }
    }

    #[test]
    fn snapshots_then_only_what_changed() {
        let ctx = json!({});
        let mut view = ClientView::default();
        let (snap, n) = view.snapshot(&compiled(1, 0, None, true, true), &ctx);
        assert_eq!(n, 3);
        let v: Value = serde_json::from_str(&snap).unwrap();
        assert_eq!(v["flags"]["beta"]["value"], true);
        // Revision 2 changes beta: one evaluation, one changed flag.
        let (msg, evaluated) = view.changes(&compiled(2, 1, Some(&["beta"]), false, true), &ctx);
        assert_eq!(evaluated, 1);
        let v: Value = serde_json::from_str(&msg.unwrap()).unwrap();
        assert_eq!(
            (v["revision"].as_u64(), v["base"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(v["flags"].as_object().unwrap().len(), 1);
        // Skipping a revision means a full evaluation; a removed flag is reported.
        let (msg, evaluated) = view.changes(&compiled(4, 3, Some(&["extra"]), false, false), &ctx);
        assert_eq!(evaluated, 2);
        let v: Value = serde_json::from_str(&msg.unwrap()).unwrap();
        assert_eq!(v["removed"], json!(["extra"]));
        // Nothing this client sees changed: no message, but the revision moves on.
        let (msg, _) = view.changes(&compiled(5, 4, Some(&["other"]), false, false), &ctx);
        assert!(msg.is_none());
        assert_eq!(view.revision, 5);
        assert!(
            view.changes(&compiled(5, 4, None, true, false), &ctx)
                .0
                .is_none(),
            "old revisions are ignored"
        );
        // The next message's base is what the client last received (4), not 5.
        let (msg, _) = view.changes(&compiled(6, 5, Some(&["beta"]), true, false), &ctx);
        let v: Value = serde_json::from_str(&msg.unwrap()).unwrap();
        assert_eq!(
            (v["revision"].as_u64(), v["base"].as_u64()),
            (Some(6), Some(4))
        );
    }
}
