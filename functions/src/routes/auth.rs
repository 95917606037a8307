//! Sign-up, sign-in, sign-out, the current user, password change.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use switchyard_core::changes::AccountEvent;
use switchyard_core::domain::{Organization, User, hash_secret, new_id, now_ms};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::account_log;
use crate::auth::address::SourceAddress;
use crate::auth::password;
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::routes::email_verification;
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(renew_session))
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SessionResponse, description = "a new token for this session: another 30 minutes, never past 12 hours from the sign-in"),
        (status = 400, description = "API tokens do not renew"),
        (status = 401, description = "the session has ended (idle, 12 hours old, logged out)")))]
async fn renew_session(
    State(st): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
) -> Result<axum::Json<SessionResponse>, ApiError> {
    let Caller::User(u) = caller else {
        return Err(ApiError::BadRequest(
            "API tokens do not renew: they expire when their creator chose".into(),
        ));
    };
    let claims = crate::extract::bearer_of(&headers)
        .and_then(|t| st.jwt.verify(t).ok())
        .ok_or_else(|| ApiError::Unauthorized("the session has ended".into()))?;
    let token = st.jwt.renew(&claims).map_err(ApiError::Unauthorized)?;
    Ok(axum::Json(SessionResponse {
        token,
        user: (&u).into(),
        organization: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    #[schema(value_type = switchyard_core::changes::rules::schema::Email)]
    email: String,
    /// 10 to 256 characters (at most 256 bytes of UTF-8).
    #[schema(min_length = 10, max_length = 256)]
    password: String,
    #[schema(value_type = switchyard_core::changes::rules::schema::Name)]
    name: String,
    /// The name of the organization to create, with the new user as its owner (default: "<name>'s
    /// organization"; ignored when `invitation` is sent).
    #[schema(value_type = Option<switchyard_core::changes::rules::schema::Name>)]
    organization: Option<String>,
    /// An invitation token sent to this email: the new user joins the inviting organization with
    /// the invited role and no organization is created.
    invitation: Option<String>,
}

/// A user as the API shows one: never the password hash.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicUser {
    id: String,
    email: String,
    name: String,
    created_at: i64,
    /// Whether signing in asks for an authenticator code.
    two_factor: bool,
    /// How many unused recovery codes are left.
    recovery_codes_left: usize,
    /// Whether the user confirmed the email (by the mailed link, or through single sign-on).
    email_verified: bool,
}

impl From<&User> for PublicUser {
    fn from(u: &User) -> Self {
        PublicUser {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            created_at: u.created_at,
            two_factor: u.totp_secret.is_some(),
            recovery_codes_left: u.recovery_codes.len(),
            email_verified: u.email_verified_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    token: String,
    user: PublicUser,
    organization: Option<Organization>,
}

impl SessionResponse {
    /// A signed-in session's answer (single sign-on answers what login does).
    pub(crate) fn new(token: String, user: &User, organization: Option<Organization>) -> Self {
        SessionResponse {
            token,
            user: user.into(),
            organization,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupBody,
    responses((status = 201, body = SessionResponse), (status = 404, description = "the invitation does not exist, was revoked or has expired"), (status = 409, description = "email in use"), (status = 422), (status = 429, description = "too many signups from this address; see Retry-After")))]
async fn signup(
    State(st): State<AppState>,
    from: SourceAddress,
    Json(b): Json<SignupBody>,
) -> Result<(StatusCode, axum::Json<SessionResponse>), ApiError> {
    st.login_limiter.signup(&st.store, from).await?;
    let email = b.email.trim().to_lowercase();
    validate::email("email", &email)?;
    validate::name("name", &b.name)?;
    match (&b.invitation, &b.organization) {
        (Some(token), _) => invited(&st, token, &email).await?,
        (None, Some(org)) => validate::name("organization", org)?,
        (None, None) => {}
    }
    password::check_new(&b.password).map_err(|m| validate::field_error("password", &m))?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&b.password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    let user = User {
        id: new_id(),
        email,
        name: b.name.trim().to_owned(),
        password_hash: hash,
        session_generation: 0,
        version: 0,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: 0,
        recovery_codes: Vec::new(),
        email_verified_at: email_verification::verified_at_signup(&st),
        sso_org: None,
        created_at: now_ms(),
    };
    // One change each way: the user exists only if its organization or membership does.
    let org = match (&b.invitation, &b.organization) {
        (Some(token), _) => {
            let joined = st.changes.sign_up_invited(&user, token).await?;
            st.store
                .get_org(&joined.org_id)
                .await?
                .ok_or_else(|| ApiError::NotFound("organization".into()))?
        }
        (None, Some(name)) => st.changes.sign_up(&user, name).await?,
        (None, None) => {
            let name: String = format!("{}'s organization", user.name)
                .chars()
                .take(100)
                .collect();
            st.changes.sign_up(&user, &name).await?
        }
    };
    // The account exists now: a mail server that fails here must not undo it (the user can ask
    // for another link).
    if let Err(e) = email_verification::send_link(&st, &user).await {
        tracing::warn!(error = %e, "the verification mail was not sent");
    }
    let token = st
        .jwt
        .issue(&user.id, user.session_generation)
        .map_err(ApiError::Internal)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SessionResponse {
            token,
            user: (&user).into(),
            organization: Some(org),
        }),
    ))
}

/// An invitation that `email` may accept: checked before the account is made, so a wrong or
/// expired token makes no account.
async fn invited(st: &AppState, token: &str, email: &str) -> Result<(), ApiError> {
    let found = st.store.get_invitation(&hash_secret(token.trim())).await?;
    match found {
        Some(inv) if inv.expires_at > now_ms() && inv.email == email => Ok(()),
        Some(inv) if inv.expires_at > now_ms() => Err(validate::field_error(
            "email",
            "this invitation was sent to another email address",
        )),
        _ => Err(ApiError::NotFound("invitation".into())),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
    /// The authenticator app's 6-digit code or an unused recovery code, for accounts with
    /// two-factor sign-in (asked for with 401 `two_factor_required` after a right password).
    code: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = SessionResponse), (status = 401, description = "wrong email, password or code; code `two_factor_required`: the password is right, send the authenticator code too"), (status = 429, description = "too many attempts; see Retry-After")))]
