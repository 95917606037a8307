//! Organizations, members, invitations and API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::changes::{NewToken, OrgSettings};
use switchyard_core::domain::{ApiToken, Membership, Organization, Role, Scope};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need, OrgWithRole};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(list_members))
        .routes(routes!(set_role, remove_member))
        .routes(routes!(invite))
        .routes(routes!(accept_invitation))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

fn user_of(caller: &Caller) -> Result<&switchyard_core::domain::User, ApiError> {
    match caller {
        Caller::User(u) => Ok(u),
        Caller::Token(_) => Err(ApiError::Forbidden(
            "this needs a signed-in user, not an API token".into(),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", security(("bearer" = [])), responses((status = 200, body = Vec<OrgWithRole>)))]
async fn list_orgs(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<OrgWithRole>>, ApiError> {
    let out = access::organizations(&st, &caller).await?;
    Ok(axum::Json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameBody {
    #[schema(value_type = switchyard_core::changes::rules::schema::Name)]
    name: String,
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = NameBody, security(("bearer" = [])),
    responses((status = 201, body = Organization)))]
async fn create_org(
    State(st): State<AppState>,
    caller: Caller,
    Json(b): Json<NameBody>,
) -> Result<(StatusCode, axum::Json<Organization>), ApiError> {
    let user = user_of(&caller)?;
    let org = st.changes.create_org(user, &b.name).await?;
    Ok((StatusCode::CREATED, axum::Json(org)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = Organization), (status = 404)))]
async fn get_org(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<Organization>, ApiError> {
    Ok(axum::Json(
        access::org(&st, &caller, &org, Need::Read).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgPatch {
    /// The organization's new name.
    #[schema(value_type = Option<switchyard_core::changes::rules::schema::Name>)]
    name: Option<String>,
    /// Owners and admins must have two-factor sign-in on to act in the organization (owners only;
    /// the owner turning it on must have it on).
    require_two_factor: Option<bool>,
    /// Days the audit log keeps a record (7 to 3650; 365 unless set). Records take the setting
    /// in force when they are written: a change applies to records written from then on.
    #[schema(minimum = 7, maximum = 3650)]
    audit_retention_days: Option<i64>,
    /// Days analytics counters are kept after their hour (7 to 730; 90 unless set), for
    /// counters written from then on.
    #[schema(minimum = 7, maximum = 730)]
    analytics_retention_days: Option<i64>,
}

/// Days as the change layer checks them: anything out of `u32` is out of every range too.
fn days(v: Option<i64>) -> Option<u32> {
    v.map(|d| u32::try_from(d.max(0)).unwrap_or(u32::MAX))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org}", tag = "orgs", request_body = OrgPatch, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = Organization, description = "the organization (as it was, for a patch that names nothing)"),
        (status = 403, description = "the two-factor policy is the owners' to set, and only with two-factor sign-in on"), (status = 404), (status = 422)))]
async fn update_org(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<OrgPatch>,
) -> Result<axum::Json<Organization>, ApiError> {
    if b.name.is_none()
        && b.require_two_factor.is_none()
        && b.audit_retention_days.is_none()
        && b.analytics_retention_days.is_none()
    {
        // Nothing to change: the organization as it is, and no change recorded.
        return Ok(axum::Json(
            access::org(&st, &caller, &org, Need::ManageMembers).await?,
        ));
    }
    let role = access::check(&st, &caller, &org, Need::ManageMembers).await?;
    if b.require_two_factor.is_some() {
        let has_two_factor = matches!(&caller, Caller::User(u) if u.totp_secret.is_some());
        if role < Role::Owner || !has_two_factor {
            return Err(ApiError::Forbidden(
                "only an owner with two-factor sign-in on sets the two-factor policy".into(),
            ));
        }
    }
    let settings = OrgSettings {
        name: b.name.as_deref(),
        require_two_factor: b.require_two_factor,
        audit_retention_days: days(b.audit_retention_days),
        analytics_retention_days: days(b.analytics_retention_days),
    };
    Ok(axum::Json(
        st.changes
            .update_org(&caller.actor(), &org, settings)
            .await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    user_id: String,
    email: String,
    name: String,
    role: Role,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/members", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = Vec<MemberView>)))]
async fn list_members(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<Vec<MemberView>>, ApiError> {
    access::check(&st, &caller, &org, Need::Read).await?;
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = st.store.list_members(&org, cursor.as_deref(), 500).await?;
        for m in page.items {
            let user = st.store.get_user(&m.user_id).await?;
            out.push(MemberView {
                user_id: m.user_id,
                email: user.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
                name: user.map(|u| u.name).unwrap_or_default(),
                role: m.role,
            });
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => return Ok(axum::Json(out)),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    role: Role,
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/members/{user}", tag = "orgs", request_body = RoleBody, security(("bearer" = [])),
    params(("org" = String, Path), ("user" = String, Path)), responses((status = 200, body = Membership), (status = 403), (status = 404)))]
async fn set_role(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, user)): Path<(String, String)>,
    Json(b): Json<RoleBody>,
) -> Result<axum::Json<Membership>, ApiError> {
    user_of(&caller)?;
    let mine = access::check(&st, &caller, &org, Need::ManageMembers).await?;
    let m = st
        .changes
        .set_role(&caller.actor(), mine, &org, &user, b.role)
        .await?;
    Ok(axum::Json(m))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/members/{user}", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path), ("user" = String, Path)), responses((status = 204), (status = 403), (status = 404)))]
async fn remove_member(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let me = user_of(&caller)?.id.clone();
    // Anyone may leave; removing others needs admin.
    let mine = if me == user {
        access::role_in(&st, &caller, &org).await?
    } else {
        access::check(&st, &caller, &org, Need::ManageMembers).await?
    };
    st.changes
        .remove_member(&caller.actor(), mine, &org, &user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    #[schema(value_type = switchyard_core::changes::rules::schema::Email)]
    email: String,
    role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteResponse {
    /// Shown once: send it to the person invited.
    token: String,
    email: String,
    role: Role,
    expires_at: i64,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/invitations", tag = "orgs", request_body = InviteBody, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 201, body = InviteResponse)))]
async fn invite(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<InviteBody>,
) -> Result<(StatusCode, axum::Json<InviteResponse>), ApiError> {
    let inviter = user_of(&caller)?;
    let mine = access::check(&st, &caller, &org, Need::ManageMembers).await?;
    crate::routes::email_verification::require_verified(inviter)?;
    let invited = st
        .changes
        .invite(&caller.actor(), inviter, mine, &org, &b.email, b.role)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(InviteResponse {
            token: invited.token,
            email: invited.invitation.email,
            role: invited.invitation.role,
            expires_at: invited.invitation.expires_at,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    token: String,
}

#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "orgs", request_body = AcceptBody, security(("bearer" = [])),
    responses((status = 200, body = Membership), (status = 404, description = "no such invitation, or expired")))]
async fn accept_invitation(
    State(st): State<AppState>,
    caller: Caller,
    Json(b): Json<AcceptBody>,
) -> Result<axum::Json<Membership>, ApiError> {
    let user = user_of(&caller)?;
    Ok(axum::Json(
        st.changes.accept_invitation(user, &b.token).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/tokens", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = Vec<TokenView>)))]
async fn list_tokens(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<Vec<TokenView>>, ApiError> {
    user_of(&caller)?;
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    let tokens = st.store.list_api_tokens(&org, None, 500).await?.items;
    let creators = tokens
        .iter()
        .map(|t| format!("user:{}", t.created_by))
        .collect();
    let names = crate::names::of(&st, &org, creators).await?;
    Ok(axum::Json(
        tokens
            .into_iter()
            .map(|t| {
                let name = names.get(&format!("user:{}", t.created_by)).cloned();
                TokenView {
                    created_by_name: name,
                    ..TokenView::from(t)
                }
            })
            .collect(),
    ))
}

/// An API token as the API shows it: everything but the hash of its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    id: String,
    org_id: String,
    name: String,
    scopes: Vec<Scope>,
    /// The first characters of the secret, to tell tokens apart.
    prefix: String,
    /// The creator's user id.
    created_by: String,
    /// The creator's name (null for someone since removed, and in a creation response).
    created_by_name: Option<String>,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    /// The service account the token belongs to: it outlives its creator's membership.
    #[serde(skip_serializing_if = "Option::is_none")]
    service_account: Option<String>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> TokenView {
        TokenView {
            id: t.id,
            org_id: t.org_id,
            name: t.name,
            scopes: t.scopes,
            prefix: t.prefix,
            created_by: t.created_by,
            created_by_name: None,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            service_account: t.service_account,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once.
    secret: String,
    token: TokenView,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/tokens", tag = "orgs", request_body = NewToken, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 201, body = TokenResponse)))]
async fn create_token(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<NewToken>,
) -> Result<(StatusCode, axum::Json<TokenResponse>), ApiError> {
    let creator = user_of(&caller)?;
    let role = access::check(&st, &caller, &org, Need::ManageMembers).await?;
    if b.service_account.is_some() && role < Role::Owner {
        // A service account's token outlives whoever made it: an owner's decision.
        return Err(ApiError::Forbidden(
            "only owners make service account tokens".into(),
        ));
    }
    let issued = st
        .changes
        .create_token(&caller.actor(), creator, &org, b)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenResponse {
            secret: issued.secret,
            token: issued.token.into(),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/tokens/{token}", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path), ("token" = String, Path)), responses((status = 204), (status = 404)))]
async fn revoke_token(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, token)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    user_of(&caller)?;
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    st.changes
        .revoke_token(&caller.actor(), &org, &token)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
