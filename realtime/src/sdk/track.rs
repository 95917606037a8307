//! `POST /ofrep/v1/track`: OpenFeature `track()` calls over OFREP, as proposed in
//! open-feature/protocol#71 (no path or body is settled there yet; this one follows the
//! OpenFeature tracking API: an event name, the evaluation context, and the event's details,
//! batched).
//!
//! ```json
//! {"events": [{"trackingEventName": "checkout", "context": {"targetingKey": "u1"},
//!              "trackingEventDetails": {"value": 9.99}, "timestamp": 1767225600000}]}
//! ```
//!
//! Authenticated like the other OFREP routes (`X-API-Key` or `Authorization: Bearer`), and fed
//! to the analytics intake of `POST /sdk/v1/events` as custom events: the same rules count them
//! (only where the environment counts custom events, a limited number of names per hour) and
//! the same drops apply. Everything is validated before anything counts; 202 when accepted.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};
use switchyard_core::domain::now_ms;

use super::SdkState;
use super::caller::Caller;
use super::context_size;
use super::error::SdkError;
use super::event_sink::Event;
use super::events::{EVENT_NAME_RULE, MAX_ITEMS, valid_event_name};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    events: Vec<Tracked>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Tracked {
    tracking_event_name: String,
    #[serde(default)]
    context: Option<Value>,
    #[serde(default)]
    tracking_event_details: Option<Map<String, Value>>,
    /// When it happened (Unix milliseconds); absent: now.
    #[serde(default)]
    timestamp: Option<i64>,
}

fn bad(m: impl Into<String>) -> SdkError {
    SdkError::BadRequest(m.into())
}

/// Checks one event: its name, its context (an object within the context limit), its details'
/// `value` (a number when present, as OpenFeature's tracking API has it).
fn check(st: &SdkState, e: &Tracked) -> Result<(), SdkError> {
    if !valid_event_name(&e.tracking_event_name) {
        return Err(bad(EVENT_NAME_RULE.replace("a name", "a trackingEventName")));
    }
    match &e.context {
        None | Some(Value::Null) => {}
        Some(c @ Value::Object(_)) => {
            if let Err(err) = context_size::check(c, st.limits.max_context_bytes) {
                st.metrics.contexts_too_big.inc();
                return Err(SdkError::InvalidContext(err.to_string()));
            }
        }
        Some(_) => {
            return Err(SdkError::InvalidContext(
                "context must be a JSON object".into(),
            ));
        }
    }
    let value = e
        .tracking_event_details
        .as_ref()
        .and_then(|d| d.get("value"));
    if value.is_some_and(|v| !v.is_number()) {
        return Err(bad("trackingEventDetails.value must be a number"));
    }
    Ok(())
}

pub async fn track(
    State(st): State<SdkState>,
    caller: Caller,
    body: Bytes,
) -> Result<StatusCode, SdkError> {
    let batch: Batch = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "not a tracking batch ({{\"events\": [{{\"trackingEventName\": …}}]}}): {e}"
        ))
    })?;
    if batch.events.len() > MAX_ITEMS {
        return Err(bad(format!("at most {MAX_ITEMS} events per batch")));
    }
    for e in &batch.events {
        check(&st, e)?;
    }
    let events: Vec<Event> = batch
        .events
        .into_iter()
        .map(|e| Event {
            name: e.tracking_event_name,
            at_ms: e.timestamp,
        })
        .collect();
    st.events.record(&caller.env, &[], &events, now_ms());
    Ok(StatusCode::ACCEPTED)
}
