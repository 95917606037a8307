//! Two-factor sign-in for a user: set up a TOTP secret, confirm it with a first code, turn it
//! off with a code.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::totp;
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_up_two_factor))
        .routes(routes!(enable_two_factor))
        .routes(routes!(disable_two_factor))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorSetup {
    /// The secret (base32), to type into an authenticator app.
    secret: String,
    /// The same as an `otpauth://totp/…` URL (what a QR code holds).
    otpauth_url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// The authenticator app's 6-digit code.
    #[schema(pattern = "^[0-9]{6}$")]
    code: String,
}

/// A code that does not match is a failed proof of who is asking (as a wrong current password is).
fn wrong_code() -> ApiError {
    ApiError::Unauthorized("the code does not match the app's code now".into())
}

fn user(caller: Caller) -> Result<switchyard_core::domain::User, ApiError> {
    match caller {
        Caller::User(u) => Ok(u),
        Caller::Token(_) => Err(ApiError::BadRequest(
            "API tokens have no two-factor sign-in".into(),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/auth/two-factor/setup", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = TwoFactorSetup, description = "a new secret; it takes effect once a code confirms it"),
        (status = 400), (status = 401), (status = 409, description = "two-factor sign-in is on already")))]
async fn set_up_two_factor(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<TwoFactorSetup>, ApiError> {
    let mut u = user(caller)?;
    if u.totp_secret.is_some() {
        return Err(ApiError::Conflict {
            message: "two-factor sign-in is on already; turn it off first to set up another app"
                .into(),
            details: serde_json::Value::Null,
        });
    }
    let (secret, otpauth_url) = totp::new_secret(&u.email).map_err(ApiError::Internal)?;
    u.totp_pending = Some(secret.clone());
    st.store.update_user(&u).await?;
    Ok(axum::Json(TwoFactorSetup {
        secret,
        otpauth_url,
    }))
}

#[utoipa::path(post, path = "/api/v1/auth/two-factor/enable", tag = "auth", request_body = CodeBody, security(("bearer" = [])),
    responses((status = 204, description = "two-factor sign-in is on"), (status = 400), (status = 401),
        (status = 409, description = "no setup to confirm"), (status = 401, description = "the code does not match")))]
async fn enable_two_factor(
    State(st): State<AppState>,
    caller: Caller,
    Json(b): Json<CodeBody>,
) -> Result<StatusCode, ApiError> {
    let mut u = user(caller)?;
    let Some(pending) = u.totp_pending.clone() else {
        return Err(ApiError::Conflict {
            message: "set up two-factor sign-in first".into(),
            details: serde_json::Value::Null,
        });
    };
    let step = totp::accept(&pending, &b.code, 0).ok_or_else(wrong_code)?;
    u.totp_secret = Some(pending);
    u.totp_pending = None;
    u.totp_last_step = step;
    st.store.update_user(&u).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/two-factor/disable", tag = "auth", request_body = CodeBody, security(("bearer" = [])),
    responses((status = 204, description = "two-factor sign-in is off"), (status = 400), (status = 401),
        (status = 409, description = "it is off already"), (status = 401, description = "the code does not match")))]
async fn disable_two_factor(
    State(st): State<AppState>,
    caller: Caller,
    Json(b): Json<CodeBody>,
) -> Result<StatusCode, ApiError> {
    let mut u = user(caller)?;
    let Some(secret) = u.totp_secret.clone() else {
        return Err(ApiError::Conflict {
            message: "two-factor sign-in is off already".into(),
            details: serde_json::Value::Null,
        });
    };
    totp::accept(&secret, &b.code, u.totp_last_step).ok_or_else(wrong_code)?;
    u.totp_secret = None;
    u.totp_pending = None;
    st.store.update_user(&u).await?;
    Ok(StatusCode::NO_CONTENT)
}
