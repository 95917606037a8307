//! Email verification: signing up mails a link with a one-time token, valid for a week, that
//! marks the account's email as the user's. Until then the account cannot invite anyone (so it
//! cannot make this server mail or onboard strangers under an address it does not own). A server
//! that sends no mail cannot verify, so its accounts start verified.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchyard_core::domain::{User, hash_secret, new_secret, now_ms};
use switchyard_core::store::{EmailVerification, StoreError};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::address::SourceAddress;
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

/// How long a verification link works.
pub const VERIFY_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify))
        .routes(routes!(send_again))
}

/// When a new account's email counts as verified: at once on a server that sends no mail.
pub fn verified_at_signup(st: &AppState) -> Option<i64> {
    st.mail.is_none().then(now_ms)
}

/// Refuses an account whose email is not verified yet (403 `email_not_verified`).
pub fn require_verified(u: &User) -> Result<(), ApiError> {
    match u.email_verified_at {
        Some(_) => Ok(()),
        None => Err(ApiError::EmailNotVerified),
    }
}

/// Mails `u` a verification link (nothing without a mail server, or once verified).
pub async fn send_link(st: &AppState, u: &User) -> Result<(), ApiError> {
    let Some(mail) = st.mail.as_ref() else {
        return Ok(());
    };
    if u.email_verified_at.is_some() {
        return Ok(());
    }
    let token = new_secret("sy_verify");
    st.store
        .create_email_verification(&EmailVerification {
            token_hash: hash_secret(&token),
            user_id: u.id.clone(),
            email: u.email.clone(),
            expires_at: now_ms() + VERIFY_TTL_MS,
        })
        .await?;
    // The token travels in the fragment: browsers send it to no server and no Referer.
    let link = format!("{}/verify-email#token={token}", mail.dashboard_url);
    let body = format!(
        "Welcome to Switchyard, {}.\n\n\
         Confirm that this address is yours within a week:\n\n{link}\n\n\
         If you did not sign up, ignore this mail: nobody can invite others in your name.\n",
        u.name
    );
    mail.send(&u.email, "Confirm your Switchyard email", body)
        .await
        .map_err(ApiError::Internal)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The token from the mailed link.
    token: String,
}

#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = VerifyBody,
    responses((status = 204, description = "the email is verified"),
        (status = 404, description = "the link is unknown, used or expired")))]
async fn verify(
    State(st): State<AppState>,
    Json(b): Json<VerifyBody>,
) -> Result<StatusCode, ApiError> {
    let gone = || ApiError::NotFound("verification link".into());
    let v = st
        .store
        .get_email_verification(&hash_secret(b.token.trim()))
        .await?
        .filter(|v| v.expires_at > now_ms())
        .ok_or_else(gone)?;
    let mut user = st.store.get_user(&v.user_id).await?.ok_or_else(gone)?;
    if user.email != v.email {
        return Err(gone());
    }
    user.email_verified_at.get_or_insert(now_ms());
    st.store
        .verify_email(&user, &v)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => gone(),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/verify-email/send", tag = "auth", security(("bearer" = [])),
    responses((status = 202, description = "a new link is on its way"),
        (status = 204, description = "the email is verified already"),
        (status = 401),
        (status = 429, description = "too many links for this account; see Retry-After"),
        (status = 501, description = "this server sends no mail")))]
async fn send_again(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
) -> Result<StatusCode, ApiError> {
    let Caller::User(u) = caller else {
        return Err(ApiError::BadRequest(
            "API tokens have no email to verify".into(),
        ));
    };
    if u.email_verified_at.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    if st.mail.is_none() {
        return Err(ApiError::NotConfigured("this server sends no mail".into()));
    }
    st.login_limiter
        .verification_mail(&st.store, &u.email, from)
        .await?;
    send_link(&st, &u).await?;
    Ok(StatusCode::ACCEPTED)
}
