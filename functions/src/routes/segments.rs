//! Segments: named, reusable conditions (flagd `$evaluators`, referenced as `{"$ref": key}`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use switchyard_core::changes::{NewSegment, SegmentPatch};
use switchyard_core::domain::Segment;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::flags::{etag, expected_version};
use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json, Query};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_segments, create_segment))
        .routes(routes!(get_segment, put_segment, delete_segment))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/segments", tag = "segments", security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 200, body = Vec<Segment>)))]
async fn list_segments(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
) -> Result<axum::Json<Vec<Segment>>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::Read).await?;
    Ok(axum::Json(st.store.list_segments(&p.id).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/segments", tag = "segments", request_body = NewSegment, security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 201, body = Segment), (status = 409), (status = 422)))]
async fn create_segment(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Json(b): Json<NewSegment>,
) -> Result<(StatusCode, axum::Json<Segment>), ApiError> {
    let p = access::project(&st, &caller, &project, Need::EditFlags).await?;
    let seg = st.changes.create_segment(&caller.actor(), &p, b).await?;
    Ok((StatusCode::CREATED, axum::Json(seg)))
}

async fn load(
    st: &AppState,
    caller: &Caller,
    project: &str,
    key: &str,
    need: Need,
) -> Result<(switchyard_core::domain::Project, Segment), ApiError> {
    let p = access::project(st, caller, project, need).await?;
    let s = st
        .store
        .get_segment(&p.id, key)
        .await?
        .ok_or_else(|| ApiError::NotFound("segment".into()))?;
    Ok((p, s))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/segments/{segment}", tag = "segments", security(("bearer" = [])),
    params(("project" = String, Path), ("segment" = String, Path)), responses((status = 200, body = Segment), (status = 404)))]
async fn get_segment(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, key)): Path<(String, String)>,
) -> Result<(HeaderMap, axum::Json<Segment>), ApiError> {
    let (_, s) = load(&st, &caller, &project, &key, Need::Read).await?;
    Ok((etag(s.version), axum::Json(s)))
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/segments/{segment}", tag = "segments", request_body = SegmentPatch, security(("bearer" = [])),
    params(("project" = String, Path), ("segment" = String, Path)), responses((status = 200, body = Segment), (status = 409), (status = 422)))]
async fn put_segment(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, key)): Path<(String, String)>,
    Json(b): Json<SegmentPatch>,
) -> Result<axum::Json<Segment>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::EditFlags).await?;
    let expected = expected_version(&headers, b.version)?;
    Ok(axum::Json(
        st.changes
            .update_segment(&caller.actor(), &p, &key, expected, b)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    version: Option<u64>,
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/segments/{segment}", tag = "segments", security(("bearer" = [])),
    params(("project" = String, Path), ("segment" = String, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409, description = "stale version, or still used by flags")))]
async fn delete_segment(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, key)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<StatusCode, ApiError> {
    let p = access::project(&st, &caller, &project, Need::EditFlags).await?;
    let expected = expected_version(&headers, q.version)?;
    st.changes
        .delete_segment(&caller.actor(), &p, &key, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
