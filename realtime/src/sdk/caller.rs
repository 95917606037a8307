//! Who calls an SDK endpoint, as extractors: the environment key (`X-API-Key`, `Authorization:
//! Bearer`, or `?key=` where browsers cannot set headers: client keys only, as URLs end up in
//! logs), the per-key rate limit, failed authentications per address, and the environment's
//! origin allow-list. A key that is not the shape of one this product issues is refused before
//! it is hashed or looked up.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::domain::KeyKind;

use super::SdkState;
use super::address::ClientAddr;
use super::error::SdkError;
use crate::envs::{Compiled, KeyInfo};

/// An authenticated caller, its key from a header.
#[derive(Debug)]
pub struct Caller {
    /// The key as presented (streams re-check it; OFREP puts a client key in stream URLs).
    pub key: String,
    pub info: KeyInfo,
    /// The environment's state when the request arrived.
    pub env: Arc<Compiled>,
}

/// A [`Caller`] whose key may also come as `?key=`: for browsers' WebSocket, EventSource and
/// `sendBeacon`, which cannot set headers.
#[derive(Debug)]
pub struct UrlCaller(pub Caller);

#[derive(Debug, serde::Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

impl FromRequestParts<SdkState> for Caller {
    type Rejection = SdkError;

    async fn from_request_parts(parts: &mut Parts, st: &SdkState) -> Result<Self, SdkError> {
        let addr = ClientAddr::of(parts, st.limits.trusted_proxy_hops);
        authenticate(st, &parts.headers, None, addr).await
    }
}

impl FromRequestParts<SdkState> for UrlCaller {
    type Rejection = SdkError;

    async fn from_request_parts(parts: &mut Parts, st: &SdkState) -> Result<Self, SdkError> {
        let Query(q) = Query::<KeyQuery>::try_from_uri(&parts.uri)
            .map_err(|_| SdkError::BadRequest("the query string is malformed".into()))?;
        let addr = ClientAddr::of(parts, st.limits.trusted_proxy_hops);
        authenticate(st, &parts.headers, q.key.as_deref(), addr)
            .await
            .map(UrlCaller)
    }
}

impl Caller {
    pub fn require_server_key(&self, why: &'static str) -> Result<(), SdkError> {
        match self.info.kind {
            KeyKind::Server => Ok(()),
            KeyKind::Client => Err(SdkError::Forbidden(why)),
        }
    }
}

/// The key from `X-API-Key`, `Authorization: Bearer`, or the `key` query parameter.
fn presented_key<'a>(headers: &'a HeaderMap, query_key: Option<&'a str>) -> Option<&'a str> {
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    let (scheme, token) = v.split_once(' ')?;
                    scheme
                        .eq_ignore_ascii_case("bearer")
                        .then_some(token.trim())
                })
        })
        .or(query_key)
        .filter(|k| !k.is_empty() && k.len() <= 256)
}

/// How long a rate-limited request waits for its 429.
const RATE_LIMITED_DELAY: Duration = Duration::from_millis(250);

/// The address's failed authentications, shape, rate limit, key, origin; the environment's
/// current state. An address past its failures is refused before anything else; a malformed or
/// unknown key counts against its address.
pub(crate) async fn authenticate(
    st: &SdkState,
    headers: &HeaderMap,
    query_key: Option<&str>,
    addr: ClientAddr,
) -> Result<Caller, SdkError> {
    let addr = addr.key();
    if let Some(retry) = addr.and_then(|a| st.failed_auth.blocked(a)) {
        st.metrics.auth_throttled.inc();
        tokio::time::sleep(RATE_LIMITED_DELAY).await;
        return Err(SdkError::RateLimited(retry));
    }
    // A server key in a URL is refused even beside a header key: the URL is what gets logged.
    if query_key.and_then(KeyKind::of_secret) == Some(KeyKind::Server) {
        return Err(SdkError::ServerKeyInUrl);
    }
    let key = presented_key(headers, query_key).ok_or(SdkError::Unauthorized)?;
    let Some(claimed) = KeyKind::of_secret(key) else {
        st.metrics.keys_malformed.inc();
        if let Some(a) = addr {
            st.failed_auth.failed(a);
        }
        return Err(SdkError::MalformedKey);
    };
    let limiter_key = switchyard_core::domain::hash_secret(key);
    if let Err(wait) = st.limiter.check_key(&limiter_key) {
        use governor::clock::Clock;
        // A tarpit: the refusal itself waits, so a client that floods and waits for answers
        // slows itself down instead of taking the CPU other tenants need.
        tokio::time::sleep(RATE_LIMITED_DELAY).await;
        return Err(SdkError::RateLimited(
            wait.wait_time_from(governor::clock::DefaultClock::default().now())
                .as_secs(),
        ));
    }
    let found = match st.envs.key(key).await? {
        Some(info) if info.kind == claimed => {
            st.envs.get(&info.environment).await.map(|env| (info, env))
        }
        _ => Err(crate::envs::EnvError::NotFound),
    };
    let (info, env) = found.inspect_err(|e| {
        if let (crate::envs::EnvError::NotFound, Some(a)) = (e, addr) {
            st.failed_auth.failed(a);
        }
    })?;
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let allowed = &env.environment.allowed_origins;
        if info.kind == KeyKind::Client
            && !allowed.is_empty()
            && !allowed.iter().any(|a| a.trim_end_matches('/') == origin)
        {
            return Err(SdkError::OriginNotAllowed(
                origin.chars().take(256).collect(),
            ));
        }
    }
    Ok(Caller {
        key: key.to_owned(),
        info,
        env,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_header_key_wins_over_bearer_and_the_url() {
        let h = headers(&[("x-api-key", "a"), ("authorization", "Bearer b")]);
        assert_eq!(presented_key(&h, Some("c")), Some("a"));
        let h = headers(&[("authorization", "bearer  b ")]);
        assert_eq!(presented_key(&h, Some("c")), Some("b"));
        assert_eq!(presented_key(&HeaderMap::new(), Some("c")), Some("c"));
    }

    #[test]
    fn empty_oversized_or_non_bearer_keys_are_no_keys() {
        let h = headers(&[("authorization", "Basic abc")]);
        assert_eq!(presented_key(&h, None), None);
        assert_eq!(presented_key(&HeaderMap::new(), Some("")), None);
        let long = "k".repeat(257);
        assert_eq!(presented_key(&HeaderMap::new(), Some(&long)), None);
    }
}
