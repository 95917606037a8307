//! A change that keeps losing its race (for a revision or the change number) is tried a bounded
//! number of times, then refused as a conflict, with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use switchyard_core::domain::{Actor, ChangeRecord, Organization};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{Batch, KvError, MAX_ATTEMPTS, Store, StoreError};

/// Over the embedded store: every transaction loses the race for its last-but-one item (the
/// change number).
#[derive(Debug, Default)]
struct AlwaysRaced {
    attempts: AtomicUsize,
}

#[async_trait]
impl Hook for AlwaysRaced {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        if let Call::Transact { ops } = call {
            self.attempts.fetch_add(1, Ordering::SeqCst);
            return Err(KvError::Condition {
                index: ops.len() - 2,
            });
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_change_that_keeps_losing_its_race_is_refused_after_a_bounded_number_of_tries() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(Intercepted::new(
        Arc::new(Embedded::open(dir.path()).unwrap()),
        AlwaysRaced::default(),
    ));
    let store = Store::new(kv.clone());
    let org = Organization::new("o1", "Acme", 0);
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
        request: None,
        expires_at: None,
    };
    let result = store.commit(batch, record).await;
    assert!(
        matches!(result, Err(StoreError::Conflict { .. })),
        "{result:?}"
    );
    assert_eq!(kv.hook().attempts.load(Ordering::SeqCst), MAX_ATTEMPTS);
    assert!(store.get_org("o1").await.unwrap().is_none());
}
