//! `POST /sdk/v1/events`: batched evaluation counts and custom events, validated, then counted
//! by the node's [`EventSink`] (which says what counts) and flushed to the store's hourly
//! counters.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchyard_core::domain::now_ms;

use super::SdkState;
use super::caller::UrlCaller;
use super::error::SdkError;
use super::event_sink::{Evaluation as Counted, Event};

pub use super::event_sink::EventSink;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    #[serde(default)]
    evaluations: Vec<Evaluation>,
    #[serde(default)]
    events: Vec<CustomEvent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evaluation {
    flag: String,
    variant: Option<String>,
    count: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomEvent {
    name: String,
    #[allow(dead_code)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    timestamp: Option<i64>,
}

/// The most items (evaluations and events) one batch may hold.
pub const MAX_ITEMS: usize = 1000;

/// Whether a custom event's name may be counted: 1 to 128 characters, without '#' (it separates
/// a counter's parts) or control characters.
pub fn valid_event_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 128 && !name.chars().any(|c| c == '#' || c.is_control())
}

/// What a bad event name is told.
pub const EVENT_NAME_RULE: &str =
    "each event needs a name of 1 to 128 characters, without '#' or control characters";

fn bad(m: impl Into<String>) -> SdkError {
    SdkError::BadRequest(m.into())
}

/// The key comes in a header, or as `?key=` from `navigator.sendBeacon`, which cannot set headers
/// (its body is then `text/plain`; the body is read as JSON whatever its declared type).
pub async fn intake(
    State(st): State<SdkState>,
    UrlCaller(caller): UrlCaller,
    body: axum::body::Bytes,
) -> Result<StatusCode, SdkError> {
    let env = &caller.env;
    let batch: Batch =
        serde_json::from_slice(&body).map_err(|e| bad(format!("not a valid event batch: {e}")))?;
    if batch.evaluations.len() + batch.events.len() > MAX_ITEMS {
        return Err(bad(format!("at most {MAX_ITEMS} items per batch")));
    }
    // Validate everything before counting anything.
    for e in &batch.evaluations {
        if e.flag.is_empty()
            || e.flag.len() > 128
            || e.count == 0
            || e.count > 1_000_000
            || e.variant.as_ref().is_some_and(|v| v.len() > 128)
        {
            return Err(bad(
                "each evaluation needs a flag (≤128 chars) and a count from 1 to 1,000,000",
            ));
        }
    }
    for e in &batch.events {
        if !valid_event_name(&e.name) {
            return Err(bad(EVENT_NAME_RULE));
        }
    }
    let evaluations: Vec<Counted> = batch
        .evaluations
        .into_iter()
        .map(|e| Counted {
            flag: e.flag,
            variant: e.variant,
            count: e.count,
        })
        .collect();
    let events: Vec<Event> = batch
        .events
        .into_iter()
        .map(|e| Event {
            name: e.name,
            at_ms: e.timestamp,
        })
        .collect();
    st.events.record(env, &evaluations, &events, now_ms());
    Ok(StatusCode::ACCEPTED)
}
