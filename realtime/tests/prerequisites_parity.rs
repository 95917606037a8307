//! The flagd document a server exports, prerequisites compiled in, evaluates the same in
//! `switchyard eval` as in the server's OFREP endpoint, for every context tried.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Client, Switchyard};
use reqwest::Method;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

/// Creates boolean flag `key` and sets its state in the tenant's environment.
async fn flag(admin: &Client, project: &str, env: &str, key: &str, state: Value) {
    let (s, b) = admin.call(Method::POST, &format!("/api/v1/projects/{project}/flags"),
        Some(json!({"key": key, "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]}))).await;
    assert_eq!(s, 201, "{b}");
    let path = format!("/api/v1/projects/{project}/environments/{env}/flags/{key}");
    let (s, b) = admin.call(Method::PUT, &path, Some(state)).await;
    assert_eq!(s, 200, "{b}");
}

fn eval_cli(doc: &Value, requests: &[Value]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flags.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(["eval", "--flags"])
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = requests.iter().map(|r| format!("{r}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn an_exported_document_with_prerequisites_evaluates_the_same_in_eval_as_in_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Switchyard::serve(&["--data-dir", dir.path().to_str().unwrap()], &[]);
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;
    // `region`: a 50/50 split; `beta` needs region = on; `checkout` needs beta = on and targets
    // example.com addresses.
    flag(
        &admin,
        &t.project,
        &t.env,
        "region",
        json!({"enabled": true, "defaultVariant": "off",
        "targeting": {"fractional": [["on", 50], ["off", 50]]}, "version": 0}),
    )
    .await;
    flag(
        &admin,
        &t.project,
        &t.env,
        "beta-gate",
        json!({"enabled": true, "defaultVariant": "off",
        "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "on", "off"]},
        "prerequisites": [{"flag": "region", "variants": ["on"]}], "version": 0}),
    )
    .await;
    flag(
        &admin,
        &t.project,
        &t.env,
        "checkout",
        json!({"enabled": true, "defaultVariant": "off",
        "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on", null]},
        "prerequisites": [{"flag": "beta-gate", "variants": ["on"]}], "version": 0}),
    )
    .await;
    let export = format!(
        "/api/v1/projects/{}/environments/{}/flagd",
        t.project, t.env
    );
    let (s, doc) = admin.call(Method::GET, &export, None).await;
    assert_eq!(s, 200, "{doc}");

    let http = reqwest::Client::new();
    let mut requests = Vec::new();
    let mut served = Vec::new();
    for i in 0..40 {
        let context = json!({
            "targetingKey": format!("user-{i}"),
            "plan": if i % 3 == 0 { "free" } else { "pro" },
            "email": if i % 2 == 0 { format!("u{i}@example.com") } else { format!("u{i}@other.org") },
        });
        for key in ["region", "beta-gate", "checkout"] {
            requests.push(
                json!({"flag": key, "type": "boolean", "default": false, "context": context}),
            );
            let r: Value = http
                .post(format!("{}/ofrep/v1/evaluate/flags/{key}", server.base))
                .header("x-api-key", &t.server_key)
                .json(&json!({"context": context}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            served.push(r);
        }
    }
    let evaluated = eval_cli(&doc, &requests);
    assert_eq!(evaluated.len(), served.len());
    let mut both = 0;
    for (e, s) in evaluated.iter().zip(&served) {
        assert_eq!(e["value"], s["value"], "{e} vs {s}");
        assert_eq!(e["variant"], s["variant"], "{e} vs {s}");
        assert_eq!(e["reason"], s["reason"], "{e} vs {s}");
        both += usize::from(e["flag"] == "checkout" && e["value"] == true);
    }
    // The prerequisites decided both ways for some contexts: the comparison covered them.
    assert!(both > 0 && both < 40, "checkout on for {both} of 40");
}