async fn login(
    State(st): State<AppState>,
    from: SourceAddress,
    Json(b): Json<LoginBody>,
) -> Result<axum::Json<SessionResponse>, ApiError> {
    let email = b.email.trim().to_lowercase();
    st.login_limiter
        .before_login(&st.store, &email, from)
        .await?;
    let user = st.store.get_user_by_email(&email).await?;
    // Without a user, verify against a fixed hash anyway, so timing does not tell who exists.
    let stored = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || password::verify(&b.password, &stored))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let known = user.as_ref().map(|u| u.id.clone());
    match user {
        Some(mut u) if ok => {
            let mut proved = None;
            if u.totp_secret.is_some() {
                let Some(code) = b.code.as_deref() else {
                    return Err(ApiError::TwoFactorRequired);
                };
                let Some(proof) = crate::auth::second_factor::check(&u, code) else {
                    st.login_limiter
                        .login_failed(&st.store, &email, from)
                        .await?;
                    let why = json!({"reason": "second_factor"});
                    account_log::record(&st, &u.id, AccountEvent::LoginFailed, from, why).await;
                    return Err(ApiError::Unauthorized(
                        "the authenticator or recovery code is wrong or was used already".into(),
                    ));
                };
                // The code is spent: a second sign-in with it fails (and so does a racing one).
                crate::auth::second_factor::spend(&mut u, proof);
                st.store.update_user(&u).await.map_err(|e| match e {
                    switchyard_core::store::StoreError::Conflict { .. } => ApiError::Unauthorized(
                        "the authenticator or recovery code is wrong or was used already".into(),
                    ),
                    other => other.into(),
                })?;
                proved = Some(proof);
            }
            st.login_limiter
                .login_succeeded(&st.store, &email, from)
                .await?;
            let how = json!({"secondFactor": proved.map(account_log::second_factor)});
            account_log::record(&st, &u.id, AccountEvent::Login, from, how).await;
            if let Some(proof) = proved {
                account_log::proof_used(&st, &u.id, proof, from, "sign-in").await;
            }
            let token = st
                .jwt
                .issue(&u.id, u.session_generation)
                .map_err(ApiError::Internal)?;
            Ok(axum::Json(SessionResponse {
                token,
                user: (&u).into(),
                organization: None,
            }))
        }
        _ => {
            st.login_limiter
                .login_failed(&st.store, &email, from)
                .await?;
            if let Some(id) = known {
                let why = json!({"reason": "password"});
                account_log::record(&st, &id, AccountEvent::LoginFailed, from, why).await;
            }
            Err(ApiError::Unauthorized(
                "the email or the password is wrong".into(),
            ))
        }
    }
}

