//! The change layer through the API: imports follow the API's rules and are all or nothing, every
//! audited operation records before and after, and the change log reads newest first with a
//! cursor (the audit view) or in order after a cursor (the consumer feed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::{FLAG, Project, drain_changes};
use common::{Api, assert_error};
use serde_json::{Value, json};

both_stores!(
    import_enforces_the_same_limits_as_the_api,
    failed_import_writes_and_publishes_nothing,
    an_import_too_large_for_one_change_writes_nothing,
    an_import_is_one_change_with_before_and_after,
    a_flags_history_by_key_includes_the_imports_that_changed_it,
    every_audited_operation_records_before_and_after,
    changes_list_newest_first_with_cursor,
    the_change_feed_reads_in_order_after_a_cursor,
);

fn flag_def(variants: Value) -> Value {
    json!({"state": "ENABLED", "variants": variants})
}

async fn import_enforces_the_same_limits_as_the_api(api: Api) {
    let p = Project::new(api).await;
    let many: serde_json::Map<String, Value> =
        (0..101).map(|i| (format!("v{i}"), json!(i))).collect();
    let big = json!({"a": "x".repeat(70 * 1024)});
    let deep_targeting = json!({"in": [{"var": "email"}, vec!["someone@example.com"; 12_000]]});
    let doc = json!({"flags": {
        "too-many": flag_def(Value::Object(many.clone())),
        "bad-name": flag_def(json!({"no spaces": true, "ok": false})),
        "too-big": flag_def(big.clone()),
        "huge-rule": {"state": "ENABLED", "variants": {"on": true, "off": false},
                      "defaultVariant": "off", "targeting": {"if": [deep_targeting, "on", "off"]}},
    }});
    let r = p.import(&p.dev, doc).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let paths: Vec<&str> = r.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    for expected in [
        "/flags/too-many/variants",
        "/flags/bad-name/variants/0/name",
        "/flags/too-big/variants",
        "/flags/huge-rule/targeting",
    ] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    // The API refuses the same definitions.
    let variants: Vec<Value> = many
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    let api = p
        .call(
            "POST",
            &p.url("/flags"),
            Some(json!({"key": "too-many", "type": "integer", "variants": variants})),
        )
        .await;
    assert_error(&api, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(api.body["error"]["details"][0]["path"], "/variants");
}

/// What an environment's state and history look like from outside.
async fn observable(p: &Project, env: &str) -> (Value, Value, Value) {
    let mut export = p.export(env).await;
    export["metadata"] = Value::Null;
    let audit = p.call("GET", &p.audit_url("limit=500"), None).await.body;
    let changes = p
        .call(
            "GET",
            &format!("/api/v1/orgs/{}/changes?limit=500", p.org),
            None,
        )
        .await
        .body;
    (export, audit, changes)
}

async fn failed_import_writes_and_publishes_nothing(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let before = observable(&p, &p.dev).await;
    let mut sub = p.api.subscribe();
    let doc = json!({"flags": {
        FLAG: {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "fresh": flag_def(json!({"a": "x", "b": "y"})),
        "broken": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on",
                   "targeting": {"if": [{"no_such_operator": [1]}, "on"]}},
    }, "$evaluators": {"new-segment": {"==": [1, 1]}}});
    let r = p.import(&p.dev, doc).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(observable(&p, &p.dev).await, before);
    assert!(
        drain_changes(&mut sub).await.is_empty(),
        "nothing published"
    );
}

async fn an_import_too_large_for_one_change_writes_nothing(api: Api) {
    let p = Project::new(api).await;
    let before = observable(&p, &p.dev).await;
    let flags: serde_json::Map<String, Value> = (0..60)
        .map(|i| (format!("f{i}"), flag_def(json!({"on": true, "off": false}))))
        .collect();
    let r = p.import(&p.dev, json!({"flags": flags})).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 100"),
        "{}",
        r.body
    );
    assert_eq!(observable(&p, &p.dev).await, before);
}

async fn an_import_is_one_change_with_before_and_after(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    p.set_state(&p.dev, json!({"enabled": false, "version": 0}))
        .await;
    let doc = json!({"flags": {
        FLAG: {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "fresh": flag_def(json!({"a": "x", "b": "y"})),
    }});
    let r = p.import(&p.dev, doc).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["flagsCreated"], 1);
    assert_eq!(r.body["statesUpdated"], 2);
    let audit = p.call("GET", &p.audit_url("limit=1"), None).await.body;
    let record = &audit["items"][0];
    assert_eq!(record["action"], "environment.import");
    assert_eq!(record["id"], r.body["change"]);
    assert_eq!(record["before"]["states"][FLAG]["enabled"], false);
    assert_eq!(record["after"]["states"][FLAG]["enabled"], true);
    assert_eq!(record["after"]["flags"]["fresh"]["key"], "fresh");
    assert!(record["before"]["flags"].get("fresh").is_none());
}

