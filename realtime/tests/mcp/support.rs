//! For the MCP tests: API tokens made through the API, and raw MCP requests over HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::harness::{Client, Fixture};
use serde_json::json;

/// An API token: its secret and its id.
pub struct Token {
    pub secret: String,
    pub id: String,
}

impl Token {
    pub fn actor(&self) -> String {
        format!("token:{}", self.id)
    }
}

pub async fn org_of(admin: &Client) -> String {
    let (_, me) = admin
        .call(reqwest::Method::GET, "/api/v1/auth/me", None)
        .await;
    me["memberships"][0]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A token made by `admin` through the API, with these scopes.
pub async fn token(admin: &Client, name: &str, scopes: &[&str]) -> Token {
    let org = org_of(admin).await;
    let (s, b) = admin
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(json!({"name": name, "scopes": scopes})),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    Token {
        secret: b["secret"].as_str().unwrap().to_owned(),
        id: b["token"]["id"].as_str().unwrap().to_owned(),
    }
}

/// The agent's token: read and propose, nothing else.
pub async fn agent_token(admin: &Client) -> Token {
    token(admin, "claude", &["read", "propose"]).await
}

pub const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
pub const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
pub const TOOLS_LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;

/// A raw MCP POST to `/mcp`: its status and response (the body is not read: SSE stays open).
pub async fn post(
    f: &Fixture,
    token: Option<&str>,
    session: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut req = f
        .http
        .post(format!("{}/mcp", f.server.base))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(s) = session {
        req = req
            .header("mcp-session-id", s)
            .header("mcp-protocol-version", "2025-06-18");
    }
    req.send().await.unwrap()
}

/// Opens a session as `token` (initialize, then initialized); its id.
pub async fn open_session(f: &Fixture, token: &str) -> String {
    let r = post(f, Some(token), None, INITIALIZE).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let id = r.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    drop(r);
    let r = post(f, Some(token), Some(&id), INITIALIZED).await;
    assert_eq!(r.status(), 202);
    id
}
