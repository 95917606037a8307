//! The API's one error type and the one place it becomes an HTTP response:
//! `{"error": {"code", "message", "details"}}` with the status HTTP means for it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use switchyard_core::changes::ChangeError;
use switchyard_core::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed input: not JSON, wrong shape (400).
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed input that breaks a rule, with per-field problems (422).
    #[error("{message}")]
    Invalid { message: String, details: Value },
    /// Well-formed input that would take the tenant over a quota; `details` names the quota and
    /// its limit (422).
    #[error("{message}")]
    QuotaExceeded { message: String, details: Value },
    /// The password was right; the account signs in with an authenticator code too (401, code
    /// `two_factor_required`).
    #[error("the password is right; now the code from your authenticator app")]
    TwoFactorRequired,
    /// No credentials, or credentials that do not verify (401).
    #[error("{0}")]
    Unauthorized(String),
    /// An owner or admin of an organization that requires two-factor sign-in, without it on (403,
    /// code `two_factor_setup_required`).
    #[error(
        "this organization requires two-factor sign-in for owners and admins: turn it on first"
    )]
    TwoFactorSetupRequired,
    /// The account's email is not verified yet, and the operation needs it (403, code
    /// `email_not_verified`).
    #[error("confirm your email first: follow the link we mailed you, or ask for a new one")]
    EmailNotVerified,
    /// Authenticated but not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// The change reaches environments that require approval: propose it as a change request
    /// (403, code `approval_required`, `details.environments` their keys).
    #[error("{message}")]
    ApprovalRequired { message: String, details: Value },
    /// Missing, or belonging to another tenant: the same answer either way (404).
    #[error("{0} not found")]
    NotFound(String),
    /// A stale version or a duplicate key (409).
    #[error("{message}")]
    Conflict { message: String, details: Value },
    /// The body is larger than the limit (413).
    #[error("request body is larger than {0} bytes")]
    TooLarge(usize),
    /// Too many attempts; retry after the given seconds (429).
    #[error("too many requests; retry in {0} s")]
    RateLimited(u64),
    /// The store is too busy to take this write now; nothing was written, retry after a second
    /// (503).
    #[error("the service is busy; nothing was changed, try again in a moment")]
    Unavailable(String),
    /// This server is not set up for the request (no mail server for password resets) (501).
    #[error("{0}")]
    NotConfigured(String),
    /// Something on our side failed; the message is logged, not shown (500).
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(message: impl Into<String>, details: Value) -> Self {
        ApiError::Invalid {
            message: message.into(),
            details,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, Value) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request", Value::Null),
            ApiError::Invalid { details, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", details.clone())
            }
            ApiError::QuotaExceeded { details, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "quota_exceeded",
                details.clone(),
            ),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", Value::Null),
            ApiError::TwoFactorRequired => {
                (StatusCode::UNAUTHORIZED, "two_factor_required", Value::Null)
            }
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", Value::Null),
            ApiError::TwoFactorSetupRequired => (
                StatusCode::FORBIDDEN,
                "two_factor_setup_required",
                Value::Null,
            ),
            ApiError::EmailNotVerified => {
                (StatusCode::FORBIDDEN, "email_not_verified", Value::Null)
            }
            ApiError::ApprovalRequired { details, .. } => {
                (StatusCode::FORBIDDEN, "approval_required", details.clone())
            }
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", Value::Null),
            ApiError::Conflict { details, .. } => {
                (StatusCode::CONFLICT, "conflict", details.clone())
            }
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", Value::Null),
            ApiError::RateLimited(s) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                json!({"retryAfter": s}),
            ),
            ApiError::Unavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable", Value::Null)
            }
            ApiError::NotConfigured(_) => {
                (StatusCode::NOT_IMPLEMENTED, "not_configured", Value::Null)
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", Value::Null),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::AlreadyExists(what) => ApiError::Conflict {
                message: format!("{what} already exists"),
                details: Value::Null,
            },
            StoreError::Conflict { what, current } => ApiError::Conflict {
                message: format!("{what} was changed by someone else; reload and try again"),
                details: json!({ "currentVersion": current }),
            },
            StoreError::Invalid(message) => ApiError::invalid(message, json!([])),
            StoreError::Backend(cause) => ApiError::Internal(cause),
            StoreError::Busy(cause) => ApiError::Unavailable(cause),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Invalid { message, problems } => ApiError::invalid(
                message,
                serde_json::to_value(problems).unwrap_or(Value::Array(vec![])),
            ),
            ChangeError::NotFound(what) => ApiError::NotFound(what),
            ChangeError::Conflict { message, details } => ApiError::Conflict { message, details },
            ChangeError::Forbidden(message) => ApiError::Forbidden(message),
            ChangeError::ApprovalRequired {
                message,
                environments,
            } => ApiError::ApprovalRequired {
                message,
                details: json!({ "environments": environments }),
            },
            ChangeError::Quota(q) => ApiError::QuotaExceeded {
                message: q.to_string(),
                details: serde_json::to_value(&q).unwrap_or(Value::Null),
            },
            ChangeError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, details) = self.parts();
        match &self {
            ApiError::Internal(cause) => tracing::error!(%cause, "internal error"),
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "store busy"),
            _ => {}
        }
        let body =
            json!({"error": {"code": code, "message": self.to_string(), "details": details}});
        let mut response = (status, axum::Json(body)).into_response();
        if let ApiError::Unavailable(_) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let ApiError::RateLimited(seconds) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&seconds.max(1).to_string())
                    .unwrap_or(HeaderValue::from_static("1")),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body(r: Response) -> Value {
        serde_json::from_slice(&to_bytes(r.into_body(), 1 << 16).await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn a_busy_store_answers_503_with_retry_after_and_hides_the_cause() {
        let r = ApiError::from(StoreError::Busy("TransactionConflict x8 on ORG#1".into()))
            .into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        let b = body(r).await;
        assert_eq!(b["error"]["code"], "unavailable");
        assert!(!b.to_string().contains("ORG#1"));
    }

    #[tokio::test]
    async fn one_shape_for_every_error() {
        let r = ApiError::invalid("bad flag", json!([{"path": "/key", "message": "empty"}]))
            .into_response();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b = body(r).await;
        assert_eq!(b["error"]["code"], "invalid");
        assert_eq!(b["error"]["message"], "bad flag");
        assert_eq!(b["error"]["details"][0]["path"], "/key");

        let r = ApiError::RateLimited(7).into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");

        let r = ApiError::Internal("db password is hunter2".into()).into_response();
        let b = body(r).await;
        assert_eq!(
            b["error"]["message"], "internal error",
            "causes never reach clients"
        );
    }
}
