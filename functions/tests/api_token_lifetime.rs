//! API tokens do not live forever (issue #16): each expires (90 days unless its creator chooses,
//! at most ten years), and those a member made end when the member leaves; a service account's
//! tokens belong to the organization and stay.
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
    a_service_account_token_outlives_its_creators_membership,
    only_owners_make_service_account_tokens,
    a_service_account_needs_a_name,
    the_token_list_names_each_tokens_service_account,
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

/// Signs `email` up and makes them a member of `org` with `role`: (session token, user id).
async fn join(api: &Api, owner: &str, org: &str, email: &str, role: &str) -> (String, String) {
    let (session, _, id) = api.signup(email).await;
    let inv = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(owner),
            Some(json!({"email": email, "role": role})),
        )
        .await;
    let accepted = api
        .call(
            "POST",
            "/api/v1/invitations/accept",
            Some(&session),
            Some(json!({"token": inv.body["token"]})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    (session, id)
}

async fn token_count(api: &Api, owner: &str, org: &str) -> usize {
    let r = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(owner),
            None,
        )
        .await;
    r.body.as_array().unwrap().len()
}

async fn a_service_account_token_outlives_its_creators_membership(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let (second, second_id) = join(&api, &owner, &org, "second@example.com", "owner").await;
    let made = make_token(
        &api,
        &second,
        &org,
        json!({"name": "deploys", "scopes": ["read"], "serviceAccount": "pipeline"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    let removed = api
        .call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/members/{second_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    let projects = format!("/api/v1/orgs/{org}/projects");
    assert_eq!(
        api.call("GET", &projects, Some(&secret), None).await.status,
        StatusCode::OK
    );
}

async fn only_owners_make_service_account_tokens(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let (admin, _) = join(&api, &owner, &org, "admin@example.com", "admin").await;
    let r = make_token(
        &api,
        &admin,
        &org,
        json!({"name": "deploys", "scopes": ["read"], "serviceAccount": "pipeline"}),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(token_count(&api, &owner, &org).await, 0);
}

async fn a_service_account_needs_a_name(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let r = make_token(
        &api,
        &owner,
        &org,
        json!({"name": "deploys", "scopes": ["read"], "serviceAccount": " "}),
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(token_count(&api, &owner, &org).await, 0);
}

async fn the_token_list_names_each_tokens_service_account(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    for body in [
        json!({"name": "deploys", "scopes": ["read"], "serviceAccount": "pipeline"}),
        json!({"name": "mine", "scopes": ["read"]}),
    ] {
        let r = make_token(&api, &owner, &org, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&owner),
            None,
        )
        .await;
    let mut accounts: Vec<Value> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["serviceAccount"].clone())
        .collect();
    accounts.sort_by_key(Value::to_string);
    assert_eq!(accounts, vec![json!("pipeline"), Value::Null]);
}
