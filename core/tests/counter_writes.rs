//! Counter batches are retried when DynamoDB throttles them or leaves items unprocessed (moto
//! does neither, so a fake sink does), a bounded number of times, with bounded concurrency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use std::sync::Mutex;
use std::time::Duration;
use switchyard_core::store::KvError;
use switchyard_core::store::counter_writes::{BatchError, BatchSink, WritePolicy, write_all};

fn fast() -> WritePolicy {
    WritePolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        ..WritePolicy::default()
    }
}

/// A table that throttles the first `throttle` requests, then leaves the last item of each of the
/// next `leave` requests unprocessed, then writes everything.
#[derive(Default)]
struct Flaky {
    throttle: Mutex<usize>,
    leave: Mutex<usize>,
    written: Mutex<Vec<u32>>,
    requests: Mutex<usize>,
    in_flight: Mutex<(usize, usize)>,
}

#[async_trait]
impl BatchSink<u32> for Flaky {
    async fn write(&self, batch: &[u32]) -> Result<Vec<u32>, BatchError> {
        *self.requests.lock().unwrap() += 1;
        {
            let mut f = self.in_flight.lock().unwrap();
            f.0 += 1;
            f.1 = f.1.max(f.0);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
        self.in_flight.lock().unwrap().0 -= 1;
        {
            let mut t = self.throttle.lock().unwrap();
            if *t > 0 {
                *t -= 1;
                return Err(BatchError::Retryable("ThrottlingException".into()));
            }
        }
        let mut leave = self.leave.lock().unwrap();
        let (keep, left) = if *leave > 0 && !batch.is_empty() {
            *leave -= 1;
            batch.split_at(batch.len() - 1)
        } else {
            (batch, &[][..])
        };
        self.written.lock().unwrap().extend_from_slice(keep);
        Ok(left.to_vec())
    }
}

fn written(f: &Flaky) -> Vec<u32> {
    let mut w = f.written.lock().unwrap().clone();
    w.sort_unstable();
    w
}

#[tokio::test]
async fn a_throttled_batch_is_tried_again_until_it_is_written() {
    let f = Flaky {
        throttle: Mutex::new(3),
        ..Flaky::default()
    };
    write_all(&f, (0..10).collect(), &fast()).await.unwrap();
    assert_eq!(written(&f), (0..10).collect::<Vec<_>>());
    assert_eq!(*f.requests.lock().unwrap(), 4);
}

#[tokio::test]
async fn unprocessed_items_are_written_again_until_none_are_left() {
    let f = Flaky {
        leave: Mutex::new(3),
        ..Flaky::default()
    };
    write_all(&f, (0..10).collect(), &fast()).await.unwrap();
    assert_eq!(written(&f), (0..10).collect::<Vec<_>>());
    assert_eq!(*f.requests.lock().unwrap(), 4);
}

#[tokio::test]
async fn items_go_in_batches_of_at_most_twenty_five() {
    let f = Flaky::default();
    // Even when a policy asks for more than DynamoDB takes.
    let policy = WritePolicy {
        batch_size: 100,
        ..fast()
    };
    write_all(&f, (0..60).collect(), &policy).await.unwrap();
    assert_eq!(written(&f), (0..60).collect::<Vec<_>>());
    assert_eq!(*f.requests.lock().unwrap(), 3);
}

#[tokio::test]
async fn a_batch_throttled_on_every_try_fails_after_the_last() {
    let f = Flaky {
        throttle: Mutex::new(usize::MAX),
        ..Flaky::default()
    };
    let policy = WritePolicy {
        max_attempts: 5,
        ..fast()
    };
    let e = write_all(&f, (0..3).collect(), &policy).await.unwrap_err();
    assert!(matches!(e, KvError::Backend(_)), "{e}");
    assert_eq!(*f.requests.lock().unwrap(), 5);
}

#[tokio::test]
async fn at_most_the_policys_concurrency_of_batches_are_in_flight() {
    let f = Flaky::default();
    let policy = WritePolicy {
        concurrency: 2,
        ..fast()
    };
    write_all(&f, (0..500).collect(), &policy).await.unwrap();
    assert_eq!(written(&f).len(), 500);
    assert_eq!(f.in_flight.lock().unwrap().1, 2);
}

/// Fails every request as a malformed one.
struct Refusing;

#[async_trait]
impl BatchSink<u32> for Refusing {
    async fn write(&self, _: &[u32]) -> Result<Vec<u32>, BatchError> {
        Err(BatchError::Fatal(KvError::Invalid("malformed".into())))
    }
}

#[tokio::test]
async fn a_refused_batch_is_not_tried_again() {
    let e = write_all(&Refusing, vec![1, 2], &fast()).await.unwrap_err();
    assert!(matches!(e, KvError::Invalid(_)));
}
