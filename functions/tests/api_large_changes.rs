//! Changes near the API's size limits fit DynamoDB's (issue #16): a record's before and after
//! go apart when one item cannot hold them, so a large targeting rule can be edited as often as
//! a small one, and its history reads back whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::Api;
use common::fixtures::Project;
use serde_json::{Value, json};

both_stores!(a_211_kib_targeting_rule_can_be_edited_again_and_its_history_read,);

/// A targeting rule of about `kib` KiB: `on` for a long list of emails.
fn targeting(kib: usize, tag: &str) -> Value {
    let emails: Vec<String> = (0..kib * 1024 / 32)
        .map(|i| format!("user{i:06}-{tag}@example.com"))
        .collect();
    json!({"if": [{"in": [{"var": "email"}, emails]}, "on", "off"]})
}

async fn a_211_kib_targeting_rule_can_be_edited_again_and_its_history_read(api: Api) {
    let p = Project::new(api).await;
    p.flag().await;
    let mut version = 0;
    for tag in ["first", "second", "third"] {
        let r = p
            .call(
                "PUT",
                &p.state_url(&p.prod),
                Some(json!({"enabled": true, "defaultVariant": "off",
                    "targeting": targeting(211, tag), "version": version})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{tag}: {}", r.body);
        version = r.body["version"].as_u64().unwrap();
    }
    let history = p.flag_audit().await;
    let last = history
        .iter()
        .find(|e| e["action"] == "flag_state.update")
        .unwrap();
    let entry = p
        .call(
            "GET",
            &format!(
                "/api/v1/orgs/{}/audit/{}",
                p.org,
                last["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(entry.status, StatusCode::OK, "{}", entry.body);
    assert_eq!(entry.body["after"]["targeting"], targeting(211, "third"));
    assert_eq!(entry.body["before"]["targeting"], targeting(211, "second"));
}
