//! Timed ramps of a flag in an environment: start one (where the environment requires approval,
//! propose it in a change request instead), read it, pause, resume or cancel it. See
//! docs/governance.md.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::changes::NewRamp;
use switchyard_core::domain::{Ramp, RampStatus};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ramps))
        .routes(routes!(get_ramp, start_ramp))
        .routes(routes!(pause))
        .routes(routes!(resume))
        .routes(routes!(cancel))
}

/// A project's ramps.
#[derive(Debug, Serialize, ToSchema)]
pub struct RampList {
    items: Vec<Ramp>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/ramps", tag = "ramps", security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 200, body = RampList)))]
async fn list_ramps(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
) -> Result<axum::Json<RampList>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::Read).await?;
    Ok(axum::Json(RampList {
        items: st.store.list_ramps(&p.id).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp", tag = "ramps", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = Ramp, description = "the flag's last ramp here, whatever its status"), (status = 404)))]
async fn get_ramp(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, flag)): Path<(String, String, String)>,
) -> Result<axum::Json<Ramp>, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    let ramp = st
        .store
        .get_ramp(&p.id, &e.id, &flag)
        .await?
        .ok_or_else(|| ApiError::NotFound("ramp".into()))?;
    Ok(axum::Json(ramp))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp", tag = "ramps", request_body = NewRamp, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 201, body = Ramp, description = "started: its first step applied"), (status = 403, description = "approval_required: propose it (a change of kind ramp)"), (status = 409), (status = 422)))]
async fn start_ramp(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, flag)): Path<(String, String, String)>,
    Json(b): Json<NewRamp>,
) -> Result<(StatusCode, axum::Json<Ramp>), ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::EditFlags).await?;
    let ramp = st
        .changes
        .start_ramp(&caller.actor(), &p, &e, &flag, b)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(ramp)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RampVersion {
    /// The ramp's version last seen.
    version: u64,
}

async fn set_status(
    st: &AppState,
    caller: &Caller,
    (project, env, flag): (String, String, String),
    version: u64,
    to: RampStatus,
) -> Result<axum::Json<Ramp>, ApiError> {
    let (p, e) = access::environment(st, caller, &project, &env, Need::EditFlags).await?;
    let ramp = st
        .changes
        .set_ramp_status(&caller.actor(), &p, &e, &flag, version, to)
        .await?;
    Ok(axum::Json(ramp))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/pause", tag = "ramps", request_body = RampVersion, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)), responses((status = 200, body = Ramp), (status = 404), (status = 409)))]
async fn pause(
    State(st): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String, String)>,
    Json(b): Json<RampVersion>,
) -> Result<axum::Json<Ramp>, ApiError> {
    set_status(&st, &caller, path, b.version, RampStatus::Paused).await
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/resume", tag = "ramps", request_body = RampVersion, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = Ramp), (status = 404), (status = 409, description = "stale, not paused, or the state was changed by hand since its last step")))]
async fn resume(
    State(st): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String, String)>,
    Json(b): Json<RampVersion>,
) -> Result<axum::Json<Ramp>, ApiError> {
    set_status(&st, &caller, path, b.version, RampStatus::Active).await
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/cancel", tag = "ramps", request_body = RampVersion, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = Ramp, description = "cancelled; the state stays as its last step left it"), (status = 404), (status = 409)))]
async fn cancel(
    State(st): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String, String)>,
    Json(b): Json<RampVersion>,
) -> Result<axum::Json<Ramp>, ApiError> {
    set_status(&st, &caller, path, b.version, RampStatus::Cancelled).await
}
