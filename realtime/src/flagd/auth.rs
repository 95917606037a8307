//! Who calls a flagd service. flagd has no authentication and the official providers can send
//! only a selector (the `flagd-selector` header, or the deprecated `selector` request field) and
//! TLS settings, so an environment's **server key** travels as the selector; clients that can set
//! headers may send it as `authorization: Bearer <key>` or `x-api-key` instead. The key then goes
//! through exactly what an HTTP SDK request does (failed attempts per address, the per-key rate,
//! the key cache), and every refusal is a gRPC status:
//! no key, a malformed, unknown, revoked or expired one → `UNAUTHENTICATED`; a client key →
//! `PERMISSION_DENIED` (these protocols carry whole flag documents); over a rate →
//! `RESOURCE_EXHAUSTED`.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue};
use serde_json::{Map, Value};
use std::time::Duration;
use tonic::{Request, Status};

use super::listener::Connection;
use crate::sdk::SdkError;
use crate::sdk::SdkState;
use crate::sdk::address::ClientAddr;
use crate::sdk::caller::{Caller, authenticate};

/// The metadata header flagd providers send their selector in.
pub const SELECTOR_HEADER: &str = "flagd-selector";

/// What every flagd service holds.
#[derive(Debug, Clone)]
pub struct FlagdState {
    pub sdk: SdkState,
    /// The static context (`--flagd-context-value`).
    pub context: Arc<Map<String, Value>>,
    pub keep_alive: Duration,
}

/// The key a call presents: the selector header, then the request's selector field, then
/// `authorization: Bearer` or `x-api-key` metadata. A selector is the key itself, or
/// `key=<key>` among comma-separated `name=value` pairs (flagd's selector syntax).
pub fn presented<T>(req: &Request<T>, selector_field: &str) -> Option<String> {
    let md = req.metadata();
    let header = md.get(SELECTOR_HEADER).and_then(|v| v.to_str().ok());
    let selector = header
        .filter(|s| !s.trim().is_empty())
        .or(Some(selector_field).filter(|s| !s.trim().is_empty()));
    if let Some(s) = selector {
        return Some(key_of_selector(s).to_owned());
    }
    let bearer = md
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    bearer
        .or_else(|| md.get("x-api-key").and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

fn key_of_selector(selector: &str) -> &str {
    let selector = selector.trim();
    if !selector.contains('=') {
        return selector;
    }
    selector
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == "key")
        .map_or("", |(_, key)| key.trim())
}

/// The connection a call came on (every call through the flagd listeners has one).
pub fn connection<T>(req: &Request<T>) -> Option<&Connection> {
    req.extensions().get::<Connection>()
}

/// Authenticates a call with `key`: a server key of a live environment. A call that proves a key
/// makes its connection prove it (see [`super::listener`]).
pub async fn authenticate_key<T>(
    st: &FlagdState,
    req: &Request<T>,
    key: Option<String>,
) -> Result<Caller, Status> {
    let mut headers = HeaderMap::new();
    if let Some(v) = key.as_deref().and_then(|k| HeaderValue::from_str(k).ok()) {
        headers.insert("x-api-key", v);
    }
    let caller = authenticate(&st.sdk, &headers, None, client_addr(st, req))
        .await
        .map_err(status)?;
    caller
        .require_server_key("flagd's protocols take server keys: they carry whole flag documents")
        .map_err(status)?;
    if let Some(c) = connection(req) {
        c.proven.prove(&caller.key, caller.env.revision);
    }
    Ok(caller)
}

/// Authenticates a call by the key it presents.
pub async fn authenticate_call<T>(
    st: &FlagdState,
    req: &Request<T>,
    selector_field: &str,
) -> Result<Caller, Status> {
    let key = presented(req, selector_field);
    authenticate_key(st, req, key).await
}

/// The client's address as the SDK limits count it.
pub fn client_addr<T>(st: &FlagdState, req: &Request<T>) -> ClientAddr {
    let mut headers = HeaderMap::new();
    if let Some(xff) = req.metadata().get("x-forwarded-for")
        && let Ok(v) = HeaderValue::from_bytes(xff.as_bytes())
    {
        headers.insert("x-forwarded-for", v);
    }
    let peer = connection(req)
        .map(|c| c.peer.ip())
        .or(req.remote_addr().map(|a| a.ip()));
    ClientAddr::from_headers(&headers, peer, st.sdk.limits.trusted_proxy_hops)
}

/// An SDK refusal as the gRPC status that means it.
pub fn status(e: SdkError) -> Status {
    match e {
        SdkError::Unauthorized | SdkError::MalformedKey | SdkError::ServerKeyInUrl => {
            Status::unauthenticated(
                "a live server key is required: send it as the flagd selector (flagd-selector) or authorization: Bearer",
            )
        }
        e @ (SdkError::Forbidden(_) | SdkError::OriginNotAllowed(_) | SdkError::SecureMode(_)) => {
            Status::permission_denied(e.to_string())
        }
        e @ SdkError::RateLimited(_) => Status::resource_exhausted(e.to_string()),
        e @ SdkError::Overloaded(_) => Status::resource_exhausted(e.to_string()),
        SdkError::BadRequest(m) | SdkError::InvalidContext(m) => Status::invalid_argument(m),
        SdkError::NotFound(m) => Status::not_found(m),
        e @ SdkError::EvaluationTimedOut => Status::unavailable(e.to_string()),
        SdkError::Unavailable(m) => {
            tracing::error!(cause = %m, "flagd request failed");
            Status::unavailable("temporarily unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pairs: &[(&'static str, &str)]) -> Request<()> {
        let mut r = Request::new(());
        for (k, v) in pairs {
            r.metadata_mut().insert(*k, v.parse().unwrap());
        }
        r
    }

    #[test]
    fn the_selector_header_wins_over_the_field_and_headers() {
        let r = req(&[("flagd-selector", "a"), ("authorization", "Bearer b")]);
        assert_eq!(presented(&r, "c").as_deref(), Some("a"));
        let r = req(&[("authorization", "Bearer b")]);
        assert_eq!(presented(&r, "c").as_deref(), Some("c"));
        assert_eq!(presented(&r, "").as_deref(), Some("b"));
        let r = req(&[("x-api-key", "d")]);
        assert_eq!(presented(&r, " ").as_deref(), Some("d"));
        assert_eq!(presented(&req(&[]), ""), None);
    }

    #[test]
    fn a_selector_may_name_the_key_among_other_pairs() {
        assert_eq!(key_of_selector(" k1 "), "k1");
        assert_eq!(key_of_selector("flagSetId=x, key=k2"), "k2");
        assert_eq!(key_of_selector("source=x"), "");
    }
}
