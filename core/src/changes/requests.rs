//! Change requests: open one, edit it (which withdraws its approvals), review it, comment on it,
//! withdraw it, refresh it after a conflict. Applying it, now or at its time, is in
//! [`super::apply`].

use serde::Deserialize;
use std::collections::BTreeSet;

use super::error::{ChangeError, Result};
use super::quotas::Quota;
use super::{Changes, Scope, rules};
use crate::domain::{
    Actor, ChangeRecord, ChangeRequest, Project, ProposedChange, RequestComment, RequestStatus,
    Review, Role, new_id,
};
use crate::store::{Batch, StoreError};

/// At most this many changes in one request (each is written with its record in the one
/// transaction that applies them, beside every environment's revision).
pub const MAX_CHANGES_PER_REQUEST: usize = 20;
/// At most this much JSON in a request's changes (the request is one stored item).
pub const MAX_REQUEST_BYTES: usize = 300 * 1024;
/// At most this many comments on one request.
pub const MAX_COMMENTS: usize = 200;
pub const MAX_COMMENT_CHARS: usize = 2000;
/// A request is scheduled at most this far ahead (a year, in ms).
pub const MAX_SCHEDULE_AHEAD_MS: i64 = 366 * 24 * 3600 * 1000;

/// A new change request.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Name))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Description))]
    pub description: String,
    /// 1 to 20 changes, each against the version it was made on.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub changes: Vec<ProposedChange>,
    /// Apply by itself at this time (Unix ms, in the future), once approved.
    pub scheduled_at: Option<i64>,
}

/// Changes to a request; what is absent stays. Any of them withdraws every approval.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestPatch {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Description>))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub changes: Option<Vec<ProposedChange>>,
    /// A new time (Unix ms, in the future), or `null` to apply it by hand.
    #[serde(default, deserialize_with = "super::projects::present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub scheduled_at: Option<Option<i64>>,
    /// The request's version last seen.
    pub version: u64,
}

