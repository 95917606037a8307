//! Projects, environments and SDK keys (secrets shown once, on creation and rotation).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::changes::{
    DEFAULT_ROTATION_OVERLAP_SECS, EnvironmentPatch, KeyIssued, MAX_ROTATION_OVERLAP_SECS,
    NewEnvironment, NewProject, ProjectCreated, ProjectPatch,
};
use switchyard_core::domain::{Environment, KeyKind, Project, SdkKey};
use switchyard_core::store::Page;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json, Query};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project, delete_project))
        .routes(routes!(list_environments, create_environment))
        .routes(routes!(
            get_environment,
            update_environment,
            delete_environment
        ))
        .routes(routes!(get_secure_mode))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(rotate_key))
        .routes(routes!(revoke_key))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// The `next` cursor of the previous page.
    pub cursor: Option<String>,
    /// At most this many items (1–500, default 100).
    pub limit: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/projects", tag = "projects", security(("bearer" = [])),
    params(("org" = String, Path), PageQuery), responses((status = 200, body = Page<Project>)))]
async fn list_projects(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<axum::Json<Page<Project>>, ApiError> {
    access::check(&st, &caller, &org, Need::Read).await?;
    Ok(axum::Json(
        st.store
            .list_projects(
                &org,
                q.cursor.as_deref(),
                q.limit.map_or(100, |l| l.max(1) as usize),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/projects", tag = "projects", request_body = NewProject, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 201, body = ProjectCreated)))]
async fn create_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<NewProject>,
) -> Result<(StatusCode, axum::Json<ProjectCreated>), ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let mut created = st.changes.create_project(&caller.actor(), &org, b).await?;
    created.environments = created
        .environments
        .into_iter()
        .map(Environment::public)
        .collect();
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 200, body = Project), (status = 404)))]
async fn get_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
) -> Result<axum::Json<Project>, ApiError> {
    Ok(axum::Json(
        access::project(&st, &caller, &project, Need::Read).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}", tag = "projects", request_body = ProjectPatch, security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 200, body = Project), (status = 404)))]
async fn update_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Json(b): Json<ProjectPatch>,
) -> Result<axum::Json<Project>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::ManageProjects).await?;
    Ok(axum::Json(
        st.changes.update_project(&caller.actor(), &p, b).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path)),
    responses((status = 204, description = "deleted with its environments; their SDK keys no longer work"), (status = 404), (status = 409)))]
async fn delete_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
) -> Result<StatusCode, ApiError> {
    let p = access::project(&st, &caller, &project, Need::ManageProjects).await?;
    st.changes.delete_project(&caller.actor(), &p).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 200, body = Vec<Environment>)))]
async fn list_environments(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
) -> Result<axum::Json<Vec<Environment>>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::Read).await?;
    let envs = st.store.list_environments(&p.id).await?;
    Ok(axum::Json(
        envs.into_iter().map(Environment::public).collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments", tag = "projects", request_body = NewEnvironment, security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 201, body = Environment), (status = 409)))]
async fn create_environment(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Json(b): Json<NewEnvironment>,
) -> Result<(StatusCode, axum::Json<Environment>), ApiError> {
    let p = access::project(&st, &caller, &project, Need::ManageProjects).await?;
    let env = st
        .changes
        .create_environment(&caller.actor(), &p, b)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(env.public())))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, body = Environment), (status = 404)))]
async fn get_environment(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<axum::Json<Environment>, ApiError> {
    Ok(axum::Json(
        access::environment(&st, &caller, &project, &env, Need::Read)
            .await?
            .1
            .public(),
    ))
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/environments/{environment}", tag = "projects", request_body = EnvironmentPatch, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, body = Environment), (status = 404)))]
async fn update_environment(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Json(b): Json<EnvironmentPatch>,
) -> Result<axum::Json<Environment>, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    let saved = st
        .changes
        .update_environment(&caller.actor(), &p, &e, b)
        .await?;
    Ok(axum::Json(saved.public()))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/environments/{environment}", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)),
    responses((status = 204, description = "deleted; its SDK keys no longer work"), (status = 404), (status = 409)))]
