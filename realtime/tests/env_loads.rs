//! Loading environments into a realtime node: the first requests for a cold environment share
//! one store load (single flight).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{Changes, NewProject};
use switchyard_core::clock::SystemClock;
use switchyard_core::domain::{Actor, User};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::{After, Item, Kv, KvError, Op, Order, Store};
use switchyard_realtime::envs::Environments;
use switchyard_realtime::metrics::Metrics;

/// The embedded store, counting reads of environment items (one per load) and making each one
/// slow, so that requests arriving together overlap their loads.
#[derive(Debug)]
struct CountingLoads {
    inner: Embedded,
    loads: AtomicUsize,
}

#[async_trait]
impl Kv for CountingLoads {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError> {
        if sk == "ENV" {
            self.loads.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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
        self.inner.transact(ops).await
    }
    async fn add_counters(&self, deltas: Vec<(String, String, u64)>) -> Result<(), KvError> {
        self.inner.add_counters(deltas).await
    }
}

/// A store with one organization, one project and its two environments; the production id.
async fn one_environment(kv: Arc<CountingLoads>) -> (Store, String) {
    let store = Store::new(kv);
    let changes = Changes::new(
        store.clone(),
        Arc::new(InProcessBus::default()),
        Arc::new(SystemClock),
    );
    let user = User {
        id: "u1".into(),
        email: "ada@example.com".into(),
        name: "Ada".into(),
        password_hash: String::new(),
        session_generation: 0,
        created_at: 0,
    };
    let org = changes.create_org(&user, "Acme").await.unwrap();
    let created = changes
        .create_project(
            &Actor::User(user.id.clone()),
            &org.id,
            NewProject {
                name: "Web".into(),
                environments: None,
            },
        )
        .await
        .unwrap();
    (store, created.environments[1].id.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_requests_for_a_cold_environment_load_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(CountingLoads {
        inner: Embedded::open(dir.path()).unwrap(),
        loads: AtomicUsize::new(0),
    });
    let (store, env) = one_environment(kv.clone()).await;
    let envs = Environments::new(store, Arc::new(Metrics::new()));
    kv.loads.store(0, Ordering::SeqCst);
    let requests: Vec<_> = (0..50)
        .map(|_| {
            let (envs, env) = (envs.clone(), env.clone());
            tokio::spawn(async move { envs.get(&env).await.map(|c| c.revision) })
        })
        .collect();
    for r in requests {
        r.await.unwrap().unwrap();
    }
    assert_eq!(
        kv.loads.load(Ordering::SeqCst),
        1,
        "one load for 50 requests"
    );
    envs.get(&env).await.unwrap();
    assert_eq!(kv.loads.load(Ordering::SeqCst), 1, "held: no further load");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_environment_is_looked_up_again_on_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(CountingLoads {
        inner: Embedded::open(dir.path()).unwrap(),
        loads: AtomicUsize::new(0),
    });
    let (store, _) = one_environment(kv.clone()).await;
    let envs = Environments::new(store, Arc::new(Metrics::new()));
    kv.loads.store(0, Ordering::SeqCst);
    assert!(envs.get("no-such-environment").await.is_err());
    assert!(envs.get("no-such-environment").await.is_err());
    assert_eq!(kv.loads.load(Ordering::SeqCst), 2, "failures are not held");
}
