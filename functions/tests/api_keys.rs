//! What SDK keys open, through the real routers, on both stores: rotation with an overlap, flags
//! hidden from client keys (and the project default for new flags), and secure mode's secret.
//! One behaviour per test, each from its own small fixture (`common::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::{FLAG, Project};
use common::{Api, assert_error};
use serde_json::{Value, json};

both_stores!(
    a_rotation_without_overlap_revokes_the_old_key_at_once,
    a_rotation_overlap_longer_than_seven_days_answers_422,
    a_null_rotation_body_takes_the_default_overlap,
    a_key_being_retired_can_still_be_revoked_at_once,
    a_new_project_shows_new_flags_to_client_keys,
    new_flags_take_the_projects_client_visibility_default,
    a_flag_can_be_hidden_from_client_keys_later,
    secure_mode_generates_a_secret_that_only_admins_read,
    the_secure_mode_secret_never_enters_the_audit_log,
);

impl Project {
    async fn rotate(&self, body: Option<Value>) -> (String, common::Reply) {
        let key = self.key(&self.prod, "client").await;
        let id = key.body["key"]["id"].as_str().unwrap().to_owned();
        let url = self.url(&format!("/environments/{}/keys/{id}/rotate", self.prod));
        (id, self.call("POST", &url, body).await)
    }

    async fn listed_key(&self, id: &str) -> Value {
        let listed = self
            .call(
                "GET",
                &self.url(&format!("/environments/{}/keys", self.prod)),
                None,
            )
            .await;
        listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id)
            .unwrap()
            .clone()
    }

    fn env_url(&self) -> String {
        self.url(&format!("/environments/{}", self.prod))
    }
}

// Rotation.

async fn a_rotation_without_overlap_revokes_the_old_key_at_once(api: Api) {
    let p = Project::new(api).await;
    let (id, rotated) = p.rotate(Some(json!({"overlapSeconds": 0}))).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let old = p.listed_key(&id).await;
    assert!(old["revokedAt"].is_i64(), "{old}");
    assert!(old["expiresAt"].is_null(), "{old}");
}

async fn a_rotation_overlap_longer_than_seven_days_answers_422(api: Api) {
    let p = Project::new(api).await;
    let (id, rotated) = p.rotate(Some(json!({"overlapSeconds": 604_801}))).await;
    assert_error(&rotated, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let old = p.listed_key(&id).await;
    assert!(
        old["revokedAt"].is_null() && old["expiresAt"].is_null(),
        "unchanged: {old}"
    );
    let (_, rotated) = p.rotate(Some(json!({"overlapHours": 1}))).await;
    assert_error(&rotated, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn a_null_rotation_body_takes_the_default_overlap(api: Api) {
    let p = Project::new(api).await;
    let (id, rotated) = p.rotate(Some(Value::Null)).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let old = p.listed_key(&id).await;
    assert!(
        old["revokedAt"].is_null() && old["expiresAt"].is_i64(),
        "{old}"
    );
}

async fn a_key_being_retired_can_still_be_revoked_at_once(api: Api) {
    let p = Project::new(api).await;
    let (id, rotated) = p.rotate(Some(json!({"overlapSeconds": 3600}))).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let url = p.url(&format!("/environments/{}/keys/{id}", p.prod));
    assert_eq!(
        p.call("DELETE", &url, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(p.listed_key(&id).await["revokedAt"].is_i64());
}

// Client visibility.

async fn a_new_project_shows_new_flags_to_client_keys(api: Api) {
    let p = Project::new(api).await;
    assert_eq!(p.created.body["project"]["clientVisibleByDefault"], true);
    assert_eq!(p.flag().await.body["clientVisible"], true);
}

async fn new_flags_take_the_projects_client_visibility_default(api: Api) {
    let p = Project::new(api).await;
    let patched = p
        .call(
            "PATCH",
            &p.url(""),
            Some(json!({"clientVisibleByDefault": false})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        p.call("GET", &p.url(""), None).await.body["clientVisibleByDefault"],
        false
    );
    assert_eq!(p.flag().await.body["clientVisible"], false);
    let shown = p
        .call(
            "POST",
            &p.url("/flags"),
            Some(
                json!({"key": "shown", "type": "boolean", "clientVisible": true,
                "variants": [{"name": "on", "value": true}]}),
            ),
        )
        .await;
    assert_eq!(shown.body["clientVisible"], true, "{}", shown.body);
}

async fn a_flag_can_be_hidden_from_client_keys_later(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let hidden = p
        .call(
            "PATCH",
            &p.url(&format!("/flags/{FLAG}")),
            Some(json!({"clientVisible": false, "version": 1})),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.body);
    assert_eq!(hidden.body["clientVisible"], false);
    assert_eq!(hidden.body["version"], 2);
}

// Secure mode.

async fn secure_mode_generates_a_secret_that_only_admins_read(api: Api) {
    let p = Project::new(api).await;
    let on = p
        .call("PATCH", &p.env_url(), Some(json!({"secureMode": true})))
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert_eq!(on.body["secureMode"], true);
    let shown = p
        .call("GET", &format!("{}/secure-mode", p.env_url()), None)
        .await;
    assert_eq!(shown.body["enabled"], true);
    let secret = shown.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 64, "{secret}");
    for seen in [
        on.body.clone(),
        p.call("GET", &p.env_url(), None).await.body,
        p.call("GET", &p.url("/environments"), None).await.body,
    ] {
        assert!(
            !seen.to_string().contains(&secret),
            "only the secure-mode route shows it: {seen}"
        );
    }
    // Turning it off and on again keeps the secret the customer's servers hold.
    p.call("PATCH", &p.env_url(), Some(json!({"secureMode": false})))
        .await;
    p.call("PATCH", &p.env_url(), Some(json!({"secureMode": true})))
        .await;
    let again = p
        .call("GET", &format!("{}/secure-mode", p.env_url()), None)
        .await;
    assert_eq!(again.body["secret"], secret.as_str());
    // A viewer-level caller (a read-only API token) cannot read it.
    let token = p
        .call(
            "POST",
            &format!("/api/v1/orgs/{}/tokens", p.org),
            Some(json!({"name": "ci", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(token.status, StatusCode::CREATED, "{}", token.body);
    let read_only = p
        .api
        .call(
            "GET",
            &format!("{}/secure-mode", p.env_url()),
            token.body["secret"].as_str(),
            None,
        )
        .await;
    assert_eq!(
        read_only.status,
        StatusCode::FORBIDDEN,
        "{}",
        read_only.body
    );
}

async fn the_secure_mode_secret_never_enters_the_audit_log(api: Api) {
    let p = Project::new(api).await;
    p.call("PATCH", &p.env_url(), Some(json!({"secureMode": true})))
        .await;
    let shown = p
        .call("GET", &format!("{}/secure-mode", p.env_url()), None)
        .await;
    let secret = shown.body["secret"].as_str().unwrap();
    let audit = p.call("GET", &p.audit_url("limit=100"), None).await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let text = audit.body.to_string();
    assert!(
        text.contains("environment.update"),
        "the change is audited: {text}"
    );
    assert!(!text.contains(secret), "but not its secret: {text}");
}