impl Changes {
    /// Opens a request: checked as its changes would be applied now, and approved at once when
    /// nothing it reaches requires approval.
    pub async fn open_request(
        &self,
        actor: &Actor,
        p: &Project,
        new: NewRequest,
    ) -> Result<ChangeRequest> {
        let used = self
            .store
            .count_active_requests(&p.id, self.count_to(Quota::ActiveRequestsPerProject))
            .await?;
        self.within(Quota::ActiveRequestsPerProject, used, 1)?;
        let now = self.now();
        let mut r = ChangeRequest {
            id: new_id(),
            org_id: p.org_id.clone(),
            project_id: p.id.clone(),
            title: new.title.trim().to_owned(),
            description: new.description,
            changes: new.changes,
            author: actor.to_string(),
            author_owner: self.token_owner(actor, &p.org_id).await?,
            status: RequestStatus::Open,
            protected_environments: vec![],
            policy: None,
            approvals: vec![],
            rejection: None,
            scheduled_at: new.scheduled_at,
            problem: None,
            applied_at: None,
            applied_by: None,
            bypass: None,
            revision: 1,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        self.check_request(actor, p, &mut r).await?;
        let mut batch = Batch::new();
        batch.put_request(&r)?;
        if let Some(at) = r.scheduled_at {
            batch.put_due(&r, at)?;
        }
        self.save_request(actor, p, &r, batch, "change_request.open", None)
            .await?;
        Ok(r)
    }

    /// Edits a request last seen at `patch.version`: its approvals are withdrawn, and it is
    /// checked again as a new one would be.
    pub async fn edit_request(
        &self,
        actor: &Actor,
        p: &Project,
        id: &str,
        patch: RequestPatch,
    ) -> Result<ChangeRequest> {
        let current = self.active_request(p, id).await?;
        if patch.version != current.version {
            return Err(ChangeError::stale("the change request", current.version));
        }
        let mut r = current.clone();
        if let Some(t) = patch.title {
            r.title = t.trim().to_owned();
        }
        if let Some(d) = patch.description {
            r.description = d;
        }
        if let Some(c) = patch.changes {
            r.changes = c;
        }
        if let Some(at) = patch.scheduled_at {
            r.scheduled_at = at;
        }
        self.resubmit(actor, p, &current, r, "change_request.edit")
            .await
    }

    /// Saves a request whose content changed: every approval withdrawn, open again (or
    /// approved at once where nothing requires approval), checked as a new one would be.
    async fn resubmit(
        &self,
        actor: &Actor,
        p: &Project,
        current: &ChangeRequest,
        mut r: ChangeRequest,
        action: &str,
    ) -> Result<ChangeRequest> {
        r.approvals.clear();
        r.problem = None;
        r.status = RequestStatus::Open;
        r.revision += 1;
        r.version += 1;
        r.updated_at = self.now();
        self.check_request(actor, p, &mut r).await?;
        let mut batch = Batch::new();
        batch.put_request(&r)?;
        self.move_due(&mut batch, current, &r)?;
        self.save_request(actor, p, &r, batch, action, Some(current))
            .await?;
        Ok(r)
    }

    /// Approves (or rejects) the request at `revision` (the one the reviewer read). A member
    /// with the policy's role reviews, never the author (nor, for a token's request, the
    /// token's owner). Concurrent reviews all land; an edit meanwhile refuses the review.
    pub async fn review_request(
        &self,
        actor: &Actor,
        p: &Project,
        id: &str,
        revision: Option<u64>,
        approve: bool,
        comment: Option<String>,
    ) -> Result<ChangeRequest> {
        let Actor::User(user) = actor else {
            return Err(ChangeError::Forbidden(
                "change requests are reviewed by members, not by API tokens".into(),
            ));
        };
        if let Some(c) = &comment {
            rules::max_len("comment", c, MAX_COMMENT_CHARS)?;
        }
        let role = self
            .store
            .get_membership(&p.org_id, user)
            .await?
            .map(|m| m.role)
            .ok_or_else(|| ChangeError::Forbidden("only members review change requests".into()))?;
        for _ in 0..crate::store::MAX_ATTEMPTS {
            let current = self.active_request(p, id).await?;
            // What the environments require now (a policy may have changed since it opened).
            let current = self.with_current_policy(p, current).await?;
            if revision.is_some_and(|v| v != current.revision) {
                return Err(ChangeError::Conflict {
                    message: "the change request was edited since you read it; review it again"
                        .into(),
                    details: serde_json::json!({ "currentRevision": current.revision }),
                });
            }
            if current.authored_by(&actor.to_string()) {
                return Err(ChangeError::Forbidden(
                    "the author of a change request cannot review it".into(),
                ));
            }
            let needed = current.policy.as_ref().map_or(Role::Editor, |p| p.min_role);
            if role < needed {
                return Err(ChangeError::Forbidden(format!(
                    "reviewing this request needs the {} role",
                    format!("{needed:?}").to_lowercase()
                )));
            }
            if current.status == RequestStatus::Conflicted {
                return Err(ChangeError::Conflict {
                    message: "the change request is conflicted; refresh it first".into(),
                    details: serde_json::Value::Null,
                });
            }
            let by = actor.to_string();
            if approve && current.approvals.iter().any(|r| r.by == by) {
                return Ok(current);
            }
            let mut r = current.clone();
            let review = Review {
                by,
                role,
                at: self.now(),
                comment: comment.clone(),
            };
            let action = if approve {
                r.approvals.push(review);
                if r.is_approved() {
                    r.status = RequestStatus::Approved;
                }
                "change_request.approve"
            } else {
                r.rejection = Some(review);
                r.status = RequestStatus::Rejected;
                "change_request.reject"
            };
            r.version += 1;
            r.updated_at = self.now();
            let mut batch = Batch::new();
            batch.put_request(&r)?;
            if !approve {
                self.move_due(&mut batch, &current, &r)?;
            }
            match self
                .save_request(actor, p, &r, batch, action, Some(&current))
                .await
            {
                Ok(_) => return Ok(r),
                // Another review (or a comment's record) moved the request: read it again.
                Err(ChangeError::Conflict { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ChangeError::Conflict {
            message: "the change request is busy; try again".into(),
            details: serde_json::Value::Null,
        })
    }

    /// Closes a request without applying it: its author, or an admin.
    pub async fn withdraw_request(
        &self,
        actor: &Actor,
        p: &Project,
        id: &str,
        expected: u64,
    ) -> Result<ChangeRequest> {
        let current = self.active_request(p, id).await?;
        if !current.authored_by(&actor.to_string()) && self.role_of(actor, p).await? < Role::Admin {
            return Err(ChangeError::Forbidden(
                "a change request is withdrawn by its author or an admin".into(),
            ));
        }
        if expected != current.version {
            return Err(ChangeError::stale("the change request", current.version));
        }
        let mut r = current.clone();
        r.status = RequestStatus::Withdrawn;
        r.version += 1;
        r.updated_at = self.now();
        let mut batch = Batch::new();
        batch.put_request(&r)?;
        self.move_due(&mut batch, &current, &r)?;
        self.save_request(
            actor,
            p,
            &r,
            batch,
            "change_request.withdraw",
            Some(&current),
        )
        .await?;
        Ok(r)
    }

    /// Comments on a request (at most [`MAX_COMMENTS`], each at most 2000 characters).
    pub async fn comment_request(
        &self,
        actor: &Actor,
        p: &Project,
        id: &str,
        text: &str,
    ) -> Result<RequestComment> {
        let r = self.request(p, id).await?;
        if text.trim().is_empty() {
            return Err(ChangeError::field("text", "may not be blank"));
        }
        rules::max_len("text", text, MAX_COMMENT_CHARS)?;
        if self.store.count_comments(id, MAX_COMMENTS).await? >= MAX_COMMENTS {
            return Err(ChangeError::Conflict {
                message: format!("a change request holds at most {MAX_COMMENTS} comments"),
                details: serde_json::Value::Null,
            });
        }
        let c = RequestComment {
            id: new_id(),
            request_id: r.id.clone(),
            by: actor.to_string(),
            text: text.to_owned(),
            at: self.now(),
        };
        let mut batch = Batch::new();
        batch.put_comment(&c)?;
        let mut record = self.request_record(actor, p, &r, "change_request.comment", None);
        record.after = Some(serde_json::json!({ "request": r.id, "comment": c.text }));
        self.commit(batch, record).await?;
        Ok(c)
    }

    /// Moves a request's changes onto what is stored now (a conflicted request, or one whose
    /// changes went stale): approvals are withdrawn, and it is checked again.
    pub async fn refresh_request(
        &self,
        actor: &Actor,
        p: &Project,
        id: &str,
        expected: u64,
    ) -> Result<ChangeRequest> {
        let current = self.active_request(p, id).await?;
        if expected != current.version {
            return Err(ChangeError::stale("the change request", current.version));
        }
        let mut r = current.clone();
        for c in &mut r.changes {
            let v = self.stored_version(p, c).await?;
            c.set_base_version(v);
        }
        if r.scheduled_at.is_some_and(|at| at <= self.now()) {
            r.scheduled_at = None;
        }
        self.resubmit(actor, p, &current, r, "change_request.refresh")
            .await
    }

    /// Checks a request as it stands (title, size, schedule, every change against what is
    /// stored) and fills in what it reaches and what that requires.
    async fn check_request(&self, actor: &Actor, p: &Project, r: &mut ChangeRequest) -> Result<()> {
        rules::name("title", &r.title)?;
        rules::max_len("description", &r.description, rules::MAX_DESCRIPTION)?;
        if r.changes.is_empty() || r.changes.len() > MAX_CHANGES_PER_REQUEST {
            return Err(ChangeError::field(
                "changes",
                format!("needs 1 to {MAX_CHANGES_PER_REQUEST} changes"),
            ));
        }
        if serde_json::to_vec(&r.changes).map_or(usize::MAX, |b| b.len()) > MAX_REQUEST_BYTES {
            return Err(ChangeError::field(
                "changes",
                "may hold at most 300 KiB of JSON",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, c) in r.changes.iter().enumerate() {
            if !seen.insert(c.target()) {
                return Err(ChangeError::field(
                    &format!("changes/{i}"),
                    "changes what an earlier change in this request already changes",
                ));
            }
        }
        if let Some(at) = r.scheduled_at {
            let now = self.now();
            if at <= now {
                return Err(ChangeError::field("scheduledAt", "must be in the future"));
            }
            if at > now + MAX_SCHEDULE_AHEAD_MS {
                return Err(ChangeError::field(
                    "scheduledAt",
                    "must be within a year from now",
                ));
            }
        }
        for (i, c) in r.changes.iter().enumerate() {
            let stored = self
                .stored_version(p, c)
                .await
                .map_err(|e| e.under(&format!("/changes/{i}")))?;
            if c.base_version() > stored {
                return Err(ChangeError::field(
                    &format!("changes/{i}/baseVersion"),
                    format!(
                        "version {} does not exist (the stored one is {stored})",
                        c.base_version()
                    ),
                ));
            }
        }
        self.stage_request(actor, p, &r.changes, None).await?;
        let (envs, policy) = self.reach(p, &r.changes).await?;
        r.protected_environments = envs.into_iter().map(|e| e.id).collect();
        r.policy = policy;
        if r.status == RequestStatus::Open && r.is_approved() {
            r.status = RequestStatus::Approved;
        }
        Ok(())
    }

    /// The version stored now of what a change is to (0: a state never set).
    async fn stored_version(&self, p: &Project, c: &ProposedChange) -> Result<u64> {
        match c {
            ProposedChange::State {
                environment_id,
                flag,
                ..
            }
            | ProposedChange::Ramp {
                environment_id,
                flag,
                ..
            } => {
                let env = self.environment_of(p, environment_id).await?;
                let flag = self.flag(p, flag).await?;
                Ok(self.store.get_flag_state(&env.id, &flag).await?.version)
            }
            ProposedChange::Flag { flag, .. } => Ok(self.flag(p, flag).await?.version),
            ProposedChange::Segment { segment, .. } => Ok(self
                .store
                .get_segment(&p.id, segment)
                .await?
                .ok_or_else(|| ChangeError::NotFound("segment".into()))?
                .version),
        }
    }

    pub(super) async fn environment_of(
        &self,
        p: &Project,
        id: &str,
    ) -> Result<crate::domain::Environment> {
        match self.store.get_environment(id).await? {
            Some(e) if e.project_id == p.id => Ok(e),
            _ => Err(ChangeError::NotFound("environment".into())),
        }
    }

    pub(super) async fn request(&self, p: &Project, id: &str) -> Result<ChangeRequest> {
        self.store
            .get_request(&p.id, id)
            .await?
            .ok_or_else(|| ChangeError::NotFound("change request".into()))
    }

    /// A request that can still change: open, approved or conflicted.
    pub(super) async fn active_request(&self, p: &Project, id: &str) -> Result<ChangeRequest> {
        let r = self.request(p, id).await?;
        if !r.status.is_active() {
            return Err(ChangeError::Conflict {
                message: format!("the change request is {}", r.status.as_str()),
                details: serde_json::json!({ "status": r.status }),
            });
        }
        Ok(r)
    }

    /// The due index follows the request: out at its old time, in at its new one while it
    /// waits to apply (open or approved).
    pub(super) fn move_due(
        &self,
        batch: &mut Batch,
        before: &ChangeRequest,
        after: &ChangeRequest,
    ) -> Result<()> {
        let waiting = matches!(after.status, RequestStatus::Open | RequestStatus::Approved);
        let next = after.scheduled_at.filter(|_| waiting);
        if before.scheduled_at == next {
            return Ok(());
        }
        if let Some(at) = before.scheduled_at {
            batch.delete_due(before, at);
        }
        if let Some(at) = next {
            batch.put_due(after, at)?;
        }
        Ok(())
    }

    /// For a token, the member who made it (as an actor: `user:ID`).
    async fn token_owner(&self, actor: &Actor, org: &str) -> Result<Option<String>> {
        let Actor::Token(id) = actor else {
            return Ok(None);
        };
        Ok(self
            .store
            .get_api_token(org, id)
            .await?
            .map(|t| Actor::User(t.created_by).to_string()))
    }

    /// A member's role in the project's organization (tokens and strangers: viewer).
    pub(super) async fn role_of(&self, actor: &Actor, p: &Project) -> Result<Role> {
        let Actor::User(user) = actor else {
            return Ok(Role::Viewer);
        };
        Ok(self
            .store
            .get_membership(&p.org_id, user)
            .await?
            .map_or(Role::Viewer, |m| m.role))
    }

    /// A record of a request's own change (opened, edited, reviewed, …).
    pub(super) fn request_record(
        &self,
        actor: &Actor,
        p: &Project,
        r: &ChangeRequest,
        action: &str,
        before: Option<&ChangeRequest>,
    ) -> ChangeRecord {
        let env = single_environment(r);
        let scope = Scope {
            org: &p.org_id,
            project: Some(&p.id),
            environment: env,
        };
        let mut record = self.record(
            actor,
            scope,
            action,
            format!("change_request:{}", r.id),
            None::<&()>,
            None::<&()>,
        );
        record.before = before.map(ChangeRequest::summary);
        record.after = Some(r.summary());
        record
    }

    /// Commits a request's own change. A lost race on the request is a conflict.
    pub(super) async fn save_request(
        &self,
        actor: &Actor,
        p: &Project,
        r: &ChangeRequest,
        batch: Batch,
        action: &str,
        before: Option<&ChangeRequest>,
    ) -> Result<ChangeRecord> {
        let record = self.request_record(actor, p, r, action, before);
        match self.commit(batch, record).await {
            Err(ChangeError::Store(StoreError::Conflict { .. }))
            | Err(ChangeError::Conflict { .. }) => Err(ChangeError::Conflict {
                message: "the change request was changed by someone else; reload and try again"
                    .into(),
                details: serde_json::Value::Null,
            }),
            other => other,
        }
    }
}

/// The one environment a request's changes are all in, if they are (for records and filters).
fn single_environment(r: &ChangeRequest) -> Option<&str> {
    let mut envs = r.changes.iter().map(ProposedChange::environment);
    let first = envs.next()??;
    envs.all(|e| e == Some(first)).then_some(first)
}
