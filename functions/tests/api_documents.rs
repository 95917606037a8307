//! Copying states between environments, and flagd export and import, through the real routers, on both stores: one behaviour per test, each from its own
//! small fixture (`common::fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::{FLAG, Project, SEGMENT, beta_rule, beta_targeting};
use common::{Api, assert_error};
use serde_json::json;

both_stores!(
    copy_between_environments_writes_the_source_state_into_the_target,
    flagd_export_holds_states_and_segment_rules,
    flagd_import_creates_missing_flags_and_sets_states,
    flagd_export_then_import_roundtrips,
    a_broken_flagd_document_answers_422_with_every_problem_and_writes_nothing,
    an_imported_rule_over_the_evaluation_budget_answers_422_with_its_path,
);

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

async fn an_imported_rule_over_the_evaluation_budget_answers_422_with_its_path(api: Api) {
    let p = Project::new(api).await;
    let items: Vec<usize> = (0..250).collect();
    let bomb = json!({"some": [items, {"some": [items, {"some": [items, false]}]}]});
    let refused = p
        .import(
            &p.prod,
            json!({"flags": {"bomb": {"state": "ENABLED", "variants": {"on": true, "off": false},
                "defaultVariant": "off", "targeting": {"if": [bomb, "on"]}}}}),
        )
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        refused.body["error"]["details"][0]["path"],
        "/flags/bomb/targeting"
    );
    assert_eq!(
        p.call("GET", &p.url("/flags"), None).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "a refused import writes nothing"
    );
}
