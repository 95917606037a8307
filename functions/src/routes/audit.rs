//! The audit log: filters, pages, and each entry's before/after diff.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use switchyard_core::domain::{AuditEntry, AuditFilter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::audit_log::{Change, diff};
use crate::error::ApiError;
use crate::extract::Caller;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(get_audit))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only this project.
    project: Option<String>,
    /// Only this target, such as `flag:new-checkout`.
    target: Option<String>,
    /// Only this actor, such as `user:…` or `token:…`.
    actor: Option<String>,
    /// From this time (Unix ms, inclusive).
    from: Option<i64>,
    /// Until this time (Unix ms, exclusive).
    to: Option<i64>,
    cursor: Option<String>,
    limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryWithDiff {
    #[serde(flatten)]
    entry: AuditEntry,
    changes: Vec<Change>,
}

impl From<AuditEntry> for EntryWithDiff {
    fn from(entry: AuditEntry) -> Self {
        let changes = diff(entry.before.as_ref(), entry.after.as_ref());
        EntryWithDiff { entry, changes }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    items: Vec<EntryWithDiff>,
    next: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/audit", tag = "audit", security(("bearer" = [])),
    params(("org" = String, Path), AuditQuery), responses((status = 200, body = AuditPage)))]
async fn list_audit(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<axum::Json<AuditPage>, ApiError> {
    access::check(&st, &caller, &org, Need::Read).await?;
    let filter = AuditFilter {
        project_id: q.project,
        target: q.target,
        actor: q.actor,
        from: q.from,
        to: q.to,
    };
    let page = st
        .store
        .list_audit(
            &org,
            &filter,
            q.cursor.as_deref(),
            q.limit.unwrap_or(50).clamp(1, 500),
        )
        .await?;
    Ok(axum::Json(AuditPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next: page.next,
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/audit/{entry}", tag = "audit", security(("bearer" = [])),
    params(("org" = String, Path), ("entry" = String, Path)), responses((status = 200, body = EntryWithDiff), (status = 404)))]
async fn get_audit(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<axum::Json<EntryWithDiff>, ApiError> {
    access::check(&st, &caller, &org, Need::Read).await?;
    let entry = st
        .store
        .get_audit(&org, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound("audit entry".into()))?;
    Ok(axum::Json(entry.into()))
}
