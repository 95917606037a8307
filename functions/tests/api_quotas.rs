//! Quotas, through the real routers, on both stores: at the limit a create passes, one more is
//! refused with 422 `quota_exceeded` naming the quota and its limit, and nothing is written. The
//! limits are set small here (`Api::with_quotas`), except for the environment size test, which
//! uses the shipped 2 MiB.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::{FLAG, Project};
use common::{Api, Reply, assert_error};
use serde_json::{Value, json};
use switchyard_core::changes::Quotas;

both_stores!(
    a_project_over_the_organization_quota_is_refused,
    a_project_with_more_environments_than_the_quota_is_refused,
    an_environment_over_the_project_quota_is_refused,
    a_flag_over_the_project_quota_is_refused,
    a_segment_over_the_project_quota_is_refused,
    an_invitation_over_the_member_quota_is_refused,
    an_sdk_key_over_the_environment_quota_is_refused,
    a_revoked_sdk_key_frees_its_place,
    an_api_token_over_the_organization_quota_is_refused,
    an_import_over_the_flag_quota_writes_nothing,
    a_state_that_grows_an_environment_past_two_mebibytes_is_refused,
    an_import_that_grows_an_environment_past_its_size_quota_writes_nothing,
    a_copy_that_grows_an_environment_past_its_size_quota_is_refused,
    a_change_that_shrinks_an_environment_over_its_size_quota_passes,
    another_organizations_projects_do_not_count_against_mine,
);

/// The shipped quotas with some changed.
fn quotas(change: impl FnOnce(&mut Quotas)) -> Quotas {
    let mut q = Quotas::default();
    change(&mut q);
    q
}

/// A 422 that names the quota and its limit.
fn assert_quota(r: &Reply, quota: &str, limit: u64) {
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "quota_exceeded");
    assert_eq!(r.body["error"]["details"]["quota"], quota, "{}", r.body);
    assert_eq!(r.body["error"]["details"]["limit"], limit, "{}", r.body);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains(quota), "{message}");
}

fn created(r: &Reply) {
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn count(p: &Project, path: &str) -> usize {
    let r = p.call("GET", path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.body.get("items").unwrap_or(&r.body);
    items.as_array().unwrap().len()
}

fn boolean_flag(key: &str) -> Value {
    json!({"key": key, "type": "boolean",
        "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})
}

/// Targeting with an allow-list of about `bytes` bytes of JSON.
fn allow_list(bytes: usize) -> Value {
    let emails: Vec<String> = (0..bytes / 26)
        .map(|i| format!("user-{i:06}@example.com"))
        .collect();
    json!({"if": [{"in": [{"var": "email"}, emails]}, "on", "off"]})
}

// Counts.

async fn a_project_over_the_organization_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.projects_per_organization = 2))).await;
    let projects = format!("/api/v1/orgs/{}/projects", p.org);
    created(
        &p.call("POST", &projects, Some(json!({"name": "Second"})))
            .await,
    );
    let r = p
        .call("POST", &projects, Some(json!({"name": "Third"})))
        .await;
    assert_quota(&r, "projects_per_organization", 2);
    assert_eq!(count(&p, &projects).await, 2);
}

async fn a_project_with_more_environments_than_the_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.environments_per_project = 2))).await;
    let projects = format!("/api/v1/orgs/{}/projects", p.org);
    let r = p
        .call(
            "POST",
            &projects,
            Some(json!({"name": "Big", "environments": ["a", "b", "c"]})),
        )
        .await;
    assert_quota(&r, "environments_per_project", 2);
    assert_eq!(count(&p, &projects).await, 1);
}

async fn an_environment_over_the_project_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.environments_per_project = 3))).await;
    p.environment("staging").await;
    let r = p
        .call("POST", &p.url("/environments"), Some(json!({"key": "qa"})))
        .await;
    assert_quota(&r, "environments_per_project", 3);
    assert_eq!(count(&p, &p.url("/environments")).await, 3);
}

