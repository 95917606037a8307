//! An organization's policy that its owners and admins sign in with a second factor (issue #16).
//! Codes come from PyPI's `pyotp`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::pyotp::{code_now, next_code};
use common::{Api, Reply, assert_error};
use serde_json::json;

both_stores!(
    an_owner_with_two_factor_can_require_it,
    an_owner_without_two_factor_cannot_require_it,
    an_admin_cannot_set_the_policy,
    an_admin_without_two_factor_is_refused_in_a_requiring_org,
    an_editor_without_two_factor_is_not_affected,
    an_admin_who_turns_two_factor_on_is_let_in,
    an_admin_of_a_requiring_org_cannot_turn_two_factor_off,
    an_empty_settings_patch_changes_nothing,
);

async fn post(api: &Api, path: &str, token: &str, body: serde_json::Value) -> Reply {
    api.call("POST", path, Some(token), Some(body)).await
}

/// Turns two-factor sign-in on for the holder of `token`; its secret.
async fn turn_on(api: &Api, token: &str) -> String {
    let setup = post(api, "/api/v1/auth/two-factor/setup", token, json!({})).await;
    let secret = setup.body["secret"].as_str().unwrap().to_owned();
    let on = post(
        api,
        "/api/v1/auth/two-factor/enable",
        token,
        json!({"code": code_now(&secret)}),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    secret
}

async fn require(api: &Api, token: &str, org: &str, on: bool) -> Reply {
    api.call(
        "PATCH",
        &format!("/api/v1/orgs/{org}"),
        Some(token),
        Some(json!({"requireTwoFactor": on})),
    )
    .await
}

/// `email` joins the owner's organization as `role`: its session token.
async fn member(api: &Api, owner: &str, org: &str, email: &str, role: &str) -> String {
    let (token, _, _) = api.signup(email).await;
    let inv = post(
        api,
        &format!("/api/v1/orgs/{org}/invitations"),
        owner,
        json!({"email": email, "role": role}),
    )
    .await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
    let accepted = post(
        api,
        "/api/v1/invitations/accept",
        &token,
        json!({"token": inv.body["token"]}),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    token
}

/// An organization whose owner (with two-factor on) requires it: (owner token, org id).
async fn requiring_org(api: &Api) -> (String, String) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    turn_on(api, &owner).await;
    let r = require(api, &owner, &org, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (owner, org)
}

async fn projects(api: &Api, token: &str, org: &str) -> Reply {
    api.call(
        "GET",
        &format!("/api/v1/orgs/{org}/projects"),
        Some(token),
        None,
    )
    .await
}

async fn an_owner_with_two_factor_can_require_it(api: Api) {
    let (owner, org) = requiring_org(&api).await;
    let got = api
        .call("GET", &format!("/api/v1/orgs/{org}"), Some(&owner), None)
        .await;
    assert_eq!(got.body["requireTwoFactor"], true, "{}", got.body);
    assert_eq!(projects(&api, &owner, &org).await.status, StatusCode::OK);
}

async fn an_owner_without_two_factor_cannot_require_it(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let r = require(&api, &owner, &org, true).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let got = api
        .call("GET", &format!("/api/v1/orgs/{org}"), Some(&owner), None)
        .await;
    assert_eq!(got.body["requireTwoFactor"], false, "{}", got.body);
}

async fn an_admin_cannot_set_the_policy(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let admin = member(&api, &owner, &org, "admin@example.com", "admin").await;
    turn_on(&api, &admin).await;
    let r = require(&api, &admin, &org, true).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
}

async fn an_admin_without_two_factor_is_refused_in_a_requiring_org(api: Api) {
    let (owner, org) = requiring_org(&api).await;
    let admin = member(&api, &owner, &org, "admin@example.com", "admin").await;
    let r = projects(&api, &admin, &org).await;
    assert_error(&r, StatusCode::FORBIDDEN, "two_factor_setup_required");
}

async fn an_editor_without_two_factor_is_not_affected(api: Api) {
    let (owner, org) = requiring_org(&api).await;
    let editor = member(&api, &owner, &org, "editor@example.com", "editor").await;
    assert_eq!(projects(&api, &editor, &org).await.status, StatusCode::OK);
}

async fn an_admin_who_turns_two_factor_on_is_let_in(api: Api) {
    let (owner, org) = requiring_org(&api).await;
    let admin = member(&api, &owner, &org, "admin@example.com", "admin").await;
    turn_on(&api, &admin).await;
    assert_eq!(projects(&api, &admin, &org).await.status, StatusCode::OK);
}

async fn an_admin_of_a_requiring_org_cannot_turn_two_factor_off(api: Api) {
    let (owner, org) = requiring_org(&api).await;
    let admin = member(&api, &owner, &org, "admin@example.com", "admin").await;
    let secret = turn_on(&api, &admin).await;
    let off = post(
        &api,
        "/api/v1/auth/two-factor/disable",
        &admin,
        json!({"code": next_code(&secret)}),
    )
    .await;
    assert_error(&off, StatusCode::CONFLICT, "conflict");
    assert_eq!(off.body["error"]["details"]["organization"], org.as_str());
    let me = api.call("GET", "/api/v1/auth/me", Some(&admin), None).await;
    assert_eq!(me.body["user"]["twoFactor"], true, "{}", me.body);
}

async fn an_empty_settings_patch_changes_nothing(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let r = api
        .call(
            "PATCH",
            &format!("/api/v1/orgs/{org}"),
            Some(&owner),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["name"], "owner@example.com org");
    assert_eq!(r.body["requireTwoFactor"], false);
}
