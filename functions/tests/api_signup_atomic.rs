//! A signup is one change (issue #16): when the organization cannot be written, no account is
//! left behind, and the same email can sign up again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use async_trait::async_trait;
use axum::http::StatusCode;
use common::Api;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{KvError, Op, Store};

/// Fails the first transaction that writes an organization.
#[derive(Debug, Default)]
struct OrgWriteFails(AtomicBool);

#[async_trait]
impl Hook for OrgWriteFails {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        if let Call::Transact { ops } = call {
            let writes_org = ops
                .iter()
                .any(|op| matches!(op, Op::Put { item, .. } if item.sk == "ORG"));
            if writes_org && !self.0.swap(true, Ordering::SeqCst) {
                return Err(KvError::Backend(
                    "injected: the organization write failed".into(),
                ));
            }
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signup_whose_organization_fails_leaves_no_account() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Intercepted::new(
        Arc::new(Embedded::open(dir.path()).unwrap()),
        OrgWriteFails::default(),
    );
    let api = Api::build(Store::new(Arc::new(kv)), Box::new(dir));
    let body = json!({"email": "ada@example.com", "password": "correct horse battery",
        "name": "Ada", "organization": "Acme"});
    let failed = api
        .call("POST", "/api/v1/auth/signup", None, Some(body.clone()))
        .await;
    assert_eq!(
        failed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        failed.body
    );
    let again = api
        .call("POST", "/api/v1/auth/signup", None, Some(body))
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
}
