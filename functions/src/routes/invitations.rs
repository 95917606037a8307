//! An organization's pending invitations: listed and withdrawn by those who manage members.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use switchyard_core::domain::{Role, now_ms};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::Caller;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations))
        .routes(routes!(revoke_invitation))
}

/// An invitation not yet accepted (the token itself was shown once, to its maker).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PendingInvitation {
    /// What to withdraw it by.
    id: String,
    email: String,
    role: Role,
    /// The inviter's user id.
    invited_by: String,
    /// The inviter's name (null for someone since removed).
    invited_by_name: Option<String>,
    /// Unix ms.
    expires_at: i64,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/invitations", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = Vec<PendingInvitation>, description = "unexpired invitations, soonest to expire first")))]
async fn list_invitations(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<Vec<PendingInvitation>>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    let now = now_ms();
    let mut pending: Vec<_> = st
        .store
        .list_invitations(&org)
        .await?
        .into_iter()
        .filter(|i| i.expires_at > now)
        .collect();
    pending.sort_by_key(|i| i.expires_at);
    let inviters = pending
        .iter()
        .map(|i| format!("user:{}", i.invited_by))
        .collect();
    let names = crate::names::of(&st, &org, inviters).await?;
    Ok(axum::Json(
        pending
            .into_iter()
            .map(|i| PendingInvitation {
                invited_by_name: names.get(&format!("user:{}", i.invited_by)).cloned(),
                id: i.token_hash,
                email: i.email,
                role: i.role,
                invited_by: i.invited_by,
                expires_at: i.expires_at,
            })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/invitations/{invitation}", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path), ("invitation" = String, Path)), responses((status = 204), (status = 404)))]
async fn revoke_invitation(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    st.changes
        .revoke_invitation(&caller.actor(), &org, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
