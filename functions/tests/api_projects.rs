//! Projects, environments and SDK keys, through the real routers, on both stores: one behaviour per test, each from its own
//! small fixture (`common::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::{Project, next_change};
use common::{Api, assert_error};
use serde_json::json;

both_stores!(
    creating_a_project_makes_development_and_production,
    a_project_can_be_read_and_is_listed_in_its_organization,
    environment_keys_are_unique_within_a_project,
    renaming_an_environment_publishes_a_change_for_it,
    an_allowed_origin_that_is_not_a_web_origin_answers_422,
    a_new_key_shows_its_secret_once_and_never_its_hash,
    rotating_a_key_issues_a_new_secret_and_the_old_key_expires_in_a_day,
    the_key_a_rotation_issued_can_be_deleted,
);

// Projects and environments.

async fn creating_a_project_makes_development_and_production(api: Api) {
    let p = Project::new(api).await;
    assert_eq!(p.created.body["environments"][0]["key"], "development");
    assert_eq!(p.created.body["environments"][1]["key"], "production");
}

async fn a_project_can_be_read_and_is_listed_in_its_organization(api: Api) {
    let p = Project::new(api).await;
    assert_eq!(
        p.call("GET", &p.url(""), None).await.body["id"],
        p.id.as_str()
    );
    let listed = p
        .call("GET", &format!("/api/v1/orgs/{}/projects", p.org), None)
        .await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

async fn environment_keys_are_unique_within_a_project(api: Api) {
    let p = Project::new(api).await;
    let staging = p
        .call(
            "POST",
            &p.url("/environments"),
            Some(json!({"key": "staging", "allowedOrigins": ["https://app.example.com"]})),
        )
        .await;
    assert_eq!(staging.status, StatusCode::CREATED, "{}", staging.body);
    assert_error(
        &p.call(
            "POST",
            &p.url("/environments"),
            Some(json!({"key": "staging"})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let listed = p.call("GET", &p.url("/environments"), None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 3);
}

async fn renaming_an_environment_publishes_a_change_for_it(api: Api) {
    let p = Project::new(api).await;
    let mut sub = p.api.subscribe();
    let renamed = p
        .call(
            "PATCH",
            &p.url(&format!("/environments/{}", p.dev)),
            Some(json!({"name": "Dev"})),
        )
        .await;
    assert_eq!(
        (renamed.status, renamed.body["name"].as_str()),
        (StatusCode::OK, Some("Dev"))
    );
    assert_eq!(next_change(&mut sub).await.environment, p.dev);
}

async fn an_allowed_origin_that_is_not_a_web_origin_answers_422(api: Api) {
    let p = Project::new(api).await;
    assert_error(
        &p.call(
            "PATCH",
            &p.url(&format!("/environments/{}", p.dev)),
            Some(json!({"allowedOrigins": ["ftp://x"]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );
}

// SDK keys.

async fn a_new_key_shows_its_secret_once_and_never_its_hash(api: Api) {
    let p = Project::new(api).await;
    let key = p.key(&p.prod, "client").await;
    let secret = key.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("sy_client_"), "{secret}");
    let listed = p
        .call(
            "GET",
            &p.url(&format!("/environments/{}/keys", p.prod)),
            None,
        )
        .await;
    assert!(
        !listed.body.to_string().contains(secret),
        "a secret is never listed"
    );
    let hash = switchyard_core::domain::hash_secret(secret);
    for shown in [&listed.body, &key.body] {
        assert!(!shown.to_string().contains(&hash), "nor its hash: {shown}");
    }
}

async fn rotating_a_key_issues_a_new_secret_and_the_old_key_expires_in_a_day(api: Api) {
    let p = Project::new(api).await;
    let key = p.key(&p.prod, "client").await;
    let id = key.body["key"]["id"].as_str().unwrap();
    let rotate = p.url(&format!("/environments/{}/keys/{id}/rotate", p.prod));
    let before = switchyard_core::domain::now_ms();
    let rotated = p.call("POST", &rotate, None).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    assert_ne!(rotated.body["secret"], key.body["secret"]);
    let listed = p
        .call(
            "GET",
            &p.url(&format!("/environments/{}/keys", p.prod)),
            None,
        )
        .await;
    let old = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    let expires = old["expiresAt"].as_i64().unwrap();
    assert!(
        (before + 86_400_000..=switchyard_core::domain::now_ms() + 86_400_000).contains(&expires),
        "{old}"
    );
    assert!(old["revokedAt"].is_null(), "{old}");
    assert_error(
        &p.call("POST", &rotate, None).await,
        StatusCode::CONFLICT,
        "conflict",
    );
}

async fn the_key_a_rotation_issued_can_be_deleted(api: Api) {
    let p = Project::new(api).await;
    let key = p.key(&p.prod, "client").await;
    let keys = p.url(&format!("/environments/{}/keys", p.prod));
    let rotated = p
        .call(
            "POST",
            &format!("{keys}/{}/rotate", key.body["key"]["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let new_id = rotated.body["key"]["id"].as_str().unwrap();
    assert_eq!(
        p.call("DELETE", &format!("{keys}/{new_id}"), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}
