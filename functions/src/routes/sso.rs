//! An organization's single sign-on settings (OpenID Connect): admins see them, owners change
//! them. The client secret is write-only: stored sealed with the server's sealing key (the one
//! webhook secrets use), never answered, and kept when a change leaves it out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::domain::Role;
use switchyard_core::store::SsoConfig;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;
use crate::validate::field_error;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_sso, put_sso, delete_sso))
}

/// The most email domains one organization's single sign-on lists.
pub const MAX_DOMAINS: usize = 50;

/// An organization's single sign-on, as admins see it (never the client secret).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SsoSettings {
    /// Whether the organization has single sign-on settings at all.
    configured: bool,
    /// The redirect URI to register at the identity provider.
    redirect_uri: String,
    issuer: Option<String>,
    client_id: Option<String>,
    /// Whether a client secret is stored (it is never shown).
    client_secret_set: bool,
    email_domains: Vec<String>,
    default_role: Option<Role>,
    enabled: bool,
    updated_at: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SsoBody {
    /// The provider's issuer identifier: an https URL (plain http only on this machine's
    /// loopback addresses), without query or fragment.
    #[schema(max_length = 500)]
    issuer: String,
    #[schema(min_length = 1, max_length = 255)]
    client_id: String,
    /// Write-only; required the first time, kept when left out later.
    #[schema(min_length = 1, max_length = 1000)]
    client_secret: Option<String>,
    /// Only verified emails in these domains sign in or join (1 to 50).
    #[schema(min_items = 1, max_items = 50)]
    email_domains: Vec<String>,
    /// The role of members who join by signing in: viewer or editor.
    default_role: Role,
    /// Default true.
    enabled: Option<bool>,
}

/// The callback URL identity providers send the browser back to.
pub fn redirect_uri(st: &AppState) -> Option<String> {
    let base = st
        .api_url
        .clone()
        .or_else(|| st.webhooks.as_ref().map(|w| w.dashboard.clone()))?;
    Some(format!(
        "{}/api/v1/auth/sso/callback",
        base.trim_end_matches('/')
    ))
}

/// The sealing key and the redirect URI; without a sealing key this server offers no single
/// sign-on (501).
fn setup(st: &AppState) -> Result<(&crate::webhooks::Sealer, String), ApiError> {
    let not_configured = || {
        ApiError::NotConfigured(
            "this server has no key to seal client secrets with, so it offers no single sign-on"
                .into(),
        )
    };
    let sealer = &st.webhooks.as_ref().ok_or_else(not_configured)?.sealer;
    Ok((sealer, redirect_uri(st).ok_or_else(not_configured)?))
}

fn view(config: Option<&SsoConfig>, redirect_uri: String) -> SsoSettings {
    SsoSettings {
        configured: config.is_some(),
        redirect_uri,
        issuer: config.map(|c| c.issuer.clone()),
        client_id: config.map(|c| c.client_id.clone()),
        client_secret_set: config.is_some_and(|c| !c.client_secret.is_empty()),
        email_domains: config.map(|c| c.email_domains.clone()).unwrap_or_default(),
        default_role: config.map(|c| c.default_role),
        enabled: config.is_some_and(|c| c.enabled),
        updated_at: config.map(|c| c.updated_at),
    }
}

async fn owner(st: &AppState, caller: &Caller, org: &str) -> Result<(), ApiError> {
    if access::check(st, caller, org, Need::ManageMembers).await? < Role::Owner {
        return Err(ApiError::Forbidden(
            "only an owner changes single sign-on".into(),
        ));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/sso", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)),
    responses((status = 200, body = SsoSettings, description = "the settings (configured false: none yet) and the redirect URI to register"),
        (status = 403, description = "admins and owners only"), (status = 404), (status = 501, description = "this server offers no single sign-on")))]
async fn get_sso(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<SsoSettings>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageMembers).await?;
    let (_, redirect) = setup(&st)?;
    let config = st.store.get_sso_config(&org).await?;
    Ok(axum::Json(view(config.as_ref(), redirect)))
}

#[utoipa::path(put, path = "/api/v1/orgs/{org}/sso", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)), request_body = SsoBody,
    responses((status = 200, body = SsoSettings), (status = 403, description = "owners only"), (status = 404),
        (status = 409, description = "an email domain belongs to another organization's single sign-on"),
        (status = 422), (status = 501, description = "this server offers no single sign-on")))]
