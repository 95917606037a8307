//! Single sign-on in tests: an organization with it set up, and each step of a sign-in as the
//! browser takes it (start, the provider's login form, the callback, the exchange).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::oidc::{CALLBACK, CLIENT_ID, CLIENT_SECRET, sign_in};
use super::{Api, Reply};

/// An organization (its owner's token and id) with single sign-on through `issuer` for
/// `domain`, new members joining as `role`.
pub async fn org_with_sso(api: &Api, issuer: &str, domain: &str, role: &str) -> (String, String) {
    let (token, org, _) = api.signup(&format!("owner@owner-{domain}")).await;
    let r = put(api, &token, &org, settings(issuer, domain, role)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (token, org)
}

pub fn settings(issuer: &str, domain: &str, role: &str) -> Value {
    json!({"issuer": issuer, "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET,
        "emailDomains": [domain], "defaultRole": role, "enabled": true})
}

pub async fn put(api: &Api, token: &str, org: &str, body: Value) -> Reply {
    api.call(
        "PUT",
        &format!("/api/v1/orgs/{org}/sso"),
        Some(token),
        Some(body),
    )
    .await
}

pub async fn start(api: &Api, email: &str) -> String {
    let r = api
        .call(
            "POST",
            "/api/v1/auth/sso/start",
            None,
            Some(json!({"email": email})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["authorizationUrl"].as_str().unwrap().to_owned()
}

/// Switchyard's callback with what the provider sent back: where it sends the browser.
pub async fn callback(api: &Api, back: &str) -> String {
    let query = back.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let r = api
        .call(
            "GET",
            &format!("/api/v1/auth/sso/callback?{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("https://switchyard.test/sso/complete#"),
        "{location}"
    );
    location
}

/// A whole sign-in as `login`: the fragment Switchyard sends the dashboard (`ticket=…` or
/// `error=…`).
pub async fn sign_in_as(api: &Api, login: &str) -> String {
    let url = start(api, login).await;
    let back = sign_in(&url, login, CALLBACK).await;
    let location = callback(api, &back).await;
    location.split_once('#').unwrap().1.to_owned()
}

/// A signed-in user (`session`) linking their account to `org`'s single sign-on, signing in at
/// the provider as `login`: the fragment Switchyard sends the dashboard.
pub async fn link_as(api: &Api, session: &str, org: &str, login: &str) -> String {
    let r = api
        .call(
            "POST",
            "/api/v1/auth/sso/link",
            Some(session),
            Some(json!({ "org": org })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url = r.body["authorizationUrl"].as_str().unwrap();
    let back = sign_in(url, login, CALLBACK).await;
    let location = callback(api, &back).await;
    location.split_once('#').unwrap().1.to_owned()
}

pub async fn password_login(api: &Api, email: &str) -> StatusCode {
    let body = json!({"email": email, "password": "correct horse battery"});
    api.call("POST", "/api/v1/auth/login", None, Some(body))
        .await
        .status
}

pub async fn exchange(api: &Api, fragment: &str) -> Reply {
    let ticket = fragment.strip_prefix("ticket=").expect(fragment);
    api.call(
        "POST",
        "/api/v1/auth/sso/exchange",
        None,
        Some(json!({"ticket": ticket})),
    )
    .await
}

pub async fn role_of(api: &Api, token: &str, org: &str) -> Value {
    let me = api.call("GET", "/api/v1/auth/me", Some(token), None).await;
    me.body["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["organization"]["id"] == org)
        .map_or(Value::Null, |m| m["role"].clone())
}

pub async fn members(api: &Api, token: &str, org: &str) -> usize {
    let r = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/members"),
            Some(token),
            None,
        )
        .await;
    r.body.as_array().unwrap().len()
}

/// A refusal: the dashboard is told `code`, and no account or membership was made.
pub async fn refused(api: &Api, owner: &str, org: &str, login: &str, code: &str) {
    let before = members(api, owner, org).await;
    assert_eq!(sign_in_as(api, login).await, format!("error={code}"));
    assert!(api.store.get_user_by_email(login).await.unwrap().is_none());
    assert_eq!(members(api, owner, org).await, before);
}
