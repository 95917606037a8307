//! SDK endpoint errors and the one place they become HTTP responses (OFREP's shapes: 401 and 403
//! carry no body; others `errorCode` / `errorDetails`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::envs::EnvError;

#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    #[error("an environment key is required")]
    Unauthorized,
    /// Not the shape of a key this product issues (refused before any lookup).
    #[error("this is not an SDK key")]
    MalformedKey,
    #[error(
        "server keys may not be sent in the URL (URLs end up in logs): send X-API-Key or Authorization: Bearer"
    )]
    ServerKeyInUrl,
    #[error("{0}")]
    SecureMode(#[from] super::secure::SecureModeError),
    #[error("{0}")]
    Forbidden(&'static str),
    /// A client key used from a page whose origin the environment's allow-list does not hold.
    #[error(
        "this page's origin ({0}) is not in the environment's allowed origins: add it in the dashboard (Environments) or use the key from an allowed page"
    )]
    OriginNotAllowed(String),
    #[error("too many requests")]
    RateLimited(u64),
    #[error("{0}")]
    BadRequest(String),
    /// OFREP's `INVALID_CONTEXT`.
    #[error("{0}")]
    InvalidContext(String),
    /// 503 with Retry-After: no room for a new stream now.
    #[error("{0}")]
    Overloaded(&'static str),
    #[error("{0}")]
    NotFound(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A heavy evaluation missed its deadline: 503, try again shortly.
    #[error("the evaluation did not finish in time")]
    EvaluationTimedOut,
}

/// Seconds a client refused for capacity waits before it tries again.
pub const OVERLOADED_RETRY_AFTER: u64 = 5;

impl From<super::streams::Refused> for SdkError {
    fn from(r: super::streams::Refused) -> Self {
        use super::streams::Refused;
        SdkError::Overloaded(match r {
            Refused::Node => "this server holds all the streams it can",
            Refused::Key => "this key holds all the streams it may",
            Refused::Address => "this address holds all the streams it may",
            Refused::Memory => "this server is short of memory",
        })
    }
}

impl IntoResponse for SdkError {
    fn into_response(self) -> Response {
        match self {
            SdkError::Unauthorized => StatusCode::UNAUTHORIZED.into_response(),
            // OFREP's 401 has no body: the reason goes in the challenge.
            SdkError::MalformedKey => {
                let mut r = StatusCode::UNAUTHORIZED.into_response();
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        r#"Bearer error="invalid_token", error_description="this is not an SDK key: keys look like sy_client_ or sy_server_ and 64 hex digits""#,
                    ),
                );
                r
            }
            e @ SdkError::ServerKeyInUrl => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"errorCode": "GENERAL", "errorDetails": e.to_string()})),
            )
                .into_response(),
            SdkError::SecureMode(e) => (
                StatusCode::FORBIDDEN,
                axum::Json(json!({"errorCode": "GENERAL", "errorDetails": e.to_string()})),
            )
                .into_response(),
            SdkError::Forbidden(_) => StatusCode::FORBIDDEN.into_response(),
            // A body, though OFREP's 403 has none, so the browser's SDK (which reads it through
            // CORS) can tell the developer why, rather than blaming the key.
            e @ SdkError::OriginNotAllowed(_) => (
                StatusCode::FORBIDDEN,
                axum::Json(
                    json!({"errorCode": "ORIGIN_NOT_ALLOWED", "errorDetails": e.to_string()}),
                ),
            )
                .into_response(),
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
            SdkError::InvalidContext(m) => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"errorCode": "INVALID_CONTEXT", "errorDetails": m})),
            )
                .into_response(),
            SdkError::Overloaded(m) => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    header::RETRY_AFTER,
                    HeaderValue::from(OVERLOADED_RETRY_AFTER),
                )],
                axum::Json(json!({"errorDetails": m})),
            )
                .into_response(),
            SdkError::NotFound(m) => (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"errorDetails": m})),
            )
                .into_response(),
            SdkError::EvaluationTimedOut => {
                let mut r = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(json!({"errorCode": "GENERAL",
                        "errorDetails": "the evaluation did not finish in time; retry shortly"})),
                )
                    .into_response();
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(1));
                r
            }
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

impl From<super::offload::DeadlineMissed> for SdkError {
    fn from(_: super::offload::DeadlineMissed) -> Self {
        SdkError::EvaluationTimedOut
    }
}
