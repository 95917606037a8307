//! Secrets (SDK keys, API tokens, invitations) are found through an index that DynamoDB keeps
//! eventually consistent (issue #16): for a moment after a write, the index can still hold the
//! item as it was. A lookup reads the item again from the table, so what it answers is the item
//! as it is now. [`LaggingIndex`] stands for that moment: its index answers from a copy of the
//! store taken before the last writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use async_trait::async_trait;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use switchyard_core::changes::NewToken;
use switchyard_core::domain::{Actor, KeyKind, Role, Scope, User};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::{After, Counter, Item, Kv, KvError, Op, Order, Store};

/// A store whose index stops following writes once [`LaggingIndex::freeze`] is called: every
/// write goes to `now`, and to `then` until the freeze; index reads answer from `then`.
#[derive(Debug)]
struct LaggingIndex {
    now: Embedded,
    then: Embedded,
    frozen: AtomicBool,
}

impl LaggingIndex {
    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }
}

#[async_trait]
impl Kv for LaggingIndex {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError> {
        self.now.get(pk, sk).await
    }
    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        self.now.query(pk, prefix, after, limit, order).await
    }
    async fn query_index(
        &self,
        g1pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        self.then
            .query_index(g1pk, prefix, after, limit, order)
            .await
    }
    async fn scan(&self, pk_prefix: &str, sk: &str) -> Result<Vec<Item>, KvError> {
        self.now.scan(pk_prefix, sk).await
    }
    async fn transact(&self, ops: Vec<Op>) -> Result<(), KvError> {
        if !self.frozen.load(Ordering::SeqCst) {
            self.then.transact(ops.clone()).await?;
        }
        self.now.transact(ops).await
    }
    async fn add_counter(
        &self,
        pk: &str,
        sk: &str,
        by: u64,
        now: i64,
        ttl: i64,
    ) -> Result<u64, KvError> {
        self.now.add_counter(pk, sk, by, now, ttl).await
    }
    async fn put_counters(&self, counters: Vec<Counter>) -> Result<(), KvError> {
        self.now.put_counters(counters).await
    }
    async fn counter_range(
        &self,
        pk: &str,
        from: &str,
        to: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Counter>, KvError> {
        self.now.counter_range(pk, from, to, after, limit).await
    }
}

/// A team on a store with a lagging index, and the owner as a user.
async fn team() -> (governance::Team, Arc<LaggingIndex>, User) {
    let now = tempfile::tempdir().unwrap();
    let then = tempfile::tempdir().unwrap();
    let kv = Arc::new(LaggingIndex {
        now: Embedded::open(now.path()).unwrap(),
        then: Embedded::open(then.path()).unwrap(),
        frozen: AtomicBool::new(false),
    });
    let team = governance::Team::new(Store::new(kv.clone()), Box::new((now, then))).await;
    let Actor::User(id) = &team.owner else {
        unreachable!()
    };
    let owner = team.changes.store().get_user(id).await.unwrap().unwrap();
    (team, kv, owner)
}

#[tokio::test]
async fn a_revoked_sdk_key_is_found_revoked_while_the_index_still_holds_it_active() {
    let (team, kv, _) = team().await;
    let c = &team.changes;
    let issued = c
        .create_key(&team.owner, &team.project, &team.staging, KeyKind::Server)
        .await
        .unwrap();
    kv.freeze();
    c.revoke_key(&team.owner, &team.project, &team.staging, &issued.key)
        .await
        .unwrap();
    let found = c
        .store()
        .find_sdk_key(&issued.key.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert!(found.revoked_at.is_some(), "{found:?}");
}

#[tokio::test]
async fn a_revoked_api_token_is_found_revoked_while_the_index_still_holds_it_active() {
    let (team, kv, owner) = team().await;
    let c = &team.changes;
    let new = NewToken {
        name: "ci".into(),
        scopes: vec![Scope::Read],
        expires_in_days: None,
        service_account: None,
    };
    let issued = c
        .create_token(&team.owner, &owner, &team.org.id, new)
        .await
        .unwrap();
    kv.freeze();
    c.revoke_token(&team.owner, &team.org.id, &issued.token.id)
        .await
        .unwrap();
    let found = c
        .store()
        .find_api_token(&issued.token.secret_hash)
        .await
        .unwrap()
        .unwrap();
    assert!(found.revoked_at.is_some(), "{found:?}");
}

#[tokio::test]
async fn a_revoked_invitation_is_not_found_while_the_index_still_holds_it() {
    let (team, kv, owner) = team().await;
    let c = &team.changes;
    let invited = c
        .invite(
            &team.owner,
            &owner,
            Role::Owner,
            &team.org.id,
            "new@example.com",
            Role::Viewer,
        )
        .await
        .unwrap();
    kv.freeze();
    let hash = invited.invitation.token_hash.clone();
    c.revoke_invitation(&team.owner, &team.org.id, &hash)
        .await
        .unwrap();
    assert_eq!(c.store().get_invitation(&hash).await.unwrap(), None);
}
