//! For the MCP tests: API tokens made through the API, the official Python MCP SDK's client
//! (`client.py`, beside this file), and raw MCP requests over HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::harness::{Client, Fixture};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

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

/// The Python with the `mcp` package: $SWITCHYARD_PYTHON, else the project's virtualenv (beside
/// $SWITCHYARD_MOTO_SERVER, as `make test` sets it, or the workspace's `.venv`).
fn python() -> PathBuf {
    if let Ok(p) = std::env::var("SWITCHYARD_PYTHON") {
        return PathBuf::from(p);
    }
    if let Ok(moto) = std::env::var("SWITCHYARD_MOTO_SERVER") {
        return Path::new(&moto).with_file_name("python");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python")
}

/// How the Python client reaches the server.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    /// `/mcp` of the serve, opening a session with `initialize`.
    Http,
    /// `/mcp` with the 2026-07-28 lifecycle (`server/discover`, no session).
    HttpModern,
    /// `switchyard mcp --api-url` of the serve, as a child process.
    Stdio,
}

/// Runs the SDK client with these steps (`tools`, `call:NAME:JSON`) as `token` (none: no
/// Authorization header); its report.
pub async fn sdk(f: &Fixture, via: Via, token: Option<&str>, steps: &[String]) -> Value {
    let py = python();
    let check = std::process::Command::new(&py)
        .args(["-c", "import mcp.client.streamable_http, mcp.client.stdio"])
        .status();
    assert!(
        check.is_ok_and(|s| s.success()),
        "{} has no `mcp` package: run `make test-deps` (scripts/install-test-deps.sh)",
        py.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py");
    let mut cmd = tokio::process::Command::new(&py);
    cmd.arg(script);
    match via {
        Via::Http => cmd.arg("http"),
        Via::HttpModern => cmd.args(["http", "--mode", "modern"]),
        Via::Stdio => cmd.arg("stdio"),
    };
    cmd.args(steps)
        .env("MCP_URL", format!("{}/mcp", f.server.base))
        .env("API_URL", &f.server.base)
        .env("SWITCHYARD_BIN", env!("CARGO_BIN_EXE_switchyard"))
        .env_remove("MCP_TOKEN");
    if let Some(t) = token {
        cmd.env("MCP_TOKEN", t);
    }
    let out = cmd.output().await.expect("python runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {} stderr {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A `call:NAME:JSON` step.
pub fn call(name: &str, args: Value) -> String {
    format!("call:{name}:{args}")
}

/// The one step's result of a report that connected, or a panic that shows the report.
pub fn only_step(report: &Value) -> &Value {
    assert_eq!(report["connected"], true, "{report}");
    assert!(report["error"].is_null(), "{report}");
    &report["steps"][0]
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
