//! A change that keeps losing its race (for a revision or the change number) is tried a bounded
//! number of times, then refused as a conflict, with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use switchyard_core::domain::{Actor, ChangeRecord, Organization};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::{
    After, Batch, Counter, Item, Kv, KvError, MAX_ATTEMPTS, Op, Order, Store, StoreError,
};

/// The embedded store, except that every transaction loses the race for its last-but-one item
/// (the change number).
#[derive(Debug)]
struct AlwaysRaced {
    inner: Embedded,
    attempts: AtomicUsize,
}

#[async_trait]
impl Kv for AlwaysRaced {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError> {
        self.inner.get(pk, sk).await
    }
    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        self.inner.query(pk, prefix, after, limit, order).await
    }
    async fn query_index(
        &self,
        g1pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        self.inner
            .query_index(g1pk, prefix, after, limit, order)
            .await
    }
    async fn transact(&self, ops: Vec<Op>) -> Result<(), KvError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        Err(KvError::Condition {
            index: ops.len() - 2,
        })
    }
    async fn put_counters(&self, counters: Vec<Counter>) -> Result<(), KvError> {
        self.inner.put_counters(counters).await
    }
    async fn counter_range(
        &self,
        pk: &str,
        from: &str,
        to: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Counter>, KvError> {
        self.inner.counter_range(pk, from, to, after, limit).await
    }
}

#[tokio::test]
async fn a_change_that_keeps_losing_its_race_is_refused_after_a_bounded_number_of_tries() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(AlwaysRaced {
        inner: Embedded::open(dir.path()).unwrap(),
        attempts: AtomicUsize::new(0),
    });
    let store = Store::new(kv.clone());
    let org = Organization {
        id: "o1".into(),
        name: "Acme".into(),
        created_at: 0,
    };
    let mut batch = Batch::new();
    batch.create_org(&org).unwrap();
    let record = ChangeRecord {
        id: String::new(),
        seq: 0,
        org_id: org.id.clone(),
        project_id: None,
        environment_id: None,
        actor: Actor::System("test".into()),
        action: "organization.create".into(),
        target: "organization:o1".into(),
        keys: vec![],
        revisions: Default::default(),
        before: None,
        after: Some(json!({})),
        at: 0,
    };
    let result = store.commit(batch, record).await;
    assert!(
        matches!(result, Err(StoreError::Conflict { .. })),
        "{result:?}"
    );
    assert_eq!(kv.attempts.load(Ordering::SeqCst), MAX_ATTEMPTS);
    assert!(store.get_org("o1").await.unwrap().is_none());
}
