//! Organizations, members, invitations and API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::domain::{
    ApiToken, Invitation, Membership, Organization, Role, Scope, hash_secret, new_id, new_secret,
    now_ms,
};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need, OrgWithRole};
use crate::error::ApiError;
use crate::extract::{API_TOKEN_PREFIX, Caller, Json};
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org))
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
    validate::name("name", &b.name)?;
    let org = Organization {
        id: new_id(),
        name: b.name.trim().to_owned(),
        created_at: now_ms(),
    };
    st.store
        .create_org(
            &org,
            &Membership {
                org_id: org.id.clone(),
                user_id: user.id.clone(),
                role: Role::Owner,
                created_at: now_ms(),
            },
        )
        .await?;
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

/// Only owners may make or unmake owners.
fn may_assign(mine: Role, theirs: Option<Role>, new: Option<Role>) -> Result<(), ApiError> {
    if mine != Role::Owner && (theirs == Some(Role::Owner) || new == Some(Role::Owner)) {
        return Err(ApiError::Forbidden(
            "only an owner may make or unmake owners".into(),
        ));
    }
    Ok(())
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
    let Some(mut m) = st.store.get_membership(&org, &user).await? else {
        return Err(ApiError::NotFound("member".into()));
    };
    may_assign(mine, Some(m.role), Some(b.role))?;
    m.role = b.role;
    st.store.put_membership(&m).await?;
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
    let Some(m) = st.store.get_membership(&org, &user).await? else {
        return Err(ApiError::NotFound("member".into()));
    };
    if me != user {
        may_assign(mine, Some(m.role), None)?;
    }
    if m.role == Role::Owner {
        let owners = st
            .store
            .list_members(&org, None, 500)
            .await?
            .items
            .iter()
            .filter(|x| x.role == Role::Owner)
            .count();
        if owners <= 1 {
            return Err(ApiError::Conflict {
                message: "an organization keeps at least one owner".into(),
                details: serde_json::Value::Null,
            });
        }
    }
    st.store.delete_membership(&org, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
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

const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

#[utoipa::path(post, path = "/api/v1/orgs/{org}/invitations", tag = "orgs", request_body = InviteBody, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 201, body = InviteResponse)))]
async fn invite(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<InviteBody>,
) -> Result<(StatusCode, axum::Json<InviteResponse>), ApiError> {
    let inviter = user_of(&caller)?.id.clone();
    let mine = access::check(&st, &caller, &org, Need::ManageMembers).await?;
    let email = b.email.trim().to_lowercase();
    validate::email("email", &email)?;
    may_assign(mine, None, Some(b.role))?;
    let token = new_secret("sy_invite");
    let inv = Invitation {
        org_id: org,
        token_hash: hash_secret(&token),
        email: email.clone(),
        role: b.role,
        invited_by: inviter,
        expires_at: now_ms() + INVITATION_TTL_MS,
    };
    st.store.create_invitation(&inv).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(InviteResponse {
            token,
            email,
            role: b.role,
            expires_at: inv.expires_at,
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
    let user = user_of(&caller)?.clone();
    let inv = match st
        .store
        .get_invitation(&hash_secret(b.token.trim()))
        .await?
    {
        Some(inv) if inv.expires_at > now_ms() && inv.email == user.email => inv,
        _ => return Err(ApiError::NotFound("invitation".into())),
    };
    let m = Membership {
        org_id: inv.org_id.clone(),
        user_id: user.id,
        role: inv.role,
        created_at: now_ms(),
    };
    st.store.accept_invitation(&inv, &m).await?;
    Ok(axum::Json(m))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/tokens", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = Vec<ApiToken>)))]
async fn list_tokens(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<Vec<ApiToken>>, ApiError> {
    user_of(&caller)?;
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    Ok(axum::Json(
        st.store.list_api_tokens(&org, None, 500).await?.items,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenBody {
    name: String,
    scopes: Vec<Scope>,
    /// Days until the token expires; none: it does not expire.
    expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once.
    secret: String,
    token: ApiToken,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/tokens", tag = "orgs", request_body = TokenBody, security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 201, body = TokenResponse)))]
async fn create_token(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<TokenBody>,
) -> Result<(StatusCode, axum::Json<TokenResponse>), ApiError> {
    let creator = user_of(&caller)?.id.clone();
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    validate::name("name", &b.name)?;
    if b.scopes.is_empty() {
        return Err(validate::field_error("scopes", "needs at least one scope"));
    }
    let secret = new_secret(API_TOKEN_PREFIX.trim_end_matches('_'));
    let token = ApiToken {
        id: new_id(),
        org_id: org,
        name: b.name.trim().to_owned(),
        scopes: b.scopes,
        secret_hash: hash_secret(&secret),
        prefix: secret.chars().take(14).collect(),
        created_by: creator,
        created_at: now_ms(),
        expires_at: b
            .expires_in_days
            .map(|d| now_ms() + i64::from(d) * 86_400_000),
        revoked_at: None,
    };
    st.store.create_api_token(&token).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenResponse { secret, token }),
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
    let Some(mut t) = st.store.get_api_token(&org, &token).await? else {
        return Err(ApiError::NotFound("API token".into()));
    };
    t.revoked_at.get_or_insert(now_ms());
    st.store.update_api_token(&t).await?;
    Ok(StatusCode::NO_CONTENT)
}
