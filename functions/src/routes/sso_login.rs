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
//!    Only accounts this organization's single sign-on made, or that their users linked to it
//!    (`POST /auth/sso/link`, signed in, then the same provider sign-in with the account's own
//!    email), sign in this way: domains are not proved, so an owner could point a provider at
//!    anyone's domain, and its word alone must not open an account it did not make.
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
use crate::extract::{Caller, Json};
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
        .routes(routes!(link))
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
    let org =
        org.ok_or_else(|| ApiError::NotFound("single sign-on for this email domain".into()))?;
    st.login_limiter.sso_start(&st.store, from).await?;
    let url = begin(&st, &org, email.as_deref(), None).await?;
    Ok(axum::Json(StartResponse {
        authorization_url: url,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// The organization whose single sign-on the signed-in account will sign in with.
    org: String,
}

#[utoipa::path(post, path = "/api/v1/auth/sso/link", tag = "auth", request_body = LinkBody, security(("bearer" = [])),
    responses((status = 200, body = StartResponse, description = "sign in at the provider as this account's email: the account then signs in with this organization's single sign-on"),
        (status = 401), (status = 404, description = "the organization has no single sign-on (or it is off)"),
        (status = 429, description = "too many starts from this address; see Retry-After"),
        (status = 501, description = "this server offers no single sign-on"),
        (status = 503, description = "the identity provider could not be reached")))]
async fn link(
    State(st): State<AppState>,
    caller: Caller,
    from: SourceAddress,
    Json(b): Json<LinkBody>,
) -> Result<axum::Json<StartResponse>, ApiError> {
    let Caller::User(u) = caller else {
        return Err(ApiError::BadRequest(
            "API tokens do not sign in; link single sign-on from a session".into(),
        ));
    };
    st.login_limiter.sso_start(&st.store, from).await?;
    let url = begin(&st, b.org.trim(), Some(&u.email), Some(u.id.clone())).await?;
    Ok(axum::Json(StartResponse {
        authorization_url: url,
    }))
}

/// Keeps a pending sign-in with `org`'s identity provider (linking `link_user`'s account, when
/// set) and answers the provider's URL to send the browser to.
async fn begin(
    st: &AppState,
    org: &str,
    email: Option<&str>,
    link_user: Option<String>,
) -> Result<String, ApiError> {
    let redirect_uri = crate::routes::sso::redirect_uri(st).filter(|_| st.webhooks.is_some());
    let Some(redirect_uri) = redirect_uri else {
        return Err(ApiError::NotConfigured(
            "this server offers no single sign-on".into(),
        ));
    };
    let not_found = || ApiError::NotFound("single sign-on for this email domain".into());
    let config = st
        .store
        .get_sso_config(org)
        .await?
        .filter(|c| c.enabled)
        .ok_or_else(not_found)?;
    let egress = st.webhooks.as_ref().map(|w| w.egress).unwrap_or_default();
    let provider = oidc::discover(&oidc::Http::new(egress), &config.issuer)
        .await
        .map_err(|r| provider_down(org, &r))?;
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
            login_hint: email,
        },
    )
    .map_err(|r| provider_down(org, &r))?;
    st.store
        .create_sso_login(&SsoLogin {
            state_hash: hash_secret(&state),
            org_id: org.to_owned(),
            nonce,
            verifier,
            link_user,
            expires_at: now_ms() + LOGIN_TTL_MS,
        })
        .await?;
    Ok(url)
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
    responses((status = 303, description = "to the dashboard's /sso/complete, with #ticket=… (exchange it) or #error=<code>: sso_state_invalid (unknown, used or expired state), sso_denied, sso_disabled, sso_provider_unreachable, sso_code_refused, sso_token_rejected (signature, issuer, audience, expiry, nonce), sso_email_missing, sso_email_unverified, sso_domain_not_allowed, sso_account_exists (an account with this email that this single sign-on neither made nor was linked to), sso_link_mismatch (a link signed in another email), sso_join_refused, sso_failed")))]
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
    let user = join(st, &config, &login, &identity).await?;
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
    let setup = st
        .webhooks
        .as_ref()
        .ok_or_else(|| Refusal::new("sso_failed", "no sealing key"))?;
    let secret = setup
        .sealer
        .open(&config.client_secret)
        .map_err(|e| Refusal::new("sso_failed", e))?;
    let http = oidc::Http::new(setup.egress);
    let redirect_uri = crate::routes::sso::redirect_uri(st).unwrap_or_default();
    let provider = oidc::discover(&http, &config.issuer).await?;
    let id_token = oidc::exchange(
        &http,
        &provider,
        &config.client_id,
        &secret,
        code,
        &redirect_uri,
        &login.verifier,
    )
    .await?;
    let identity =
        oidc::verify(&http, &provider, &config.client_id, &id_token, &login.nonce).await?;
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
/// user is created with the membership, together). An account this organization's single sign-on
/// neither made nor was linked to is refused: a provider vouches for its organization's people,
/// and an owner could point it at any email domain.
async fn join(
    st: &AppState,
    config: &SsoConfig,
    login: &SsoLogin,
    identity: &oidc::Identity,
) -> Result<User, Refusal> {
    let failed = |e: &dyn std::fmt::Display| Refusal::new("sso_failed", e.to_string());
    let existing = st
        .store
        .get_user_by_email(&identity.email)
        .await
        .map_err(|e| failed(&e))?;
    let new_user = existing.is_none();
    let user = match (existing, &login.link_user) {
        (Some(u), Some(linking)) if &u.id == linking => linked(st, u, &config.org_id).await?,
        (_, Some(_)) => {
            return Err(Refusal::new(
                "sso_link_mismatch",
                "the provider signed in another email than the account's",
            ));
        }
        (Some(u), None) if u.sso_org.as_deref() == Some(config.org_id.as_str()) => u,
        (Some(_), None) => {
            return Err(Refusal::new(
                "sso_account_exists",
                "an account with this email exists and is not linked to this single sign-on",
            ));
        }
        (None, None) => new_account(identity, &config.org_id)?,
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

/// Links a signed-in user's account to `org`'s single sign-on: the user proved the account (a
/// session) and the provider proved the same email, so from now on it signs in this way too.
async fn linked(st: &AppState, mut u: User, org: &str) -> Result<User, Refusal> {
    u.sso_org = Some(org.to_owned());
    u.email_verified_at.get_or_insert(now_ms());
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
fn new_account(identity: &oidc::Identity, org: &str) -> Result<User, Refusal> {
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
        "ssoOrg": org,
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
