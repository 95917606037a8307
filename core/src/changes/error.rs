//! What a change can fail with; the API turns each into one HTTP status.

use serde_json::Value;

use crate::engine::Problem;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The change breaks a domain rule; every problem has a JSON Pointer into the input.
    #[error("{message}")]
    Invalid {
        message: String,
        problems: Vec<Problem>,
    },
    #[error("{0} not found")]
    NotFound(String),
    /// A stale version, a duplicate, or a rule about the current state (details say which).
    #[error("{message}")]
    Conflict { message: String, details: Value },
    /// The actor may not make this change (roles that only owners may grant, ...).
    #[error("{0}")]
    Forbidden(String),
    /// The change reaches environments that require approval: propose it as a change request
    /// (`environments`: their keys).
    #[error("{message}")]
    ApprovalRequired {
        message: String,
        environments: Vec<String>,
    },
    /// The change would take a tenant over a quota (which, its limit, how far).
    #[error(transparent)]
    Quota(super::quotas::QuotaExceeded),
    #[error(transparent)]
    Store(StoreError),
}

pub type Result<T> = std::result::Result<T, ChangeError>;

impl ChangeError {
    /// One problem with one input field, such as `variants/0/name`.
    pub fn field(field: &str, message: impl Into<String>) -> ChangeError {
        let message = message.into();
        ChangeError::Invalid {
            message: format!("{field} {message}"),
            problems: vec![Problem::new(format!("/{field}"), message)],
        }
    }

    pub fn problems(message: impl Into<String>, problems: Vec<Problem>) -> ChangeError {
        ChangeError::Invalid {
            message: message.into(),
            problems,
        }
    }

    /// Someone else changed `what` since version `expected` was read.
    pub fn stale(what: &str, current: u64) -> ChangeError {
        ChangeError::Conflict {
            message: format!("{what} was changed by someone else; reload and try again"),
            details: serde_json::json!({ "currentVersion": current }),
        }
    }

    /// The problems, each path under `prefix` (a JSON Pointer).
    pub fn under(self, prefix: &str) -> ChangeError {
        match self {
            ChangeError::Invalid { message, problems } => ChangeError::Invalid {
                message,
                problems: problems
                    .into_iter()
                    .map(|p| Problem::new(format!("{prefix}{}", p.path), p.message))
                    .collect(),
            },
            other => other,
        }
    }
}

impl From<StoreError> for ChangeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ChangeError::NotFound(what),
            StoreError::AlreadyExists(what) => ChangeError::Conflict {
                message: format!("{what} already exists"),
                details: Value::Null,
            },
            StoreError::Conflict { what, current } => ChangeError::Conflict {
                message: format!("{what} was changed by someone else; reload and try again"),
                details: serde_json::json!({ "currentVersion": current }),
            },
            StoreError::Invalid(message) => ChangeError::Invalid {
                message,
                problems: vec![],
            },
            other => ChangeError::Store(other),
        }
    }
}
