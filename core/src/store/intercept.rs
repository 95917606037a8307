//! A fault-injection seam: [`Intercepted`] wraps any [`Kv`] and forwards every call to it, after
//! asking a [`Hook`] about the call first. The hook can fail the call (it then never reaches the
//! store), delay it (it is awaited), count it, and see what the store answered.
//!
//! Tests use it to put a store in a state that is hard to reach for real: transactions that keep
//! losing their race, a backend that is down or throttled, slow reads, or to count the items a
//! read brought back. Every method of [`Kv`] is forwarded, the defaulted ones too, so a wrapper
//! whose hook does nothing behaves exactly like the store it wraps.
//!
//! ```
//! use async_trait::async_trait;
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use switchyard_core::store::KvError;
//! use switchyard_core::store::intercept::{Call, Hook, Intercepted};
//!
//! /// Counts transactions and refuses them all.
//! #[derive(Debug, Default)]
//! struct ReadOnly(AtomicUsize);
//!
//! #[async_trait]
//! impl Hook for ReadOnly {
//!     async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
//!         if let Call::Transact { .. } = call {
//!             self.0.fetch_add(1, Ordering::SeqCst);
//!             return Err(KvError::Backend("read-only".into()));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # fn wrap(store: Arc<dyn switchyard_core::store::Kv>) {
//! let kv = Arc::new(Intercepted::new(store, ReadOnly::default()));
//! assert_eq!(kv.hook().0.load(Ordering::SeqCst), 0);
//! # }
//! ```

use super::kv::{After, Counter, Item, Kv, KvError, Op, Order};
use async_trait::async_trait;
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

/// One call to a [`Kv`], with its arguments, as a [`Hook`] sees it.
#[derive(Debug, Clone, Copy)]
pub enum Call<'a> {
    Get {
        pk: &'a str,
        sk: &'a str,
    },
    Query {
        pk: &'a str,
        prefix: &'a str,
        after: Option<&'a After>,
        limit: usize,
        order: Order,
    },
    QueryIndex {
        g1pk: &'a str,
        prefix: &'a str,
        after: Option<&'a After>,
        limit: usize,
        order: Order,
    },
    Count {
        pk: &'a str,
        prefix: &'a str,
        at_most: usize,
    },
    Transact {
        ops: &'a [Op],
    },
    PutCounters {
        counters: &'a [Counter],
    },
    AddCounter {
        pk: &'a str,
        sk: &'a str,
        by: u64,
    },
    CounterRange {
        pk: &'a str,
        from: &'a str,
        to: &'a str,
        after: Option<&'a str>,
        limit: usize,
    },
    SweepCounters {
        now: i64,
        limit: usize,
    },
    SweepExpired {
        now: i64,
        limit: usize,
    },
}

