//! An organization's single sign-on settings (issue #16): owners set them, admins see them, the
//! client secret is never answered, bad settings change nothing, a domain belongs to one
//! organization, and an issuer must be somewhere the server may reach.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::oidc::{CALLBACK, CLIENT_SECRET};
use common::sso::*;
use common::{Api, assert_error};
use serde_json::{Value, json};

both_stores!(
    an_owner_sets_single_sign_on_and_the_secret_is_never_answered,
    admins_see_the_settings_and_only_owners_change_them,
    bad_settings_are_refused_with_422,
    a_domain_belongs_to_one_organization,
    an_issuer_where_webhooks_may_not_go_is_refused,
);

async fn an_owner_sets_single_sign_on_and_the_secret_is_never_answered(api: Api) {
    let (token, org, _) = api.signup("owner@acme.test").await;
    let url = format!("/api/v1/orgs/{org}/sso");
    let none = api.call("GET", &url, Some(&token), None).await;
    assert_eq!(none.body["configured"], false, "{}", none.body);
    assert_eq!(none.body["redirectUri"], CALLBACK);
    let set = put(
        &api,
        &token,
        &org,
        settings("https://idp.example.com", "acme.test", "viewer"),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let mut change = settings("https://idp.example.com/", "acme.test", "editor");
    change.as_object_mut().unwrap().remove("clientSecret");
    assert_eq!(put(&api, &token, &org, change).await.status, StatusCode::OK);
    let got = api.call("GET", &url, Some(&token), None).await;
    assert_eq!(got.body["issuer"], "https://idp.example.com/");
    assert_eq!(got.body["defaultRole"], "editor");
    assert_eq!(got.body["clientSecretSet"], true);
    // The secret was kept (sealed), and nothing answers or logs it.
    let stored = api.store.get_sso_config(&org).await.unwrap().unwrap();
    assert!(!stored.client_secret.contains(CLIENT_SECRET));
    let sealer = &api.state.webhooks.as_ref().unwrap().sealer;
    assert_eq!(sealer.open(&stored.client_secret).unwrap(), CLIENT_SECRET);
    let audit = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit"),
            Some(&token),
            None,
        )
        .await;
    let log = audit.body.to_string();
    assert!(
        log.contains("sso.create") && log.contains("sso.update"),
        "{log}"
    );
    assert!(!log.contains(CLIENT_SECRET) && !log.contains(&stored.client_secret));
    assert!(!got.body.to_string().contains(CLIENT_SECRET));
    let del = api.call("DELETE", &url, Some(&token), None).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let gone = api.call("GET", &url, Some(&token), None).await;
    assert_eq!(gone.body["configured"], false);
}

async fn admins_see_the_settings_and_only_owners_change_them(api: Api) {
    let (owner, org, _) = api.signup("owner@acme.test").await;
    assert_eq!(
        put(
            &api,
            &owner,
            &org,
            settings("https://idp.example.com", "acme.test", "viewer")
        )
        .await
        .status,
        StatusCode::OK
    );
    let mut tokens = Vec::new();
    for (email, role) in [("admin@acme.test", "admin"), ("editor@acme.test", "editor")] {
        let (token, _, _) = api.signup(email).await;
        let inv = api
            .call(
                "POST",
                &format!("/api/v1/orgs/{org}/invitations"),
                Some(&owner),
                Some(json!({"email": email, "role": role})),
            )
            .await;
        assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
        let r = api
            .call(
                "POST",
                "/api/v1/invitations/accept",
                Some(&token),
                Some(json!({"token": inv.body["token"]})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        tokens.push(token);
    }
    let url = format!("/api/v1/orgs/{org}/sso");
    let seen = api.call("GET", &url, Some(&tokens[0]), None).await;
    assert_eq!(seen.body["issuer"], "https://idp.example.com");
    let change = settings("https://idp.example.com", "acme.test", "editor");
    assert_error(
        &put(&api, &tokens[0], &org, change.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &api.call("DELETE", &url, Some(&tokens[0]), None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &api.call("GET", &url, Some(&tokens[1]), None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let (stranger, _, _) = api.signup("stranger@other.test").await;
    assert_error(
        &api.call("GET", &url, Some(&stranger), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

async fn bad_settings_are_refused_with_422(api: Api) {
    let (token, org, _) = api.signup("owner@acme.test").await;
    let good = settings("https://idp.example.com", "acme.test", "viewer");
    let cases: Vec<(&str, Value)> = vec![
        ("issuer", json!("http://idp.example.com")),
        ("issuer", json!("not a url")),
        ("issuer", json!("https://idp.example.com/?tenant=1")),
        ("clientId", json!("")),
        ("emailDomains", json!([])),
        ("emailDomains", json!(["not a domain"])),
        ("emailDomains", json!(["acme.test", "ACME.test"])),
        ("defaultRole", json!("admin")),
        ("defaultRole", json!("owner")),
        ("clientSecret", json!("")),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        body[field] = value.clone();
        let r = put(&api, &token, &org, body).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert!(
            r.body.to_string().contains(field),
            "{field} {value}: {}",
            r.body
        );
    }
    let mut first = good.clone();
    first.as_object_mut().unwrap().remove("clientSecret");
    assert_error(
        &put(&api, &token, &org, first).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );
    let none = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/sso"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(none.body["configured"], false);
}

async fn a_domain_belongs_to_one_organization(api: Api) {
    let (a, org_a, _) = api.signup("a@one.test").await;
    let (b, org_b, _) = api.signup("b@two.test").await;
    assert_eq!(
        put(
            &api,
            &a,
            &org_a,
            settings("https://idp.one.test", "shared.test", "viewer")
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = put(
        &api,
        &b,
        &org_b,
        settings("https://idp.two.test", "shared.test", "viewer"),
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "conflict");
    // Released when the first organization lists it no more.
    assert_eq!(
        put(
            &api,
            &a,
            &org_a,
            settings("https://idp.one.test", "one.test", "viewer")
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        put(
            &api,
            &b,
            &org_b,
            settings("https://idp.two.test", "shared.test", "viewer")
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        api.store.sso_org_for_domain("shared.test").await.unwrap(),
        Some(org_b)
    );
    assert_eq!(
        api.store.sso_org_for_domain("one.test").await.unwrap(),
        Some(org_a)
    );
}

async fn an_issuer_where_webhooks_may_not_go_is_refused(api: Api) {
    let api = api.with_egress(switchyard_functions::webhooks::Egress::default());
    let (token, org, _) = api.signup("owner@acme.test").await;
    for issuer in ["https://169.254.169.254", "https://10.0.0.7/realms/x"] {
        let r = put(&api, &token, &org, settings(issuer, "acme.test", "viewer")).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    let r = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/sso"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.body["configured"], false, "{}", r.body);
}