async fn a_flag_over_the_project_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.flags_per_project = 2))).await;
    for key in ["a", "b"] {
        created(
            &p.call("POST", &p.url("/flags"), Some(boolean_flag(key)))
                .await,
        );
    }
    let r = p
        .call("POST", &p.url("/flags"), Some(boolean_flag("c")))
        .await;
    assert_quota(&r, "flags_per_project", 2);
    assert_eq!(count(&p, &p.url("/flags")).await, 2);
}

async fn a_segment_over_the_project_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.segments_per_project = 1))).await;
    p.segment().await;
    let r = p
        .call(
            "POST",
            &p.url("/segments"),
            Some(json!({"key": "staff", "rule": {"==": [{"var": "staff"}, true]}})),
        )
        .await;
    assert_quota(&r, "segments_per_project", 1);
    assert_eq!(count(&p, &p.url("/segments")).await, 1);
}

async fn an_invitation_over_the_member_quota_is_refused(api: Api) {
    // The owner and one pending invitation fill two places.
    let p = Project::new(api.with_quotas(quotas(|q| q.members_per_organization = 2))).await;
    let invitations = format!("/api/v1/orgs/{}/invitations", p.org);
    let invite = |email: &str| json!({"email": email, "role": "editor"});
    created(
        &p.call("POST", &invitations, Some(invite("bob@example.com")))
            .await,
    );
    let r = p
        .call("POST", &invitations, Some(invite("cy@example.com")))
        .await;
    assert_quota(&r, "members_per_organization", 2);
    let members = format!("/api/v1/orgs/{}/members", p.org);
    assert_eq!(count(&p, &members).await, 1);
}

async fn an_sdk_key_over_the_environment_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.sdk_keys_per_environment = 2))).await;
    p.key(&p.prod, "client").await;
    p.key(&p.prod, "server").await;
    let keys = p.url(&format!("/environments/{}/keys", p.prod));
    let r = p.call("POST", &keys, Some(json!({"kind": "client"}))).await;
    assert_quota(&r, "sdk_keys_per_environment", 2);
    assert_eq!(count(&p, &keys).await, 2);
    // Another environment has its own places.
    p.key(&p.dev, "client").await;
}

async fn a_revoked_sdk_key_frees_its_place(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.sdk_keys_per_environment = 1))).await;
    let first = p.key(&p.prod, "client").await;
    let id = first.body["key"]["id"]
        .as_str()
        .or(first.body["id"].as_str())
        .unwrap()
        .to_owned();
    let keys = p.url(&format!("/environments/{}/keys", p.prod));
    let revoked = p.call("DELETE", &format!("{keys}/{id}"), None).await;
    assert!(revoked.status.is_success(), "{}", revoked.body);
    p.key(&p.prod, "client").await;
}

async fn an_api_token_over_the_organization_quota_is_refused(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.api_tokens_per_organization = 1))).await;
    let tokens = format!("/api/v1/orgs/{}/tokens", p.org);
    let token = |name: &str| json!({"name": name, "scopes": ["read"]});
    created(&p.call("POST", &tokens, Some(token("ci"))).await);
    let r = p.call("POST", &tokens, Some(token("deploy"))).await;
    assert_quota(&r, "api_tokens_per_organization", 1);
    assert_eq!(count(&p, &tokens).await, 1);
}

async fn an_import_over_the_flag_quota_writes_nothing(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.flags_per_project = 2))).await;
    p.flag().await;
    let def =
        json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"});
    let doc = json!({"flags": {FLAG: def, "b": def, "c": def}});
    let r = p.import(&p.prod, doc).await;
    assert_quota(&r, "flags_per_project", 2);
    assert_eq!(count(&p, &p.url("/flags")).await, 1);
    let state = p.call("GET", &p.state_url(&p.prod), None).await;
    assert_eq!(state.body["version"], 0, "{}", state.body);
}