/// The newest change record of the organization.
async fn last_record(p: &Project) -> Value {
    let r = p.call("GET", &p.audit_url("limit=1"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"][0].clone()
}

/// Checks the newest record: its action, and which of before and after it holds.
async fn expect_record(p: &Project, action: &str, before: bool, after: bool) {
    let r = last_record(p).await;
    assert_eq!(r["action"], action, "{r}");
    assert_eq!(!r["before"].is_null(), before, "{action} before: {r}");
    assert_eq!(!r["after"].is_null(), after, "{action} after: {r}");
    let text = r.to_string();
    assert!(
        !text.contains("secretHash") && !text.contains("tokenHash"),
        "{action} keeps no secret's hash: {text}"
    );
}

async fn every_audited_operation_records_before_and_after(api: Api) {
    let p = Project::new(api).await;
    expect_record(&p, "project.create", false, true).await;
    p.flag().await;
    expect_record(&p, "flag.create", false, true).await;
    let r = p
        .call(
            "PATCH",
            &p.url(&format!("/flags/{FLAG}")),
            Some(json!({"name": "Renamed", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    expect_record(&p, "flag.update", true, true).await;
    p.set_state(&p.dev, json!({"enabled": true, "version": 0}))
        .await;
    expect_record(&p, "flag_state.update", true, true).await;
    p.segment().await;
    expect_record(&p, "segment.create", false, true).await;
    let r = p
        .call("DELETE", &p.url("/segments/beta-users?version=1"), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    expect_record(&p, "segment.delete", true, false).await;
    let env = p.environment("staging").await;
    expect_record(&p, "environment.create", false, true).await;
    let r = p
        .call(
            "PATCH",
            &p.url(&format!("/environments/{env}")),
            Some(json!({"name": "Staging"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    expect_record(&p, "environment.update", true, true).await;
    let key = p.key(&env, "client").await;
    expect_record(&p, "sdk_key.create", false, true).await;
    let id = key.body["key"]["id"].as_str().unwrap().to_owned();
    let r = p
        .call(
            "DELETE",
            &p.url(&format!("/environments/{env}/keys/{id}")),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    expect_record(&p, "sdk_key.revoke", true, true).await;
    let tokens = format!("/api/v1/orgs/{}/tokens", p.org);
    let r = p
        .call(
            "POST",
            &tokens,
            Some(json!({"name": "ci", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    expect_record(&p, "api_token.create", false, true).await;
    let r = p
        .call(
            "POST",
            &format!("/api/v1/orgs/{}/invitations", p.org),
            Some(json!({"email": "bob@example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    expect_record(&p, "invitation.create", false, true).await;
    let r = p
        .call("DELETE", &p.url(&format!("/flags/{FLAG}?version=2")), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    expect_record(&p, "flag.delete", true, false).await;
}

async fn changes_list_newest_first_with_cursor(api: Api) {
    let p = Project::new(api).await;
    for key in ["a", "b", "c"] {
        let r = p
            .call(
                "POST",
                &p.url("/flags"),
                Some(json!({"key": key, "type": "boolean",
                    "variants": [{"name": "on", "value": true}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let query = format!("project={}&limit=2", p.id);
    let first = p.call("GET", &p.audit_url(&query), None).await.body;
    let targets = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["target"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(targets(&first), ["flag:c", "flag:b"]);
    let next = first["next"].as_str().expect("a next page");
    let second = p
        .call("GET", &p.audit_url(&format!("{query}&cursor={next}")), None)
        .await
        .body;
    assert_eq!(targets(&second)[0], "flag:a");
}

async fn the_change_feed_reads_in_order_after_a_cursor(api: Api) {
    let p = Project::new(api).await;
    let feed = format!("/api/v1/orgs/{}/changes", p.org);
    let start = p.call("GET", &feed, None).await.body;
    let cursor = start["next"].as_str().unwrap().to_owned();
    p.flag().await;
    p.set_state(&p.dev, json!({"enabled": true, "version": 0}))
        .await;
    let after = p
        .call("GET", &format!("{feed}?after={cursor}"), None)
        .await
        .body;
    let actions: Vec<&str> = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["flag.create", "flag_state.update"]);
    let again = p
        .call(
            "GET",
            &format!("{feed}?after={}", after["next"].as_str().unwrap()),
            None,
        )
        .await
        .body;
    assert_eq!(again["items"], json!([]));
    let bad = p
        .call("GET", &format!("{feed}?after=not-a-cursor"), None)
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn a_flags_history_by_key_includes_the_imports_that_changed_it(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let doc = json!({"flags": {
        FLAG: {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "other": flag_def(json!({"a": "x"})),
    }});
    assert_eq!(p.import(&p.dev, doc).await.status, StatusCode::OK);
    let history = p
        .call("GET", &p.audit_url(&format!("key={FLAG}")), None)
        .await
        .body;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["environment.import", "flag.create"]);
    let other = p.call("GET", &p.audit_url("key=other"), None).await.body;
    assert_eq!(other["items"].as_array().unwrap().len(), 1);
}
