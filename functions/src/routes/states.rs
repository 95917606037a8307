//! A flag's state in one environment: on/off, default variant, targeting; copying it between
//! environments; the evaluation playground; restoring an audited version.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchyard_core::changes::{ChangeError, StateInput};
use switchyard_core::domain::{Environment, Flag, FlagState, Prerequisite, Project, now_ms};
use switchyard_core::engine::{Context, Explanation, FlagSet};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::flags::{etag, expected_version};
use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_state, put_state, patch_state))
        .routes(routes!(list_states))
        .routes(routes!(copy_state))
        .routes(routes!(evaluate))
        .routes(routes!(restore))
}

struct Target {
    env: Environment,
    flag: Flag,
}

async fn target(
    st: &AppState,
    caller: &Caller,
    project: &str,
    env: &str,
    key: &str,
    need: Need,
) -> Result<Target, ApiError> {
    let (project, env) = access::environment(st, caller, project, env, need).await?;
    let project: Project = project;
    let flag = st
        .store
        .get_flag(&project.id, key)
        .await?
        .ok_or_else(|| ApiError::NotFound("flag".into()))?;
    Ok(Target { env, flag })
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)), responses((status = 200, body = FlagState), (status = 404)))]
async fn get_state(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
) -> Result<(HeaderMap, axum::Json<FlagState>), ApiError> {
    let t = target(&st, &caller, &project, &env, &key, Need::Read).await?;
    let s = st.store.get_flag_state(&t.env.id, &t.flag).await?;
    Ok((etag(s.version), axum::Json(s)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateBody {
    enabled: bool,
    /// One of the flag's variants.
    #[schema(value_type = Option<switchyard_core::changes::rules::schema::Key>)]
    default_variant: Option<String>,
    /// JsonLogic with flagd's operators; segments are referenced as `{"$ref": "segment-key"}`.
    targeting: Option<Value>,
    /// Flags that must evaluate to one of the listed variants here before the targeting
    /// applies; when one does not, the flag serves its default variant (at most 10).
    #[serde(default)]
    #[schema(max_items = 10)]
    prerequisites: Vec<Prerequisite>,
    /// The version last seen (0 for a state never set); or send `If-Match`.
    version: Option<u64>,
    /// Read-only, as GET returns it: when sent, it must name the path's environment.
    environment_id: Option<String>,
    /// Read-only, as GET returns it: when sent, it must be the path's flag.
    flag_key: Option<String>,
    /// Read-only (ignored).
    #[allow(dead_code)]
    updated_by: Option<Value>,
    /// Read-only (ignored).
    #[allow(dead_code)]
    updated_at: Option<Value>,
    /// Read-only (ignored).
    #[allow(dead_code)]
    updated_by_name: Option<Value>,
}

/// The read-only fields of a state sent back as GET returned it must describe this state.
fn same_target(b: &StateBody, env: &Environment, key: &str) -> Result<(), ApiError> {
    if b.environment_id.as_ref().is_some_and(|e| *e != env.id) {
        return Err(
            ChangeError::field("environmentId", "is not the environment of the path").into(),
        );
    }
    if b.flag_key.as_ref().is_some_and(|k| k != key) {
        return Err(ChangeError::field("flagKey", "is not the flag of the path").into());
    }
    Ok(())
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}", tag = "flags", request_body = StateBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = FlagState), (status = 409, description = "stale version; details.currentVersion"), (status = 422, description = "the engine's problems, each with its path")))]
async fn put_state(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, env, key)): Path<(String, String, String)>,
    Json(b): Json<StateBody>,
) -> Result<(HeaderMap, axum::Json<FlagState>), ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::EditFlags).await?;
    same_target(&b, &e, &key)?;
    let expected = expected_version(&headers, b.version)?;
    let input = StateInput {
        enabled: b.enabled,
        default_variant: b.default_variant,
        targeting: b.targeting,
        prerequisites: b.prerequisites,
    };
    let saved = st
        .changes
        .put_state(&caller.actor(), &p, &e, &key, expected, input)
        .await?;
    Ok((etag(saved.version), axum::Json(saved)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToggleBody {
    /// On or off; the rest of the state stays as it is.
    enabled: bool,
    /// The version last seen; or send `If-Match`.
    version: Option<u64>,
}

#[utoipa::path(patch, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}", tag = "flags", request_body = ToggleBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = FlagState), (status = 409, description = "stale version; details.currentVersion")))]
async fn patch_state(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, env, key)): Path<(String, String, String)>,
    Json(b): Json<ToggleBody>,
) -> Result<(HeaderMap, axum::Json<FlagState>), ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::EditFlags).await?;
    let expected = expected_version(&headers, b.version)?;
    let flag = st
        .store
        .get_flag(&p.id, &key)
        .await?
        .ok_or_else(|| ApiError::NotFound("flag".into()))?;
    let current = st.store.get_flag_state(&e.id, &flag).await?;
    let input = StateInput {
        enabled: b.enabled,
        ..StateInput::from(current)
    };
    let saved = st
        .changes
        .put_state(&caller.actor(), &p, &e, &key, expected, input)
        .await?;
    Ok((etag(saved.version), axum::Json(saved)))
}

