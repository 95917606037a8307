//! Password reset by mail: a link with a one-time token, valid for an hour, that sets a new
//! password and ends every session.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchyard_core::changes::AccountEvent;
use switchyard_core::domain::{hash_secret, new_secret, now_ms};
use switchyard_core::store::{PasswordReset, StoreError};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::account_log;
use crate::auth::address::SourceAddress;
use crate::auth::password;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;
use crate::validate;

/// How long a reset link works.
pub const RESET_TTL_MS: i64 = 3600 * 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(value_type = switchyard_core::changes::rules::schema::Email)]
    email: String,
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    responses((status = 202, description = "if an account has this email, a reset link is on its way (the same answer either way)"),
        (status = 429, description = "too many requests for this address or account; see Retry-After"),
        (status = 501, description = "this server sends no mail")))]
async fn request_reset(
    State(st): State<AppState>,
    from: SourceAddress,
    Json(b): Json<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    let Some(mail) = st.mail.as_ref() else {
        return Err(ApiError::NotConfigured(
            "this server sends no mail, so passwords cannot be reset by mail; ask an administrator"
                .into(),
        ));
    };
    let email = b.email.trim().to_lowercase();
    validate::email("email", &email)?;
    st.login_limiter
        .password_reset(&st.store, &email, from)
        .await?;
    let Some(user) = st.store.get_user_by_email(&email).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    let token = new_secret("sy_reset");
    st.store
        .create_password_reset(&PasswordReset {
            token_hash: hash_secret(&token),
            user_id: user.id.clone(),
            expires_at: now_ms() + RESET_TTL_MS,
        })
        .await?;
    // The token travels in the fragment: browsers send it to no server and no Referer.
    let link = format!("{}/reset-password#token={token}", mail.dashboard_url);
    let body = format!(
        "Someone (we hope you) asked to reset the password of your Switchyard account.\n\n\
         Set a new one here within the hour:\n\n{link}\n\n\
         If it was not you, ignore this mail: your password stays as it is.\n"
    );
    mail.send(&user.email, "Reset your Switchyard password", body)
        .await
        .map_err(ApiError::Internal)?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    /// The token from the mailed link.
    token: String,
    /// The new password.
    password: String,
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = ResetConfirm,
    responses((status = 204, description = "the password is set and every session has ended: sign in with it"),
        (status = 404, description = "the link is unknown, used or expired"),
        (status = 422)))]
async fn confirm_reset(
    State(st): State<AppState>,
    from: SourceAddress,
    Json(b): Json<ResetConfirm>,
) -> Result<StatusCode, ApiError> {
    let gone = || ApiError::NotFound("reset link".into());
    let reset = st
        .store
        .get_password_reset(&hash_secret(b.token.trim()))
        .await?
        .filter(|r| r.expires_at > now_ms())
        .ok_or_else(gone)?;
    password::check_new(&b.password).map_err(|m| validate::field_error("password", &m))?;
    let mut user = st.store.get_user(&reset.user_id).await?.ok_or_else(gone)?;
    let new = b.password;
    user.password_hash = tokio::task::spawn_blocking(move || password::hash(&new))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    user.session_generation += 1;
    // The link reached the mailbox: the email is the user's.
    user.email_verified_at.get_or_insert(now_ms());
    st.store
        .reset_password(&user, &reset)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => gone(),
            other => other.into(),
        })?;
    let event = AccountEvent::PasswordReset;
    account_log::record(&st, &user.id, event, from, serde_json::json!({})).await;
    Ok(StatusCode::NO_CONTENT)
}
