//! Loading environments into a realtime node: the first requests for a cold environment share
//! one store load (single flight).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod probed;

use probed::{one_environment, probed};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use switchyard_realtime::envs::Environments;
use switchyard_realtime::metrics::Metrics;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_requests_for_a_cold_environment_load_it_once() {
    let kv = probed();
    let (store, env) = one_environment(kv.clone()).await;
    let envs = Environments::new(store, Arc::new(Metrics::new()));
    kv.hook().loads.store(0, Ordering::SeqCst);
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
        kv.hook().loads.load(Ordering::SeqCst),
        1,
        "one load for 50 requests"
    );
    envs.get(&env).await.unwrap();
    assert_eq!(
        kv.hook().loads.load(Ordering::SeqCst),
        1,
        "held: no further load"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_environment_is_looked_up_again_on_the_next_request() {
    let kv = probed();
    let (store, _) = one_environment(kv.clone()).await;
    let envs = Environments::new(store, Arc::new(Metrics::new()));
    kv.hook().loads.store(0, Ordering::SeqCst);
    assert!(envs.get("no-such-environment").await.is_err());
    assert!(envs.get("no-such-environment").await.is_err());
    assert_eq!(
        kv.hook().loads.load(Ordering::SeqCst),
        2,
        "failures are not held"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_reads_count_first_loads_and_reloads_and_are_exported() {
    let kv = probed();
    let (store, env) = one_environment(kv.clone()).await;
    let metrics = Arc::new(Metrics::new());
    let envs = Environments::new(store, metrics.clone());
    let held = envs.get(&env).await.unwrap().revision;
    envs.get(&env).await.unwrap();
    assert_eq!(metrics.store_reads.get(), 1, "one first load, then held");
    envs.reload(&env, Some(held)).await;
    assert_eq!(metrics.store_reads.get(), 1, "a revision held is not read");
    envs.reload(&env, None).await;
    assert_eq!(metrics.store_reads.get(), 2, "a reload reads");
    assert!(metrics.render().contains("switchyard_store_reads_total 2"));
}
