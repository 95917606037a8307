//! The store's writes one entity at a time, for the contract suite and the store benchmark: each
//! is one change (a [`Batch`] committed with a record), as the change layer makes them.
#![allow(dead_code)]

use serde_json::json;
use switchyard_core::domain::*;
use switchyard_core::store::{Batch, Result, Store};

pub type AuditEntry = ChangeRecord;

/// A change record to commit; the store numbers it.
pub fn record(org: &str, project: Option<&str>, target: &str, action: &str) -> ChangeRecord {
    ChangeRecord {
        id: String::new(),
        seq: 0,
        org_id: org.into(),
        project_id: project.map(Into::into),
        environment_id: None,
        actor: Actor::User("user-1".into()),
        action: action.into(),
        target: target.into(),
        keys: vec![],
        revisions: Default::default(),
        before: None,
        after: Some(json!({"x": 1})),
        at: now_ms(),
        request: None,
        expires_at: None,
    }
}

#[allow(async_fn_in_trait)]
pub trait Writes {
    async fn apply(&self, org: &str, b: Batch) -> Result<Vec<ChangeEvent>>;

    async fn create_org(&self, org: &Organization, owner: &Membership) -> Result<()> {
        let mut b = Batch::new();
        b.create_org(org)?;
        b.put_membership(owner)?;
        self.apply(&org.id, b).await.map(drop)
    }
    async fn put_membership(&self, m: &Membership) -> Result<()> {
        let mut b = Batch::new();
        b.put_membership(m)?;
        self.apply(&m.org_id, b).await.map(drop)
    }
    async fn delete_membership(&self, org: &str, user: &str) -> Result<()> {
        let mut b = Batch::new();
        b.delete_membership(org, user, 0);
        self.apply(org, b).await.map(drop)
    }
    async fn create_invitation(&self, inv: &Invitation) -> Result<()> {
        let mut b = Batch::new();
        b.create_invitation(inv)?;
        self.apply(&inv.org_id, b).await.map(drop)
    }
    async fn accept_invitation(&self, inv: &Invitation, m: &Membership) -> Result<()> {
        let mut b = Batch::new();
        b.delete_invitation(inv);
        b.put_membership(m)?;
        self.apply(&inv.org_id, b).await.map(drop)
    }
    async fn create_api_token(&self, t: &ApiToken) -> Result<()> {
        let mut b = Batch::new();
        b.put_api_token(t, true)?;
        self.apply(&t.org_id, b).await.map(drop)
    }
    async fn update_api_token(&self, t: &ApiToken) -> Result<()> {
        let mut b = Batch::new();
        b.put_api_token(t, false)?;
        self.apply(&t.org_id, b).await.map(drop)
    }
    async fn create_project(&self, p: &Project) -> Result<()> {
        let mut b = Batch::new();
        b.create_project(p)?;
        self.apply(&p.org_id, b).await.map(drop)
    }
    async fn create_environment(&self, e: &Environment) -> Result<()> {
        let mut b = Batch::new();
        b.create_environment(e)?;
        self.apply(&e.org_id, b).await.map(drop)
    }
    async fn update_environment(&self, e: &Environment) -> Result<Environment> {
        let mut b = Batch::new();
        b.update_environment(e)?;
        self.apply(&e.org_id, b).await?;
        let mut next = e.clone();
        next.revision += 1;
        Ok(next)
    }
    async fn create_sdk_key(&self, k: &SdkKey) -> Result<()> {
        let mut b = Batch::new();
        b.put_sdk_key(k, true)?;
        self.apply(&k.org_id, b).await.map(drop)
    }
    async fn update_sdk_key(&self, k: &SdkKey) -> Result<()> {
        let mut b = Batch::new();
        b.put_sdk_key(k, false)?;
        self.apply(&k.org_id, b).await.map(drop)
    }
}

/// The flag writes, with the record the caller built.
#[allow(async_fn_in_trait)]
pub trait FlagWrites {
    async fn commit_with(&self, b: Batch, r: &ChangeRecord) -> Result<Vec<ChangeEvent>>;

    async fn create_flag(&self, f: &Flag, r: &ChangeRecord) -> Result<Vec<ChangeEvent>> {
        let mut b = Batch::new();
        b.put_flag(f)?;
        self.commit_with(b, r).await
    }
    async fn update_flag(&self, f: &Flag, r: &ChangeRecord) -> Result<Vec<ChangeEvent>> {
        self.create_flag(f, r).await
    }
    async fn delete_flag(
        &self,
        project: &str,
        key: &str,
        version: u64,
        r: &ChangeRecord,
    ) -> Result<Vec<ChangeEvent>> {
        let mut b = Batch::new();
        b.delete_flag(project, key, version);
        self.commit_with(b, r).await
    }
    async fn put_flag_state(
        &self,
        project: &str,
        s: &FlagState,
        r: &ChangeRecord,
    ) -> Result<ChangeEvent> {
        let mut b = Batch::new();
        b.put_flag_state(project, s)?;
        let mut events = self.commit_with(b, r).await?;
        events
            .pop()
            .ok_or_else(|| switchyard_core::store::StoreError::NotFound("environment".into()))
    }
    async fn put_segment(&self, s: &Segment, r: &ChangeRecord) -> Result<Vec<ChangeEvent>> {
        let mut b = Batch::new();
        b.put_segment(s)?;
        self.commit_with(b, r).await
    }
    async fn delete_segment(
        &self,
        project: &str,
        key: &str,
        version: u64,
        r: &ChangeRecord,
    ) -> Result<Vec<ChangeEvent>> {
        let mut b = Batch::new();
        b.delete_segment(project, key, version);
        self.commit_with(b, r).await
    }
    async fn get_audit(&self, org: &str, id: &str) -> Result<Option<ChangeRecord>>;
}

impl Writes for Store {
    async fn apply(&self, org: &str, b: Batch) -> Result<Vec<ChangeEvent>> {
        Ok(self
            .commit(b, record(org, None, "test", "test.write"))
            .await?
            .events)
    }
}

impl FlagWrites for Store {
    async fn commit_with(&self, b: Batch, r: &ChangeRecord) -> Result<Vec<ChangeEvent>> {
        Ok(self.commit(b, r.clone()).await?.events)
    }
    async fn get_audit(&self, org: &str, id: &str) -> Result<Option<ChangeRecord>> {
        self.get_change(org, id).await
    }
}
