//! Flags at project level: what a flag is and which values it takes.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use switchyard_core::domain::{Flag, Variant, now_ms};
use switchyard_core::engine::FlagType;
use switchyard_core::store::Page;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::audit_log;
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_flags, create_flag))
        .routes(routes!(get_flag, update_flag, delete_flag))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FlagQuery {
    cursor: Option<String>,
    limit: Option<usize>,
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
            .list_flags(&p.id, q.cursor.as_deref(), q.limit.unwrap_or(100))
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFlag {
    key: String,
    name: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(rename = "type")]
    kind: FlagType,
    variants: Vec<Variant>,
    #[serde(default)]
    tags: Vec<String>,
}

/// Checks variants against the flag's type: 1–100, unique names, values of the type.
pub fn check_variants(kind: FlagType, variants: &[Variant]) -> Result<(), ApiError> {
    if variants.is_empty() || variants.len() > 100 {
        return Err(validate::field_error("variants", "needs 1 to 100 variants"));
    }
    for (i, v) in variants.iter().enumerate() {
        validate::key(&format!("variants/{i}/name"), &v.name)?;
        if variants[..i].iter().any(|w| w.name == v.name) {
            return Err(validate::field_error(
                &format!("variants/{i}/name"),
                "is used twice",
            ));
        }
        if !kind.admits(&v.value) {
            return Err(validate::field_error(
                &format!("variants/{i}/value"),
                &format!("is not a {kind}"),
            ));
        }
    }
    if serde_json::to_vec(variants).map_or(0, |b| b.len()) > 64 * 1024 {
        return Err(validate::field_error(
            "variants",
            "may hold at most 64 KiB of values",
        ));
    }
    Ok(())
}

fn check_tags(tags: &[String]) -> Result<(), ApiError> {
    if tags.len() > 20 {
        return Err(validate::field_error("tags", "at most 20 tags"));
    }
    for (i, t) in tags.iter().enumerate() {
        validate::key(&format!("tags/{i}"), t)?;
    }
    Ok(())
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
    validate::key("key", &b.key)?;
    let name = b.name.unwrap_or_else(|| b.key.clone());
    validate::name("name", &name)?;
    validate::max_len("description", &b.description, 2000)?;
    check_variants(b.kind, &b.variants)?;
    check_tags(&b.tags)?;
    if st.store.get_segment(&p.id, &b.key).await?.is_some() {
        return Err(validate::field_error("key", "is already a segment's key"));
    }
    let flag = Flag {
        project_id: p.id.clone(),
        key: b.key.clone(),
        name: name.trim().to_owned(),
        description: b.description,
        kind: b.kind,
        variants: b.variants,
        tags: b.tags,
        archived: false,
        version: 1,
        created_by: caller.actor(),
        created_at: now_ms(),
        updated_by: caller.actor(),
        updated_at: now_ms(),
    };
    let audit = audit_log::entry(
        &caller,
        audit_log::At::project(&p),
        "flag.create",
        &format!("flag:{}", flag.key),
        None::<&Flag>,
        Some(&flag),
    );
    let events = st
        .store
        .create_flag(&flag, &audit)
        .await
        .map_err(|e| match e {
            switchyard_core::store::StoreError::Conflict { .. } => ApiError::Conflict {
                message: format!("flag {} already exists", flag.key),
                details: Value::Null,
            },
            other => other.into(),
        })?;
    st.publish(&events).await;
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagPatch {
    name: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    variants: Option<Vec<Variant>>,
    archived: Option<bool>,
    version: Option<u64>,
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
    let (p, current) = load_flag(&st, &caller, &project, &key, Need::EditFlags).await?;
    let expected = expected_version(&headers, b.version)?;
    if expected != current.version {
        return Err(ApiError::Conflict {
            message: format!("flag {key} was changed by someone else; reload and try again"),
            details: serde_json::json!({"currentVersion": current.version}),
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
    if let Some(t) = b.tags {
        check_tags(&t)?;
        next.tags = t;
    }
    if let Some(v) = b.variants {
        check_variants(next.kind, &v)?;
        // Every environment's default variant must still exist.
        for env in st.store.list_environments(&p.id).await? {
            let state = st.store.get_flag_state(&env.id, &current).await?;
            if let Some(d) = state
                .default_variant
                .filter(|d| state.version > 0 && !v.iter().any(|x| &x.name == d))
            {
                return Err(validate::field_error(
                    "variants",
                    &format!(
                        "must keep variant {d}: it is the default in environment {}",
                        env.key
                    ),
                ));
            }
        }
        next.variants = v;
    }
    if let Some(a) = b.archived {
        next.archived = a;
    }
    next.version = current.version + 1;
    next.updated_by = caller.actor();
    next.updated_at = now_ms();
    let action = match (current.archived, next.archived) {
        (false, true) => "flag.archive",
        (true, false) => "flag.unarchive",
        _ => "flag.update",
    };
    let audit = audit_log::entry(
        &caller,
        audit_log::At::project(&p),
        action,
        &format!("flag:{key}"),
        Some(&current),
        Some(&next),
    );
    let events = st.store.update_flag(&next, &audit).await?;
    st.publish(&events).await;
    Ok(axum::Json(next))
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
    let (p, current) = load_flag(&st, &caller, &project, &key, Need::EditFlags).await?;
    let expected = expected_version(&headers, q.version)?;
    let audit = audit_log::entry(
        &caller,
        audit_log::At::project(&p),
        "flag.delete",
        &format!("flag:{key}"),
        Some(&current),
        None::<&Flag>,
    );
    let events = st.store.delete_flag(&p.id, &key, expected, &audit).await?;
    st.publish(&events).await;
    Ok(StatusCode::NO_CONTENT)
}
