//! Consumers of the change log: each keeps its place (the id of the last record it finished) in
//! the store, reads what came after it in order, and moves its place on only after a record is
//! handled. A crash or a failing handler leaves the place where it was, so the record is handed
//! over again: at least once, in order; record ids let a receiver drop repeats. Two workers of
//! one consumer cannot both move its place past the same record.

use std::future::Future;

use super::error::{ChangeError, Result};
use crate::domain::ChangeRecord;
use crate::store::{Store, StoreError};

/// How many records a consumer reads at a time.
const BATCH: usize = 100;

/// What one drain did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drained {
    /// Every record was handled; this many.
    Done(usize),
    /// The handler failed on a record (its id, and the reason); the ones before it count.
    Failed {
        handled: usize,
        id: String,
        reason: String,
    },
    /// Another worker of this consumer moved its place meanwhile; this one stopped.
    Overtaken(usize),
}

/// Hands every record of `org`'s change log after `consumer`'s place to `handle`, in order,
/// moving the place on after each one.
pub async fn drain<F, Fut>(
    store: &Store,
    org: &str,
    consumer: &str,
    mut handle: F,
) -> Result<Drained>
where
    F: FnMut(ChangeRecord) -> Fut,
    Fut: Future<Output = std::result::Result<(), String>>,
{
    let mut place = store.consumer_place(org, consumer).await?;
    let mut handled = 0;
    loop {
        let records = store.changes_after(org, place.as_deref(), BATCH).await?;
        if records.is_empty() {
            return Ok(Drained::Done(handled));
        }
        for record in records {
            let id = record.id.clone();
            if let Err(reason) = handle(record).await {
                return Ok(Drained::Failed {
                    handled,
                    id,
                    reason,
                });
            }
            match store
                .move_consumer_place(org, consumer, place.as_deref(), &id)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Conflict { .. }) => return Ok(Drained::Overtaken(handled)),
                Err(e) => return Err(ChangeError::from(e)),
            }
            place = Some(id);
            handled += 1;
        }
    }
}
