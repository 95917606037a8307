//! Server-Sent Events: `GET /sdk/v1/sse`, the protocol's messages for clients that cannot use
//! WebSockets (OFREP's event stream is [`super::ofrep_events`]).

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::Value;
use std::convert::Infallible;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::SdkState;
use super::address::ClientAddr;
use super::caller::UrlCaller;
use super::context_size;
use super::error::SdkError;
use super::protocol::{Close, ServerMessage};
use super::secure;
use super::session::{Incoming, Session, Transport};

/// Events a stream may hold for a slow reader; a full buffer means it fell behind.
const BUFFER: usize = 16;

/// `?context=`: the evaluation context as base64url-encoded JSON (an empty one when absent).
#[derive(Debug)]
pub struct UrlContext(Value);

#[derive(Debug, Deserialize)]
struct ContextQuery {
    context: Option<String>,
}

impl<S: Sync> FromRequestParts<S> for UrlContext {
    type Rejection = SdkError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, SdkError> {
        let bad = |m: &str| SdkError::BadRequest(m.to_owned());
        let Query(q) = Query::<ContextQuery>::try_from_uri(&parts.uri)
            .map_err(|_| bad("the query string is malformed"))?;
        let Some(raw) = q.context else {
            return Ok(UrlContext(Value::Object(Default::default())));
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(raw.trim_end_matches('='))
            .map_err(|_| bad("context must be base64url-encoded JSON"))?;
        match serde_json::from_slice(&bytes) {
            Ok(m @ Value::Object(_)) => Ok(UrlContext(m)),
            _ => Err(bad("context must be a JSON object")),
        }
    }
}

/// `?hash=`: secure mode's HMAC of the context's targeting key.
#[derive(Debug, Deserialize)]
struct HashQuery {
    hash: Option<String>,
}

/// The context is checked before the key, as it always was; then its size, secure mode's hash,
/// then room for the stream (503 with Retry-After when there is none).
pub async fn stream(
    State(st): State<SdkState>,
    addr: ClientAddr,
    UrlContext(context): UrlContext,
    UrlCaller(caller): UrlCaller,
    uri: axum::http::Uri,
) -> Result<Response, SdkError> {
    let Query(q) = Query::<HashQuery>::try_from_uri(&uri)
        .map_err(|_| SdkError::BadRequest("the query string is malformed".into()))?;
    if let Err(e) = context_size::check(&context, st.limits.max_context_bytes) {
        st.metrics.contexts_too_big.inc();
        return Err(SdkError::InvalidContext(e.to_string()));
    }
    let slot = st.open_stream(&caller.key, addr)?;
    let env = st.envs.subscribe(&caller.info.environment).await?;
    let environment = env.latest.borrow().environment.clone();
    secure::check(&environment, caller.info.kind, &context, q.hash.as_deref())?;
    let (tx, rx) = mpsc::channel(BUFFER);
    let session = Session::new(st, env, (caller.key, caller.info.kind), Some(context), slot);
    tokio::spawn(session.run(SseTransport(tx)));
    Ok(Sse::new(ReceiverStream::new(rx)).into_response())
}

type Events = mpsc::Sender<Result<Event, Infallible>>;

/// Each message as an event named for its type, with the revision as its id.
#[derive(Debug)]
struct SseTransport(Events);

impl Transport for SseTransport {
    const TWO_WAY: bool = false;

    async fn send(&mut self, msg: &ServerMessage) -> Result<(), Close> {
        let data = msg.to_json().map_err(|_| Close::ServerError)?;
        let mut event = Event::default().event(msg.kind()).data(data);
        if let Some(revision) = msg.revision() {
            event = event.id(revision.to_string());
        }
        self.0.try_send(Ok(event)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Close::FellBehind,
            mpsc::error::TrySendError::Closed(_) => Close::Gone,
        })
    }

    async fn recv(&mut self) -> Incoming {
        self.0.closed().await;
        Incoming::Closed
    }

    /// Dropping the sender ends the response; EventSource reconnects by itself.
    async fn close(self, _: Close) {}
}
