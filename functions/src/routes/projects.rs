//! Projects, environments and SDK keys (secrets shown once, on creation and rotation).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::domain::{
    Environment, KeyKind, Project, SdkKey, hash_secret, new_id, new_secret, now_ms,
};
use switchyard_core::store::Page;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project))
        .routes(routes!(list_environments, create_environment))
        .routes(routes!(get_environment, update_environment))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(rotate_key))
        .routes(routes!(revoke_key))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// The `next` cursor of the previous page.
    pub cursor: Option<String>,
    /// At most this many items (1–500, default 100).
    pub limit: Option<usize>,
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
            .list_projects(&org, q.cursor.as_deref(), q.limit.unwrap_or(100))
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectBody {
    name: String,
    /// Environment keys to create with the project (default: development, production).
    environments: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectCreated {
    project: Project,
    environments: Vec<Environment>,
}

const MAX_ENVIRONMENTS: usize = 48;

#[utoipa::path(post, path = "/api/v1/orgs/{org}/projects", tag = "projects", request_body = ProjectBody, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 201, body = ProjectCreated)))]
async fn create_project(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<ProjectBody>,
) -> Result<(StatusCode, axum::Json<ProjectCreated>), ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    validate::name("name", &b.name)?;
    let keys = b
        .environments
        .unwrap_or_else(|| vec!["development".into(), "production".into()]);
    if keys.len() > MAX_ENVIRONMENTS {
        return Err(validate::field_error(
            "environments",
            &format!("at most {MAX_ENVIRONMENTS}"),
        ));
    }
    for (i, k) in keys.iter().enumerate() {
        validate::key(&format!("environments/{i}"), k)?;
        if keys[..i].contains(k) {
            return Err(validate::field_error(
                &format!("environments/{i}"),
                "is listed twice",
            ));
        }
    }
    let project = Project {
        id: new_id(),
        org_id: org.clone(),
        name: b.name.trim().to_owned(),
        created_at: now_ms(),
    };
    st.store.create_project(&project).await?;
    let mut environments = Vec::new();
    for k in keys {
        let env = Environment {
            id: new_id(),
            org_id: org.clone(),
            project_id: project.id.clone(),
            name: k.clone(),
            key: k,
            revision: 0,
            allowed_origins: vec![],
            created_at: now_ms(),
        };
        st.store.create_environment(&env).await?;
        environments.push(env);
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(ProjectCreated {
            project,
            environments,
        }),
    ))
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

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 200, body = Vec<Environment>)))]
async fn list_environments(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
) -> Result<axum::Json<Vec<Environment>>, ApiError> {
    let p = access::project(&st, &caller, &project, Need::Read).await?;
    Ok(axum::Json(st.store.list_environments(&p.id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentBody {
    key: String,
    name: Option<String>,
    #[serde(default)]
    allowed_origins: Vec<String>,
}

fn check_origins(origins: &[String]) -> Result<(), ApiError> {
    if origins.len() > 50 {
        return Err(validate::field_error(
            "allowedOrigins",
            "at most 50 origins",
        ));
    }
    for (i, o) in origins.iter().enumerate() {
        let host = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        let ok = host.is_some_and(|h| {
            !h.is_empty()
                && h.len() <= 253
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        });
        if !ok {
            return Err(validate::field_error(
                &format!("allowedOrigins/{i}"),
                "must be an origin such as https://app.example.com",
            ));
        }
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments", tag = "projects", request_body = EnvironmentBody, security(("bearer" = [])),
    params(("project" = String, Path)), responses((status = 201, body = Environment), (status = 409)))]
async fn create_environment(
    State(st): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Json(b): Json<EnvironmentBody>,
) -> Result<(StatusCode, axum::Json<Environment>), ApiError> {
    let p = access::project(&st, &caller, &project, Need::ManageProjects).await?;
    validate::key("key", &b.key)?;
    let name = b.name.unwrap_or_else(|| b.key.clone());
    validate::name("name", &name)?;
    check_origins(&b.allowed_origins)?;
    let existing = st.store.list_environments(&p.id).await?;
    if existing.iter().any(|e| e.key == b.key) {
        return Err(ApiError::Conflict {
            message: format!("environment {} already exists", b.key),
            details: serde_json::Value::Null,
        });
    }
    if existing.len() >= MAX_ENVIRONMENTS {
        return Err(validate::field_error(
            "key",
            &format!("a project may have at most {MAX_ENVIRONMENTS} environments"),
        ));
    }
    let env = Environment {
        id: new_id(),
        org_id: p.org_id,
        project_id: p.id,
        key: b.key,
        name: name.trim().to_owned(),
        revision: 0,
        allowed_origins: b.allowed_origins,
        created_at: now_ms(),
    };
    st.store.create_environment(&env).await?;
    Ok((StatusCode::CREATED, axum::Json(env)))
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
            .1,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentPatch {
    name: Option<String>,
    allowed_origins: Option<Vec<String>>,
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/environments/{environment}", tag = "projects", request_body = EnvironmentPatch, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, body = Environment), (status = 404)))]
async fn update_environment(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Json(b): Json<EnvironmentPatch>,
) -> Result<axum::Json<Environment>, ApiError> {
    let (_, mut e) =
        access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    if let Some(n) = b.name {
        validate::name("name", &n)?;
        e.name = n.trim().to_owned();
    }
    if let Some(o) = b.allowed_origins {
        check_origins(&o)?;
        e.allowed_origins = o;
    }
    let saved = st.store.update_environment(&e).await?;
    st.publish(&[switchyard_core::domain::ChangeEvent {
        environment: saved.id.clone(),
        revision: saved.revision,
        changed_keys: vec![],
    }])
    .await;
    Ok(axum::Json(saved))
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

async fn issue_key(st: &AppState, e: &Environment, kind: KeyKind) -> Result<KeyCreated, ApiError> {
    let prefix = match kind {
        KeyKind::Client => "sy_client",
        KeyKind::Server => "sy_server",
    };
    let secret = new_secret(prefix);
    let key = SdkKey {
        id: new_id(),
        org_id: e.org_id.clone(),
        project_id: e.project_id.clone(),
        environment_id: e.id.clone(),
        kind,
        secret_hash: hash_secret(&secret),
        prefix: secret.chars().take(prefix.len() + 7).collect(),
        created_at: now_ms(),
        revoked_at: None,
    };
    st.store.create_sdk_key(&key).await?;
    Ok(KeyCreated {
        secret,
        key: key.into(),
    })
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/keys", tag = "projects", request_body = KeyBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 201, body = KeyCreated)))]
async fn create_key(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Json(b): Json<KeyBody>,
) -> Result<(StatusCode, axum::Json<KeyCreated>), ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(issue_key(&st, &e, b.kind).await?),
    ))
}

async fn live_key(st: &AppState, e: &Environment, id: &str) -> Result<SdkKey, ApiError> {
    st.store
        .list_sdk_keys(&e.id)
        .await?
        .into_iter()
        .find(|k| k.id == id && k.revoked_at.is_none())
        .ok_or_else(|| ApiError::NotFound("SDK key".into()))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/keys/{key}/rotate", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("key" = String, Path)),
    responses((status = 201, body = KeyCreated, description = "the old key is revoked"), (status = 404)))]
async fn rotate_key(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
) -> Result<(StatusCode, axum::Json<KeyCreated>), ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    let mut old = live_key(&st, &e, &key).await?;
    let created = issue_key(&st, &e, old.kind).await?;
    old.revoked_at = Some(now_ms());
    st.store.update_sdk_key(&old).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/environments/{environment}/keys/{key}", tag = "projects", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("key" = String, Path)), responses((status = 204), (status = 404)))]
async fn revoke_key(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::ManageProjects).await?;
    let mut k = live_key(&st, &e, &key).await?;
    k.revoked_at = Some(now_ms());
    st.store.update_sdk_key(&k).await?;
    Ok(StatusCode::NO_CONTENT)
}
