//! The dashboard API as the tools use it: requests as the agent's token, answers as JSON, and
//! failures as [`ToolError`]s that carry the API's own error message.

use axum::http::Method;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::backend::{ApiRequest, Backend, Secret, Unreachable};

/// Who the tools act as: an API token of one organization.
#[derive(Debug, Clone)]
pub struct Identity {
    pub secret: Secret,
    /// The token's id: the API records its actions as `token:ID`.
    pub token_id: String,
    pub org_id: String,
}

impl Identity {
    pub fn actor(&self) -> String {
        format!("token:{}", self.token_id)
    }
}

/// Why a tool could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The API refused: its status, error code, message and details.
    #[error("{message} ({code}, HTTP {status})")]
    Api {
        status: u16,
        code: String,
        message: String,
        details: Value,
    },
    /// The arguments do not make sense (checked before asking the API).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Unreachable(#[from] Unreachable),
}

impl ToolError {
    /// The error as a tool result the agent reads (`isError: true`), details included.
    pub fn into_result(self) -> CallToolResult {
        let mut text = self.to_string();
        if let ToolError::Api { details, .. } = &self
            && !details.is_null()
            && details != &json!([])
        {
            text.push_str("\ndetails: ");
            text.push_str(&details.to_string());
        }
        CallToolResult::error(vec![ContentBlock::text(text)])
    }
}

/// A tool's answer: the JSON object as structured content (and as text), or the error.
pub fn done(result: Result<Value, ToolError>) -> CallToolResult {
    match result {
        Ok(v) => CallToolResult::structured(v),
        Err(e) => e.into_result(),
    }
}

/// Percent-encodes one path segment or query value (everything but RFC 3986's unreserved
/// characters), so no argument can add a segment, a `..` or a query of its own.
pub fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out == "." || out == ".." {
        return out.replace('.', "%2E");
    }
    out
}

/// A query string from the pairs that have a value: `?a=1&b=x` (or nothing).
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", seg(v))))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The API, as one token.
#[derive(Debug, Clone, Copy)]
pub struct Api<'a> {
    backend: &'a dyn Backend,
    pub who: &'a Identity,
}

impl<'a> Api<'a> {
    pub fn new(backend: &'a dyn Backend, who: &'a Identity) -> Api<'a> {
        Api { backend, who }
    }

    pub async fn get(&self, path: &str) -> Result<Value, ToolError> {
        call(self.backend, &self.who.secret, Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Value, ToolError> {
        call(
            self.backend,
            &self.who.secret,
            Method::POST,
            path,
            Some(body),
        )
        .await
    }
}

async fn call(
    backend: &dyn Backend,
    token: &Secret,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, ToolError> {
    let reply = backend
        .send(ApiRequest {
            method,
            path: path.to_owned(),
            token,
            body,
        })
        .await?;
    if (200..300).contains(&reply.status) {
        return Ok(reply.body);
    }
    let e = &reply.body["error"];
    Err(ToolError::Api {
        status: reply.status,
        code: e["code"].as_str().unwrap_or("error").to_owned(),
        message: e["message"].as_str().map_or_else(
            || format!("the API answered {}", reply.status),
            str::to_owned,
        ),
        details: e["details"].clone(),
    })
}

/// Who a secret belongs to, as the API says (`GET /api/v1/auth/me`). Only API tokens act through
/// MCP: a member's session token is refused (401), as is an unknown, revoked or expired token.
pub async fn whoami(backend: &dyn Backend, secret: &Secret) -> Result<Identity, ToolError> {
    let me = call(backend, secret, Method::GET, "/api/v1/auth/me", None).await?;
    let token_id = me["token"].as_str();
    let org_id = me["memberships"][0]["organization"]["id"].as_str();
    match (token_id, org_id) {
        (Some(token_id), Some(org_id)) => Ok(Identity {
            secret: secret.clone(),
            token_id: token_id.to_owned(),
            org_id: org_id.to_owned(),
        }),
        _ => Err(ToolError::Api {
            status: 401,
            code: "unauthorized".into(),
            message: "MCP takes an API token (Authorization: Bearer sy_api_…): create one in \
                      the dashboard under Organization → API tokens, with the `read` and \
                      `propose` scopes"
                .into(),
            details: Value::Null,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_segment_cannot_climb_or_add_a_query() {
        assert_eq!(seg("../orgs"), "..%2Forgs");
        assert_eq!(seg(".."), "%2E%2E");
        assert_eq!(seg("a?b=c#d"), "a%3Fb%3Dc%23d");
        assert_eq!(seg("new-checkout_2.x~"), "new-checkout_2.x~");
    }

    #[test]
    fn a_query_holds_only_the_given_values() {
        assert_eq!(query(&[("a", None), ("b", None)]), "");
        assert_eq!(
            query(&[("limit", Some("5".into())), ("key", Some("a&b".into()))]),
            "?limit=5&key=a%26b"
        );
    }

    #[test]
    fn an_api_error_reads_as_its_message_with_details() {
        let e = ToolError::Api {
            status: 403,
            code: "forbidden".into(),
            message: "this needs the editor role".into(),
            details: json!({"environments": ["production"]}),
        };
        let r = e.into_result();
        assert_eq!(r.is_error, Some(true));
        let text = serde_json::to_string(&r.content).unwrap();
        assert!(
            text.contains("this needs the editor role (forbidden, HTTP 403)"),
            "{text}"
        );
        assert!(text.contains("production"), "{text}");
    }
}
