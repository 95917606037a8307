//! What one stream client holds (docs/protocol.md): its revision and a hash of each flag's entry,
//! from which it gets full snapshots and the changes since what it holds.
//!
//! Only hashes are kept, in a table that lines up with the environment's shared list of flag
//! keys, so idle connections stay small; on a change a view evaluates only the
//! flags that changed (when it holds the revision just before). A client key's view leaves out
//! the flags hidden from client keys; a flag that becomes hidden is sent as removed.

use serde_json::Value;
use serde_json::value::{RawValue, to_raw_value};
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::sync::Arc;
use switchyard_core::clock::{Clock, SystemClock};
use switchyard_core::engine::{Context, Resolution};

use super::protocol::{Evaluation, FlagEntries, ServerMessage};
use crate::envs::Compiled;

/// Now, in Unix seconds (what `$flagd.timestamp` holds).
pub fn now() -> i64 {
    SystemClock.now_secs()
}

#[derive(Debug, Default)]
pub struct ClientView {
    /// The revision these hashes describe.
    pub revision: u64,
    /// The revision of the last message the client received (its `base` for the next one).
    sent: u64,
    /// The flag keys `hashes` lines up with: the environment's ([`Compiled::keys`]), shared by
    /// every view of it, so that a connection holds no flag names of its own.
    keys: Arc<[String]>,
    /// The hash of the entry the client holds for each of `keys` ([`NOT_HELD`]: none).
    hashes: Box<[u64]>,
    /// A client key's view: hidden flags are left out.
    client: bool,
    /// The hidden flags the client's entries were made with.
    hidden: Arc<HashSet<String>>,
    /// Evaluations that ran out of the evaluation budget, for the server to count.
    pub budget_exceeded: u64,
}

/// In [`ClientView::hashes`]: the client holds no entry for the flag.
const NOT_HELD: u64 = 0;

/// An entry's hash, never [`NOT_HELD`].
pub(super) fn hash(entry: &RawValue) -> u64 {
    foldhash::fast::FixedState::default()
        .hash_one(entry.get())
        .max(1)
}

/// Serialized entries of the given flags (all when `only` is `None`), but those `hidden`;
/// counts in `exceeded` the evaluations that ran out of budget.
fn evaluate(
    env: &Compiled,
    context: &Value,
    only: Option<&HashSet<String>>,
    hidden: Option<&HashSet<String>>,
    exceeded: &mut u64,
) -> Vec<(String, Box<RawValue>)> {
    let Ok(ctx) = Context::new(context, now()) else {
        return Vec::new();
    };
    let shown = |k: &str| hidden.is_none_or(|h| !h.contains(k));
    let mut entry = |k: &str, r: Resolution<'_>| {
        *exceeded += u64::from(r.budget_exceeded());
        entry(k, &r)
    };
    match only {
        None => env
            .flags
            .evaluate_all(&ctx)
            .filter(|(k, _)| shown(k))
            .filter_map(|(k, r)| entry(k, r))
            .collect(),
        Some(keys) => keys
            .iter()
            .filter(|k| shown(k))
            .filter_map(|k| entry(k, env.flags.evaluate(k, &ctx)))
            .collect(),
    }
}

/// Serializing borrowed values and strings cannot fail; a flag that did would be left out.
pub(super) fn entry(key: &str, r: &Resolution<'_>) -> Option<(String, Box<RawValue>)> {
    to_raw_value(&Evaluation::of(r))
        .ok()
        .map(|e| (key.to_owned(), e))
}

impl ClientView {
    /// A view for a client key (`client`: hidden flags left out) or a server key.
    pub fn new(client: bool) -> ClientView {
        ClientView {
            client,
            ..ClientView::default()
        }
    }

