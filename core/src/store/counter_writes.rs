//! How counters reach DynamoDB: batches of absolute totals, written with bounded concurrency and
//! retried with backoff.
//!
//! # The design
//!
//! Each realtime node keeps, per counter (environment, hour, flag, variant), the total it has
//! counted since it started, and writes that total as its own item
//! (`STATS#{env}` / `{hour}#{flag}#{variant}#{node}`, see [`super::layout`]) with
//! `BatchWriteItem` puts of 25 items; reads sum the nodes' items of a window. We chose this over:
//! - `UpdateItem ADD` per counter (what it replaced): one request per counter, and `ADD` is not
//!   idempotent, so a retry after an ambiguous failure (a timeout after DynamoDB applied it, which
//!   the SDK itself retries) counts twice. `ADD` cannot go in `BatchWriteItem`.
//! - `TransactWriteItems` of up to 100 `ADD` updates: idempotent only within a client token's
//!   ten minutes, twice the write units, and transactions touching one hot counter from several
//!   nodes at once fail with `TransactionConflict`.
//!
//! An absolute put is idempotent: a retried batch, an `UnprocessedItems` entry written twice, or
//! a flush that fails halfway and is repeated all leave the same item. Nodes never write each
//! other's items, so no hot key is shared between writers and no write conflicts. The cost is one
//! item per node per counter (reads sum a handful of items; the window read is one `Query`), and
//! a node keeps its totals for the hour it counts in (bounded by the intake's pending limit).
//!
//! Each batch is retried while it is throttled or leaves `UnprocessedItems`, with exponential
//! backoff and full jitter (AWS's advice for `BatchWriteItem`), up to [`WritePolicy::max_attempts`];
//! at most [`WritePolicy::concurrency`] batches are in flight, so a big flush does not take every
//! connection or all of a table's burst capacity. The writing itself is behind [`BatchSink`], so
//! tests can throttle or leave items unprocessed (moto does neither).

use async_trait::async_trait;
use futures_util::StreamExt;
use rand::Rng;
use std::time::Duration;

use super::KvError;

/// DynamoDB's limit on one `BatchWriteItem`.
pub const MAX_BATCH: usize = 25;

/// How batches are written and retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritePolicy {
    /// Items per batch (at most [`MAX_BATCH`]).
    pub batch_size: usize,
    /// Batches in flight at once.
    pub concurrency: usize,
    /// Tries per batch, the first included.
    pub max_attempts: u32,
    /// The backoff before the second try; it doubles each time, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for WritePolicy {
    fn default() -> Self {
        WritePolicy {
            batch_size: MAX_BATCH,
            concurrency: 4,
            max_attempts: 8,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl WritePolicy {
    /// The pause before try `attempt + 1` (full jitter: anywhere up to the exponential bound).
    fn backoff(&self, attempt: u32) -> Duration {
        let bound = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        let ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=ms))
    }
}

/// Why one batch was not written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Nothing was written and trying again later may work (throttling, a 5xx, a timeout).
    #[error("retryable: {0}")]
    Retryable(String),
    /// Trying again will not help (a malformed request, missing permissions).
    #[error(transparent)]
    Fatal(KvError),
}

/// Writes one batch; returns the items it left unprocessed.
#[async_trait]
pub trait BatchSink<T: Send + Sync>: Sync {
    async fn write(&self, batch: &[T]) -> Result<Vec<T>, BatchError>;
}

/// Writes every item, in batches with bounded concurrency, retrying throttled batches and
/// unprocessed items with backoff. An error means some items may not be written; as every write
/// is idempotent, writing them all again is the way to recover.
pub async fn write_all<T: Send + Sync, S: BatchSink<T>>(
    sink: &S,
    items: Vec<T>,
    policy: &WritePolicy,
) -> Result<(), KvError> {
    let size = policy.batch_size.clamp(1, MAX_BATCH);
    let mut batches = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        batches.push(items.by_ref().take(size).collect::<Vec<T>>());
    }
    let results: Vec<Result<(), KvError>> = futures_util::stream::iter(batches)
        .map(|batch| write_one(sink, batch, policy))
        .buffer_unordered(policy.concurrency.max(1))
        .collect()
        .await;
    results.into_iter().collect()
}

async fn write_one<T: Send + Sync, S: BatchSink<T>>(
    sink: &S,
    mut batch: Vec<T>,
    policy: &WritePolicy,
) -> Result<(), KvError> {
    let tries = policy.max_attempts.max(1);
    let mut last = String::new();
    for attempt in 1..=tries {
        if attempt > 1 {
            tokio::time::sleep(policy.backoff(attempt - 1)).await;
        }
        match sink.write(&batch).await {
            Ok(unprocessed) if unprocessed.is_empty() => return Ok(()),
            Ok(unprocessed) => {
                last = format!("{} of {} items unprocessed", unprocessed.len(), batch.len());
                batch = unprocessed;
            }
            // Nothing was written: the same batch goes again.
            Err(BatchError::Retryable(e)) => last = e,
            Err(BatchError::Fatal(e)) => return Err(e),
        }
    }
    Err(KvError::Backend(format!(
        "a counter batch was not written in {tries} tries ({last})"
    )))
}