async fn another_organizations_projects_do_not_count_against_mine(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.projects_per_organization = 1))).await;
    let mine = format!("/api/v1/orgs/{}/projects", p.org);
    assert_quota(
        &p.call("POST", &mine, Some(json!({"name": "Second"}))).await,
        "projects_per_organization",
        1,
    );
    let (token, org, _) = p.api.signup("bob@example.com").await;
    let theirs = p
        .api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            Some(&token),
            Some(json!({"name": "Bob's"})),
        )
        .await;
    created(&theirs);
}

// The size of an environment's flagd document.

/// The giant environment: flags with big allow-lists, with the shipped quota (2 MiB).
/// Eight states of 240 kB fit; the ninth would take the environment past 2 MiB.
async fn a_state_that_grows_an_environment_past_two_mebibytes_is_refused(api: Api) {
    let p = Project::new(api).await;
    let targeting = allow_list(240_000);
    for i in 0..9 {
        let key = format!("f{i}");
        created(
            &p.call("POST", &p.url("/flags"), Some(boolean_flag(&key)))
                .await,
        );
        let url = p.url(&format!("/environments/{}/flags/{key}", p.prod));
        let state =
            json!({"enabled": true, "defaultVariant": "off", "targeting": targeting, "version": 0});
        let r = p.call("PUT", &url, Some(state)).await;
        if i < 8 {
            assert_eq!(r.status, StatusCode::OK, "state {i}: {}", r.body);
            continue;
        }
        assert_quota(&r, "environment_bytes", 2 * 1024 * 1024);
        assert_eq!(r.body["error"]["details"]["environment"], "production");
        let after = r.body["error"]["details"]["after"].as_u64().unwrap();
        assert!(after > 2 * 1024 * 1024, "{after}");
        let stored = p.call("GET", &url, None).await;
        assert_eq!(stored.body["version"], 0, "nothing written");
    }
}

async fn an_import_that_grows_an_environment_past_its_size_quota_writes_nothing(api: Api) {
    let p = Project::new(api.with_quotas(quotas(|q| q.environment_bytes = 64 * 1024))).await;
    let def = json!({"state": "ENABLED", "variants": {"on": true, "off": false},
        "defaultVariant": "off", "targeting": allow_list(80_000)});
    let r = p.import(&p.prod, json!({"flags": {FLAG: def}})).await;
    assert_quota(&r, "environment_bytes", 64 * 1024);
    assert_eq!(count(&p, &p.url("/flags")).await, 0);
}

async fn a_copy_that_grows_an_environment_past_its_size_quota_is_refused(api: Api) {
    // Development was filled under the shipped quota; then the quota is lowered.
    let p = Project::new(api).await;
    p.flag().await;
    p.set_state(
        &p.dev,
        json!({"enabled": true, "defaultVariant": "off", "targeting": allow_list(80_000), "version": 0}),
    )
    .await;
    let p = Project {
        api: p
            .api
            .with_quotas(quotas(|q| q.environment_bytes = 64 * 1024)),
        ..p
    };
    let r = p
        .call(
            "POST",
            &p.url(&format!("/environments/{}/flags/{FLAG}/copy", p.dev)),
            Some(json!({"toEnvironment": p.prod})),
        )
        .await;
    assert_quota(&r, "environment_bytes", 64 * 1024);
    let prod = p.call("GET", &p.state_url(&p.prod), None).await;
    assert_eq!(prod.body["version"], 0, "{}", prod.body);
}

async fn a_change_that_shrinks_an_environment_over_its_size_quota_passes(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    p.set_state(
        &p.prod,
        json!({"enabled": true, "defaultVariant": "off", "targeting": allow_list(80_000), "version": 0}),
    )
    .await;
    let p = Project {
        api: p
            .api
            .with_quotas(quotas(|q| q.environment_bytes = 64 * 1024)),
        ..p
    };
    p.set_state(
        &p.prod,
        json!({"enabled": true, "defaultVariant": "off", "targeting": allow_list(70_000), "version": 1}),
    )
    .await;
}
