//! Projects, environments, keys, flags, segments, flagd documents and the audit log, through the
//! real routers, on both stores: one behaviour per test, each from its own small fixture
//! (`common::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::fixtures::{
    FLAG, Project, SEGMENT, beta_rule, beta_targeting, drain_changes, next_change,
};
use common::{Api, assert_error};
use serde_json::{Value, json};
use std::collections::BTreeSet;

both_stores!(
    // Projects and environments.
    creating_a_project_makes_development_and_production,
    a_project_can_be_read_and_is_listed_in_its_organization,
    environment_keys_are_unique_within_a_project,
    renaming_an_environment_publishes_a_change_for_it,
    an_allowed_origin_that_is_not_a_web_origin_answers_422,
    // SDK keys.
    a_new_key_shows_its_secret_once_and_never_its_hash,
    rotating_a_key_issues_a_new_secret_and_revokes_the_old_key,
    the_key_a_rotation_issued_can_be_deleted,
    // Segments.
    an_invalid_segment_rule_answers_422_with_the_rules_path,
    a_segment_in_use_cannot_be_deleted,
    a_segment_in_use_can_be_updated,
    // Flags.
    create_flag_returns_201_with_version_1,
    a_variant_of_the_wrong_type_answers_422_with_its_path,
    a_flag_key_is_unique_within_a_project,
    created_flags_are_listed,
    removing_a_variant_an_environment_defaults_to_answers_422,
    archiving_a_flag_bumps_its_version,
    archive_hides_the_flag_from_the_environment_document,
    update_flag_with_a_stale_version_answers_409,
    delete_flag_without_a_version_answers_400,
    an_archived_flag_can_be_deleted_with_its_version,
    // A flag's state in an environment.
    a_state_never_set_is_disabled_at_version_0,
    state_put_answers_the_new_version_in_its_etag,
    state_put_accepts_the_fields_get_returned,
    state_put_publishes_the_new_revision_for_its_environment,
    update_with_a_stale_version_answers_409_with_current_version,
    a_stale_if_match_answers_409_with_current_version,
    invalid_targeting_answers_422_with_the_engines_paths,
    a_default_variant_the_flag_lacks_answers_422,
    // The playground.
    evaluate_explains_a_targeting_match,
    evaluate_explains_a_split_with_its_bucketing_key,
    // Copy, export, import.
    copy_between_environments_writes_the_source_state_into_the_target,
    flagd_export_holds_states_and_segment_rules,
    flagd_import_creates_missing_flags_and_sets_states,
    flagd_export_then_import_roundtrips,
    a_broken_flagd_document_answers_422_with_every_problem_and_writes_nothing,
    // The audit log.
    every_change_to_a_flag_is_audited_under_its_target,
    an_audit_entry_carries_its_diff_and_can_be_fetched_by_id,
    restore_from_audit_brings_that_state_back_as_a_new_version,
    audit_pages_follow_the_cursor_without_repeating_entries,
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

async fn rotating_a_key_issues_a_new_secret_and_revokes_the_old_key(api: Api) {
    let p = Project::new(api).await;
    let key = p.key(&p.prod, "client").await;
    let rotate = p.url(&format!(
        "/environments/{}/keys/{}/rotate",
        p.prod,
        key.body["key"]["id"].as_str().unwrap()
    ));
    let rotated = p.call("POST", &rotate, None).await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    assert_ne!(rotated.body["secret"], key.body["secret"]);
    assert_error(
        &p.call("POST", &rotate, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
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

// Segments.

async fn an_invalid_segment_rule_answers_422_with_the_rules_path(api: Api) {
    let p = Project::new(api).await;
    let bad = p
        .call(
            "POST",
            &p.url("/segments"),
            Some(json!({"key": "bad", "rule": {"nope": [1]}})),
        )
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(bad.body["error"]["details"][0]["path"], "/rule/nope");
}

async fn a_segment_in_use_cannot_be_deleted(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    assert_error(
        &p.call(
            "DELETE",
            &p.url(&format!("/segments/{SEGMENT}?version=1")),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
}

async fn a_segment_in_use_can_be_updated(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let put = p
        .call(
            "PUT",
            &p.url(&format!("/segments/{SEGMENT}")),
            Some(json!({"rule": {"in": [{"var": "plan"}, ["beta"]]}, "version": 1})),
        )
        .await;
    assert_eq!(put.body["version"], 2, "{}", put.body);
}

// Flags.

async fn create_flag_returns_201_with_version_1(api: Api) {
    let p = Project::new(api).await;
    let created = p.flag().await; // asserts 201
    assert_eq!(created.body["version"], 1, "{}", created.body);
    let got = p.call("GET", &p.url(&format!("/flags/{FLAG}")), None).await;
    assert_eq!(got.headers["etag"], "\"1\"");
}

async fn a_variant_of_the_wrong_type_answers_422_with_its_path(api: Api) {
    let p = Project::new(api).await;
    let bad = p
        .call(
            "POST",
            &p.url("/flags"),
            Some(
                json!({"key": "x", "type": "boolean", "variants": [{"name": "on", "value": "yes"}]}),
            ),
        )
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(bad.body["error"]["details"][0]["path"], "/variants/0/value");
}

async fn a_flag_key_is_unique_within_a_project(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let again = p
        .call(
            "POST",
            &p.url("/flags"),
            Some(
                json!({"key": FLAG, "type": "boolean", "variants": [{"name": "on", "value": true}]}),
            ),
        )
        .await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");
}

async fn created_flags_are_listed(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    assert_eq!(
        p.call("GET", &p.url("/flags"), None).await.body["items"][0]["key"],
        FLAG
    );
}

async fn removing_a_variant_an_environment_defaults_to_answers_422(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await; // production defaults to "off"
    let dropped = p
        .call(
            "PATCH",
            &p.url(&format!("/flags/{FLAG}")),
            Some(json!({"variants": [{"name": "on", "value": true}], "version": 1})),
        )
        .await;
    assert_error(&dropped, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(dropped.body["error"]["details"][0]["path"], "/variants");
}

async fn archive(p: &Project) -> Value {
    let r = p
        .call(
            "PATCH",
            &p.url(&format!("/flags/{FLAG}")),
            Some(json!({"name": "New checkout", "archived": true, "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn archiving_a_flag_bumps_its_version(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let archived = archive(&p).await;
    assert_eq!(
        (archived["archived"].as_bool(), archived["version"].as_u64()),
        (Some(true), Some(2))
    );
}

async fn archive_hides_the_flag_from_the_environment_document(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    assert!(p.export(&p.prod).await["flags"].get(FLAG).is_some());
    archive(&p).await;
    let doc = p.export(&p.prod).await;
    assert!(doc["flags"].get(FLAG).is_none(), "{doc}");
}

async fn update_flag_with_a_stale_version_answers_409(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let url = p.url(&format!("/flags/{FLAG}"));
    let renamed = p
        .call(
            "PATCH",
            &url,
            Some(json!({"name": "New checkout", "version": 1})),
        )
        .await;
    assert_eq!(renamed.body["version"], 2, "{}", renamed.body);
    assert_error(
        &p.call("PATCH", &url, Some(json!({"name": "x", "version": 1})))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    );
}

async fn delete_flag_without_a_version_answers_400(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    assert_error(
        &p.call("DELETE", &p.url(&format!("/flags/{FLAG}")), None)
            .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

async fn an_archived_flag_can_be_deleted_with_its_version(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    archive(&p).await; // version 2
    let url = p.url(&format!("/flags/{FLAG}"));
    assert_eq!(
        p.call("DELETE", &format!("{url}?version=2"), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &p.call("GET", &url, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

// A flag's state in an environment.

async fn a_state_never_set_is_disabled_at_version_0(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let state = p.call("GET", &p.state_url(&p.prod), None).await;
    assert_eq!(
        (
            state.body["enabled"].as_bool(),
            state.body["version"].as_u64()
        ),
        (Some(false), Some(0)),
        "{}",
        state.body
    );
}

async fn state_put_answers_the_new_version_in_its_etag(api: Api) {
    let p = Project::new(api).await;
    p.segment().await;
    p.flag().await;
    let put = p
        .call(
            "PUT",
            &p.state_url(&p.prod),
            Some(json!({"enabled": true, "defaultVariant": "off", "targeting": beta_targeting(), "version": 0})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.headers["etag"], "\"1\"");
}

async fn state_put_accepts_the_fields_get_returned(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let got = p.call("GET", &p.state_url(&p.prod), None).await.body;
    // The fields a PUT takes, as GET returned them.
    let body: serde_json::Map<String, Value> =
        ["enabled", "defaultVariant", "targeting", "version"]
            .into_iter()
            .map(|k| (k.to_owned(), got[k].clone()))
            .collect();
    let put = p.set_state(&p.prod, Value::Object(body)).await;
    assert_eq!(put["version"], 2, "{put}");
    for k in ["enabled", "defaultVariant", "targeting"] {
        assert_eq!(put[k], got[k], "{k}");
    }
}

async fn state_put_publishes_the_new_revision_for_its_environment(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let mut sub = p.api.subscribe();
    p.set_state(&p.prod, json!({"enabled": true, "version": 0}))
        .await;
    let prod: Vec<_> = drain_changes(&mut sub)
        .await
        .into_iter()
        .filter(|ev| ev.environment == p.prod)
        .collect();
    let last = prod.last().expect("a change event for production");
    let env = p
        .call("GET", &p.url(&format!("/environments/{}", p.prod)), None)
        .await;
    assert_eq!(json!(last.revision), env.body["revision"]);
}

async fn update_with_a_stale_version_answers_409_with_current_version(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    p.set_state(&p.prod, json!({"enabled": true, "version": 0}))
        .await;
    let stale = p
        .call(
            "PUT",
            &p.state_url(&p.prod),
            Some(json!({"enabled": false, "version": 0})),
        )
        .await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
    assert_eq!(stale.body["error"]["details"]["currentVersion"], 1);
}

async fn a_stale_if_match_answers_409_with_current_version(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    p.set_state(&p.prod, json!({"enabled": true, "version": 0}))
        .await;
    let stale = p
        .api
        .raw(
            Request::builder()
                .method("PUT")
                .uri(p.state_url(&p.prod))
                .header("authorization", format!("Bearer {}", p.token))
                .header("content-type", "application/json")
                .header("if-match", "\"7\"")
                .body(Body::from(json!({"enabled": true}).to_string()))
                .unwrap(),
        )
        .await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
    assert_eq!(stale.body["error"]["details"]["currentVersion"], 1);
}

async fn invalid_targeting_answers_422_with_the_engines_paths(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let invalid = p
        .call(
            "PUT",
            &p.state_url(&p.prod),
            Some(json!({"enabled": true, "defaultVariant": "off",
                "targeting": {"if": [{"sem_ver": [{"var": "v"}, "=~", "1.0"]}, "on"]}, "version": 0})),
        )
        .await;
    assert_error(&invalid, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        invalid.body["error"]["details"][0]["path"],
        "/targeting/if/0/sem_ver/1"
    );
}

async fn a_default_variant_the_flag_lacks_answers_422(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let wrong = p
        .call(
            "PUT",
            &p.state_url(&p.prod),
            Some(json!({"enabled": true, "defaultVariant": "maybe", "version": 0})),
        )
        .await;
    assert_error(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(wrong.body["error"]["details"][0]["path"], "/defaultVariant");
}

// The playground.

async fn evaluate(p: &Project, context: Value) -> Value {
    let r = p
        .call(
            "POST",
            &format!("{}/evaluate", p.state_url(&p.prod)),
            Some(json!({ "context": context })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn evaluate_explains_a_targeting_match(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let ev = evaluate(&p, json!({"targetingKey": "u1", "plan": "beta"})).await;
    assert_eq!(
        (
            ev["value"].as_bool(),
            ev["matchedRule"].as_u64(),
            ev["reason"].as_str()
        ),
        (Some(true), Some(0), Some("TARGETING_MATCH")),
        "{ev}"
    );
}

async fn evaluate_explains_a_split_with_its_bucketing_key(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let ev = evaluate(&p, json!({"targetingKey": "u1", "plan": "free"})).await;
    assert_eq!(ev["reason"], "SPLIT", "{ev}");
    assert_eq!(ev["split"]["bucketingKey"], format!("{FLAG}u1"));
}

// Copy, export, import.

async fn copy_between_environments_writes_the_source_state_into_the_target(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let copied = p
        .call(
            "POST",
            &format!("{}/copy", p.state_url(&p.prod)),
            Some(json!({"toEnvironment": p.dev, "targetVersion": 0})),
        )
        .await;
    assert_eq!(
        (copied.status, copied.body["enabled"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{}",
        copied.body
    );
    let dev = p.call("GET", &p.state_url(&p.dev), None).await.body;
    assert_eq!(
        (
            dev["enabled"].as_bool(),
            &dev["targeting"],
            dev["version"].as_u64()
        ),
        (Some(true), &beta_targeting(), Some(1)),
        "{dev}"
    );
}

async fn flagd_export_holds_states_and_segment_rules(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let doc = p.export(&p.prod).await;
    assert_eq!(doc["flags"][FLAG]["state"], "ENABLED", "{doc}");
    assert_eq!(doc["$evaluators"][SEGMENT], beta_rule());
}

async fn flagd_import_creates_missing_flags_and_sets_states(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let staging = p.environment("staging").await;
    let mut doc = p.export(&p.prod).await;
    doc["flags"]["banner"] =
        json!({"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "b"});
    let imported = p.import(&staging, doc).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    for (k, n) in [
        ("flagsCreated", 1),
        ("flagsUpdated", 0),
        ("statesUpdated", 2),
        ("segmentsWritten", 0),
    ] {
        assert_eq!(imported.body[k], n, "{k}: {}", imported.body);
    }
    assert!(imported.body["change"].is_string(), "{}", imported.body);
}

async fn flagd_export_then_import_roundtrips(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let staging = p.environment("staging").await;
    let exported = p.export(&p.prod).await;
    let imported = p.import(&staging, exported.clone()).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let again = p.export(&staging).await;
    assert_eq!(again["flags"], exported["flags"]);
    assert_eq!(again["$evaluators"], exported["$evaluators"]);
}

async fn a_broken_flagd_document_answers_422_with_every_problem_and_writes_nothing(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let broken = p
        .import(
            &p.prod,
            json!({"flags": {"x": {"state": "ON", "variants": {}}}}),
        )
        .await;
    assert_error(&broken, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(broken.body["error"]["details"].as_array().unwrap().len(), 2);
    assert_eq!(
        p.call("GET", &p.url("/flags"), None).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "a broken import writes nothing"
    );
}

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
