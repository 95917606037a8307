//! A revision's `changes` message made once for every stream client it fits. When every flag that
//! changed answers every context the same ([`FlagSet::same_for_everyone`]: a flag without
//! targeting flipped, a kill switch) and none is hidden from client keys, each client that held
//! the revision before gets the same bytes: the flags are evaluated and the message written once
//! per revision instead of once per client, and a client's share is comparing hashes and sending.
//! A client the message does not fit (it skipped a revision, already holds one of the entries,
//! or the flags hidden from client keys changed) gets its own, as before.
//!
//! [`FlagSet::same_for_everyone`]: switchyard_core::engine::FlagSet::same_for_everyone

use axum::extract::ws::Utf8Bytes;
use serde_json::value::RawValue;
use switchyard_core::engine::Context;

use super::protocol::{FlagEntries, ServerMessage};
use super::view::{entry, hash, now};
use crate::envs::Compiled;

#[derive(Debug)]
pub struct SharedChange {
    /// Each changed flag's place in the environment's keys ([`Compiled::keys`]) and the hash of
    /// its new entry.
    pub entries: Box<[(usize, u64)]>,
    /// The message, from `previous_revision` to `revision`.
    pub text: Utf8Bytes,
}

impl SharedChange {
    /// The message for `env`'s change, if it is the same for every client that held the
    /// revision before.
    pub fn of(env: &Compiled) -> Option<SharedChange> {
        let changed = env.changed.as_deref()?;
        if changed.is_empty()
            || changed
                .iter()
                .any(|k| !env.flags.same_for_everyone(k) || env.hidden.contains(k))
        {
            return None;
        }
        let nobody = serde_json::Value::Object(serde_json::Map::new());
        let ctx = Context::new(&nobody, now()).ok()?;
        let mut flags: Vec<(String, Box<RawValue>)> = Vec::with_capacity(changed.len());
        let mut entries = Vec::with_capacity(changed.len());
        for k in changed {
            let i = env.keys.binary_search_by(|x| x.as_str().cmp(k)).ok()?;
            let e = entry(k, &env.flags.evaluate(k, &ctx))?;
            entries.push((i, hash(&e.1)));
            flags.push(e);
        }
        let text = ServerMessage::Changes {
            revision: env.revision,
            base: env.previous_revision,
            flags: FlagEntries::new(flags),
            removed: Vec::new(),
        }
        .to_json()
        .ok()?;
        Some(SharedChange {
            entries: entries.into_boxed_slice(),
            text: text.into(),
        })
    }
}

impl Compiled {
    /// This revision's shared `changes` message, made by the first client that asks.
    pub fn shared_change(&self) -> Option<&SharedChange> {
        self.shared_change
            .get_or_init(|| SharedChange::of(self))
            .as_ref()
    }
}
