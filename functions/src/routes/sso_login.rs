//! Signing in with an organization's identity provider (OpenID Connect, authorization code with
//! PKCE S256, `state` and `nonce`):
//!
//! 1. `POST /auth/sso/start` finds the organization (by the email's domain, or by id), keeps the
//!    pending login (state, nonce, verifier: 10 minutes, once) and answers the provider's URL.
//! 2. The provider sends the browser to `GET /auth/sso/callback?code&state`: the code is
//!    exchanged, the ID token validated (signature by the issuer's published keys, issuer,
//!    audience, expiry, nonce, a verified email in an allowed domain), the user found or created
//!    with a membership (just in time, with the default role; members keep theirs), and the
//!    browser sent on (303) to the dashboard's `/sso/complete#ticket=…`, or `#error=<code>`.
//! 3. The dashboard posts the ticket (one use, 2 minutes) to `POST /auth/sso/exchange` and gets
//!    what login answers. An account with two-factor sign-in on sends its code there too.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchyard_core::changes::ChangeError;
use switchyard_core::domain::{User, hash_secret, new_id, now_ms};
use switchyard_core::store::{SsoConfig, SsoLogin, SsoTicket, StoreError};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::address::SourceAddress;
use crate::auth::oidc::{self, Refusal};
use crate::error::ApiError;
use crate::extract::Json;
use crate::routes::auth::SessionResponse;
use crate::state::AppState;
use crate::validate;

/// How long a started sign-in may take at the provider.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// How long the dashboard has to exchange a ticket.
pub const TICKET_TTL_MS: i64 = 2 * 60 * 1000;
/// The password hash of accounts made by single sign-on: no password verifies against it (they
/// set one through "forgot password" if they want one).
pub const NO_PASSWORD: &str = "!sso";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(callback))
        .routes(routes!(exchange))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The user's email: its domain names the organization.
    email: Option<String>,
    /// Or the organization's id.
    org: Option<String>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StartResponse {
    /// Where to send the browser: the identity provider's sign-in.
    authorization_url: String,
}

#[utoipa::path(post, path = "/api/v1/auth/sso/start", tag = "auth", request_body = StartBody,
    responses((status = 200, body = StartResponse),
        (status = 404, description = "no organization signs in with single sign-on for this email's domain (or that organization's is off)"),
        (status = 422), (status = 429, description = "too many starts from this address; see Retry-After"),
        (status = 501, description = "this server offers no single sign-on"),
        (status = 503, description = "the identity provider could not be reached")))]
async fn start(
    State(st): State<AppState>,
    from: SourceAddress,
    Json(b): Json<StartBody>,
) -> Result<axum::Json<StartResponse>, ApiError> {
    let redirect_uri = crate::routes::sso::redirect_uri(&st).filter(|_| st.webhooks.is_some());
    let Some(redirect_uri) = redirect_uri else {
        return Err(ApiError::NotConfigured(
            "this server offers no single sign-on".into(),
        ));
    };
    let email = b.email.as_deref().map(|e| e.trim().to_lowercase());
    let org = match (&email, b.org.as_deref()) {
        (Some(e), None) => {
            validate::email("email", e)?;
            let domain = e.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
            st.store.sso_org_for_domain(domain).await?
        }
        (None, Some(org)) => Some(org.trim().to_owned()),
        _ => {
            return Err(validate::field_error(
                "email",
                "send either an email or an organization id",
            ));
        }
    };
    let not_found = || ApiError::NotFound("single sign-on for this email domain".into());
    let org = org.ok_or_else(not_found)?;
    st.login_limiter.sso_start(&st.store, from).await?;
    let config = st
        .store
        .get_sso_config(&org)
        .await?
        .filter(|c| c.enabled)
        .ok_or_else(not_found)?;
    let provider = oidc::discover(&config.issuer)
        .await
        .map_err(|r| provider_down(&org, &r))?;
    let (state, nonce, verifier) = (
        oidc::random_value(),
        oidc::random_value(),
        oidc::random_value(),
    );
    let url = oidc::authorization_url(
        &provider,
        &oidc::Request {
            client_id: &config.client_id,
            redirect_uri: &redirect_uri,
            state: &state,
            nonce: &nonce,
            verifier: &verifier,
            login_hint: email.as_deref(),
        },
    )
    .map_err(|r| provider_down(&org, &r))?;
    st.store
        .create_sso_login(&SsoLogin {
            state_hash: hash_secret(&state),
            org_id: org,
            nonce,
            verifier,
            expires_at: now_ms() + LOGIN_TTL_MS,
        })
        .await?;
    Ok(axum::Json(StartResponse {
        authorization_url: url,
    }))
}

fn provider_down(org: &str, r: &Refusal) -> ApiError {
    tracing::warn!(org, code = r.code, detail = %r.detail, "single sign-on start failed");
    ApiError::Unavailable(format!(
        "the identity provider could not be reached: {}",
        r.code
    ))
}