/// An argon2id hash of a random password nobody knows, with the same parameters as real ones:
/// verifying against it costs what a real check costs.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    password::hash(&switchyard_core::domain::new_secret("nobody")).unwrap_or_default()
});

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "every session of this user has ended"), (status = 401)))]
async fn logout(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
) -> Result<StatusCode, ApiError> {
    let Caller::User(mut u) = caller else {
        return Err(ApiError::BadRequest(
            "API tokens do not sign in; revoke the token instead".into(),
        ));
    };
    u.session_generation += 1;
    st.store.update_user(&u).await?;
    account_log::record(&st, &u.id, AccountEvent::Logout, from, json!({})).await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    user: Option<PublicUser>,
    /// For an API token: the token's id.
    token: Option<String>,
    memberships: Vec<crate::access::OrgWithRole>,
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401)))]
async fn me(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<MeResponse>, ApiError> {
    let (user, token) = match &caller {
        Caller::User(u) => (Some(u.into()), None),
        Caller::Token(t) => (None, Some(t.id.clone())),
    };
    let views = crate::access::organizations(&st, &caller).await?;
    Ok(axum::Json(MeResponse {
        user,
        token,
        memberships: views,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordBody {
    current_password: String,
    /// 10 to 256 characters (at most 256 bytes of UTF-8).
    #[schema(min_length = 10, max_length = 256)]
    new_password: String,
}

#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordBody, security(("bearer" = [])),
    responses((status = 200, body = SessionResponse, description = "other sessions end; a new token is returned"), (status = 401), (status = 422)))]
async fn change_password(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
    Json(b): Json<PasswordBody>,
) -> Result<axum::Json<SessionResponse>, ApiError> {
    let Caller::User(mut u) = caller else {
        return Err(ApiError::BadRequest("API tokens have no password".into()));
    };
    password::check_new(&b.new_password).map_err(|m| validate::field_error("newPassword", &m))?;
    let stored = u.password_hash.clone();
    let (ok, hash) = tokio::task::spawn_blocking(move || {
        (
            password::verify(&b.current_password, &stored),
            password::hash(&b.new_password),
        )
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    if !ok {
        return Err(ApiError::Unauthorized(
            "the current password is wrong".into(),
        ));
    }
    u.password_hash = hash.map_err(ApiError::Internal)?;
    u.session_generation += 1;
    st.store.update_user(&u).await?;
    account_log::record(&st, &u.id, AccountEvent::PasswordChange, from, json!({})).await;
    let token = st
        .jwt
        .issue(&u.id, u.session_generation)
        .map_err(ApiError::Internal)?;
    Ok(axum::Json(SessionResponse {
        token,
        user: (&u).into(),
        organization: None,
    }))
}
