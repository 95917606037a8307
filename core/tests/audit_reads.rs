//! An audit read is bounded (issue #16): a filter that matches little reads a bounded number of
//! pages and hands back the cursor to go on from, instead of the organization's whole log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use async_trait::async_trait;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use switchyard_core::domain::{Actor, AuditFilter, ChangeRecord, Organization};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{Batch, KvError, MAX_PAGES_PER_READ, Order, Store};

#[derive(Debug, Default)]
struct CountQueries(AtomicUsize);

#[async_trait]
impl Hook for CountQueries {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        if let Call::Query { pk, .. } = call
            && pk.starts_with("CHANGE#")
        {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

fn record(org: &str, n: usize) -> ChangeRecord {
    ChangeRecord {
        id: String::new(),
        seq: 0,
        org_id: org.into(),
        project_id: None,
        environment_id: None,
        actor: Actor::System("test".into()),
        action: "organization.update".into(),
        target: format!("organization:{org}"),
        keys: vec![],
        revisions: Default::default(),
        before: None,
        after: Some(json!({"n": n})),
        at: switchyard_core::domain::now_ms(),
        request: None,
        expires_at: None,
    }
}

#[tokio::test]
async fn a_filter_that_matches_nothing_reads_a_bounded_number_of_pages() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(Intercepted::new(
        Arc::new(Embedded::open(dir.path()).unwrap()),
        CountQueries::default(),
    ));
    let store = Store::new(kv.clone());
    let org = Organization::new("o1", "Acme", 0);
    let mut first = Batch::new();
    first.create_org(&org).unwrap();
    store.commit(first, record("o1", 0)).await.unwrap();
    for n in 1..30 {
        store.commit(Batch::new(), record("o1", n)).await.unwrap();
    }
    kv.hook().0.store(0, Ordering::SeqCst);
    // A filter no index answers (an actor or a target would read its own index).
    let nobody = AuditFilter {
        project_id: Some("no-such-project".into()),
        ..Default::default()
    };
    let page = store
        .list_audit("o1", &nobody, None, 1, Order::Desc)
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert!(page.next.is_some(), "the cursor to read on from");
    assert_eq!(kv.hook().0.load(Ordering::SeqCst), MAX_PAGES_PER_READ);
}
