//! `EventStream` of the evaluation service: `provider_ready` at once, then `configuration_change`
//! with the changed flag keys (`data.flags`: key → `{type: write|update|delete}`) whenever the
//! environment changes, and `keep_alive` while it is idle. RPC providers cache `STATIC`
//! resolutions until a change names the flag, so a change must name every flag it touched: when
//! revisions were coalesced or the change did not say, every flag of both revisions is named.
//!
//! The official providers open this stream without metadata, so it follows the environment
//! whose server key the same connection's resolves proved (a key in its own metadata wins). A
//! stream that no call has proven a key for yet sends only `provider_ready` and `keep_alive`:
//! it learns nothing about any environment. When a key is proven, a change since the revision that
//! call saw is announced at once, so nothing the provider cached is missed. A revoked or expired
//! key ends the stream with `UNAUTHENTICATED` within the same bound as the WebSocket streams.

use std::collections::BTreeSet;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::Stream;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Status};

use super::auth::{self, FlagdState};
use super::listener::Connection;
use super::structs;
use crate::envs::Compiled;

/// The stream of either protocol version's event messages.
pub type EventStream<M> = Pin<Box<dyn Stream<Item = Result<M, Status>> + Send>>;

/// Builds a version's event message from its type and data.
pub type Make<M> = fn(&str, Option<prost_types::Struct>) -> M;

/// What a stream not yet bound to a key counts its slot under.
const ANONYMOUS: &str = "flagd-events:anonymous";

fn event<M>(make: Make<M>, kind: &str, data: Option<Map<String, Value>>) -> M {
    make(kind, data.as_ref().map(structs::from_map))
}

/// The flags that changed from `before` to `after`, each with what happened to it.
pub fn changed_flags(before: &Compiled, after: &Compiled) -> Map<String, Value> {
    let old: BTreeSet<&str> = before.flags.keys().collect();
    let new: BTreeSet<&str> = after.flags.keys().collect();
    let keys: BTreeSet<&str> = match &after.changed {
        Some(changed) if after.previous_revision == before.revision => {
            changed.iter().map(String::as_str).collect()
        }
        _ => old.union(&new).copied().collect(),
    };
    keys.into_iter()
        .map(|k| {
            let kind = match (old.contains(k), new.contains(k)) {
                (false, _) => "write",
                (true, false) => "delete",
                (true, true) => "update",
            };
            (k.to_owned(), json!({"type": kind, "flagKey": k}))
        })
        .collect()
}

fn configuration_change<M>(make: Make<M>, flags: Map<String, Value>) -> M {
    let mut data = Map::new();
    data.insert("flags".into(), Value::Object(flags));
    event(make, "configuration_change", Some(data))
}

/// Opens an event stream (it holds a stream slot like every stream).
pub async fn open<R, M: Send + 'static>(
    st: &FlagdState,
    req: Request<R>,
    make: Make<M>,
) -> Result<EventStream<M>, Status> {
    let own = match auth::presented(&req, "") {
        Some(key) => Some(auth::authenticate_key(st, &req, Some(key)).await?),
        None => None,
    };
    let addr = auth::client_addr(st, &req);
    let slot_key = own.as_ref().map_or(ANONYMOUS, |c| c.key.as_str());
    let slot = st
        .sdk
        .open_stream(slot_key, addr)
        .map_err(|r| auth::status(r.into()))?;
    let bound = own.map(|c| (c.key, c.env.revision));
    let conn = auth::connection(&req).cloned();
    let (tx, rx) = mpsc::channel(2);
    let st = st.clone();
    tokio::spawn(async move {
        let _slot = slot;
        let _open = st.sdk.metrics.open_connection();
        if tx
            .send(Ok(event(make, "provider_ready", None)))
            .await
            .is_err()
        {
            return;
        }
        let Some((key, seen)) = wait_for_key(&st, &tx, make, bound, conn.as_ref()).await else {
            return;
        };
        follow(&st, &tx, make, &key, seen, conn.as_ref()).await;
    });
    Ok(Box::pin(ReceiverStream::new(rx)))
}

type Tx<M> = mpsc::Sender<Result<M, Status>>;

/// The key this stream follows: its own, or the first its connection proves; `None` when the
/// stream ended first.
async fn wait_for_key<M>(
    st: &FlagdState,
    tx: &Tx<M>,
    make: Make<M>,
    own: Option<(String, u64)>,
    conn: Option<&Connection>,
) -> Option<(String, u64)> {
    if own.is_some() {
        return own;
    }
    let proven = conn?.proven.clone();
    let mut shutdown = st.sdk.shutdown.clone();
    let mut keep_alive = tokio::time::interval(st.keep_alive);
    keep_alive.reset();
    loop {
        let notified = proven.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(first) = proven.first() {
            return Some(first);
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = shutdown.changed() => return None,
            _ = tx.closed() => return None,
            _ = keep_alive.tick() => {
                let _ = tx.try_send(Ok(event(make, "keep_alive", None)));
            }
        }
    }
}

/// Announces the environment's changes until the stream ends, the key is refused or the server
/// shuts down.
async fn follow<M>(
    st: &FlagdState,
    tx: &Tx<M>,
    make: Make<M>,
    key: &str,
    seen: u64,
    conn: Option<&Connection>,
) {
    let envs = &st.sdk.envs;
    let Ok(Some(info)) = envs.key(key).await else {
        refuse(tx, key, conn);
        return;
    };
    let Ok(mut watch) = envs.watch(&info.environment).await else {
        return;
    };
    let mut last: Arc<Compiled> = watch.borrow_and_update().clone();
    // Flags to announce, gathered while the client is not reading (changes coalesce here, so a
    // slow reader holds one small map, never a queue).
    let mut pending = Map::new();
    if last.revision != seen {
        // Changed since the call that proved the key: what it cached may be stale.
        pending.extend(
            last.flags
                .keys()
                .map(|k| (k.to_owned(), json!({"type": "update", "flagKey": k}))),
        );
    }
    let mut shutdown = st.sdk.shutdown.clone();
    let mut keep_alive = tokio::time::interval(st.keep_alive);
    keep_alive.reset();
    let mut key_check = tokio::time::interval(st.sdk.limits.key_check_every);
    key_check.reset();
    loop {
        tokio::select! {
            permit = tx.reserve(), if !pending.is_empty() => {
                let Ok(permit) = permit else { return };
                permit.send(Ok(configuration_change(make, std::mem::take(&mut pending))));
                st.sdk.metrics.messages.inc();
                keep_alive.reset();
            }
            _ = shutdown.changed() => {
                let _ = tx.try_send(Err(Status::unavailable("the server is shutting down")));
                return;
            }
            _ = tx.closed() => return,
            _ = key_check.tick() => {
                // A store hiccup is not a revocation.
                if let Ok(None) = envs.key(key).await {
                    refuse(tx, key, conn);
                    return;
                }
            }
            _ = keep_alive.tick() => {
                // Nothing is lost when a keep-alive finds the buffer full.
                let _ = tx.try_send(Ok(event(make, "keep_alive", None)));
            }
            changed = watch.changed() => {
                if changed.is_err() { return; }
                let now = watch.borrow_and_update().clone();
                pending.extend(changed_flags(&last, &now));
                last = now;
            }
        }
    }
}

/// Ends the stream for a refused key (the connection stops proving it).
fn refuse<M>(tx: &Tx<M>, key: &str, conn: Option<&Connection>) {
    if let Some(c) = conn {
        c.proven.forget(key);
    }
    let _ = tx.try_send(Err(Status::unauthenticated(
        "the server key was revoked or has expired",
    )));
}
