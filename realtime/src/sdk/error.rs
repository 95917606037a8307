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
    /// A heavy evaluation missed its deadline: 503, try again shortly.
    #[error("the evaluation did not finish in time")]
    EvaluationTimedOut,
}

impl IntoResponse for SdkError {
    fn into_response(self) -> Response {
        match self {
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