/// What the wrapped store answered to a [`Call`] that succeeded.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    /// To [`Call::Get`].
    Item(Option<&'a Item>),
    /// To [`Call::Query`] and [`Call::QueryIndex`].
    Items(&'a [Item]),
    /// To [`Call::Count`] (items counted), [`Call::SweepCounters`] and [`Call::SweepExpired`]
    /// (counters, items deleted) and
    /// [`Call::AddCounter`] (the count after).
    Number(usize),
    /// To [`Call::Transact`] and [`Call::PutCounters`].
    Written,
    /// To [`Call::CounterRange`].
    Counters(&'a [Counter]),
}

/// What an [`Intercepted`] store asks about each call. Both methods do nothing by default.
#[async_trait]
pub trait Hook: Send + Sync + Debug {
    /// Called before `call` is forwarded. An error fails the call, which then never reaches the
    /// wrapped store; the call also waits for this to finish (to slow it down).
    async fn before(&self, _call: &Call<'_>) -> Result<(), KvError> {
        Ok(())
    }

    /// Called with what the wrapped store answered to `call`, once it was forwarded.
    fn after(&self, _call: &Call<'_>, _answer: Result<Answer<'_>, &KvError>) {}
}

/// A [`Kv`] that forwards every call to `inner`, asking its [`Hook`] first.
#[derive(Debug)]
pub struct Intercepted<H> {
    inner: Arc<dyn Kv>,
    hook: H,
}

impl<H: Hook> Intercepted<H> {
    pub fn new(inner: Arc<dyn Kv>, hook: H) -> Self {
        Intercepted { inner, hook }
    }

    /// The hook, to read what it recorded or change how it behaves.
    pub fn hook(&self) -> &H {
        &self.hook
    }

    /// The wrapped store, reached without the hook.
    pub fn inner(&self) -> &Arc<dyn Kv> {
        &self.inner
    }

    /// Asks the hook about `call`, forwards it (`forward`) unless the hook failed it, then tells
    /// the hook the answer.
    async fn around<T, F>(
        &self,
        call: Call<'_>,
        forward: impl FnOnce() -> F,
        answer: impl FnOnce(&T) -> Answer<'_>,
    ) -> Result<T, KvError>
    where
        F: Future<Output = Result<T, KvError>>,
    {
        self.hook.before(&call).await?;
        let result = forward().await;
        self.hook.after(&call, result.as_ref().map(answer));
        result
    }
}

#[async_trait]
impl<H: Hook> Kv for Intercepted<H> {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError> {
        let call = Call::Get { pk, sk };
        let forward = || self.inner.get(pk, sk);
        self.around(call, forward, |r| Answer::Item(r.as_ref()))
            .await
    }

    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        let call = Call::Query {
            pk,
            prefix,
            after,
            limit,
            order,
        };
        let forward = || self.inner.query(pk, prefix, after, limit, order);
        self.around(call, forward, |r| Answer::Items(r)).await
    }

    async fn query_index(
        &self,
        g1pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        let call = Call::QueryIndex {
            g1pk,
            prefix,
            after,
            limit,
            order,
        };
        let forward = || self.inner.query_index(g1pk, prefix, after, limit, order);
        self.around(call, forward, |r| Answer::Items(r)).await
    }

    async fn count(&self, pk: &str, prefix: &str, at_most: usize) -> Result<usize, KvError> {
        let call = Call::Count {
            pk,
            prefix,
            at_most,
        };
        let forward = || self.inner.count(pk, prefix, at_most);
        self.around(call, forward, |n| Answer::Number(*n)).await
    }

    async fn transact(&self, ops: Vec<Op>) -> Result<(), KvError> {
        // The store takes the operations; the hook sees a copy, before and after.
        let seen = ops.clone();
        let call = Call::Transact { ops: &seen };
        let forward = || self.inner.transact(ops);
        self.around(call, forward, |()| Answer::Written).await
    }

    async fn put_counters(&self, counters: Vec<Counter>) -> Result<(), KvError> {
        let seen = counters.clone();
        let call = Call::PutCounters { counters: &seen };
        let forward = || self.inner.put_counters(counters);
        self.around(call, forward, |()| Answer::Written).await
    }

    async fn add_counter(
        &self,
        pk: &str,
        sk: &str,
        by: u64,
        now: i64,
        ttl: i64,
    ) -> Result<u64, KvError> {
        let call = Call::AddCounter { pk, sk, by };
        let forward = || self.inner.add_counter(pk, sk, by, now, ttl);
        self.around(call, forward, |n| {
            Answer::Number(usize::try_from(*n).unwrap_or(usize::MAX))
        })
        .await
    }

    async fn counter_range(
        &self,
        pk: &str,
        from: &str,
        to: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Counter>, KvError> {
        let call = Call::CounterRange {
            pk,
            from,
            to,
            after,
            limit,
        };
        let forward = || self.inner.counter_range(pk, from, to, after, limit);
        self.around(call, forward, |r| Answer::Counters(r)).await
    }

    async fn sweep_counters(&self, now: i64, limit: usize) -> Result<usize, KvError> {
        let call = Call::SweepCounters { now, limit };
        let forward = || self.inner.sweep_counters(now, limit);
        self.around(call, forward, |n| Answer::Number(*n)).await
    }

    async fn sweep_expired(&self, now: i64, limit: usize) -> Result<usize, KvError> {
        let call = Call::SweepExpired { now, limit };
        let forward = || self.inner.sweep_expired(now, limit);
        self.around(call, forward, |n| Answer::Number(*n)).await
    }

    /// Maintenance reads and backups pass straight through: no test hooks them.
    async fn scan(&self, pk_prefix: &str, sk: &str) -> Result<Vec<Item>, KvError> {
        self.inner.scan(pk_prefix, sk).await
    }

    async fn backup(
        &self,
        to: &std::path::Path,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<(), KvError> {
        self.inner.backup(to, files).await
    }
}