#[utoipa::path(get, path = "/api/v1/auth/sso/callback", tag = "auth",
    params(("code" = Option<String>, Query, description = "the authorization code"),
        ("state" = Option<String>, Query, description = "the state the sign-in started with"),
        ("error" = Option<String>, Query, description = "the provider's error, instead of a code")),
    responses((status = 303, description = "to the dashboard's /sso/complete, with #ticket=… (exchange it) or #error=<code>: sso_state_invalid (unknown, used or expired state), sso_denied, sso_disabled, sso_provider_unreachable, sso_code_refused, sso_token_rejected (signature, issuer, audience, expiry, nonce), sso_email_missing, sso_email_unverified, sso_domain_not_allowed, sso_join_refused, sso_failed")))]
async fn callback(State(st): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let dashboard = st
        .webhooks
        .as_ref()
        .map(|w| w.dashboard.trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let fragment = match finish(&st, query.as_deref().unwrap_or_default()).await {
        Ok(ticket) => format!("ticket={ticket}"),
        Err(r) => {
            tracing::info!(code = r.code, detail = %r.detail, "single sign-on refused");
            format!("error={}", r.code)
        }
    };
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let location = format!("{dashboard}/sso/complete#{fragment}");
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The callback's work: a ticket for the signed-in user, or why not.
async fn finish(st: &AppState, query: &str) -> Result<String, Refusal> {
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let failed = |e: &dyn std::fmt::Display| Refusal::new("sso_failed", e.to_string());
    let state = param("state").unwrap_or_default();
    let login = st
        .store
        .take_sso_login(&hash_secret(&state))
        .await
        .map_err(|e| failed(&e))?
        .filter(|l| l.expires_at > now_ms())
        .ok_or_else(|| Refusal::new("sso_state_invalid", "unknown, used or expired state"))?;
    if let Some(error) = param("error") {
        return Err(Refusal::new(
            "sso_denied",
            format!("the provider said {error}"),
        ));
    }
    let config = st
        .store
        .get_sso_config(&login.org_id)
        .await
        .map_err(|e| failed(&e))?
        .filter(|c| c.enabled)
        .ok_or_else(|| Refusal::new("sso_disabled", "single sign-on is off or gone"))?;
    // RFC 9207: a provider that names itself must be the one this sign-in went to.
    if let Some(iss) = param("iss")
        && iss != config.issuer
    {
        return Err(Refusal::new(oidc::TOKEN_REJECTED, format!("iss {iss:?}")));
    }
    let code = param("code").ok_or_else(|| Refusal::new("sso_denied", "no code"))?;
    let identity = identify(st, &config, &login, &code).await?;
    let user = join(st, &config, &identity).await?;
    let ticket = oidc::random_value();
    st.store
        .create_sso_ticket(&SsoTicket {
            ticket_hash: hash_secret(&ticket),
            user_id: user.id,
            org_id: config.org_id,
            expires_at: now_ms() + TICKET_TTL_MS,
        })
        .await
        .map_err(|e| failed(&e))?;
    Ok(ticket)
}

/// The code exchanged and the ID token validated: a verified email in an allowed domain.
async fn identify(
    st: &AppState,
    config: &SsoConfig,
    login: &SsoLogin,
    code: &str,
) -> Result<oidc::Identity, Refusal> {
    let secret = st
        .webhooks
        .as_ref()
        .ok_or_else(|| Refusal::new("sso_failed", "no sealing key"))?
        .sealer
        .open(&config.client_secret)
        .map_err(|e| Refusal::new("sso_failed", e))?;
    let redirect_uri = crate::routes::sso::redirect_uri(st).unwrap_or_default();
    let provider = oidc::discover(&config.issuer).await?;
    let id_token = oidc::exchange(
        &provider,
        &config.client_id,
        &secret,
        code,
        &redirect_uri,
        &login.verifier,
    )
    .await?;
    let identity = oidc::verify(&provider, &config.client_id, &id_token, &login.nonce).await?;
    if !identity.email_verified {
        return Err(Refusal::new(
            "sso_email_unverified",
            format!("{} is not verified", identity.email),
        ));
    }
    let domain = identity.email.rsplit_once('@').map(|(_, d)| d);
    if !domain.is_some_and(|d| config.email_domains.iter().any(|a| a == d)) {
        return Err(Refusal::new(
            "sso_domain_not_allowed",
            format!("{} is outside {:?}", identity.email, config.email_domains),
        ));
    }
    if validate::email("email", &identity.email).is_err() {
        return Err(Refusal::new(
            "sso_email_missing",
            "the email does not parse",
        ));
    }
    Ok(identity)
}

/// The user the identity names, made a member of the organization if it is not one yet (a new
/// user is created with the membership, together).
async fn join(
    st: &AppState,
    config: &SsoConfig,
    identity: &oidc::Identity,
) -> Result<User, Refusal> {
    let failed = |e: &dyn std::fmt::Display| Refusal::new("sso_failed", e.to_string());
    let existing = st
        .store
        .get_user_by_email(&identity.email)
        .await
        .map_err(|e| failed(&e))?;
    let new_user = existing.is_none();
    let user = match existing {
        Some(u) if u.email_verified_at.is_none() => claim(st, u).await?,
        Some(u) => u,
        None => new_account(identity)?,
    };
    st.changes
        .join_by_sso(&user, new_user, &config.org_id, config.default_role)
        .await
        .map_err(|e| match e {
            ChangeError::Quota(q) => Refusal::new("sso_join_refused", q.to_string()),
            ChangeError::Store(StoreError::AlreadyExists(w)) => {
                Refusal::new("sso_failed", format!("{w} appeared meanwhile"))
            }
            other => failed(&other),
        })?;
    Ok(user)
}

/// An account under the provider's verified email that never proved the email itself may have
/// been made in advance by someone else, who chose its password (pre-account hijacking): the
/// provider has now shown whose mailbox it is, so the account's password, second factor and
/// sessions end, and the email counts as verified. Its owner sets a password by reset, if wanted.
async fn claim(st: &AppState, mut u: User) -> Result<User, Refusal> {
    u.password_hash = NO_PASSWORD.to_owned();
    u.totp_secret = None;
    u.totp_pending = None;
    u.recovery_codes.clear();
    u.session_generation += 1;
    u.email_verified_at = Some(now_ms());
    st.store
        .update_user(&u)
        .await
        .map_err(|e| Refusal::new("sso_failed", e.to_string()))?;
    u.version += 1;
    Ok(u)
}

/// A new account for a first single sign-on: no usable password, the email verified (the
/// provider vouched for it); its name from the token, or the email's local part. Built from its
/// stored form, so every other field takes its default.
fn new_account(identity: &oidc::Identity) -> Result<User, Refusal> {
    let local = identity.email.split('@').next().unwrap_or_default();
    let name = [identity.name.as_deref(), Some(local)]
        .into_iter()
        .flatten()
        .map(|n| n.trim().chars().take(100).collect::<String>())
        .find(|n| validate::name("name", n).is_ok())
        .unwrap_or_else(|| "Member".to_owned());
    let now = now_ms();
    serde_json::from_value(serde_json::json!({
        "id": new_id(),
        "email": identity.email,
        "name": name,
        "passwordHash": NO_PASSWORD,
        "sessionGeneration": 0,
        "createdAt": now,
        "emailVerifiedAt": now,
    }))
    .map_err(|e| Refusal::new("sso_failed", e.to_string()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeBody {
    /// The ticket from the dashboard's `/sso/complete#ticket=…`.
    ticket: String,
    /// For accounts with two-factor sign-in: the authenticator's code or a recovery code (asked
    /// for with 401 `two_factor_required`; the ticket stays good until it expires).
    code: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/auth/sso/exchange", tag = "auth", request_body = ExchangeBody,
    responses((status = 200, body = SessionResponse, description = "what login answers; organization: the one signed in through"),
        (status = 401, description = "the ticket is unknown, used or expired, or the code is wrong; code `two_factor_required`: send the authenticator code too"),
        (status = 429, description = "too many failed exchanges from this address; see Retry-After")))]
async fn exchange(
    State(st): State<AppState>,
    from: SourceAddress,
    Json(b): Json<ExchangeBody>,
) -> Result<axum::Json<SessionResponse>, ApiError> {
    st.login_limiter
        .before_sso_exchange(&st.store, from)
        .await?;
    let hash = hash_secret(b.ticket.trim());
    let ticket = st
        .store
        .get_sso_ticket(&hash)
        .await?
        .filter(|t| t.expires_at > now_ms());
    let user = match &ticket {
        Some(t) => st.store.get_user(&t.user_id).await?,
        None => None,
    };
    let (Some(ticket), Some(mut user)) = (ticket, user) else {
        st.login_limiter
            .sso_exchange_failed(&st.store, from)
            .await?;
        return Err(ApiError::Unauthorized(
            "the sign-in ticket is unknown, used or expired: sign in again".into(),
        ));
    };
    if user.totp_secret.is_some() {
        st.login_limiter
            .before_login(&st.store, &user.email, from)
            .await?;
        let Some(code) = b.code.as_deref() else {
            return Err(ApiError::TwoFactorRequired);
        };
        let Some(proof) = crate::auth::second_factor::check(&user, code) else {
            st.login_limiter
                .login_failed(&st.store, &user.email, from)
                .await?;
            return Err(ApiError::Unauthorized(
                "the authenticator or recovery code is wrong or was used already".into(),
            ));
        };
        crate::auth::second_factor::spend(&mut user, proof);
        st.store.update_user(&user).await.map_err(|e| match e {
            StoreError::Conflict { .. } => ApiError::Unauthorized(
                "the authenticator or recovery code is wrong or was used already".into(),
            ),
            other => other.into(),
        })?;
    }
    if !st.store.spend_sso_ticket(&hash).await? {
        st.login_limiter
            .sso_exchange_failed(&st.store, from)
            .await?;
        return Err(ApiError::Unauthorized(
            "the sign-in ticket is unknown, used or expired: sign in again".into(),
        ));
    }
    let token = st
        .jwt
        .issue(&user.id, user.session_generation)
        .map_err(ApiError::Internal)?;
    let org = st.store.get_org(&ticket.org_id).await?;
    Ok(axum::Json(SessionResponse::new(token, &user, org)))
}
