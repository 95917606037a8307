//! Flags, their states in each environment, segments and the evaluation playground, through the real routers, on both stores: one behaviour per test, each from its own
//! small fixture (`common::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::fixtures::{FLAG, Project, SEGMENT, beta_targeting, drain_changes};
use common::{Api, assert_error};
use serde_json::{Value, json};

both_stores!(
    an_invalid_segment_rule_answers_422_with_the_rules_path,
    a_segment_in_use_cannot_be_deleted,
    a_segment_in_use_can_be_updated,
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
    a_state_never_set_is_disabled_at_version_0,
    state_put_answers_the_new_version_in_its_etag,
    state_put_accepts_the_fields_get_returned,
    state_put_publishes_the_new_revision_for_its_environment,
    update_with_a_stale_version_answers_409_with_current_version,
    a_stale_if_match_answers_409_with_current_version,
    invalid_targeting_answers_422_with_the_engines_paths,
    a_default_variant_the_flag_lacks_answers_422,
    evaluate_explains_a_targeting_match,
    evaluate_explains_a_split_with_its_bucketing_key,
    a_targeting_rule_over_the_evaluation_budget_answers_422_with_its_path,
    a_targeting_rule_that_runs_out_on_a_dry_run_answers_422_with_its_path,
    a_segment_rule_over_the_evaluation_budget_answers_422_with_its_path,
    the_playground_shows_an_evaluation_that_runs_out_of_budget,
);

/// `[0, 1, ..., n - 1]`
fn items(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(i)).collect())
}

/// The first bomb: 250 × 250 × 250 iterations over literal lists.
fn nested_some_bomb() -> Value {
    json!({"some": [items(250), {"some": [items(250), {"some": [items(250), false]}]}]})
}

/// The second bomb: a string doubled once per element (2^31 bytes at the end).
fn doubling_bomb() -> Value {
    json!({"reduce": [items(31), {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "x"]})
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

// The evaluation budget.

async fn a_targeting_rule_over_the_evaluation_budget_answers_422_with_its_path(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let refused = p
        .call(
            "PUT",
            &p.state_url(&p.prod),
            Some(json!({"enabled": true, "defaultVariant": "off",
                "targeting": {"if": [nested_some_bomb(), "on"]}, "version": 0})),
        )
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problem = &refused.body["error"]["details"][0];
    assert_eq!(problem["path"], "/targeting", "{}", refused.body);
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .starts_with("evaluation budget exceeded"),
        "{problem}"
    );
}

async fn a_targeting_rule_that_runs_out_on_a_dry_run_answers_422_with_its_path(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let refused = p
        .call(
            "PUT",
            &p.state_url(&p.prod),
            Some(json!({"enabled": true, "defaultVariant": "off",
                "targeting": {"if": [doubling_bomb(), "on"]}, "version": 0})),
        )
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problem = &refused.body["error"]["details"][0];
    assert_eq!(problem["path"], "/targeting", "{}", refused.body);
    assert!(
        problem["message"].as_str().unwrap().contains("bytes"),
        "{problem}"
    );
}

async fn a_segment_rule_over_the_evaluation_budget_answers_422_with_its_path(api: Api) {
    let p = Project::new(api).await;
    let refused = p
        .call(
            "POST",
            &p.url("/segments"),
            Some(json!({"key": "bomb", "rule": nested_some_bomb()})),
        )
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(refused.body["error"]["details"][0]["path"], "/rule");
}

async fn the_playground_shows_an_evaluation_that_runs_out_of_budget(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    // Cheap on the dry run (no `xs`), over the budget for a context with a long `xs`.
    let body = json!({"==": [{"+": [{"var": ""}, 1, 2, 3, 4, 5, 6, 7, 8, 9]}, -1]});
    p.set_state(
        &p.prod,
        json!({"enabled": true, "defaultVariant": "off",
            "targeting": {"if": [{"some": [{"var": "xs"}, body]}, "on"]}, "version": 0}),
    )
    .await;
    let ev = evaluate(&p, json!({"xs": items(10_000)})).await;
    assert_eq!(
        (ev["reason"].as_str(), ev["errorCode"].as_str()),
        (Some("ERROR"), Some("GENERAL")),
        "{ev}"
    );
    assert!(
        ev["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("evaluation budget exceeded"),
        "{ev}"
    );
}
