//! Where a change goes: one method per use-case, between the API (or an import, a schedule, an
//! approval) and the store.
//!
//! Each method checks the domain's [`rules`], builds the writes of one [`Batch`], commits them
//! with their [`ChangeRecord`] (who, what, where, before and after) and the revision bumps in one
//! transaction, and publishes the new revisions on the bus. Callers authorize first: a method
//! trusts that its actor may act on the objects it is handed.

mod account_events;
mod apply;
mod deletion;
mod error;
pub mod feed;
mod flags;
mod import;
mod import_prerequisites;
mod members;
mod organization;
mod prerequisites;
mod projects;
mod protection;
mod quotas;
mod ramps;
mod requests;
pub mod rules;
mod segments;
mod sso;
mod states;
mod webhooks;

pub use account_events::AccountEvent;
pub use apply::{DueOutcome, MAX_BYPASS_REASON, SCHEDULER};
pub use error::{ChangeError, Result};
pub use flags::{FlagPatch, NewFlag};
pub use import::ImportSummary;
pub use members::{API_TOKEN_PREFIX, INVITATION_TTL_MS, Invited, NewToken, TokenIssued};
pub use organization::OrgSettings;
pub use projects::{
    DEFAULT_ROTATION_OVERLAP_SECS, EnvironmentPatch, KeyIssued, MAX_ROTATION_OVERLAP_SECS,
    NewEnvironment, NewProject, ProjectCreated, ProjectPatch,
};
pub use protection::MAX_APPROVALS;
pub use quotas::{Quota, QuotaExceeded, Quotas, document_bytes};
pub use ramps::{MAX_HOLD_MS, MAX_RAMP_STEPS, MIN_HOLD_MS, NewRamp, RAMP_ACTOR};
pub use requests::{
    MAX_CHANGES_PER_REQUEST, MAX_COMMENT_CHARS, MAX_COMMENTS, MAX_REQUEST_BYTES,
    MAX_SCHEDULE_AHEAD_MS, NewRequest, RequestPatch,
};
pub use segments::{NewSegment, SegmentPatch};
pub use states::StateInput;
pub use webhooks::{MAX_FILTER_ENTRIES, MAX_WEBHOOK_DESCRIPTION, MAX_WEBHOOK_URL, check_webhook};

use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

use crate::bus::Bus;
use crate::clock::Clock;
use crate::domain::{Actor, ChangeEvent, ChangeRecord, Project};
use crate::store::{Batch, Store};

/// The use-cases that change state, over a store and a bus, with one clock.
#[derive(Debug, Clone)]
pub struct Changes {
    store: Store,
    bus: Arc<dyn Bus>,
    clock: Arc<dyn Clock>,
    quotas: Quotas,
    committed: Option<CommitHook>,
}

/// Called after every commit (`serve` wakes its change-log consumers with it).
#[derive(Clone)]
pub struct CommitHook(pub Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for CommitHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CommitHook")
    }
}

/// Where a change happens: an organization, maybe a project, maybe one environment.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub org: &'a str,
    pub project: Option<&'a str>,
    pub environment: Option<&'a str>,
}

impl<'a> Scope<'a> {
    pub fn org(org: &'a str) -> Scope<'a> {
        Scope {
            org,
            project: None,
            environment: None,
        }
    }

    pub fn project(p: &'a Project) -> Scope<'a> {
        Scope {
            org: &p.org_id,
            project: Some(&p.id),
            environment: None,
        }
    }

    pub fn environment(p: &'a Project, env: &'a str) -> Scope<'a> {
        Scope {
            environment: Some(env),
            ..Scope::project(p)
        }
    }
}

impl Changes {
    pub fn new(store: Store, bus: Arc<dyn Bus>, clock: Arc<dyn Clock>) -> Changes {
        Changes {
            store,
            bus,
            clock,
            quotas: Quotas::default(),
            committed: None,
        }
    }

    /// The same use-cases, calling `hook` after each commit.
    pub fn with_commit_hook(mut self, hook: CommitHook) -> Changes {
        self.committed = Some(hook);
        self
    }

    /// The same use-cases under other quotas than the defaults.
    pub fn with_quotas(mut self, quotas: Quotas) -> Changes {
        self.quotas = quotas;
        self
    }

    pub fn quotas(&self) -> &Quotas {
        &self.quotas
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Now, in Unix milliseconds, by this layer's clock.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// A record of a change, to commit with its batch.
    fn record<B: Serialize, A: Serialize>(
        &self,
        actor: &Actor,
        scope: Scope<'_>,
        action: &str,
        target: String,
        before: Option<&B>,
        after: Option<&A>,
    ) -> ChangeRecord {
        ChangeRecord {
            id: String::new(),
            seq: 0,
            org_id: scope.org.to_owned(),
            project_id: scope.project.map(str::to_owned),
            environment_id: scope.environment.map(str::to_owned),
            actor: actor.clone(),
            action: action.to_owned(),
            target,
            keys: Vec::new(),
            revisions: Default::default(),
            before: before.map(redacted),
            after: after.map(redacted),
            at: self.now(),
            request: None,
            expires_at: None,
        }
    }

    /// Commits a batch with its record, then publishes the revisions it made.
    async fn commit(&self, batch: Batch, record: ChangeRecord) -> Result<ChangeRecord> {
        let committed = self.store.commit(batch, record).await?;
        if let Some(hook) = &self.committed {
            (hook.0)();
        }
        self.publish(&committed.events).await;
        Ok(committed.record)
    }

    /// Commits a batch that several records describe, then publishes the revisions it made.
    async fn commit_all(
        &self,
        batch: Batch,
        records: Vec<ChangeRecord>,
    ) -> Result<Vec<ChangeRecord>> {
        let committed = self.store.commit_records(batch, records).await?;
        if let Some(hook) = &self.committed {
            (hook.0)();
        }
        self.publish(&committed.events).await;
        Ok(committed.records)
    }

    /// Publishes committed changes. A failure is logged, not returned: the change is stored, and
    /// the stream publisher and the realtime nodes' revision checks deliver it anyway.
    async fn publish(&self, events: &[ChangeEvent]) {
        for ev in events {
            if let Err(e) = self.bus.publish(ev).await {
                tracing::warn!(environment = %ev.environment, revision = ev.revision, error = %e, "publish failed");
            }
        }
    }
}

/// A value as a change record keeps it: secrets' hashes, and secrets kept to verify with, never
/// enter the log.
fn redacted<T: Serialize>(v: &T) -> Value {
    let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("secretHash");
        m.remove("tokenHash");
        m.remove("passwordHash");
        m.remove("secureModeSecret");
    }
    v
}
