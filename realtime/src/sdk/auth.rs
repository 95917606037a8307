//! Who is calling an SDK endpoint: the environment key (header, bearer, or `?key=` for browsers'
//! WebSocket and EventSource), the per-key rate limit, and the environment's origin allow-list.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;
use switchyard_core::domain::KeyKind;

use super::SdkState;
use crate::envs::{Compiled, EnvError, KeyInfo};

#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    #[error("an environment key is required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("too many requests")]
    RateLimited(u64),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl IntoResponse for SdkError {
    fn into_response(self) -> Response {
        match self {
            // OFREP: 401 and 403 carry no body.
            SdkError::Unauthorized => StatusCode::UNAUTHORIZED.into_response(),
            SdkError::Forbidden(_) => StatusCode::FORBIDDEN.into_response(),
            SdkError::RateLimited(s) => {
                let mut r = StatusCode::TOO_MANY_REQUESTS.into_response();
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(s.max(1)));
                r
            }
            SdkError::BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"errorCode": "GENERAL", "errorDetails": m})),
            )
                .into_response(),
            SdkError::NotFound(m) => (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"errorDetails": m})),
            )
                .into_response(),
            SdkError::Unavailable(m) => {
                tracing::error!(cause = %m, "sdk request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(json!({"errorDetails": "temporarily unavailable"})),
                )
                    .into_response()
            }
        }
    }
}

impl From<EnvError> for SdkError {
    fn from(e: EnvError) -> Self {
        match e {
            // A key whose environment is gone is as good as no key.
            EnvError::NotFound => SdkError::Unauthorized,
            EnvError::Store(m) => SdkError::Unavailable(m),
        }
    }
}

/// `?key=`: the key where a browser cannot send headers (WebSocket, EventSource, sendBeacon).
#[derive(Debug, serde::Deserialize)]
pub struct KeyQuery {
    pub key: Option<String>,
}

/// The key from `X-API-Key`, `Authorization: Bearer`, or the `key` query parameter.
pub fn presented_key<'a>(headers: &'a HeaderMap, query_key: Option<&'a str>) -> Option<&'a str> {
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

/// Authenticates a request: rate limit, key, origin; the environment's current state.
/// How long a rate-limited request waits for its 429.
const RATE_LIMITED_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

pub async fn authenticate(
    st: &SdkState,
    headers: &HeaderMap,
    query_key: Option<&str>,
) -> Result<(KeyInfo, Arc<Compiled>), SdkError> {
    let key = presented_key(headers, query_key).ok_or(SdkError::Unauthorized)?;
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
    let info = st.envs.key(key).await?.ok_or(SdkError::Unauthorized)?;
    let env = st.envs.get(&info.environment).await?;
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let allowed = &env.environment.allowed_origins;
        if info.kind == KeyKind::Client
            && !allowed.is_empty()
            && !allowed.iter().any(|a| a.trim_end_matches('/') == origin)
        {
            return Err(SdkError::Forbidden(
                "this origin is not allowed for the environment",
            ));
        }
    }
    Ok((info, env))
}
