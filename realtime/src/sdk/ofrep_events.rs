//! `GET /ofrep/v1/events`: OFREP's event stream (ADR-0008). Notification only: a
//! `refetchEvaluation` notice whenever the environment changes, never values.
//!
//! Every notice is `event: message`, its `id` the environment's revision, its data
//! `{"type": "refetchEvaluation", "etag": "\"<revision>\""}` (the `etag` is what the client sends
//! back as `flagConfigEtag`). A client that reconnects with `Last-Event-ID` gets one notice at
//! once if the environment changed since that revision, and nothing otherwise; an id we cannot
//! read counts as "anything may have changed". Revisions the client has seen are never
//! announced again.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::SdkState;
use super::address::ClientAddr;
use super::caller::UrlCaller;
use super::catch_up::{self, config_tag};
use super::error::SdkError;

/// What a reconnecting client last saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LastSeen {
    /// A first connection: only changes from now on.
    Nothing,
    /// `Last-Event-ID` with a revision.
    Revision(u64),
    /// `Last-Event-ID` we cannot read (not ours, or garbled): announce the current revision.
    Unknown,
}

impl LastSeen {
    fn of(headers: &HeaderMap) -> LastSeen {
        match headers.get("last-event-id") {
            None => LastSeen::Nothing,
            Some(v) => v
                .to_str()
                .ok()
                .and_then(catch_up::revision_of_tag)
                .map_or(LastSeen::Unknown, LastSeen::Revision),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "refetchEvaluation")]
struct Refetch {
    etag: String,
}

fn refetch(revision: u64) -> Option<Event> {
    Event::default()
        .event("message")
        .id(revision.to_string())
        .json_data(Refetch {
            etag: config_tag(revision),
        })
        .ok()
}

/// The stream holds a slot like the others (503 with Retry-After when there is no room), and
/// its key is re-checked like every stream's: revoked or expired, the stream ends.
pub async fn stream(
    State(st): State<SdkState>,
    addr: ClientAddr,
    UrlCaller(caller): UrlCaller,
    headers: HeaderMap,
) -> Result<Response, SdkError> {
    let last = LastSeen::of(&headers);
    let slot = st.open_stream(&caller.key, addr)?;
    let mut watch = st.envs.watch(&caller.info.environment).await?;
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(4);
    let mut shutdown = st.shutdown.clone();
    // Seen now, not when the task starts: a change in between is a change to announce.
    let held = watch.borrow_and_update().clone();
    let mut announced = match last {
        LastSeen::Nothing => held.revision,
        LastSeen::Revision(r) => r,
        LastSeen::Unknown => 0,
    };
    if held.revision > announced {
        if let Some(event) = refetch(held.revision) {
            st.metrics.messages.inc();
            // The channel is new and empty: this cannot be full.
            let _ = tx.try_send(Ok(event));
        }
        announced = held.revision;
    } else if announced > held.revision {
        // The client heard of a revision this node does not hold yet; the watch below
        // announces it once it arrives.
        catch_up::at_least(&st, held, Some(announced)).await?;
    }
    let open = st.metrics.open_connection();
    let mut key_check = tokio::time::interval(st.limits.key_check_every);
    key_check.reset();
    tokio::spawn(async move {
        let _open = open;
        let _slot = slot;
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tx.closed() => break,
                _ = key_check.tick() => {
                    // A store hiccup is not a revocation.
                    if let Ok(None) = st.envs.key(&caller.key).await { break; }
                }
                changed = watch.changed() => {
                    if changed.is_err() { break; }
                    let revision = watch.borrow_and_update().revision;
                    if revision <= announced { continue; }
                    announced = revision;
                    let Some(event) = refetch(revision) else { break };
                    st.metrics.messages.inc();
                    if tx.send(Ok(event)).await.is_err() { break; }
                }
            }
        }
    });
    Ok(Sse::new(ReceiverStream::new(rx))
        .keep_alive(
            // An event, not a comment: EventSource hides comments, and clients watch for silence.
            // It has no id, so it leaves the client's Last-Event-ID alone.
            KeepAlive::new()
                .interval(Duration::from_secs(25))
                .event(Event::default().event("ping").data(r#"{"type":"ping"}"#)),
        )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("last-event-id", id.parse().unwrap());
        h
    }

    #[test]
    fn the_last_event_id_is_a_revision_or_unknown() {
        assert_eq!(LastSeen::of(&HeaderMap::new()), LastSeen::Nothing);
        assert_eq!(LastSeen::of(&headers("12")), LastSeen::Revision(12));
        assert_eq!(LastSeen::of(&headers("evt-12")), LastSeen::Unknown);
        assert_eq!(LastSeen::of(&headers("")), LastSeen::Unknown);
    }
}
