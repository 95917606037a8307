//! How a DynamoDB transaction is retried: which answers mean "send it again" (another transaction
//! on the same items, throttling, a server error, no answer at all), how long to wait between
//! tries, and how many. Every try carries the same `ClientRequestToken`, so one that committed
//! without its answer arriving is not run twice.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::{
    TransactWriteItemsError, TransactWriteItemsOutput,
};

use super::kv::KvError;

/// How long one request to DynamoDB may take before it is given up and retried.
pub const ATTEMPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How many times one transaction is sent while DynamoDB answers that it could not run it now
/// (another transaction on the same items, throttling, a server error, no answer at all).
pub const TRANSACT_ATTEMPTS: u32 = 8;

/// The wait before try `attempt` (1-based): "full jitter" over an exponential ceiling (25 ms
/// doubling, at most 1 s), so writers that collided do not collide again in step.
pub(super) fn backoff(attempt: u32) -> std::time::Duration {
    let ceiling = 25u64.saturating_mul(1 << attempt.min(10)).min(1000);
    std::time::Duration::from_millis(rand::random_range(0..=ceiling))
}

/// What one `TransactWriteItems` came to.
pub(super) enum Tried {
    Done,
    Failed(KvError),
    /// Worth sending again (with the same token), for this reason.
    Again(String),
}

pub(super) fn judge<R: std::fmt::Debug>(
    sent: Result<TransactWriteItemsOutput, SdkError<TransactWriteItemsError, R>>,
) -> Tried {
    let e = match sent {
        Ok(_) => return Tried::Done,
        Err(e) => e,
    };
    match &e {
        SdkError::ServiceError(service) => match service.err() {
            TransactWriteItemsError::TransactionCanceledException(c) => {
                let codes: Vec<&str> = c
                    .cancellation_reasons()
                    .iter()
                    .map(|r| r.code().unwrap_or("None"))
                    .collect();
                if let Some(index) = codes.iter().position(|c| *c == "ConditionalCheckFailed") {
                    return Tried::Failed(KvError::Condition { index });
                }
                let passing = [
                    "TransactionConflict",
                    "ThrottlingError",
                    "ProvisionedThroughputExceeded",
                ];
                if codes.iter().any(|c| passing.contains(c)) {
                    Tried::Again(format!("cancelled: {}", codes.join(",")))
                } else {
                    Tried::Failed(KvError::Backend(format!("transaction cancelled: {c}")))
                }
            }
            TransactWriteItemsError::TransactionInProgressException(_)
            | TransactWriteItemsError::ProvisionedThroughputExceededException(_)
            | TransactWriteItemsError::RequestLimitExceeded(_)
            | TransactWriteItemsError::ThrottlingException(_)
            | TransactWriteItemsError::InternalServerError(_) => {
                Tried::Again(DisplayErrorContext(&e).to_string())
            }
            other if other.code() == Some("ServiceUnavailable") => {
                Tried::Again(DisplayErrorContext(&e).to_string())
            }
            other => Tried::Failed(KvError::Backend(DisplayErrorContext(other).to_string())),
        },
        // No answer: it may have committed; the same token makes sending it again safe.
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            Tried::Again(DisplayErrorContext(&e).to_string())
        }
        _ => Tried::Failed(KvError::Backend(DisplayErrorContext(e).to_string())),
    }
}
