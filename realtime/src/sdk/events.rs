//! `POST /sdk/v1/events`: batched evaluation counts and custom events, validated, aggregated in
//! memory and flushed to the store's hourly counters.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;
use switchyard_core::domain::{CounterDelta, hour_of, now_ms};
use switchyard_core::store::Store;
use tokio::sync::Mutex;

use super::SdkState;
use super::caller::UrlCaller;
use super::error::SdkError;

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

const MAX_ITEMS: usize = 1000;

/// Counts waiting to be written: (environment, flag, variant, hour) → count.
#[derive(Debug)]
pub struct EventSink {
    store: Store,
    pending: Mutex<HashMap<(String, String, String, i64), u64>>,
}

impl EventSink {
    pub fn new(store: Store) -> EventSink {
        EventSink {
            store,
            pending: Mutex::new(HashMap::new()),
        }
    }

    async fn add(&self, env: &str, flag: &str, variant: &str, hour: i64, n: u64) {
        let mut p = self.pending.lock().await;
        *p.entry((env.to_owned(), flag.to_owned(), variant.to_owned(), hour))
            .or_default() += n;
    }

    /// Writes what has gathered.
    pub async fn flush(&self) -> Result<usize, String> {
        let batch: Vec<CounterDelta> = std::mem::take(&mut *self.pending.lock().await)
            .into_iter()
            .map(
                |((environment_id, flag_key, variant, hour), count)| CounterDelta {
                    environment_id,
                    flag_key,
                    variant,
                    hour,
                    count,
                },
            )
            .collect();
        let n = batch.len();
        if n > 0 {
            self.store
                .add_counters(&batch)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(n)
    }

    pub async fn flush_periodically(&self, every: Duration) {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = self.flush().await {
                tracing::warn!(error = %e, "analytics flush failed");
            }
        }
    }
}

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
    let (info, env) = (&caller.info, &caller.env);
    let batch: Batch =
        serde_json::from_slice(&body).map_err(|e| bad(format!("not a valid event batch: {e}")))?;
    if batch.evaluations.len() + batch.events.len() > MAX_ITEMS {
        return Err(bad(format!("at most {MAX_ITEMS} items per batch")));
    }
    let hour = hour_of(now_ms());
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
        if e.name.is_empty() || e.name.len() > 128 || e.name.contains('#') {
            return Err(bad(
                "each event needs a name of 1 to 128 characters, without '#'",
            ));
        }
    }
    for e in &batch.evaluations {
        // Only flags of this environment are counted; others are ignored, not stored.
        if env.flags.flag_type(&e.flag).is_some() && !e.flag.contains('#') {
            st.events
                .add(
                    &info.environment,
                    &e.flag,
                    e.variant.as_deref().unwrap_or("default"),
                    hour,
                    e.count,
                )
                .await;
        }
    }
    for e in &batch.events {
        let h = e
            .timestamp
            .map_or(hour, |t| hour_of(t).clamp(hour - 24, hour));
        st.events
            .add(
                &info.environment,
                &format!("event:{}", e.name),
                "count",
                h,
                1,
            )
            .await;
    }
    Ok(StatusCode::ACCEPTED)
}
