//! Change requests of a project: propose changes (now or at a time), review them, comment,
//! apply. See docs/governance.md.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::changes::{NewRequest, RequestPatch};
use switchyard_core::domain::{ChangeRequest, Project, RequestComment, RequestStatus};
use switchyard_core::store::Page;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json, Query};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, open_request))
        .routes(routes!(get_request, edit_request))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(apply))
        .routes(routes!(withdraw))
        .routes(routes!(refresh))
        .routes(routes!(comment))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RequestQuery {
    /// Only requests in this status.
    status: Option<RequestStatus>,
    /// The `next` cursor of the previous page.
    cursor: Option<String>,
    /// At most this many (1–500, default 100).
    limit: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/change-requests", tag = "change requests", security(("bearer" = [])),
    params(("project" = String, Path), RequestQuery), responses((status = 200, body = Page<ChangeRequest>)))]
async fn list_requests(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Query(q): Query<RequestQuery>,
) -> Result<axum::Json<Page<ChangeRequest>>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::Read).await?;
    let page = st
        .store
        .list_requests(
            &p.id,
            q.status,
            q.cursor.as_deref(),
            q.limit.map_or(100, |l| l.max(1) as usize),
        )
        .await?;
    Ok(axum::Json(page))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests", tag = "change requests", request_body = NewRequest, security(("bearer" = [])),
    params(("project" = String, Path)),
    responses((status = 201, body = ChangeRequest), (status = 409, description = "a change's base version is stale"), (status = 422, description = "a change breaks a rule (its path under /changes/N), an unknown version, a past schedule")))]
async fn open_request(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Json(b): Json<NewRequest>,
) -> Result<(StatusCode, axum::Json<ChangeRequest>), ApiError> {
    let p = access::project(&st, &caller, &project, Need::Propose).await?;
    let r = st.changes.open_request(&caller.actor(), &p, b).await?;
    Ok((StatusCode::CREATED, axum::Json(r)))
}

/// A change request with its comments.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    #[serde(flatten)]
    request: ChangeRequest,
    comments: Vec<RequestComment>,
}

async fn load(
    st: &AppState,
    caller: &Caller,
    project: &str,
    id: &str,
    need: Need,
) -> Result<(Project, ChangeRequest), ApiError> {
    let p = access::project(st, caller, project, need).await?;
    let r = st
        .store
        .get_request(&p.id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("change request".into()))?;
    Ok((p, r))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/change-requests/{request}", tag = "change requests", security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)), responses((status = 200, body = RequestView), (status = 404)))]
async fn get_request(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
) -> Result<axum::Json<RequestView>, ApiError> {
    let (_, request) = load(&st, &caller, &project, &id, Need::Read).await?;
    let comments = st.store.list_comments(&request.id).await?;
    Ok(axum::Json(RequestView { request, comments }))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/change-requests/{request}", tag = "change requests", request_body = RequestPatch, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 200, body = ChangeRequest, description = "edited; every approval is withdrawn"), (status = 409), (status = 422)))]
async fn edit_request(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<RequestPatch>,
) -> Result<axum::Json<ChangeRequest>, ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::Propose).await?;
    Ok(axum::Json(
        st.changes
            .edit_request(&caller.actor(), &p, &r.id, b)
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewBody {
    /// The request's revision the reviewer read; an edit since then refuses the review (409).
    revision: Option<u64>,
    /// At most 2000 characters.
    comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{request}/approve", tag = "change requests", request_body = ReviewBody, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 200, body = ChangeRequest), (status = 403, description = "the author, a token, or a role below the policy's"), (status = 409)))]
async fn approve(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<ReviewBody>,
) -> Result<axum::Json<ChangeRequest>, ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::Read).await?;
    let done = st
        .changes
        .review_request(&caller.actor(), &p, &r.id, b.revision, true, b.comment)
        .await?;
    Ok(axum::Json(done))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{request}/reject", tag = "change requests", request_body = ReviewBody, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 200, body = ChangeRequest), (status = 403), (status = 409)))]
async fn reject(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<ReviewBody>,
) -> Result<axum::Json<ChangeRequest>, ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::Read).await?;
    let done = st
        .changes
        .review_request(&caller.actor(), &p, &r.id, b.revision, false, b.comment)
        .await?;
    Ok(axum::Json(done))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyBody {
    /// The request's revision the caller read.
    revision: Option<u64>,
    /// An owner applying without the approvals, where the policy allows it (recorded).
    bypass_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{request}/apply", tag = "change requests", request_body = ApplyBody, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 200, body = ChangeRequest, description = "applied, in one transaction"), (status = 403), (status = 409, description = "not approved, edited since, or a change went stale (the request is then conflicted)")))]
async fn apply(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<ApplyBody>,
) -> Result<axum::Json<ChangeRequest>, ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::EditFlags).await?;
    let done = st
        .changes
        .apply_request(&caller.actor(), &p, &r.id, b.revision, b.bypass_reason)
        .await?;
    Ok(axum::Json(done))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionBody {
    /// The request's version last seen.
    version: u64,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{request}/withdraw", tag = "change requests", request_body = VersionBody, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 200, body = ChangeRequest), (status = 403, description = "neither its author nor an admin"), (status = 409)))]
async fn withdraw(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<VersionBody>,
) -> Result<axum::Json<ChangeRequest>, ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::Propose).await?;
    let done = st
        .changes
        .withdraw_request(&caller.actor(), &p, &r.id, b.version)
        .await?;
    Ok(axum::Json(done))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{request}/refresh", tag = "change requests", request_body = VersionBody, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 200, body = ChangeRequest, description = "moved onto the stored versions; every approval is withdrawn"), (status = 409), (status = 422)))]
async fn refresh(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<VersionBody>,
) -> Result<axum::Json<ChangeRequest>, ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::Propose).await?;
    let done = st
        .changes
        .refresh_request(&caller.actor(), &p, &r.id, b.version)
        .await?;
    Ok(axum::Json(done))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentBody {
    /// 1 to 2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    text: String,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/change-requests/{request}/comments", tag = "change requests", request_body = CommentBody, security(("bearer" = [])),
    params(("project" = String, Path), ("request" = String, Path)),
    responses((status = 201, body = RequestComment), (status = 409, description = "the request holds the most comments it can"), (status = 422)))]
async fn comment(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    Json(b): Json<CommentBody>,
) -> Result<(StatusCode, axum::Json<RequestComment>), ApiError> {
    let (p, r) = load(&st, &caller, &project, &id, Need::Read).await?;
    let c = st
        .changes
        .comment_request(&caller.actor(), &p, &r.id, &b.text)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(c)))
}
