//! Accounts, sessions and organization administration, through the real routers, on both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_error};
use serde_json::json;

both_stores!(accounts_and_sessions, organization_administration);

async fn accounts_and_sessions(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    let dup = api.call("POST", "/api/v1/auth/signup", None, Some(json!({"email": "ADA@example.com", "password": "another long pw", "name": "A", "organization": "X"}))).await;
    assert_error(&dup, StatusCode::CONFLICT, "conflict");
    let weak = api.call("POST", "/api/v1/auth/signup", None, Some(json!({"email": "b@example.com", "password": "short", "name": "B", "organization": "X"}))).await;
    assert_error(&weak, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(weak.body["error"]["details"][0]["path"], "/password");

    let me = api.call("GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "ada@example.com");
    assert!(
        me.body["user"].get("passwordHash").is_none(),
        "never the hash"
    );
    assert_eq!(
        me.body["memberships"][0]["organization"]["id"],
        org.as_str()
    );
    assert_eq!(me.body["memberships"][0]["role"], "owner");

    let bad = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@example.com", "password": "wrong password!"})),
        )
        .await;
    assert_error(&bad, StatusCode::UNAUTHORIZED, "unauthorized");
    let nobody = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@example.com", "password": "wrong password!"})),
        )
        .await;
    assert_eq!(
        nobody.body["error"]["message"], bad.body["error"]["message"],
        "unknown email and wrong password look alike"
    );
    let ok = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "Ada@Example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let second = ok.body["token"].as_str().unwrap().to_owned();

    let changed = api.call("POST", "/api/v1/auth/password", Some(&second), Some(json!({"currentPassword": "correct horse battery", "newPassword": "a brand new password"}))).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let third = changed.body["token"].as_str().unwrap().to_owned();
    assert_error(
        &api.call("GET", "/api/v1/auth/me", Some(&token), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(
        api.call("GET", "/api/v1/auth/me", Some(&third), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.call("POST", "/api/v1/auth/logout", Some(&third), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &api.call("GET", "/api/v1/auth/me", Some(&third), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let relogin = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@example.com", "password": "a brand new password"})),
        )
        .await;
    assert_eq!(relogin.status, StatusCode::OK);
}

async fn organization_administration(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let (viewer, _, viewer_id) = api.signup("viewer@example.com").await;
    let o = Some(owner.as_str());
    let second = api
        .call("POST", "/api/v1/orgs", o, Some(json!({"name": "Second"})))
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(
        api.call("GET", "/api/v1/orgs", o, None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        api.call("GET", &format!("/api/v1/orgs/{org}"), o, None)
            .await
            .body["id"],
        org.as_str()
    );

    let inv = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/invitations"),
            o,
            Some(json!({"email": "viewer@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
    let token = inv.body["token"].as_str().unwrap();
    assert_error(
        &api.call(
            "POST",
            "/api/v1/invitations/accept",
            o,
            Some(json!({"token": token})),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let accepted = api
        .call(
            "POST",
            "/api/v1/invitations/accept",
            Some(&viewer),
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(accepted.body["role"], "viewer", "{}", accepted.body);
    assert_eq!(
        api.call("GET", &format!("/api/v1/orgs/{org}/members"), o, None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A viewer reads but does not write.
    let v = Some(viewer.as_str());
    assert_eq!(
        api.call("GET", &format!("/api/v1/orgs/{org}/projects"), v, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &api.call(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            v,
            Some(json!({"name": "X"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &api.call(
            "PUT",
            &format!("/api/v1/orgs/{org}/members/{viewer_id}"),
            v,
            Some(json!({"role": "owner"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let promoted = api
        .call(
            "PUT",
            &format!("/api/v1/orgs/{org}/members/{viewer_id}"),
            o,
            Some(json!({"role": "editor"})),
        )
        .await;
    assert_eq!(promoted.body["role"], "editor");

    // API tokens act with their scopes and can be revoked.
    let created = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/tokens"),
            o,
            Some(json!({"name": "ci", "scopes": ["read", "write-flags"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    let token_id = created.body["token"]["id"].as_str().unwrap().to_owned();
    let s = Some(secret.as_str());
    assert_eq!(
        api.call("GET", &format!("/api/v1/orgs/{org}/projects"), s, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &api.call(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            s,
            Some(json!({"name": "X"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &api.call("GET", &format!("/api/v1/orgs/{org}/tokens"), s, None)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(
        api.call("GET", &format!("/api/v1/orgs/{org}/tokens"), o, None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/tokens/{token_id}"),
            o,
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &api.call("GET", &format!("/api/v1/orgs/{org}/projects"), s, None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );

    // The last owner stays; members can be removed.
    let owner_id = api.call("GET", "/api/v1/auth/me", o, None).await.body["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &api.call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/members/{owner_id}"),
            o,
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_eq!(
        api.call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/members/{viewer_id}"),
            o,
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &api.call("GET", &format!("/api/v1/orgs/{org}"), v, None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}
