//! The change log: the audit view (filters, newest first, each record's before → after diff) and
//! the consumer feed (oldest first after a cursor).

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use switchyard_core::domain::{AuditFilter, ChangeRecord};
use switchyard_core::store::Order;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::diff::{Change, diff};
use crate::error::ApiError;
use crate::extract::{Caller, Query};
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(get_audit))
        .routes(routes!(list_changes))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only this project.
    project: Option<String>,
    /// Only this environment (its id).
    environment: Option<String>,
    /// Only this target, such as `flag:new-checkout`.
    target: Option<String>,
    /// Only changes that touched this flag or segment key, whatever their target (a flag's
    /// history with the imports that changed it).
    key: Option<String>,
    /// Only this actor, such as `user:…` or `token:…`.
    actor: Option<String>,
    /// From this time (Unix ms, inclusive).
    from: Option<i64>,
    /// Until this time (Unix ms, exclusive).
    to: Option<i64>,
    /// `desc` (newest first, the default) or `asc`.
    #[param(value_type = Option<String>, pattern = "^(desc|asc)$")]
    order: Option<String>,
    /// The `next` cursor of the previous page.
    cursor: Option<String>,
    /// At most this many records (1–500, default 50).
    limit: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryWithDiff {
    #[serde(flatten)]
    entry: ChangeRecord,
    changes: Vec<Change>,
    /// Who the actor is by name: a member's name, an API token's name (null for the system's
    /// actors, and for members and tokens since removed).
    actor_name: Option<String>,
}

impl EntryWithDiff {
    fn new(entry: ChangeRecord, names: &HashMap<String, String>) -> Self {
        let changes = diff(entry.before.as_ref(), entry.after.as_ref());
        let actor_name = names.get(&entry.actor.to_string()).cloned();
        EntryWithDiff {
            entry,
            changes,
            actor_name,
        }
    }
}

/// The names of the members and API tokens that made `records`.
async fn actor_names(
    st: &AppState,
    org: &str,
    records: &[ChangeRecord],
) -> Result<HashMap<String, String>, ApiError> {
    crate::names::of(
        st,
        org,
        records.iter().map(|r| r.actor.to_string()).collect(),
    )
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    items: Vec<EntryWithDiff>,
    /// The cursor of the following page (older, newest first), or null at the end.
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
        environment_id: q.environment,
        target: q.target,
        key: q.key,
        actor: q.actor,
        from: q.from,
        to: q.to,
    };
    let order = match q.order.as_deref() {
        None | Some("desc") => Order::Desc,
        Some("asc") => Order::Asc,
        Some(_) => return Err(validate::field_error("order", "must be desc or asc")),
    };
    let page = st
        .store
        .list_audit(
            &org,
            &filter,
            q.cursor.as_deref(),
            q.limit.map_or(50, |l| l.max(1) as usize).clamp(1, 500),
            order,
        )
        .await?;
    let names = actor_names(&st, &org, &page.items).await?;
    Ok(axum::Json(AuditPage {
        items: page
            .items
            .into_iter()
            .map(|e| EntryWithDiff::new(e, &names))
            .collect(),
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
        .get_change(&org, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound("audit entry".into()))?;
    let names = actor_names(&st, &org, std::slice::from_ref(&entry)).await?;
    Ok(axum::Json(EntryWithDiff::new(entry, &names)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ChangesQuery {
    /// The id of the last record read (none: from the first).
    after: Option<String>,
    /// At most this many records (1–500, default 100).
    limit: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesPage {
    /// Oldest first.
    items: Vec<ChangeRecord>,
    /// Where to continue: the last record's id (or the `after` given, when there was nothing
    /// new). Pass it as `after` next time.
    next: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/changes", tag = "audit", security(("bearer" = [])),
    params(("org" = String, Path), ChangesQuery),
    responses((status = 200, body = ChangesPage, description = "every change record after the cursor, in order")))]
async fn list_changes(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<ChangesQuery>,
) -> Result<axum::Json<ChangesPage>, ApiError> {
    access::check(&st, &caller, &org, Need::Read).await?;
    let items = st
        .store
        .changes_after(
            &org,
            q.after.as_deref(),
            q.limit.map_or(100, |l| l.max(1) as usize),
        )
        .await?;
    let next = items.last().map(|r| r.id.clone()).or(q.after);
    Ok(axum::Json(ChangesPage { items, next }))
}