/// A flag's state in one environment, with who changed it last by name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagStateView {
    #[serde(flatten)]
    state: FlagState,
    /// The member's or API token's name (null for the system and for those since removed).
    updated_by_name: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/flags", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)),
    responses((status = 200, body = Vec<FlagStateView>, description = "every flag's state here (archived flags left out), by key")))]
async fn list_states(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<axum::Json<Vec<FlagStateView>>, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    let snapshot = st
        .store
        .load_environment(&e.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("environment".into()))?;
    let states: Vec<FlagState> = snapshot.flags.into_iter().map(|(_, s)| s).collect();
    let names = crate::names::of(
        &st,
        &p.org_id,
        states.iter().map(|s| s.updated_by.clone()).collect(),
    )
    .await?;
    Ok(axum::Json(
        states
            .into_iter()
            .map(|state| FlagStateView {
                updated_by_name: names.get(&state.updated_by).cloned(),
                state,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CopyBody {
    /// The environment to copy to (its id).
    to_environment: String,
    /// The target state's version last seen; without it, the copy overwrites whatever is there.
    target_version: Option<u64>,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/copy", tag = "flags", request_body = CopyBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)), responses((status = 200, body = FlagState), (status = 404), (status = 409)))]
async fn copy_state(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
    Json(b): Json<CopyBody>,
) -> Result<axum::Json<FlagState>, ApiError> {
    let (_, from) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    let (p, to) =
        access::environment(&st, &caller, &project, &b.to_environment, Need::EditFlags).await?;
    Ok(axum::Json(
        st.changes
            .copy_state(&caller.actor(), &p, &from, &to, &key, b.target_version)
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateBody {
    /// The evaluation context: `targetingKey` and attributes.
    #[serde(default)]
    context: Value,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluate", tag = "flags", request_body = EvaluateBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)),
    responses((status = 200, body = Explanation, description = "value, variant, reason and the rule that matched")))]
async fn evaluate(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
    Json(b): Json<EvaluateBody>,
) -> Result<axum::Json<Explanation>, ApiError> {
    let t = target(&st, &caller, &project, &env, &key, Need::Read).await?;
    let snapshot = st
        .store
        .load_environment(&t.env.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("environment".into()))?;
    let set = FlagSet::compile(&snapshot.to_flagd());
    let now = now_ms() / 1000;
    let ctx = Context::new(&b.context, now)
        .map_err(|m| ApiError::from(ChangeError::field("context", m)))?;
    Ok(axum::Json(set.explain(&key, &ctx)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestoreBody {
    /// The audit entry whose resulting state to restore.
    audit_id: String,
    /// The current state's version last seen.
    version: u64,
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/restore", tag = "audit", request_body = RestoreBody, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path), ("flag" = String, Path)), responses((status = 200, body = FlagState), (status = 404), (status = 409)))]
async fn restore(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env, key)): Path<(String, String, String)>,
    Json(b): Json<RestoreBody>,
) -> Result<axum::Json<FlagState>, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::EditFlags).await?;
    Ok(axum::Json(
        st.changes
            .restore_state(&caller.actor(), &p, &e, &key, &b.audit_id, b.version)
            .await?,
    ))
}
