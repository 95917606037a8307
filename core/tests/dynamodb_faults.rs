//! DynamoDB as it is under load (issue #16): transactions cancelled by conflicts, throttling, and
//! commits whose answer was lost, injected by a proxy in front of moto
//! ([`support::faulty_dynamodb`]). The store retries what DynamoDB says to retry, with the same
//! idempotency token, a bounded number of times.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::faulty_dynamodb::FaultyDynamoDb;
use switchyard_core::domain::{User, new_id, now_ms};
use switchyard_core::store::dynamodb::{DynamoDb, TRANSACT_ATTEMPTS};
use switchyard_core::store::{Store, StoreError};

struct Setup {
    store: Store,
    proxy: FaultyDynamoDb,
    _moto: Option<support::Server>,
}

async fn setup() -> Setup {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
    let (endpoint, moto) = support::dynamodb_endpoint();
    let proxy = FaultyDynamoDb::start(endpoint).await;
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&proxy.url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        // The SDK's own retries as in production, with short waits.
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
        .build();
    let kv = DynamoDb::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        format!("faults-{}", new_id()),
    );
    kv.create_table().await.unwrap();
    Setup {
        store: Store::new(Arc::new(kv)),
        proxy,
        _moto: moto,
    }
}

fn user(email: &str) -> User {
    User {
        id: new_id(),
        email: email.into(),
        name: "Ada".into(),
        password_hash: "$argon2id$x".into(),
        session_generation: 0,
        version: 0,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: 0,
        recovery_codes: Vec::new(),
        email_verified_at: None,
        sso_org: None,
        created_at: now_ms(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_conflict_is_retried_until_it_commits() {
    let s = setup().await;
    s.proxy.faults.conflicts.store(3, Ordering::SeqCst);
    s.store.create_user(&user("ada@example.com")).await.unwrap();
    assert!(
        s.store
            .get_user_by_email("ada@example.com")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(s.proxy.faults.transactions.load(Ordering::SeqCst), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_retried_past_the_sdks_own_tries() {
    let s = setup().await;
    // The SDK tries three times; the store's loop goes on.
    s.proxy.faults.throttles.store(5, Ordering::SeqCst);
    s.store.create_user(&user("ada@example.com")).await.unwrap();
    assert!(
        s.store
            .get_user_by_email("ada@example.com")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_whose_answer_was_lost_reports_success_and_runs_once() {
    let s = setup().await;
    // Lost three times: the SDK's tries all fail, the store's next try finds it committed.
    s.proxy.faults.lost_answers.store(3, Ordering::SeqCst);
    s.store.create_user(&user("ada@example.com")).await.unwrap();
    assert_eq!(
        s.proxy.faults.forwarded_transactions.load(Ordering::SeqCst),
        1
    );
    assert!(s.proxy.faults.transactions.load(Ordering::SeqCst) > 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_that_never_end_give_up_busy_after_a_bounded_number_of_tries() {
    let s = setup().await;
    s.proxy.faults.conflicts.store(usize::MAX, Ordering::SeqCst);
    let r = s.store.create_user(&user("ada@example.com")).await;
    assert!(matches!(r, Err(StoreError::Busy(_))), "{r:?}");
    assert_eq!(
        s.proxy.faults.transactions.load(Ordering::SeqCst),
        TRANSACT_ATTEMPTS as usize
    );
    assert_eq!(
        s.proxy.faults.forwarded_transactions.load(Ordering::SeqCst),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_condition_is_not_retried() {
    let s = setup().await;
    s.store.create_user(&user("ada@example.com")).await.unwrap();
    let before = s.proxy.faults.transactions.load(Ordering::SeqCst);
    let r = s.store.create_user(&user("ada@example.com")).await;
    assert!(matches!(r, Err(StoreError::AlreadyExists(_))), "{r:?}");
    assert_eq!(
        s.proxy.faults.transactions.load(Ordering::SeqCst),
        before + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_throttled_past_the_sdks_tries_is_busy_not_broken() {
    let s = setup().await;
    let ada = user("ada@example.com");
    s.store.create_user(&ada).await.unwrap();
    s.proxy.faults.throttles.store(usize::MAX, Ordering::SeqCst);
    let r = s.store.get_user(&ada.id).await;
    assert!(matches!(r, Err(StoreError::Busy(_))), "{r:?}");
    s.proxy.faults.throttles.store(0, Ordering::SeqCst);
    assert!(s.store.get_user(&ada.id).await.unwrap().is_some());
}
