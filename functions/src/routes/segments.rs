//! Segments: named, reusable conditions (flagd `$evaluators`, referenced as `{"$ref": key}`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use switchyard_core::domain::{Segment, now_ms};
use utoipa::{IntoParams, ToSchema};
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSegment {
    key: String,
    name: Option<String>,
    #[serde(default)]
    description: String,
    /// A JsonLogic condition.
    rule: Value,
}

fn check_rule(rule: &Value) -> Result<(), ApiError> {
    if serde_json::to_vec(rule).map_or(0, |b| b.len()) > 64 * 1024 {
        return Err(validate::field_error("rule", "may be at most 64 KiB"));
    }
    switchyard_core::engine::validate_rule(rule).map_err(|p| {
        let p: Vec<_> = p
            .into_iter()
            .map(|mut x| {
                x.path = format!("/rule{}", x.path);
                x
            })
            .collect();
        validate::problems("the rule is not valid", &p, "")
    })
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
    validate::key("key", &b.key)?;
    let name = b.name.unwrap_or_else(|| b.key.clone());
    validate::name("name", &name)?;
    validate::max_len("description", &b.description, 2000)?;
    check_rule(&b.rule)?;
    if st.store.get_flag(&p.id, &b.key).await?.is_some() {
        return Err(validate::field_error("key", "is already a flag's key"));
    }
    let seg = Segment {
        project_id: p.id.clone(),
        key: b.key.clone(),
        name: name.trim().to_owned(),
        description: b.description,
        rule: b.rule,
        version: 1,
        updated_by: caller.actor(),
        updated_at: now_ms(),
    };
    let audit = audit_log::entry(
        &caller,
        audit_log::At::project(&p),
        "segment.create",
        &format!("segment:{}", seg.key),
        None::<&Segment>,
        Some(&seg),
    );
    let events = st
        .store
        .put_segment(&seg, &audit)
        .await
        .map_err(|e| match e {
            switchyard_core::store::StoreError::Conflict { .. } => ApiError::Conflict {
                message: format!("segment {} already exists", seg.key),
                details: Value::Null,
            },
            other => other.into(),
        })?;
    st.publish(&events).await;
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentBody {
    name: Option<String>,
    description: Option<String>,
    rule: Option<Value>,
    version: Option<u64>,
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/segments/{segment}", tag = "segments", request_body = SegmentBody, security(("bearer" = [])),
    params(("project" = String, Path), ("segment" = String, Path)), responses((status = 200, body = Segment), (status = 409), (status = 422)))]
async fn put_segment(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, key)): Path<(String, String)>,
    Json(b): Json<SegmentBody>,
) -> Result<axum::Json<Segment>, ApiError> {
    let (p, current) = load(&st, &caller, &project, &key, Need::EditFlags).await?;
    let expected = expected_version(&headers, b.version)?;
    if expected != current.version {
        return Err(ApiError::Conflict {
            message: format!("segment {key} was changed by someone else; reload and try again"),
            details: json!({"currentVersion": current.version}),
        });
    }
    let mut next = current.clone();
    if let Some(n) = b.name {
        validate::name("name", &n)?;
        next.name = n.trim().to_owned();
    }
    if let Some(d) = b.description {
        validate::max_len("description", &d, 2000)?;
        next.description = d;
    }
    if let Some(r) = b.rule {
        check_rule(&r)?;
        next.rule = r;
    }
    next.version += 1;
    next.updated_by = caller.actor();
    next.updated_at = now_ms();
    let audit = audit_log::entry(
        &caller,
        audit_log::At::project(&p),
        "segment.update",
        &format!("segment:{key}"),
        Some(&current),
        Some(&next),
    );
    let events = st.store.put_segment(&next, &audit).await?;
    st.publish(&events).await;
    Ok(axum::Json(next))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    version: Option<u64>,
}

/// Whether a rule references a segment anywhere.
fn references(rule: &Value, key: &str) -> bool {
    match rule {
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| (k == "$ref" && v == key) || references(v, key)),
        Value::Array(a) => a.iter().any(|v| references(v, key)),
        _ => false,
    }
}

#[utoipa::path(delete, path = "/api/v1/projects/{project}/segments/{segment}", tag = "segments", security(("bearer" = [])),
    params(("project" = String, Path), ("segment" = String, Path), VersionQuery),
    responses((status = 204), (status = 404), (status = 409, description = "stale version, or still used by flags")))]
async fn delete_segment(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((project, key)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<VersionQuery>,
) -> Result<StatusCode, ApiError> {
    let (p, current) = load(&st, &caller, &project, &key, Need::EditFlags).await?;
    let expected = expected_version(&headers, q.version)?;
    let mut users = Vec::new();
    for env in st.store.list_environments(&p.id).await? {
        if let Some(snap) = st.store.load_environment(&env.id).await? {
            for (f, s) in &snap.flags {
                if s.targeting.as_ref().is_some_and(|t| references(t, &key)) {
                    users.push(json!({"flag": f.key, "environment": env.key}));
                }
            }
        }
    }
    if !users.is_empty() {
        return Err(ApiError::Conflict {
            message: format!("segment {key} is still used by flags"),
            details: Value::Array(users),
        });
    }
    let audit = audit_log::entry(
        &caller,
        audit_log::At::project(&p),
        "segment.delete",
        &format!("segment:{key}"),
        Some(&current),
        None::<&Segment>,
    );
    let events = st
        .store
        .delete_segment(&p.id, &key, expected, &audit)
        .await?;
    st.publish(&events).await;
    Ok(StatusCode::NO_CONTENT)
}
