//! The audit log: entries with their diffs, cursors, restore, through the real routers, on both stores: one behaviour per test, each from its own
//! small fixture (`common::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::Api;
use common::fixtures::{FLAG, Project};
use serde_json::{Value, json};
use std::collections::BTreeSet;

both_stores!(
    every_change_to_a_flag_is_audited_under_its_target,
    an_audit_entry_carries_its_diff_and_can_be_fetched_by_id,
    restore_from_audit_brings_that_state_back_as_a_new_version,
    audit_pages_follow_the_cursor_without_repeating_entries,
);

// The audit log. The order of its pages is not asserted: entries are found by target and content.

fn actions(entries: &[Value]) -> BTreeSet<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

async fn every_change_to_a_flag_is_audited_under_its_target(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await; // flag.create, flag_state.update
    let copied = p
        .call(
            "POST",
            &format!("{}/copy", p.state_url(&p.prod)),
            Some(json!({"toEnvironment": p.dev, "targetVersion": 0})),
        )
        .await;
    assert_eq!(copied.status, StatusCode::OK, "{}", copied.body);
    let staging = p.environment("staging").await;
    let imported = p.import(&staging, p.export(&p.prod).await).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let entries = p.flag_audit().await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert_eq!(
        actions(&entries),
        BTreeSet::from(["flag.create", "flag_state.update", "flag_state.copy"])
    );
    // An import is one change of its environment, naming the flags it touched.
    let import = p
        .call("GET", &p.audit_url("target=environment:staging"), None)
        .await;
    let record = &import.body["items"][0];
    assert_eq!(record["action"], "environment.import", "{}", import.body);
    assert!(record["keys"].as_array().unwrap().contains(&json!(FLAG)));
}

/// The audit entry of the production state's first update (by [`Project::targeted_flag`]).
async fn state_update_entry(p: &Project) -> Value {
    let entries = p.flag_audit().await;
    let updates: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "flag_state.update")
        .collect();
    assert_eq!(updates.len(), 1, "{entries:?}");
    updates[0].clone()
}

async fn an_audit_entry_carries_its_diff_and_can_be_fetched_by_id(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let update = state_update_entry(&p).await;
    assert!(
        update["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "/enabled" && c["after"] == true),
        "{update}"
    );
    let one = p
        .call(
            "GET",
            &format!(
                "/api/v1/orgs/{}/audit/{}",
                p.org,
                update["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(one.body["action"], "flag_state.update", "{}", one.body);
}

async fn restore_from_audit_brings_that_state_back_as_a_new_version(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let update = state_update_entry(&p).await;
    let off = p
        .set_state(&p.prod, json!({"enabled": false, "version": 1}))
        .await;
    assert_eq!(off["version"], 2);
    let restored = p
        .call(
            "POST",
            &format!("{}/restore", p.state_url(&p.prod)),
            Some(json!({"auditId": update["id"], "version": 2})),
        )
        .await;
    assert_eq!(
        (
            restored.status,
            restored.body["enabled"].as_bool(),
            restored.body["version"].as_u64()
        ),
        (StatusCode::OK, Some(true), Some(3)),
        "{}",
        restored.body
    );
}

async fn audit_pages_follow_the_cursor_without_repeating_entries(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await; // at least segment.create, flag.create, flag_state.update
    let first = p.call("GET", &p.audit_url("limit=2"), None).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let next = first.body["next"].as_str().unwrap();
    let second = p
        .call("GET", &p.audit_url(&format!("limit=2&cursor={next}")), None)
        .await;
    let ids = |r: &common::Reply| -> BTreeSet<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (first, second) = (ids(&first), ids(&second));
    assert!(!second.is_empty());
    assert!(first.is_disjoint(&second), "{first:?} {second:?}");
}
