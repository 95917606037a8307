//! `/mcp` in `switchyard serve`: MCP over streamable HTTP (rmcp's `StreamableHttpService`),
//! behind a gate that, before any MCP handling,
//! - requires `Authorization: Bearer <API token>` on every request and checks it with the API
//!   (`GET /api/v1/auth/me`): none, or one the API does not know, revoked or expired, or a
//!   member's session token, is a 401;
//! - binds each session to the token that opened it: a session id sent with another token is
//!   answered as an unknown session (404), so no caller acts as someone else's token;
//! - bounds the body (413) and the open sessions (503 past `--mcp-max-sessions`).
//!
//! The tools act as the token of the request that carries each call, which for a session is the
//! token that opened it.

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use clap::Args;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, watch};
use tower::ServiceExt;

use super::SwitchyardMcp;
use super::api::{ToolError, whoami};
use super::backend::{Backend, InProcessBackend, Secret};

/// The largest MCP request body (bytes): the API's own limit.
pub const BODY_LIMIT: usize = switchyard_functions::BODY_LIMIT;

const SESSION_HEADER: &str = "mcp-session-id";

#[derive(Debug, Clone, Args)]
pub struct McpArgs {
    /// MCP sessions open at once on `/mcp`; past it, opening one gets 503 (an idle session
    /// closes after 5 minutes, or when its client ends it).
    #[arg(long, env = "SWITCHYARD_MCP_MAX_SESSIONS", default_value_t = 100)]
    pub mcp_max_sessions: usize,
}

/// The hash of a token's secret: what a session is bound to (the secret is not kept).
type Fingerprint = [u8; 32];

fn fingerprint(secret: &Secret) -> Fingerprint {
    Sha256::digest(secret.expose().as_bytes()).into()
}

#[derive(Debug)]
struct Gate {
    backend: Arc<dyn Backend>,
    sessions: Arc<LocalSessionManager>,
    /// Each open session's token; also what counts against the cap.
    owners: Mutex<HashMap<String, Fingerprint>>,
    max_sessions: usize,
}

/// The `/mcp` service over the API router `api` (the same handlers `serve` mounts), acting as
/// each request's token. Open sessions end when `shutdown` turns true.
pub fn router(api: Router, args: &McpArgs, mut shutdown: watch::Receiver<bool>) -> Router {
    let backend: Arc<dyn Backend> = Arc::new(InProcessBackend::new(api));
    let sessions = Arc::new(LocalSessionManager::default());
    // Every request needs a bearer token, which a page that rebinds a name to this host does
    // not have: the Host check against DNS rebinding would only refuse real host names.
    let config = StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .with_max_request_body_bytes(BODY_LIMIT);
    let cancel = config.cancellation_token.clone();
    tokio::spawn(async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
        cancel.cancel();
    });
    let server = SwitchyardMcp::per_request(backend.clone());
    let mcp = StreamableHttpService::new(move || Ok(server.clone()), sessions.clone(), config);
    let mcp = ServiceExt::<Request>::map_response(mcp, into_axum);
    let gate = Arc::new(Gate {
        backend,
        sessions,
        owners: Mutex::new(HashMap::new()),
        max_sessions: args.mcp_max_sessions,
    });
    Router::new()
        .fallback_service(mcp)
        .layer(middleware::from_fn_with_state(gate, admit))
}

/// rmcp's response with axum's body.
fn into_axum<B>(r: axum::http::Response<B>) -> Response
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    r.map(Body::new)
}

/// An error in the API's shape.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message, "details": Value::Null}});
    let mut r = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    }
    r
}

fn bearer(headers: &HeaderMap) -> Option<Secret> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| Secret::new(token.trim()))
}

/// Whether a JSON-RPC body (one message or a batch) opens a session.
fn opens_session(body: &[u8]) -> bool {
    let is_initialize = |m: &Value| m["method"] == "initialize";
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(batch)) => batch.iter().any(is_initialize),
        Ok(m) => is_initialize(&m),
        Err(_) => false,
    }
}

async fn admit(State(gate): State<Arc<Gate>>, mut req: Request, next: Next) -> Response {
    let Some(secret) = bearer(req.headers()) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <API token> (a token with the read and propose scopes)",
        );
    };
    let who = match whoami(&*gate.backend, &secret).await {
        Ok(who) => who,
        Err(ToolError::Api {
            status: 401,
            message,
            ..
        }) => return refuse(StatusCode::UNAUTHORIZED, "unauthorized", &message),
        Err(e) => {
            tracing::warn!(error = %e, "mcp: the token could not be checked");
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the token could not be checked; try again",
            );
        }
    };
    let mine = fingerprint(&secret);
    let session = req
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let method = req.method().clone();
    req.extensions_mut().insert(who);
    match session {
        Some(id) => {
            if gate.owners.lock().await.get(&id) != Some(&mine) {
                return refuse(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "MCP session not found: open a new one",
                );
            }
            let resp = next.run(req).await;
            if method == Method::DELETE && resp.status().is_success() {
                gate.owners.lock().await.remove(&id);
            }
            resp
        }
        None if method == Method::POST => {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    &format!("request body is larger than {BODY_LIMIT} bytes"),
                );
            };
            let opens = opens_session(&bytes);
            let req = Request::from_parts(parts, Body::from(bytes));
            if opens {
                gate.open(req, next, mine).await
            } else {
                next.run(req).await
            }
        }
        None => next.run(req).await,
    }
}

impl Gate {
    /// Opens a session for the token, if the cap allows one more. Sessions open one at a time
    /// (an `initialize` is answered at once), so the count cannot be overtaken.
    async fn open(&self, req: Request, next: Next, owner: Fingerprint) -> Response {
        let mut owners = self.owners.lock().await;
        {
            let live = self.sessions.sessions.read().await;
            owners.retain(|id, _| live.contains_key(id.as_str()));
        }
        if owners.len() >= self.max_sessions {
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_sessions",
                &format!(
                    "this server has {} MCP sessions open, its most; end one, or try later",
                    self.max_sessions
                ),
            );
        }
        let resp = next.run(req).await;
        if let Some(id) = resp
            .headers()
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            owners.insert(id.to_owned(), owner);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_initialize_opens_a_session() {
        assert!(opens_session(
            br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#
        ));
        assert!(opens_session(
            br#"[{"jsonrpc":"2.0","id":1,"method":"initialize"}]"#
        ));
        assert!(!opens_session(
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
        ));
        assert!(!opens_session(b"not json"));
    }

    #[test]
    fn a_bearer_token_is_read_whatever_the_scheme_case() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer sy_api_x"),
        );
        assert_eq!(bearer(&h), Some(Secret::new("sy_api_x")));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer  "));
        assert_eq!(bearer(&h), None);
    }
}
