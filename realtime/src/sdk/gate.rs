//! Polls a stream's next-item future only when it may have moved: the first time, after it gave
//! an item, or once a waker it registered has fired. A session waits on several things at once
//! and is polled whenever any of them wakes it; without the gate, every change sent to a client
//! would also poll its socket for reading (zeroing the read buffer, checking readiness) for
//! nothing. Only for futures whose state lives in the stream (a WebSocket's `recv`): a new one
//! may be left unpolled until the stream's registered waker fires.

use futures_util::task::AtomicWaker;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

#[derive(Debug)]
struct Flag {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake();
    }
}

#[derive(Debug)]
pub struct Gate {
    flag: Arc<Flag>,
    /// What the gated futures register: it raises the flag and wakes the task.
    waker: Waker,
}

impl Default for Gate {
    fn default() -> Gate {
        let flag = Arc::new(Flag {
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        Gate {
            waker: Waker::from(flag.clone()),
            flag,
        }
    }
}

impl Gate {
    /// `next` (a stream's next item), polled only when it may have moved.
    pub async fn wait<F: Future>(&self, next: F) -> F::Output {
        let mut next = pin!(next);
        poll_fn(|cx| self.poll(next.as_mut(), cx)).await
    }

    fn poll<F: Future>(
        &self,
        next: std::pin::Pin<&mut F>,
        cx: &mut Context<'_>,
    ) -> Poll<F::Output> {
        self.flag.task.register(cx.waker());
        if !self.flag.woken.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        match next.poll(&mut Context::from_waker(&self.waker)) {
            Poll::Ready(item) => {
                // More may be buffered: the next one is polled without waiting for a wake.
                self.flag.woken.store(true, Ordering::Release);
                Poll::Ready(item)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use futures_util::future::FutureExt;
    use std::sync::atomic::AtomicUsize;
    use tokio::sync::mpsc;
    use tokio_stream::wrappers::UnboundedReceiverStream;

    /// A stream that counts how often it is polled.
    struct Counted<S> {
        inner: S,
        polls: Arc<AtomicUsize>,
    }

    impl<S: futures_util::Stream + Unpin> futures_util::Stream for Counted<S> {
        type Item = S::Item;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<S::Item>> {
            self.polls.fetch_add(1, Ordering::Relaxed);
            self.inner.poll_next_unpin(cx)
        }
    }

    fn counted() -> (
        mpsc::UnboundedSender<u32>,
        Counted<UnboundedReceiverStream<u32>>,
        Arc<AtomicUsize>,
    ) {
        let (tx, rx) = mpsc::unbounded_channel();
        let polls = Arc::new(AtomicUsize::new(0));
        let stream = Counted {
            inner: UnboundedReceiverStream::new(rx),
            polls: polls.clone(),
        };
        (tx, stream, polls)
    }

    #[tokio::test]
    async fn a_waiting_stream_is_not_polled_again_until_it_wakes() {
        let (tx, mut stream, polls) = counted();
        let gate = Gate::default();
        assert!(gate.wait(stream.next()).now_or_never().is_none());
        assert!(gate.wait(stream.next()).now_or_never().is_none());
        assert_eq!(polls.load(Ordering::Relaxed), 1);
        tx.send(7).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gate.wait(stream.next()).await, Some(7));
        assert_eq!(polls.load(Ordering::Relaxed), 2);
    }

    #[tokio::test]
    async fn items_already_buffered_come_without_a_wake() {
        let (tx, mut stream, _) = counted();
        let gate = Gate::default();
        for i in 0..3 {
            tx.send(i).unwrap_or_else(|e| panic!("{e}"));
        }
        for i in 0..3 {
            assert_eq!(gate.wait(stream.next()).await, Some(i));
        }
    }

    #[tokio::test]
    async fn the_waiting_task_is_woken_when_the_stream_moves() {
        let (tx, mut stream, _) = counted();
        let gate = Gate::default();
        let waiting = tokio::spawn(async move { gate.wait(stream.next()).await });
        tokio::task::yield_now().await;
        tx.send(9).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(waiting.await.unwrap_or_else(|e| panic!("{e}")), Some(9));
    }
}