async fn delete_environment(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    st.changes
        .delete_environment(&caller.actor(), &p, &e)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Secure mode as admins see it: on or off, and the secret the customer's server signs with.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecureModeView {
    enabled: bool,
    /// HMAC-SHA256 key: a client-key request carries hex(HMAC(secret, context.targetingKey)).
    secret: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/secure-mode", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, body = SecureModeView), (status = 404)))]
async fn get_secure_mode(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<axum::Json<SecureModeView>, ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    Ok(axum::Json(SecureModeView {
        enabled: e.secure_mode,
        secret: e.secure_mode_secret.map(|s| s.0),
    }))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/keys", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, body = Vec<KeyView>)))]
async fn list_keys(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<axum::Json<Vec<KeyView>>, ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    let keys = st.store.list_sdk_keys(&e.id).await?;
    Ok(axum::Json(keys.into_iter().map(KeyView::from).collect()))
}

/// An SDK key as the API shows it: everything but the hash of its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    id: String,
    org_id: String,
    project_id: String,
    environment_id: String,
    kind: KeyKind,
    /// The first characters of the secret, to tell keys apart.
    prefix: String,
    created_at: i64,
    revoked_at: Option<i64>,
    /// A rotated key: when it stops working (Unix ms).
    expires_at: Option<i64>,
}

impl From<SdkKey> for KeyView {
    fn from(k: SdkKey) -> KeyView {
        KeyView {
            id: k.id,
            org_id: k.org_id,
            project_id: k.project_id,
            environment_id: k.environment_id,
            kind: k.kind,
            prefix: k.prefix,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
            expires_at: k.expires_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    kind: KeyKind,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyCreated {
    /// Shown once.
    secret: String,
    key: KeyView,
}

impl From<KeyIssued> for KeyCreated {
    fn from(k: KeyIssued) -> KeyCreated {
        KeyCreated {
            secret: k.secret,
            key: k.key.into(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/keys", tag = "projects", request_body = KeyBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 201, body = KeyCreated)))]
async fn create_key(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Json(b): Json<KeyBody>,
) -> Result<(StatusCode, axum::Json<KeyCreated>), ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    let issued = st
        .changes
        .create_key(&caller.actor(), &p, &e, b.kind)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(issued.into())))
}

async fn live_key(st: &AppState, e: &Environment, id: &str) -> Result<SdkKey, ApiError> {
    st.store
        .list_sdk_keys(&e.id)
        .await?
        .into_iter()
        .find(|k| k.id == id && k.is_live(switchyard_core::domain::now_ms()))
        .ok_or_else(|| ApiError::NotFound("SDK key".into()))
}

/// How a rotation goes; the body is optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotateBody {
    /// Seconds the old key keeps working beside the new one (0: revoked at once; default 86400,
    /// at most 604800).
    #[schema(maximum = 604800)]
    overlap_seconds: Option<u32>,
}

/// An optional JSON body: empty or `null` means the defaults.
fn rotate_body(body: &[u8]) -> Result<RotateBody, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RotateBody::default());
    }
    serde_json::from_slice::<Option<RotateBody>>(body)
        .map(Option::unwrap_or_default)
        .map_err(|e| {
            ApiError::invalid(
                "the request body does not have the expected fields",
                serde_json::json!([{"path": "", "message": e.to_string()}]),
            )
        })
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/keys/{key}/rotate", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("key" = String, Path)),
    request_body(content = Option<RotateBody>, description = "optional: the overlap (default 24 h)"),
    responses((status = 201, body = KeyCreated, description = "the old key works until its `expiresAt` (or is revoked at once with overlapSeconds 0)"), (status = 404), (status = 409), (status = 422)))]
async fn rotate_key(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, axum::Json<KeyCreated>), ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    let overlap = rotate_body(&body)?
        .overlap_seconds
        .unwrap_or(DEFAULT_ROTATION_OVERLAP_SECS);
    if overlap > MAX_ROTATION_OVERLAP_SECS {
        return Err(ApiError::invalid(
            "the overlap is too long",
            serde_json::json!([{"path": "/overlapSeconds", "message": format!("at most {MAX_ROTATION_OVERLAP_SECS} (7 days)")}]),
        ));
    }
    let old = live_key(&st, &e, &key).await?;
    let issued = st
        .changes
        .rotate_key(&caller.actor(), &p, &e, &old, overlap)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(issued.into())))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/environments/{environment}/keys/{key}", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("key" = String, Path)), responses((status = 204), (status = 404)))]
async fn revoke_key(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    let old = live_key(&st, &e, &key).await?;
    st.changes.revoke_key(&caller.actor(), &p, &e, &old).await?;
    Ok(StatusCode::NO_CONTENT)
}
