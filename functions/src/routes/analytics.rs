//! Evaluation counts, as the SDK endpoints record them: per flag, variant and hour; and custom
//! events per name and hour, where the environment counts them. A window is one range read of
//! the environment's counters (kept for the realtime nodes' retention, 90 days by default).

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use switchyard_core::domain::{CounterRow, EVENT_PREFIX, hour_of, now_ms};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Query};
use crate::state::AppState;
use crate::validate;

/// At most 90 days of hourly counters in one answer.
const MAX_HOURS: i64 = 24 * 90;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(environment_evaluations))
        .routes(routes!(flag_evaluations))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct Window {
    /// The last this many hours, the current one included (1 to 2160; default 168, a week).
    #[param(minimum = 1, maximum = 2160)]
    hours: Option<i64>,
}

/// Counters for Unix hours `from..to` (an hour is Unix ms / 3,600,000).
#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluations {
    from: i64,
    to: i64,
    rows: Vec<EvaluationRow>,
    /// Custom events per name and hour (in the environment's answer; empty in a flag's).
    events: Vec<EventRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventRow {
    name: String,
    hour: i64,
    count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationRow {
    flag: String,
    variant: String,
    hour: i64,
    count: u64,
}

async fn window(
    st: &AppState,
    env: &str,
    flag: Option<&str>,
    w: &Window,
) -> Result<Evaluations, ApiError> {
    let hours = w.hours.unwrap_or(24 * 7);
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(validate::field_error("hours", "must be 1 to 2160"));
    }
    let to = hour_of(now_ms()) + 1;
    let from = to - hours;
    let (mut rows, mut events) = (Vec::new(), Vec::new());
    // In (hour, flag, variant) order.
    for r in st.store.counters(env, flag, from, to).await? {
        let CounterRow {
            flag_key,
            variant,
            hour,
            count,
        } = r;
        match flag_key.strip_prefix(EVENT_PREFIX) {
            Some(name) => events.push(EventRow {
                name: name.to_owned(),
                hour,
                count,
            }),
            None => rows.push(EvaluationRow {
                flag: flag_key,
                variant,
                hour,
                count,
            }),
        }
    }
    rows.sort_by(|a, b| (a.hour, &a.flag, &a.variant).cmp(&(b.hour, &b.flag, &b.variant)));
    events.sort_by(|a, b| (a.hour, &a.name).cmp(&(b.hour, &b.name)));
    Ok(Evaluations {
        from,
        to,
        rows,
        events,
    })
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/evaluations", tag = "analytics", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), Window),
    responses((status = 200, body = Evaluations), (status = 404)))]
async fn environment_evaluations(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Query(w): Query<Window>,
) -> Result<axum::Json<Evaluations>, ApiError> {
    let (_, env) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    Ok(axum::Json(window(&st, &env.id, None, &w).await?))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluations", tag = "analytics", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path), Window),
    responses((status = 200, body = Evaluations), (status = 404)))]
async fn flag_evaluations(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
    Query(w): Query<Window>,
) -> Result<axum::Json<Evaluations>, ApiError> {
    let (project, env) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    st.store
        .get_flag(&project.id, &key)
        .await?
        .ok_or_else(|| ApiError::NotFound("flag".into()))?;
    Ok(axum::Json(window(&st, &env.id, Some(&key), &w).await?))
}
