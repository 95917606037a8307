//! The clock that applies scheduled change requests: a task in `switchyard serve` (every
//! second, and at once on start, so what came due while it was down applies then), and the
//! `scheduler` Lambda that EventBridge invokes every minute in AWS. Each due request is applied
//! at most once, whichever runner gets there: the change layer's write of the request is
//! conditional on the version it read.

use std::time::Duration;
use switchyard_core::changes::{ChangeError, Changes, DueOutcome};

/// How many due requests one run takes on (the rest wait for the next run).
pub const RUN_LIMIT: usize = 500;

/// One run: applies what is due, and logs what became of it.
pub async fn run(changes: &Changes, late_after: Duration) -> Result<Vec<DueOutcome>, ChangeError> {
    let late_ms = i64::try_from(late_after.as_millis()).unwrap_or(i64::MAX);
    let done = changes.run_due(RUN_LIMIT, late_ms).await?;
    for o in &done {
        tracing::info!(id = %o.id, kind = ?o.kind, status = %o.status, "due request or ramp step ran");
    }
    Ok(done)
}

/// `serve`'s scheduler: a run now, then one every `tick`, until the process ends.
pub async fn run_forever(changes: Changes, tick: Duration) {
    loop {
        if let Err(e) = run(&changes, tick * 5).await {
            tracing::warn!(error = %e, "scheduler run failed");
        }
        tokio::time::sleep(tick).await;
    }
}

/// How often `serve` deletes expired change records.
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// `serve`'s retention sweep: change records past their organization's audit retention (and
/// their index items) are deleted now, then every `every`, in bounded batches. Only the
/// embedded store has any to delete: DynamoDB's TTL deletes them itself. Reads hide them from
/// the moment they expire either way.
pub async fn sweep_forever(store: switchyard_core::store::Store, every: Duration) {
    loop {
        let now = switchyard_core::domain::now_ms().div_euclid(1000);
        match store.sweep_expired(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired audit records deleted"),
            Err(e) => tracing::warn!(error = %e, "audit retention sweep failed"),
        }
        tokio::time::sleep(every).await;
    }
}
