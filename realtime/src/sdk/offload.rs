//! Where evaluations run. Light environments (the usual case) are evaluated inline on the async
//! workers, as before. Heavy ones, whose worst case for evaluating every flag once
//! ([`Compiled::cost`]) reaches `Limits::heavy_cost`, are evaluated on threads of the lowest
//! priority ([`LowPriority`]), at most `Limits::heavy_concurrency` at a time, within
//! `Limits::evaluation_deadline` (waiting for a turn included): one tenant's expensive rules then
//! queue behind each other instead of taking the workers, or the cores, every other tenant's
//! requests and streams need.

use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::Limits;
use super::low_priority::LowPriority;
use super::view::ClientView;
use crate::envs::Compiled;
use crate::metrics::Metrics;

/// When work on a heavy-evaluation thread should give up (never, inline).
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<std::time::Instant>);

impl Deadline {
    pub fn passed(self) -> bool {
        self.0.is_some_and(|d| std::time::Instant::now() >= d)
    }
}

/// The deadline passed before the work was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the evaluation did not finish within its deadline")]
pub struct DeadlineMissed;

#[derive(Debug)]
pub struct Offload {
    permits: Arc<Semaphore>,
    threads: LowPriority,
    heavy_cost: u64,
    deadline: Duration,
    metrics: Arc<Metrics>,
}

impl Offload {
    pub fn new(limits: &Limits, metrics: Arc<Metrics>) -> Offload {
        Offload {
            permits: Arc::new(Semaphore::new(limits.heavy_concurrency.max(1))),
            threads: LowPriority::new(limits.heavy_concurrency),
            heavy_cost: limits.heavy_cost,
            deadline: limits.evaluation_deadline,
            metrics,
        }
    }

    pub fn is_heavy(&self, env: &Compiled) -> bool {
        env.cost >= self.heavy_cost
    }

    /// Runs `work` on `env`: inline when the environment is light, otherwise on a blocking
    /// thread within the deadline. `work` may return `None` when it saw the deadline pass.
    pub async fn run<R, W>(&self, env: &Arc<Compiled>, work: W) -> Result<R, DeadlineMissed>
    where
        R: Send + 'static,
        W: FnOnce(&Compiled, Deadline) -> Option<R> + Send + 'static,
    {
        if !self.is_heavy(env) {
            return work(env, Deadline(None)).ok_or(DeadlineMissed);
        }
        let started = Instant::now();
        let until = started + self.deadline;
        let env = env.clone();
        let outcome = tokio::time::timeout_at(until, async {
            let permit = self.permits.clone().acquire_owned().await.ok()?;
            let deadline = Deadline(Some(until.into_std()));
            // The permit is held by the pool's thread for as long as it works, so that no
            // more than `heavy_concurrency` heavy evaluations run, whoever stopped waiting.
            self.threads
                .run(move || {
                    let _permit = permit;
                    work(&env, deadline)
                })
                .await
                .flatten()
        })
        .await;
        match outcome {
            Ok(Some(r)) => Ok(r),
            _ => {
                self.metrics.evaluation_deadline_missed.inc();
                Err(DeadlineMissed)
            }
        }
    }

    /// Runs `f` on a stream client's view (a snapshot, or the changes since what it holds), as
    /// [`Offload::run`] does, and counts the evaluations that ran out of budget. On a missed
    /// deadline the view is left empty: the caller ends the stream.
    pub async fn on_view<R: Send + 'static>(
        &self,
        view: &mut ClientView,
        env: &Arc<Compiled>,
        context: &Value,
        f: fn(&mut ClientView, &Compiled, &Value) -> R,
    ) -> Result<R, DeadlineMissed> {
        let r = if self.is_heavy(env) {
            let mut taken = std::mem::take(view);
            let context = context.clone();
            let (back, r) = self
                .run(env, move |env, _| {
                    let r = f(&mut taken, env, &context);
                    Some((taken, r))
                })
                .await?;
            *view = back;
            r
        } else {
            f(view, env, context)
        };
        self.metrics
            .evaluation_budget_exceeded
            .inc_by(std::mem::take(&mut view.budget_exceeded));
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use switchyard_core::engine::FlagSet;

    fn env(targeting: serde_json::Value) -> Arc<Compiled> {
        let doc = json!({"flags": {"f": {"state": "ENABLED", "variants": {"on": true},
            "defaultVariant": "on", "targeting": targeting}}});
        let environment = serde_json::from_value(json!({"id": "e", "orgId": "o",
            "projectId": "p", "key": "k", "name": "n", "revision": 1, "createdAt": 0}))
        .unwrap_or_else(|e| panic!("{e}"));
        Arc::new(Compiled::new(
            environment,
            FlagSet::parse(&doc).unwrap_or_else(|e| panic!("{e}")),
            &serde_json::from_value(doc).unwrap_or_else(|e| panic!("{e}")),
        ))
    }

    fn offload(concurrency: usize) -> Offload {
        let limits = Limits {
            heavy_concurrency: concurrency,
            evaluation_deadline: Duration::from_millis(50),
            ..Limits::default()
        };
        Offload::new(&limits, Arc::new(Metrics::new()))
    }

    /// A rule that iterates over the context: open-ended, so the environment is heavy.
    fn heavy() -> Arc<Compiled> {
        env(json!({"if": [{"some": [{"var": "xs"}, {"var": ""}]}, "on"]}))
    }

    #[tokio::test]
    async fn an_environment_that_iterates_over_the_context_is_heavy() {
        let o = offload(1);
        assert!(o.is_heavy(&heavy()));
        assert!(!o.is_heavy(&env(json!({"==": [{"var": "plan"}, "pro"]}))));
    }

    #[tokio::test]
    async fn a_heavy_evaluation_that_cannot_start_in_time_misses_its_deadline() {
        let o = offload(1);
        let _busy = o
            .permits
            .clone()
            .acquire_owned()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let r = o.run(&heavy(), |_, _| Some(1)).await;
        assert_eq!(r, Err(DeadlineMissed));
        assert_eq!(o.metrics.evaluation_deadline_missed.get(), 1);
    }

    #[tokio::test]
    async fn a_light_environment_is_not_held_up_by_busy_heavy_ones() {
        let o = offload(1);
        let _busy = o
            .permits
            .clone()
            .acquire_owned()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let light = env(json!({"==": [{"var": "plan"}, "pro"]}));
        assert_eq!(o.run(&light, |_, _| Some(7)).await, Ok(7));
        assert_eq!(o.metrics.evaluation_deadline_missed.get(), 0);
    }

    #[tokio::test]
    async fn a_heavy_evaluation_runs_when_a_turn_is_free() {
        let o = offload(1);
        let env = heavy();
        let r = o.run(&env, |env, deadline| {
            assert!(!deadline.passed());
            Some(env.flags.len())
        });
        assert_eq!(r.await, Ok(1));
    }
}
