//! The operator's routes: `/healthz` never asks the store; `/readyz` stays ready while the store
//! is unreachable (held environments are still served) and says so in its details.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod probed;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use probed::{Probed, one_environment, probed};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use switchyard_core::bus::InProcessBus;
use switchyard_realtime::envs::Environments;
use switchyard_realtime::health::{self, Health};
use switchyard_realtime::metrics::Metrics;
use tokio::sync::watch;
use tower::ServiceExt;

struct Node {
    kv: Arc<Probed>,
    envs: Arc<Environments>,
    env: String,
    router: axum::Router,
    shutdown: watch::Sender<bool>,
}

/// A node holding one environment.
async fn node() -> Node {
    let kv = probed();
    let (store, env) = one_environment(kv.clone()).await;
    let metrics = Arc::new(Metrics::new());
    let envs = Environments::new(store.clone(), metrics.clone());
    envs.get(&env).await.unwrap();
    let (shutdown, rx) = watch::channel(false);
    let router = health::routes(Health {
        store,
        bus: Arc::new(InProcessBus::default()),
        envs: envs.clone(),
        metrics,
        shutdown: rx,
    });
    Node {
        kv,
        envs,
        env,
        router,
        shutdown,
    }
}

async fn get(router: &axum::Router, path: &str) -> (StatusCode, Value) {
    let r = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = r.status();
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_without_asking_the_store() {
    let n = node().await;
    let before = n.kv.hook().calls.load(Ordering::SeqCst);
    assert_eq!(
        get(&n.router, "/healthz").await,
        (StatusCode::OK, "ok".into())
    );
    assert_eq!(n.kv.hook().calls.load(Ordering::SeqCst), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_stays_ready_while_the_store_is_unreachable_and_says_so() {
    let n = node().await;
    n.kv.hook().down.store(true, Ordering::SeqCst);
    let (status, details) = get(&n.router, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{details}");
    assert_eq!(details["ready"], true);
    assert_eq!(details["store"]["reachable"], false, "{details}");
    assert!(details["store"]["error"].is_string(), "{details}");
    assert_eq!(details["environmentsHeld"], 1);
    assert_eq!(details["bus"]["connected"], true);
    // What it holds, it still serves.
    assert_eq!(n.envs.get(&n.env).await.unwrap().environment.id, n.env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_reports_a_reachable_store() {
    let n = node().await;
    let (status, details) = get(&n.router, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(details["store"]["reachable"], true, "{details}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_unavailable_once_the_node_is_shutting_down() {
    let n = node().await;
    n.shutdown.send(true).unwrap();
    let (status, details) = get(&n.router, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(details["ready"], false);
}
