//! API tokens do not live forever (issue #16): each expires (90 days unless its creator chooses,
//! at most ten years), and those a member made end when the member leaves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, Reply, assert_error};
use serde_json::{Value, json};
use switchyard_core::domain::now_ms;

both_stores!(
    a_token_made_without_an_expiry_expires_in_90_days,
    a_token_may_not_outlive_ten_years,
    removing_a_member_ends_the_tokens_they_made,
);

const DAY_MS: i64 = 86_400_000;

async fn make_token(api: &Api, who: &str, org: &str, body: Value) -> Reply {
    api.call(
        "POST",
        &format!("/api/v1/orgs/{org}/tokens"),
        Some(who),
        Some(body),
    )
    .await
}

async fn a_token_made_without_an_expiry_expires_in_90_days(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let r = make_token(
        &api,
        &owner,
        &org,
        json!({"name": "ci", "scopes": ["read"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let expires = r.body["token"]["expiresAt"].as_i64().unwrap();
    let days = (expires - now_ms()) as f64 / DAY_MS as f64;
    assert!((89.9..=90.0).contains(&days), "{days}");
}

async fn a_token_may_not_outlive_ten_years(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let r = make_token(
        &api,
        &owner,
        &org,
        json!({"name": "ci", "scopes": ["read"], "expiresInDays": 3651}),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn removing_a_member_ends_the_tokens_they_made(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let (admin, _, admin_id) = api.signup("admin@example.com").await;
    let inv = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(&owner),
            Some(json!({"email": "admin@example.com", "role": "admin"})),
        )
        .await;
    let accepted = api
        .call(
            "POST",
            "/api/v1/invitations/accept",
            Some(&admin),
            Some(json!({"token": inv.body["token"]})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let made = make_token(
        &api,
        &admin,
        &org,
        json!({"name": "ci", "scopes": ["read"]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    let projects = format!("/api/v1/orgs/{org}/projects");
    assert_eq!(
        api.call("GET", &projects, Some(&secret), None).await.status,
        StatusCode::OK
    );
    let removed = api
        .call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/members/{admin_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    assert_eq!(
        api.call("GET", &projects, Some(&secret), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}
