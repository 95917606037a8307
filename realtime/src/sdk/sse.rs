//! Server-Sent Events: `GET /sdk/v1/sse` (the protocol's snapshot and changes, for clients that
//! cannot use WebSockets) and `GET /ofrep/v1/events` (OFREP's `refetchEvaluation` notices).

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::SdkState;
use super::caller::UrlCaller;
use super::error::SdkError;
use super::view::ClientView;

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    /// The context as base64url-encoded JSON.
    context: Option<String>,
}

fn decode_context(raw: Option<&str>) -> Result<Value, SdkError> {
    let Some(raw) = raw else { return Ok(json!({})) };
    let bytes = URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .map_err(|_| SdkError::BadRequest("context must be base64url-encoded JSON".into()))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(SdkError::BadRequest("context must be a JSON object".into())),
    }
}

fn event(kind: &'static str, revision: u64, data: String) -> Result<Event, Infallible> {
    Ok(Event::default()
        .event(kind)
        .id(revision.to_string())
        .data(data))
}

fn sse(rx: mpsc::Receiver<Result<Event, Infallible>>) -> Response {
    Sse::new(ReceiverStream::new(rx))
        .keep_alive(
            // An event, not a comment: EventSource hides comments, and clients watch for silence.
            KeepAlive::new()
                .interval(Duration::from_secs(25))
                .event(Event::default().event("ping").data(r#"{"type":"ping"}"#)),
        )
        .into_response()
}

pub async fn stream(
    State(st): State<SdkState>,
    Query(q): Query<StreamQuery>,
    UrlCaller(caller): UrlCaller,
) -> Result<Response, SdkError> {
    let context = decode_context(q.context.as_deref())?;
    let key = caller.key;
    let mut watch = st.envs.watch(&caller.info.environment).await?;
    let (tx, rx) = mpsc::channel(16);
    let mut shutdown = st.shutdown.clone();
    tokio::spawn(async move {
        let mut key_check = tokio::time::interval(st.limits.key_check_every);
        key_check.tick().await;
        let _open = st.metrics.open_connection();
        let env = watch.borrow_and_update().clone();
        let mut view = ClientView::default();
        let (snapshot, _) = view.snapshot(&env, &context);
        st.metrics.messages.inc();
        let Ok(snapshot) = snapshot.to_json() else {
            return;
        };
        if tx
            .send(event("snapshot", env.revision, snapshot))
            .await
            .is_ok()
        {
            loop {
                tokio::select! {
                    _ = shutdown.changed() => break,
                    _ = tx.closed() => break,
                    // A revoked key ends the stream; reconnecting is then refused.
                    _ = key_check.tick() => if let Ok(None) = st.envs.key(&key).await { break },
                    changed = watch.changed() => {
                        if changed.is_err() { break; }
                        let env = watch.borrow_and_update().clone();
                        let Some(Ok(changes)) = view.changes(&env, &context).0.map(|m| m.to_json()) else { continue };
                        st.metrics.messages.inc();
                        // A full buffer means the client fell behind: it reconnects and gets a snapshot.
                        if tx.try_send(event("changes", env.revision, changes)).is_err() {
                            st.metrics.closed_slow.inc();
                            break;
                        }
                    }
                }
            }
        }
    });
    Ok(sse(rx))
}

/// OFREP event stream: a `refetchEvaluation` notice whenever the environment changes.
pub async fn ofrep_events(
    State(st): State<SdkState>,
    UrlCaller(caller): UrlCaller,
) -> Result<Response, SdkError> {
    let mut watch = st.envs.watch(&caller.info.environment).await?;
    let (tx, rx) = mpsc::channel(4);
    let mut shutdown = st.shutdown.clone();
    let open = st.metrics.open_connection();
    tokio::spawn(async move {
        let _open = open;
        watch.borrow_and_update();
        loop {
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tx.closed() => break,
                changed = watch.changed() => {
                    if changed.is_err() { break; }
                    let revision = watch.borrow_and_update().revision;
                    let notice = json!({"type": "refetchEvaluation", "lastModified": revision}).to_string();
                    st.metrics.messages.inc();
                    if tx.send(Ok(Event::default().event("message").data(notice))).await.is_err() { break; }
                }
            }
        }
    });
    Ok(sse(rx))
}
