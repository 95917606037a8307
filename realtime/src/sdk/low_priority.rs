//! The threads heavy evaluations run on: a fixed pool at the lowest scheduling priority (nice 19;
//! on Linux a thread's nice value is its own, setpriority(2)). When one tenant's heavy rules keep
//! them busy, the operating system still runs the async workers, and with them every other
//! tenant's requests and streams, first: heavy work gets the cores the rest leaves. Where the
//! priority cannot be lowered the threads run at normal priority and a warning says so.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// The nice value of the pool's threads.
pub const NICE: i32 = 19;

#[derive(Debug)]
pub struct LowPriority {
    jobs: Sender<Job>,
}

impl LowPriority {
    /// `threads` threads, which end when the pool is dropped.
    pub fn new(threads: usize) -> LowPriority {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("heavy-eval-{i}"))
                .spawn(move || work(&queue));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a heavy-evaluation thread");
            }
        }
        LowPriority { jobs }
    }

    /// Runs `f` on one of the pool's threads; `None` if it could not run or panicked.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Option<R> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(f());
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    lower_priority();
    loop {
        // The guard is a temporary: the queue is unlocked before the job runs.
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panicking job drops its sender (the caller sees `None`); the thread carries on.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    if let Err(e) = rustix::process::setpriority_process(None, NICE) {
        tracing::warn!(error = %e, "heavy evaluations run at normal priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn jobs_run_at_the_lowest_priority() {
        let pool = LowPriority::new(1);
        let nice = pool
            .run(|| rustix::process::getpriority_process(None).ok())
            .await;
        assert_eq!(nice, Some(Some(NICE)));
        let here = rustix::process::getpriority_process(None).ok();
        assert_ne!(here, Some(NICE), "the caller's priority is its own");
    }

    #[tokio::test]
    async fn a_panicking_job_gives_none_and_the_pool_carries_on() {
        let pool = LowPriority::new(1);
        let failed = pool.run(|| -> u8 { panic!("a job failed") }).await;
        assert_eq!(failed, None);
        assert_eq!(pool.run(|| 7).await, Some(7));
    }
}
