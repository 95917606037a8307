//! Two-factor sign-in for a user: set up a TOTP secret, confirm it with a first code (which
//! hands out recovery codes), new recovery codes, turn it off; an organization that requires it
//! of its owners and admins keeps them from turning it off.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use switchyard_core::changes::AccountEvent;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use switchyard_core::domain::{Role, User};

use crate::auth::account_log;
use crate::auth::address::SourceAddress;
use crate::auth::{second_factor, totp};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_up_two_factor))
        .routes(routes!(enable_two_factor))
        .routes(routes!(disable_two_factor))
        .routes(routes!(renew_recovery_codes))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    /// One-time codes that stand in for the authenticator app (sign-in, turning two-factor off),
    /// shown once: each works once, and a new set replaces every earlier one.
    recovery_codes: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProofBody {
    /// The authenticator app's 6-digit code, or an unused recovery code.
    #[schema(min_length = 6, max_length = 32)]
    code: String,
}

/// The second factor in `code`, spent on `u` (not yet stored). Wrong codes count and wait like
/// wrong passwords (the same account-and-address limits), so a stolen session cannot guess its
/// way to turning two-factor off.
async fn prove(
    st: &AppState,
    from: SourceAddress,
    u: &mut User,
    code: &str,
) -> Result<second_factor::Proof, ApiError> {
    st.login_limiter
        .before_login(&st.store, &u.email, from)
        .await?;
    let Some(proof) = second_factor::check(u, code) else {
        st.login_limiter
            .login_failed(&st.store, &u.email, from)
            .await?;
        return Err(wrong_code());
    };
    second_factor::spend(u, proof);
    Ok(proof)
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

fn user(caller: Caller) -> Result<User, ApiError> {
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
    responses((status = 200, body = RecoveryCodes, description = "two-factor sign-in is on; keep the recovery codes"), (status = 400), (status = 401),
        (status = 409, description = "no setup to confirm"), (status = 401, description = "the code does not match")))]
async fn enable_two_factor(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
    Json(b): Json<CodeBody>,
) -> Result<axum::Json<RecoveryCodes>, ApiError> {
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
    let (recovery_codes, hashes) = second_factor::new_recovery_codes();
    u.recovery_codes = hashes;
    st.store.update_user(&u).await?;
    account_log::record(&st, &u.id, AccountEvent::TwoFactorEnable, from, json!({})).await;
    Ok(axum::Json(RecoveryCodes { recovery_codes }))
}

#[utoipa::path(post, path = "/api/v1/auth/two-factor/recovery-codes", tag = "auth", request_body = ProofBody, security(("bearer" = [])),
    responses((status = 200, body = RecoveryCodes, description = "a new set; every earlier code stops working"), (status = 400),
        (status = 429, description = "too many wrong codes; see Retry-After"),
        (status = 401, description = "the code does not match"), (status = 409, description = "two-factor sign-in is off")))]
async fn renew_recovery_codes(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
    Json(b): Json<ProofBody>,
) -> Result<axum::Json<RecoveryCodes>, ApiError> {
    let mut u = user(caller)?;
    if u.totp_secret.is_none() {
        return Err(ApiError::Conflict {
            message: "two-factor sign-in is off".into(),
            details: serde_json::Value::Null,
        });
    }
    let proof = prove(&st, from, &mut u, &b.code).await?;
    let (recovery_codes, hashes) = second_factor::new_recovery_codes();
    u.recovery_codes = hashes;
    st.store.update_user(&u).await?;
    let event = AccountEvent::RecoveryCodesRegenerate;
    account_log::record(&st, &u.id, event, from, json!({})).await;
    account_log::proof_used(&st, &u.id, proof, from, "new recovery codes").await;
    Ok(axum::Json(RecoveryCodes { recovery_codes }))
}

#[utoipa::path(post, path = "/api/v1/auth/two-factor/disable", tag = "auth", request_body = ProofBody, security(("bearer" = [])),
    responses((status = 204, description = "two-factor sign-in is off"), (status = 400), (status = 401),
        (status = 409, description = "it is off already, or an organization where this user is an owner or admin requires it"),
        (status = 429, description = "too many wrong codes; see Retry-After"),
        (status = 401, description = "the code does not match")))]
async fn disable_two_factor(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
    Json(b): Json<ProofBody>,
) -> Result<StatusCode, ApiError> {
    let mut u = user(caller)?;
    if u.totp_secret.is_none() {
        return Err(ApiError::Conflict {
            message: "two-factor sign-in is off already".into(),
            details: serde_json::Value::Null,
        });
    }
    let proof = prove(&st, from, &mut u, &b.code).await?;
    if let Some(org) = requiring_org(&st, &u).await? {
        return Err(ApiError::Conflict {
            message: format!(
                "{} requires two-factor sign-in of its owners and admins",
                org.name
            ),
            details: serde_json::json!({"organization": org.id}),
        });
    }
    u.totp_secret = None;
    u.totp_pending = None;
    u.recovery_codes.clear();
    st.store.update_user(&u).await?;
    account_log::record(&st, &u.id, AccountEvent::TwoFactorDisable, from, json!({})).await;
    account_log::proof_used(&st, &u.id, proof, from, "turning two-factor off").await;
    Ok(StatusCode::NO_CONTENT)
}

/// An organization where `u` is an owner or admin and that requires two-factor sign-in.
async fn requiring_org(
    st: &AppState,
    u: &User,
) -> Result<Option<switchyard_core::domain::Organization>, ApiError> {
    // The index of a user's memberships may lag a role change; each role is read again.
    for listed in st.store.memberships_of(&u.id).await? {
        let Some(m) = st.store.get_membership(&listed.org_id, &u.id).await? else {
            continue;
        };
        if m.role < Role::Admin {
            continue;
        }
        if let Some(org) = st.store.get_org(&m.org_id).await?
            && org.require_two_factor
        {
            return Ok(Some(org));
        }
    }
    Ok(None)
}
