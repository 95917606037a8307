//! Where the MCP tools send their API requests: the dashboard API over HTTP (`switchyard mcp`,
//! against any Switchyard), or the API's own router in the same process (`/mcp` in `switchyard
//! serve`). Either way the request carries the agent's API token as a bearer token, so every
//! authorization rule and every audit record is the API's own.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use futures_util::future::BoxFuture;
use serde_json::Value;
use std::fmt;
use std::time::Duration;
use tower::ServiceExt;

/// The largest API answer read (bytes): a page of flags or of audit records is far smaller.
pub const REPLY_LIMIT: usize = 16 * 1024 * 1024;

/// An API token's secret; its `Debug` does not show it, so no log ever holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// One API request: method, path with its query (`/api/v1/...`), the caller's token, a JSON body.
#[derive(Debug)]
pub struct ApiRequest<'a> {
    pub method: Method,
    pub path: String,
    pub token: &'a Secret,
    pub body: Option<Value>,
}

/// The API's answer: its status and its JSON body (`null` when it had none).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiReply {
    pub status: u16,
    pub body: Value,
}

/// The API could not be asked, or its answer could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the Switchyard API could not be reached: {0}")]
pub struct Unreachable(pub String);

/// Sends API requests on behalf of a token.
pub trait Backend: Send + Sync + fmt::Debug + 'static {
    fn send<'a>(&'a self, request: ApiRequest<'a>) -> BoxFuture<'a, Result<ApiReply, Unreachable>>;
}

fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The dashboard API at a base URL, over HTTP(S).
#[derive(Debug, Clone)]
pub struct HttpBackend {
    client: reqwest::Client,
    base: String,
}

impl HttpBackend {
    /// `base` is the Switchyard address, such as `https://flags.example.com` (no `/api`).
    pub fn new(base: &str) -> Result<HttpBackend, String> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!(
                "--api-url must start with http:// or https:// (got {base})"
            ));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("switchyard-mcp/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpBackend { client, base })
    }
}

impl Backend for HttpBackend {
    fn send<'a>(&'a self, r: ApiRequest<'a>) -> BoxFuture<'a, Result<ApiReply, Unreachable>> {
        Box::pin(async move {
            let mut req = self
                .client
                .request(r.method, format!("{}{}", self.base, r.path))
                .bearer_auth(r.token.expose());
            if let Some(body) = &r.body {
                req = req.json(body);
            }
            let resp = req.send().await.map_err(|e| Unreachable(e.to_string()))?;
            let status = resp.status().as_u16();
            if resp
                .content_length()
                .is_some_and(|n| n > REPLY_LIMIT as u64)
            {
                return Err(Unreachable("the answer is too large".into()));
            }
            let bytes = resp.bytes().await.map_err(|e| Unreachable(e.to_string()))?;
            if bytes.len() > REPLY_LIMIT {
                return Err(Unreachable("the answer is too large".into()));
            }
            Ok(ApiReply {
                status,
                body: parse_body(&bytes),
            })
        })
    }
}

/// The dashboard API's router, called in this process (no socket, same handlers).
#[derive(Clone)]
pub struct InProcessBackend {
    api: Router,
}

impl fmt::Debug for InProcessBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InProcessBackend")
    }
}

impl InProcessBackend {
    /// `api` is the router `switchyard_functions::router` built, with its state.
    pub fn new(api: Router) -> InProcessBackend {
        InProcessBackend { api }
    }
}

impl Backend for InProcessBackend {
    fn send<'a>(&'a self, r: ApiRequest<'a>) -> BoxFuture<'a, Result<ApiReply, Unreachable>> {
        Box::pin(async move {
            let body = match &r.body {
                Some(v) => Body::from(v.to_string()),
                None => Body::empty(),
            };
            let request = Request::builder()
                .method(r.method)
                .uri(&r.path)
                .header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", r.token.expose()),
                )
                .header(header::CONTENT_TYPE, "application/json")
                .body(body)
                .map_err(|e| Unreachable(e.to_string()))?;
            let resp = match self.api.clone().oneshot(request).await {
                Ok(resp) => resp,
                Err(never) => match never {},
            };
            let status = resp.status().as_u16();
            let bytes = axum::body::to_bytes(resp.into_body(), REPLY_LIMIT)
                .await
                .map_err(|e| Unreachable(e.to_string()))?;
            Ok(ApiReply {
                status,
                body: parse_body(&bytes),
            })
        })
    }
}
