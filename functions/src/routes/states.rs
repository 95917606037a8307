//! A flag's state in one environment: on/off, default variant, targeting; copying it between
//! environments; the evaluation playground; restoring an audited version.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};
use switchyard_core::domain::{Environment, Flag, FlagState, Project, Segment, now_ms};
use switchyard_core::engine::{Context, Explanation, FlagSet};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::flags::{etag, expected_version};
use crate::access::{self, Need};
use crate::audit_log;
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_state, put_state))
        .routes(routes!(copy_state))
        .routes(routes!(evaluate))
        .routes(routes!(restore))
}

struct Target {
    project: Project,
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
    let flag = st
        .store
        .get_flag(&project.id, key)
        .await?
        .ok_or_else(|| ApiError::NotFound("flag".into()))?;
    Ok(Target { project, env, flag })
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
    default_variant: Option<String>,
    /// JsonLogic with flagd's operators; segments are referenced as `{"$ref": "segment-key"}`.
    targeting: Option<Value>,
    /// The version last seen (0 for a state never set); or send `If-Match`.
    version: Option<u64>,
}

/// Checks a state against its flag and the project's segments, with the engine's messages.
pub fn check_state(flag: &Flag, segments: &[Segment], s: &FlagState) -> Result<(), ApiError> {
    if let Some(d) = &s.default_variant
        && !flag.variants.iter().any(|v| &v.name == d)
    {
        return Err(validate::field_error(
            "defaultVariant",
            &format!("{d:?} is not one of the flag's variants"),
        ));
    }
    if let Some(t) = &s.targeting
        && serde_json::to_vec(t).map_or(0, |b| b.len()) > 256 * 1024
    {
        return Err(validate::field_error("targeting", "may be at most 256 KiB"));
    }
    let doc = json!({
        "flags": { &flag.key: {
            "state": "ENABLED",
            "variants": flag.variants.iter().map(|v| (v.name.clone(), v.value.clone())).collect::<serde_json::Map<_, _>>(),
            "defaultVariant": s.default_variant,
            "targeting": s.targeting,
        }},
        "$evaluators": segments.iter().map(|g| (g.key.clone(), g.rule.clone())).collect::<serde_json::Map<_, _>>(),
    });
    FlagSet::parse_strict(&doc).map(|_| ()).map_err(|e| {
        let prefix = format!("/flags/{}", flag.key.replace('~', "~0").replace('/', "~1"));
        validate::problems("the targeting rule is not valid", &e.problems, &prefix)
    })
}

async fn save_state(
    st: &AppState,
    caller: &Caller,
    t: &Target,
    mut next: FlagState,
    expected: u64,
    action: &str,
) -> Result<FlagState, ApiError> {
    let segments = st.store.list_segments(&t.project.id).await?;
    check_state(&t.flag, &segments, &next)?;
    let current = st.store.get_flag_state(&t.env.id, &t.flag).await?;
    if expected != current.version {
        return Err(ApiError::Conflict {
            message: format!(
                "the state of flag {} was changed by someone else; reload and try again",
                t.flag.key
            ),
            details: json!({"currentVersion": current.version}),
        });
    }
    next.version = expected + 1;
    next.updated_by = caller.actor();
    next.updated_at = now_ms();
    let audit = audit_log::entry(
        caller,
        audit_log::At::environment(&t.project, &t.env.id),
        action,
        &format!("flag:{}", t.flag.key),
        Some(&current),
        Some(&next),
    );
    let event = st
        .store
        .put_flag_state(&t.project.id, &next, &audit)
        .await?;
    st.publish(&[event]).await;
    Ok(next)
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
    let t = target(&st, &caller, &project, &env, &key, Need::EditFlags).await?;
    let expected = expected_version(&headers, b.version)?;
    let targeting = b.targeting.filter(|t| !t.is_null() && t != &json!({}));
    let next = FlagState {
        environment_id: t.env.id.clone(),
        flag_key: key,
        enabled: b.enabled,
        default_variant: b.default_variant,
        targeting,
        version: 0,
        updated_by: String::new(),
        updated_at: 0,
    };
    let saved = save_state(&st, &caller, &t, next, expected, "flag_state.update").await?;
    Ok((etag(saved.version), axum::Json(saved)))
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
    let from = target(&st, &caller, &project, &env, &key, Need::Read).await?;
    let to = target(
        &st,
        &caller,
        &project,
        &b.to_environment,
        &key,
        Need::EditFlags,
    )
    .await?;
    let source = st.store.get_flag_state(&from.env.id, &from.flag).await?;
    let expected = match b.target_version {
        Some(v) => v,
        None => st.store.get_flag_state(&to.env.id, &to.flag).await?.version,
    };
    let next = FlagState {
        environment_id: to.env.id.clone(),
        ..source
    };
    Ok(axum::Json(
        save_state(&st, &caller, &to, next, expected, "flag_state.copy").await?,
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
    let set =
        FlagSet::parse(&snapshot.to_flagd()).map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = now_ms() / 1000;
    let ctx = Context::new(&b.context, now).map_err(|m| validate::field_error("context", &m))?;
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
    let t = target(&st, &caller, &project, &env, &key, Need::EditFlags).await?;
    let entry = st
        .store
        .get_audit(&t.project.org_id, &b.audit_id)
        .await?
        .filter(|e| {
            e.environment_id.as_deref() == Some(&t.env.id) && e.target == format!("flag:{key}")
        })
        .ok_or_else(|| ApiError::NotFound("audit entry".into()))?;
    let restored: FlagState = entry
        .after
        .and_then(|a| serde_json::from_value(a).ok())
        .ok_or_else(|| {
            ApiError::invalid("that audit entry holds no flag state to restore", json!([]))
        })?;
    let next = FlagState {
        environment_id: t.env.id.clone(),
        flag_key: key,
        ..restored
    };
    Ok(axum::Json(
        save_state(&st, &caller, &t, next, b.version, "flag_state.restore").await?,
    ))
}