    fn hidden<'e>(&self, env: &'e Compiled) -> Option<&'e HashSet<String>> {
        self.client.then_some(&*env.hidden)
    }

    /// The hash of the entry the client holds for `key`, if it holds one.
    fn held(&self, key: &str) -> Option<u64> {
        let i = self.keys.binary_search_by(|k| k.as_str().cmp(key)).ok()?;
        self.hashes.get(i).copied().filter(|h| *h != NOT_HELD)
    }

    fn set(&mut self, key: &str, h: u64) {
        if let Ok(i) = self.keys.binary_search_by(|k| k.as_str().cmp(key)) {
            self.hashes[i] = h;
        }
    }

    /// Lines the hashes up with `env`'s keys (a no-op while the keys are the same).
    fn align(&mut self, env: &Compiled) {
        if !Arc::ptr_eq(&self.keys, &env.keys) {
            let hashes = env
                .keys
                .iter()
                .map(|k| self.held(k).unwrap_or(NOT_HELD))
                .collect();
            self.keys = env.keys.clone();
            self.hashes = hashes;
        }
    }

    /// A full snapshot; the view now holds it. Returns the message and how many flags it holds.
    pub fn snapshot(&mut self, env: &Compiled, context: &Value) -> (ServerMessage, usize) {
        let hidden = self.hidden(env);
        let entries = evaluate(env, context, None, hidden, &mut self.budget_exceeded);
        self.hidden = env.hidden.clone();
        self.keys = env.keys.clone();
        self.hashes = vec![NOT_HELD; self.keys.len()].into_boxed_slice();
        for (k, e) in &entries {
            self.set(k, hash(e));
        }
        self.revision = env.revision;
        self.sent = env.revision;
        let n = entries.len();
        (
            ServerMessage::Snapshot {
                revision: env.revision,
                flags: FlagEntries::new(entries),
            },
            n,
        )
    }

    /// The revision's shared `changes` message ([`Compiled::shared_change`]) if it fits this
    /// client: it holds and was sent the revision before, with the same flags hidden, and holds
    /// none of the new entries. The view then holds them; otherwise it is left as it was.
    pub fn shared_changes(&mut self, env: &Compiled) -> Option<ServerMessage> {
        let fits = env.revision > self.revision
            && env.previous_revision == self.revision
            && self.sent == self.revision
            && (Arc::ptr_eq(&self.keys, &env.keys) || self.keys == env.keys)
            && !(self.client && *self.hidden != *env.hidden);
        let shared = env.shared_change().filter(|_| fits)?;
        if shared
            .entries
            .iter()
            .any(|&(i, h)| self.hashes.get(i).is_none_or(|held| *held == h))
        {
            return None;
        }
        for &(i, h) in &shared.entries {
            self.hashes[i] = h;
        }
        self.revision = env.revision;
        self.sent = env.revision;
        Some(ServerMessage::Prepared {
            revision: env.revision,
            text: shared.text.clone(),
        })
    }

    /// The changes since what the view holds, or `None` when nothing this client sees changed.
    /// Returns the message and how many flags were evaluated.
    pub fn changes(&mut self, env: &Compiled, context: &Value) -> (Option<ServerMessage>, usize) {
        if env.revision <= self.revision {
            return (None, 0);
        }
        // A change of which flags are hidden is not in `changed` (the flagd document is the
        // same): it takes a full evaluation.
        let visibility_changed = self.client && *self.hidden != *env.hidden;
        // Only the changed flags need evaluating when we hold the revision just before.
        let only = env
            .changed
            .as_deref()
            .filter(|_| env.previous_revision == self.revision && !visibility_changed);
        let hidden = self.hidden(env);
        let entries = evaluate(env, context, only, hidden, &mut self.budget_exceeded);
        let evaluated = entries.len();
        let gone =
            |k: &str| env.flags.flag_type(k).is_none() || hidden.is_some_and(|h| h.contains(k));
        let removed: Vec<String> = match only {
            None => self
                .keys
                .iter()
                .zip(&self.hashes)
                .filter(|(k, h)| **h != NOT_HELD && gone(k))
                .map(|(k, _)| k.clone())
                .collect(),
            Some(keys) => keys
                .iter()
                .filter(|k| gone(k) && self.held(k).is_some())
                .cloned()
                .collect(),
        };
        let changed: Vec<(String, Box<RawValue>)> = entries
            .into_iter()
            .filter(|(k, e)| !gone(k) && self.held(k) != Some(hash(e)))
            .collect();
        self.hidden = env.hidden.clone();
        self.align(env);
        for k in &removed {
            self.set(k, NOT_HELD);
        }
        for (k, e) in &changed {
            self.set(k, hash(e));
        }
        self.revision = env.revision;
        if changed.is_empty() && removed.is_empty() {
            return (None, evaluated);
        }
        let base = std::mem::replace(&mut self.sent, env.revision);
        (
            Some(ServerMessage::Changes {
                revision: env.revision,
                base,
                flags: FlagEntries::new(changed),
                removed,
            }),
            evaluated,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
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
        let mut c = Compiled::new(
            switchyard_core::domain::Environment {
                id: "e".into(),
                org_id: "o".into(),
                project_id: "p".into(),
                key: "k".into(),
                name: "n".into(),
                revision,
                allowed_origins: vec![],
                custom_events: false,
                created_at: 0,
                secure_mode: false,
                secure_mode_secret: None,
                approval: None,
                critical: false,
            },
            FlagSet::parse(&document).unwrap(),
            &serde_json::from_value(document).unwrap(),
        );
        c.previous_revision = previous;
        c.changed = changed.map(|c| Arc::new(c.iter().map(|s| (*s).to_owned()).collect()));
        c
    }

    fn hiding(mut env: Compiled, keys: &[&str]) -> Compiled {
        env.hidden = Arc::new(keys.iter().map(|k| (*k).to_owned()).collect());
        env
    }

    #[test]
    fn a_client_snapshot_leaves_hidden_flags_out() {
        let env = hiding(compiled(1, 0, None, true, true), &["extra"]);
        let (snap, n) = ClientView::new(true).snapshot(&env, &json!({}));
        assert_eq!(n, 2);
        assert!(serde_json::to_value(&snap).unwrap()["flags"]["extra"].is_null());
    }

    #[test]
    fn a_server_snapshot_holds_hidden_flags() {
        let env = hiding(compiled(1, 0, None, true, true), &["extra"]);
        let (_, n) = ClientView::new(false).snapshot(&env, &json!({}));
        assert_eq!(n, 3);
    }

    #[test]
    fn a_flag_that_becomes_hidden_is_removed_and_one_shown_again_is_sent() {
        let ctx = json!({});
        let mut view = ClientView::new(true);
        view.snapshot(&compiled(1, 0, None, true, true), &ctx);
        // Only visibility changed: the document (and so `changed`) says nothing changed.
        let hidden = hiding(compiled(2, 1, Some(&[]), true, true), &["beta"]);
        let v = serde_json::to_value(view.changes(&hidden, &ctx).0.unwrap()).unwrap();
        assert_eq!(v["removed"], json!(["beta"]));
        assert_eq!(v["flags"], json!({}));
        let shown = compiled(3, 2, Some(&[]), true, true);
        let v = serde_json::to_value(view.changes(&shown, &ctx).0.unwrap()).unwrap();
        assert_eq!(v["flags"]["beta"]["value"], true);
        assert_eq!(v["removed"], json!([]));
    }

    #[test]
    fn a_view_holds_the_environments_key_list_not_its_own() {
        let env = compiled(1, 0, None, true, true);
        let mut view = ClientView::default();
        view.snapshot(&env, &json!({}));
        assert!(Arc::ptr_eq(&view.keys, &env.keys));
        assert_eq!(view.hashes.len(), 3);
    }

    #[test]
    fn a_flag_added_since_the_snapshot_is_sent_as_a_change() {
        let ctx = json!({});
        let mut view = ClientView::default();
        view.snapshot(&compiled(1, 0, None, true, false), &ctx);
        let next = compiled(2, 1, Some(&["extra"]), true, true);
        let v = serde_json::to_value(view.changes(&next, &ctx).0.unwrap()).unwrap();
        assert_eq!(v["flags"]["extra"]["value"], "x");
        assert_eq!(v["flags"].as_object().unwrap().len(), 1);
        // Held now: the same entry again is no change.
        assert!(
            view.changes(&compiled(3, 2, Some(&["extra"]), true, true), &ctx)
                .0
                .is_none()
        );
    }

    fn json_of(msg: &ServerMessage) -> serde_json::Value {
        serde_json::from_str(&msg.to_json().unwrap()).unwrap()
    }

    #[test]
    fn a_flip_the_same_for_everyone_is_one_message_for_every_client() {
        let before = compiled(1, 0, None, true, true);
        let after = compiled(2, 1, Some(&["beta"]), false, true);
        let (mut a, mut b) = (ClientView::new(true), ClientView::new(false));
        a.snapshot(&before, &json!({"targetingKey": "a"}));
        b.snapshot(&before, &json!({"targetingKey": "b", "plan": "pro"}));
        let (ma, mb) = (
            a.shared_changes(&after).unwrap(),
            b.shared_changes(&after).unwrap(),
        );
        let (ServerMessage::Prepared { text: ta, .. }, ServerMessage::Prepared { text: tb, .. }) =
            (&ma, &mb)
        else {
            panic!("not prepared: {ma:?}");
        };
        assert_eq!(
            ta.as_str().as_ptr(),
            tb.as_str().as_ptr(),
            "the bytes are shared"
        );
        assert_eq!((a.revision, b.revision), (2, 2));
    }

    #[test]
    fn the_shared_message_is_the_one_the_client_would_get_alone() {
        let before = compiled(1, 0, None, true, true);
        let after = compiled(2, 1, Some(&["beta"]), false, true);
        let (mut shared, mut alone) = (ClientView::default(), ClientView::default());
        shared.snapshot(&before, &json!({}));
        alone.snapshot(&before, &json!({}));
        let one = shared.shared_changes(&after).unwrap();
        let other = alone.changes(&after, &json!({})).0.unwrap();
        assert_eq!(json_of(&one), json_of(&other));
        assert_eq!(shared.hashes, alone.hashes);
        let next = compiled(3, 2, Some(&["beta"]), true, true);
        assert_eq!(
            json_of(&shared.shared_changes(&next).unwrap()),
            json_of(&alone.changes(&next, &json!({})).0.unwrap())
        );
    }

    #[test]
    fn a_change_that_reads_the_context_is_made_per_client() {
        let doc = |default: &str| {
            json!({"flags": {"beta": {"state": "ENABLED", "variants": {"on": true, "off": false},
                "defaultVariant": default, "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "on"]}}}})
        };
        let env = |revision: u64, default: &str| {
            let mut c = compiled(revision, revision - 1, Some(&["beta"]), true, false);
            c.flags = FlagSet::parse(&doc(default)).unwrap();
            c
        };
        let mut view = ClientView::default();
        view.snapshot(&env(1, "on"), &json!({}));
        assert!(view.shared_changes(&env(2, "off")).is_none());
        assert_eq!(view.revision, 1, "left as it was");
    }

    #[test]
    fn a_client_that_skipped_a_revision_gets_its_own_message() {
        let mut view = ClientView::default();
        view.snapshot(&compiled(1, 0, None, true, true), &json!({}));
        assert!(
            view.shared_changes(&compiled(3, 2, Some(&["beta"]), false, true))
                .is_none()
        );
    }

    #[test]
    fn a_client_holding_the_new_entry_gets_no_shared_message() {
        let mut view = ClientView::default();
        view.snapshot(&compiled(1, 0, None, true, true), &json!({}));
        // beta's definition changed (the document says so) but its answer did not.
        assert!(
            view.shared_changes(&compiled(2, 1, Some(&["beta"]), true, true))
                .is_none()
        );
    }

    #[test]
    fn a_change_to_a_flag_hidden_from_client_keys_is_not_shared() {
        let mut view = ClientView::new(true);
        view.snapshot(
            &hiding(compiled(1, 0, None, true, true), &["beta"]),
            &json!({}),
        );
        let after = hiding(compiled(2, 1, Some(&["beta"]), false, true), &["beta"]);
        assert!(view.shared_changes(&after).is_none());
    }

    #[test]
    fn snapshots_then_only_what_changed() {
        let ctx = json!({});
        let mut view = ClientView::default();
        let (snap, n) = view.snapshot(&compiled(1, 0, None, true, true), &ctx);
        assert_eq!(n, 3);
        let v = serde_json::to_value(&snap).unwrap();
        assert_eq!(v["flags"]["beta"]["value"], true);
        // Revision 2 changes beta: one evaluation, one changed flag.
        let (msg, evaluated) = view.changes(&compiled(2, 1, Some(&["beta"]), false, true), &ctx);
        assert_eq!(evaluated, 1);
        let v = serde_json::to_value(msg.unwrap()).unwrap();
        assert_eq!(
            (v["revision"].as_u64(), v["base"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(v["flags"].as_object().unwrap().len(), 1);
        // Skipping a revision means a full evaluation; a removed flag is reported.
        let (msg, evaluated) = view.changes(&compiled(4, 3, Some(&["extra"]), false, false), &ctx);
        assert_eq!(evaluated, 2);
        let v = serde_json::to_value(msg.unwrap()).unwrap();
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
        let v = serde_json::to_value(msg.unwrap()).unwrap();
        assert_eq!(
            (v["revision"].as_u64(), v["base"].as_u64()),
            (Some(6), Some(4))
        );
    }
}
