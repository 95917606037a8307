//! `/mcp`'s gate in a real `switchyard serve`, over raw HTTP: sessions bound to the token that
//! opened them, the cap on open sessions, the body limit, a revoked token. One behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
#[path = "mcp/support.rs"]
mod support;

use harness::Fixture;
use support::{INITIALIZE, TOOLS_LIST, agent_token, open_session, org_of, post, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_answers_the_token_that_opened_it() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let session = open_session(&f, &agent.secret).await;
    let r = post(&f, Some(&agent.secret), Some(&session), TOOLS_LIST).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opened_by_one_token_is_unknown_to_another() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let other = token(&f.admin, "other", &["read", "propose"]).await;
    let session = open_session(&f, &agent.secret).await;
    let r = post(&f, Some(&other.secret), Some(&session), TOOLS_LIST).await;
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_refused_on_the_session_it_opened() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let session = open_session(&f, &agent.secret).await;
    let org = org_of(&f.admin).await;
    let (s, _) = f
        .admin
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{org}/tokens/{}", agent.id),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let r = post(&f, Some(&agent.secret), Some(&session), TOOLS_LIST).await;
    assert_eq!(r.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_past_the_cap_are_refused_until_one_ends() {
    let f = Fixture::with_args(&["--mcp-max-sessions", "2"]).await;
    let agent = agent_token(&f.admin).await;
    let first = open_session(&f, &agent.secret).await;
    open_session(&f, &agent.secret).await;
    let r = post(&f, Some(&agent.secret), None, INITIALIZE).await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let ended = f
        .http
        .delete(format!("{}/mcp", f.server.base))
        .bearer_auth(&agent.secret)
        .header("mcp-session-id", &first)
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .unwrap();
    assert!(ended.status().is_success(), "{}", ended.status());
    open_session(&f, &agent.secret).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413() {
    let f = Fixture::start().await;
    let agent = agent_token(&f.admin).await;
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"pad":"{}"}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let r = post(&f, Some(&agent.secret), None, big).await;
    assert_eq!(r.status(), 413);
}
