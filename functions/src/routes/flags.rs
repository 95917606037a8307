//! Flags at project level: what a flag is and which values it takes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use switchyard_core::changes::{FlagPatch, NewFlag};
use switchyard_core::domain::Flag;
use switchyard_core::store::Page;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json, Query};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_flags, create_flag))
        .routes(routes!(get_flag, update_flag, delete_flag))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FlagQuery {
    cursor: Option<String>,
    limit: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), FlagQuery), responses((status = 200, body = Page<Flag>)))]
async fn list_flags(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Query(q): Query<FlagQuery>,
) -> Result<axum::Json<Page<Flag>>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::Read).await?;
    Ok(axum::Json(
        st.store
            .list_flags(
                &p.id,
                q.cursor.as_deref(),
                q.limit.map_or(100, |l| l.max(1) as usize),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/flags", tag = "flags", request_body = NewFlag, security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 201, body = Flag), (status = 409), (status = 422)))]
async fn create_flag(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Json(b): Json<NewFlag>,
) -> Result<(StatusCode, axum::Json<Flag>), ApiError> {
    let p = access::project(&st, &caller, &project, Need::EditFlags).await?;
    let flag = st.changes.create_flag(&caller.actor(), &p, b).await?;
    Ok((StatusCode::CREATED, axum::Json(flag)))
}

async fn load_flag(
    st: &AppState,
    caller: &Caller,
    project: &str,
    key: &str,
    need: Need,
) -> Result<(switchyard_core::domain::Project, Flag), ApiError> {
    let p = access::project(st, caller, project, need).await?;
    let f = st
        .store
        .get_flag(&p.id, key)
        .await?
        .ok_or_else(|| ApiError::NotFound("flag".into()))?;
    Ok((p, f))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/flags/{flag}", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), ("flag" = String, Path)), responses((status = 200, body = Flag), (status = 404)))]
async fn get_flag(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, key)): Path<(String, String)>,
) -> Result<(HeaderMap, axum::Json<Flag>), ApiError> {
    let (_, f) = load_flag(&st, &caller, &project, &key, Need::Read).await?;
    Ok((etag(f.version), axum::Json(f)))
}

pub fn etag(version: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = format!("\"{version}\"").parse() {
        h.insert(axum::http::header::ETAG, v);
    }
    h
}

/// The version the client last saw: the `If-Match` header or the body's `version`.
pub fn expected_version(headers: &HeaderMap, body: Option<u64>) -> Result<u64, ApiError> {
    let header = headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_owned()
        });
    match (header, body) {
        (Some(h), _) => h.parse().map_err(|_| {
            ApiError::BadRequest("If-Match must hold the version, such as \"3\"".into())
        }),
        (None, Some(v)) => Ok(v),
        (None, None) => Err(ApiError::BadRequest(
            "send the version you last saw (If-Match header or a version field)".into(),
        )),
    }
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/flags/{flag}", tag = "flags", request_body = FlagPatch, security(("bearer" = [])),
    params(("project" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = Flag), (status = 409, description = "stale version; details.currentVersion"), (status = 422)))]
async fn update_flag(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, key)): Path<(String, String)>,
    Json(b): Json<FlagPatch>,
) -> Result<axum::Json<Flag>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::EditFlags).await?;
    let expected = expected_version(&headers, b.version)?;
    let flag = st
        .changes
        .update_flag(&caller.actor(), &p, &key, expected, b)
        .await?;
    Ok(axum::Json(flag))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    version: Option<u64>,
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/flags/{flag}", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), ("flag" = String, Path), VersionQuery), responses((status = 204), (status = 404), (status = 409)))]
async fn delete_flag(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, key)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<StatusCode, ApiError> {
    let p = access::project(&st, &caller, &project, Need::EditFlags).await?;
    let expected = expected_version(&headers, q.version)?;
    st.changes
        .delete_flag(&caller.actor(), &p, &key, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
