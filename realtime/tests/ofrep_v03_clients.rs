//! The official OpenFeature OFREP clients from npm against OFREP 0.3.0 on a running
//! `switchyard serve` (`tests/openfeature/check_v03.mjs`): the code-default result, and the web
//! provider following a change over the event stream alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::Fixture;
use serde_json::{Value, json};
use std::path::Path;

/// Adds flag `quiet` (on / off) with no default variant: on for plan=pro, nothing otherwise.
async fn flag_without_default(f: &Fixture) {
    let (project, env) = (&f.t.project, &f.t.env);
    let (s, b) = f.admin.call(reqwest::Method::POST, &format!("/api/v1/projects/{project}/flags"),
        Some(json!({"key": "quiet", "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]}))).await;
    assert_eq!(s, 201, "{b}");
    let targeting = json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on", null]});
    let (s, b) = f.admin.call(reqwest::Method::PUT, &format!("/api/v1/projects/{project}/environments/{env}/flags/quiet"),
        Some(json!({"enabled": true, "defaultVariant": null, "targeting": targeting, "version": 0}))).await;
    assert_eq!(s, 200, "{b}");
}

/// What check_v03.mjs printed.
async fn run_clients() -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openfeature");
    assert!(
        dir.join("node_modules/@openfeature/web-sdk").exists(),
        "the OpenFeature clients are not installed: run `make test-deps`"
    );
    let f = Fixture::start().await;
    flag_without_default(&f).await;
    let out = tokio::process::Command::new("node")
        .arg("--experimental-eventsource")
        .arg("check_v03.mjs")
        .current_dir(&dir)
        .env("BASE", &f.server.base)
        .env("KEY", &f.t.client_key)
        .env("ADMIN_TOKEN", &f.admin.token)
        .env("PROJECT", &f.t.project)
        .env("ENV", &f.t.env)
        .output()
        .await
        .expect("node runs");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_clients_use_the_code_default_and_follow_changes_over_the_event_stream() {
    let r = run_clients().await;
    assert_eq!(r["eventSource"], "function", "{r}");
    // ADR-0006: the web provider (ofrep-core 2.x) takes an answer without a value as "use the
    // code default", reason DEFAULT, no error.
    for (key, code_default) in [("webCodeDefaultTrue", true), ("webCodeDefaultFalse", false)] {
        assert_eq!(r[key]["value"], code_default, "{r}");
        assert_eq!(r[key]["reason"], "DEFAULT", "{r}");
        assert_eq!(r[key]["errorCode"], Value::Null, "{r}");
    }
    // The server provider (ofrep-provider 0.1.3, the newest) still requires a value: it falls
    // back to the code default too, but calls it an error.
    assert_eq!(r["serverCodeDefault"]["value"], true, "{r}");
    // The event stream, resolved from endpoint.requestUri against the configured base URL.
    assert_eq!(
        r["sseUrls"],
        json!([format!(
            "{}/ofrep/v1/events?key=KEY",
            r["base"].as_str().unwrap()
        )]),
        "{r}"
    );
    assert_eq!(r["webBefore"]["value"], false, "{r}");
    assert_eq!(r["flip"], 200);
    assert_eq!(r["changeEvent"], true, "no polling: the notice did it: {r}");
    assert_eq!(r["webAfter"]["value"], true, "{r}");
}
