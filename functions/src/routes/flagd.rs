//! An environment as a flagd flag document: export, and import (all or nothing: see
//! `Changes::import_flagd`).

use axum::extract::{Path, State};
use serde_json::Value;
use switchyard_core::changes::ImportSummary;
use switchyard_core::flagd::Document;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export, import))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/flagd", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, description = "a flagd flag document (https://flagd.dev/schema/v0/flags.json)")))]
async fn export(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<axum::Json<Document>, ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    let snap = st
        .store
        .load_environment(&e.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("environment".into()))?;
    Ok(axum::Json(snap.to_flagd()))
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/environments/{environment}/flagd", tag = "flags", request_body(content = Object, description = "a flagd flag document", example = json!({"flags": {"imported": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}})), security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)),
    responses((status = 200, body = ImportSummary), (status = 422, description = "every problem in the document, each with its path")))]
async fn import(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Json(doc): Json<Value>,
) -> Result<axum::Json<ImportSummary>, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::EditFlags).await?;
    Ok(axum::Json(
        st.changes
            .import_flagd(&caller.actor(), &p, &e, &doc)
            .await?,
    ))
}