async fn put_sso(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<SsoBody>,
) -> Result<axum::Json<SsoSettings>, ApiError> {
    owner(&st, &caller, &org).await?;
    let (sealer, redirect) = setup(&st)?;
    let issuer = check_issuer(&b.issuer)?;
    if let Some(w) = st.webhooks.as_ref() {
        // Where webhooks may not go, neither may sign-ins (cloud metadata, internal services).
        w.egress
            .check_url(&issuer)
            .map_err(|m| field_error("issuer", &m))?;
    }
    let client_id = b.client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 255 || client_id.chars().any(char::is_control) {
        return Err(field_error(
            "clientId",
            "must be 1 to 255 characters, without control characters",
        ));
    }
    let domains = check_domains(&b.email_domains)?;
    if !matches!(b.default_role, Role::Viewer | Role::Editor) {
        return Err(field_error(
            "defaultRole",
            "members who join by signing in are viewers or editors",
        ));
    }
    let before = st.store.get_sso_config(&org).await?;
    let client_secret = match (b.client_secret.as_deref().map(str::trim), &before) {
        (Some(s), _) if s.is_empty() || s.len() > 1000 || s.chars().any(char::is_control) => {
            return Err(field_error(
                "clientSecret",
                "must be 1 to 1000 characters, without control characters",
            ));
        }
        (Some(s), _) => sealer.seal(s),
        (None, Some(b)) => b.client_secret.clone(),
        (None, None) => {
            return Err(field_error(
                "clientSecret",
                "is required the first time single sign-on is set up",
            ));
        }
    };
    let next = SsoConfig {
        org_id: org.clone(),
        issuer,
        client_id,
        client_secret,
        email_domains: domains,
        default_role: b.default_role,
        enabled: b.enabled.unwrap_or(true),
        updated_at: st.changes.now(),
    };
    let saved = st.changes.set_sso(&caller.actor(), &next).await?;
    Ok(axum::Json(view(Some(&saved), redirect)))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/sso", tag = "orgs", security(("bearer" = [])),
    params(("org" = String, Path)),
    responses((status = 204, description = "single sign-on is off and its settings gone; members who joined by it stay"),
        (status = 403, description = "owners only"), (status = 404)))]
async fn delete_sso(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<StatusCode, ApiError> {
    owner(&st, &caller, &org).await?;
    st.changes.delete_sso(&caller.actor(), &org).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An issuer: https, or http to a loopback address (a provider on this machine, as in tests);
/// no query, fragment or credentials.
pub fn check_issuer(raw: &str) -> Result<String, ApiError> {
    let bad = |m: &str| field_error("issuer", m);
    // Kept as written (a trailing slash too): ID tokens must name it exactly.
    let issuer = raw.trim().to_owned();
    if issuer.len() > 500 {
        return Err(bad("must be at most 500 characters"));
    }
    let url = url::Url::parse(&issuer).map_err(|_| bad("must be an absolute URL"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(bad("must name a host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(bad(
                "must use https (plain http only on a loopback address)",
            ));
        }
        _ => return Err(bad("must be an https URL")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must have no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    Ok(issuer)
}

/// Email domains: 1 to 50 host names (lower-cased, each with a dot), no repeats.
pub fn check_domains(raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.is_empty() || raw.len() > MAX_DOMAINS {
        return Err(field_error(
            "emailDomains",
            "list 1 to 50 email domains (such as example.com)",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for d in raw {
        let d = d.trim().trim_start_matches('@').to_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if d.len() > 253 || !d.contains('.') || !d.split('.').all(label_ok) {
            return Err(field_error(
                "emailDomains",
                &format!("{d:?} is not a domain name (such as example.com)"),
            ));
        }
        if out.contains(&d) {
            return Err(field_error("emailDomains", &format!("{d} is listed twice")));
        }
        out.push(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_or_loopback_http() {
        assert_eq!(
            check_issuer(" https://idp.example.com/realms/a/ ").unwrap(),
            "https://idp.example.com/realms/a/"
        );
        assert!(check_issuer("http://127.0.0.1:9000").is_ok());
        assert!(check_issuer("http://localhost:9000").is_ok());
        assert!(check_issuer("http://[::1]:9000").is_ok());
        for bad in [
            "http://idp.example.com",
            "ftp://idp.example.com",
            "idp.example.com",
            "https://idp.example.com/?x=1",
            "https://u:p@idp.example.com",
            "",
        ] {
            assert!(check_issuer(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn domains_are_lower_cased_host_names_without_repeats() {
        let ok = check_domains(&["Example.COM".into(), "@b.example.org".into()]).unwrap();
        assert_eq!(ok, vec!["example.com", "b.example.org"]);
        assert!(check_domains(&[]).is_err());
        assert!(check_domains(&["localhost".into()]).is_err());
        assert!(check_domains(&["a..com".into()]).is_err());
        assert!(check_domains(&["a_b.com".into()]).is_err());
        assert!(check_domains(&["a.com".into(), "A.com".into()]).is_err());
    }
}
