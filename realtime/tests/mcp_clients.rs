//! The MCP server as the official Python MCP SDK (PyPI `mcp` 2.x) sees it, against a real
//! `switchyard serve`: `/mcp` over streamable HTTP and `switchyard mcp` over stdio, acting as an
//! API token with the `read` and `propose` scopes. What the agent proposes is checked through
//! the API. One behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
#[path = "mcp/support.rs"]
mod support;

use harness::Fixture;
use reqwest::Method;
use serde_json::{Value, json};
use support::{Via, agent_token, call, only_step, org_of, sdk};

const TOOLS: [&str; 10] = [
    "comment_on_change_request",
    "explain_flag",
    "get_change_request",
    "get_flag",
    "list_change_requests",
    "list_flags",
    "list_projects",
    "propose_change",
    "propose_toggle",
    "read_audit_log",
];

fn tool_names(step: &Value) -> Vec<String> {
    let mut names: Vec<String> = step["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The change request with this id, as a member reads it through the API.
async fn request_as_admin(f: &Fixture, id: &str) -> Value {
    let (s, r) = f
        .admin
        .call(
            Method::GET,
            &format!("/api/v1/projects/{}/change-requests/{id}", f.t.project),
            None,
        )
        .await;
    assert_eq!(s, 200, "{r}");
    r
}

async fn beta_enabled(f: &Fixture) -> bool {
    let path = format!(
        "/api/v1/projects/{}/environments/{}/flags/beta",
        f.t.project, f.t.env
    );
    let (_, s) = f.admin.call(Method::GET, &path, None).await;
    s["enabled"].as_bool().unwrap()
}

fn toggle_off(f: &Fixture) -> String {
    call(
        "propose_toggle",
        json!({"project": f.t.project, "environment": "production", "flag": "beta", "enabled": false}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tools_read_and_propose_and_none_applies_approves_or_rejects() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let report = sdk(&f, Via::Http, Some(&agent.secret), &["tools".into()]).await;
    let step = only_step(&report);
    assert_eq!(tool_names(step), TOOLS);
    for t in step["tools"].as_array().unwrap() {
        assert!(t["description"].as_str().unwrap().len() > 40, "{t}");
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
    }
    let propose = step["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "propose_change")
        .unwrap();
    assert_eq!(
        propose["inputSchema"]["required"],
        json!(["project", "title", "changes"])
    );
    assert_eq!(
        propose["inputSchema"]["properties"]["changes"]["items"]["properties"]["kind"]["enum"],
        json!(["state", "flag", "segment", "ramp"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_flags_sums_up_each_environments_state() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let step = call("list_flags", json!({"project": f.t.project}));
    let report = sdk(&f, Via::Http, Some(&agent.secret), &[step]).await;
    let r = only_step(&report);
    assert_eq!(r["isError"], false, "{r}");
    let beta = &r["structured"]["flags"][0];
    assert_eq!(beta["key"], "beta");
    assert_eq!(beta["variants"], json!(["on", "off"]));
    let production = &beta["environments"][0];
    assert_eq!(production["environment"], "production");
    assert_eq!(production["enabled"], true);
    assert_eq!(production["defaultVariant"], "off");
    assert_eq!(production["hasTargeting"], true);
    assert_eq!(production["requiresApproval"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_flag_evaluates_the_flag_for_a_context() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let step = call(
        "explain_flag",
        json!({"project": f.t.project, "environment": "production", "flag": "beta",
               "context": {"targetingKey": "user-1", "plan": "pro"}}),
    );
    let report = sdk(&f, Via::Http, Some(&agent.secret), &[step]).await;
    let r = only_step(&report);
    let result = &r["structured"]["result"];
    assert_eq!(result["value"], true, "{r}");
    assert_eq!(result["variant"], "on");
    assert_eq!(result["reason"], "TARGETING_MATCH");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposed_toggle_is_a_change_request_by_the_token_and_changes_nothing() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let report = sdk(&f, Via::Http, Some(&agent.secret), &[toggle_off(&f)]).await;
    let r = only_step(&report);
    assert_eq!(r["isError"], false, "{r}");
    let id = r["structured"]["changeRequest"]["id"].as_str().unwrap();
    let request = request_as_admin(&f, id).await;
    assert_eq!(request["author"], agent.actor());
    assert_eq!(request["status"], "approved", "no policy: approved at once");
    assert_eq!(request["changes"][0]["enabled"], false);
    assert_eq!(request["changes"][0]["baseVersion"], 1);
    assert!(beta_enabled(&f).await, "proposing applied nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_the_proposal_as_the_token() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    sdk(&f, Via::Http, Some(&agent.secret), &[toggle_off(&f)]).await;
    let org = org_of(&f.admin).await;
    let (_, page) = f
        .admin
        .call(
            Method::GET,
            &format!("/api/v1/orgs/{org}/audit?actor=token:{}", agent.id),
            None,
        )
        .await;
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["change_request.open"], "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_reads_its_own_proposal_in_the_audit_log() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let read = call(
        "read_audit_log",
        json!({"limit": 1, "project": f.t.project}),
    );
    let report = sdk(&f, Via::Http, Some(&agent.secret), &[toggle_off(&f), read]).await;
    assert_eq!(report["connected"], true, "{report}");
    let record = &report["steps"][1]["structured"]["records"][0];
    assert_eq!(record["action"], "change_request.open", "{report}");
    assert_eq!(record["actor"], agent.actor());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_protected_environment_a_proposal_waits_for_approval() {
    let f = Fixture::start().await;
    let (s, b) = f
        .admin
        .call(
            Method::PATCH,
            &format!("/api/v1/projects/{}/environments/{}", f.t.project, f.t.env),
            Some(json!({"approval": {"approvals": 1, "minRole": "editor"}})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let agent = agent_token(&f.admin).await;
    let report = sdk(&f, Via::Http, Some(&agent.secret), &[toggle_off(&f)]).await;
    let r = only_step(&report);
    assert_eq!(r["structured"]["changeRequest"]["status"], "open", "{r}");
    assert!(beta_enabled(&f).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_comes_back_as_a_tool_error_with_the_apis_message() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let step = call(
        "propose_change",
        json!({"project": f.t.project, "title": "Stale", "changes": [{
            "kind": "state", "environmentId": f.t.env, "flag": "beta", "baseVersion": 0,
            "enabled": false, "defaultVariant": "off", "targeting": null}]}),
    );
    let report = sdk(&f, Via::Http, Some(&agent.secret), &[step]).await;
    let r = only_step(&report);
    assert_eq!(r["isError"], true, "{r}");
    assert!(r["text"].as_str().unwrap().contains("HTTP 409"), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_token_gets_401() {
    let f = Fixture::start().await;
    let report = sdk(&f, Via::Http, None, &["tools".into()]).await;
    assert_eq!(report["connected"], false, "{report}");
    assert_eq!(report["statuses"], json!([401]), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_with_a_wrong_token_gets_401() {
    let f = Fixture::start().await;
    let report = sdk(&f, Via::Http, Some("sy_api_not-a-token"), &["tools".into()]).await;
    assert_eq!(report["connected"], false, "{report}");
    assert_eq!(report["statuses"], json!([401]), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_session_token_gets_401() {
    let f = Fixture::start().await;
    let report = sdk(&f, Via::Http, Some(&f.admin.token), &["tools".into()]).await;
    assert_eq!(report["connected"], false, "{report}");
    assert_eq!(report["statuses"], json!([401]), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sessionless_2026_lifecycle_works_too() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let step = call("list_projects", json!({}));
    let report = sdk(&f, Via::HttpModern, Some(&agent.secret), &[step]).await;
    let r = only_step(&report);
    let projects = &r["structured"]["projects"];
    assert_eq!(projects[0]["id"], f.t.project.as_str(), "{r}");
    assert_eq!(projects[0]["environments"][0]["key"], "production");
    assert_eq!(r["structured"]["actingAs"], agent.actor());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stdio_server_proposes_against_the_serves_api() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let report = sdk(
        &f,
        Via::Stdio,
        Some(&agent.secret),
        &["tools".into(), toggle_off(&f)],
    )
    .await;
    assert_eq!(report["connected"], true, "{report}");
    assert_eq!(tool_names(&report["steps"][0]), TOOLS);
    let id = report["steps"][1]["structured"]["changeRequest"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(request_as_admin(&f, id).await["author"], agent.actor());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stdio_server_refuses_to_start_with_a_wrong_token() {
    let f = Fixture::start().await;
    let report = sdk(&f, Via::Stdio, Some("sy_api_wrong"), &["tools".into()]).await;
    assert_eq!(report["connected"], false, "{report}");
}
