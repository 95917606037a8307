//! Applying a change request: every change checked against the version it was made on and
//! written in one transaction with a record of its own (naming the request and its approvers),
//! by a member, or by the scheduler at the request's time. Exactly once: the request's own
//! write is conditional on the version that was read, so two appliers cannot both succeed.

use std::collections::BTreeMap;

use super::error::{ChangeError, Result};
use super::flags::flag_action;
use super::quotas::Growth;
use super::ramps::PlannedRamp;
use super::{Changes, FlagPatch, NewRamp, Scope, SegmentPatch, StateInput};
use crate::domain::{
    Actor, Bypass, ChangeRecord, ChangeRequest, Environment, Flag, FlagState, Project,
    ProposedChange, RequestRef, RequestStatus, Role, Segment,
};
use crate::store::{Batch, DueItem, DueKind};

/// The scheduler's actor (`system:scheduler`).
pub const SCHEDULER: &str = "scheduler";
pub const MAX_BYPASS_REASON: usize = 500;

/// What a change request has staged so far while it is checked or applied: later changes are
/// checked against the flags and segments it changes before them.
#[derive(Debug, Default)]
pub(super) struct Staged {
    pub flags: BTreeMap<String, Flag>,
    pub segments: BTreeMap<String, Segment>,
    /// The environments where the request sets each flag's state.
    pub state_envs: BTreeMap<String, Vec<String>>,
}

impl Staged {
    pub fn state_environments(&self, flag: &str) -> Vec<&str> {
        self.state_envs
            .get(flag)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// The checked writes of a request's changes.
#[derive(Debug, Default)]
pub(super) struct StagedWrites {
    segments: Vec<(Segment, Segment)>,
    flags: Vec<(Flag, Flag)>,
    states: Vec<(Environment, FlagState, FlagState)>,
    ramps: Vec<PlannedRamp>,
}

/// What became of a request or a ramp that was due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueOutcome {
    pub kind: DueKind,
    /// The request's id, or the ramp's `{environment}#{flag}`.
    pub id: String,
    /// Its status now: a request's (`applied`, `conflicted`, `failed`) or a ramp's (`active`,
    /// `paused`, `completed`).
    pub status: String,
}

impl Changes {
    /// Checks a request's changes as they would apply now: segments first, then flag
    /// definitions, then states, each against what the request staged before it.
    pub(super) async fn stage_request(
        &self,
        actor: &Actor,
        p: &Project,
        changes: &[ProposedChange],
        request: Option<String>,
    ) -> Result<StagedWrites> {
        let mut staged = Staged::default();
        for c in changes {
            if let ProposedChange::State {
                environment_id,
                flag,
                ..
            } = c
            {
                staged
                    .state_envs
                    .entry(flag.clone())
                    .or_default()
                    .push(environment_id.clone());
            }
        }
        let mut out = StagedWrites::default();
        let at = |i: usize| format!("/changes/{i}");
        for (i, c) in changes.iter().enumerate() {
            if let ProposedChange::Segment {
                segment,
                base_version,
                name,
                description,
                rule,
            } = c
            {
                let patch = SegmentPatch {
                    name: name.clone(),
                    description: description.clone(),
                    rule: rule.clone(),
                    version: None,
                };
                let (cur, next) = self
                    .stage_segment(actor, p, segment, *base_version, patch)
                    .await
                    .map_err(|e| e.under(&at(i)))?;
                staged.segments.insert(segment.clone(), next.clone());
                out.segments.push((cur, next));
            }
        }
        for (i, c) in changes.iter().enumerate() {
            if let ProposedChange::Flag {
                flag,
                base_version,
                name,
                description,
                tags,
                variants,
                archived,
                client_visible,
            } = c
            {
                let patch = FlagPatch {
                    name: name.clone(),
                    description: description.clone(),
                    tags: tags.clone(),
                    variants: variants.clone(),
                    archived: *archived,
                    client_visible: *client_visible,
                    version: None,
                };
                let (cur, next) = self
                    .stage_flag(&staged, actor, p, flag, *base_version, patch)
                    .await
                    .map_err(|e| e.under(&at(i)))?;
                staged.flags.insert(flag.clone(), next.clone());
                out.flags.push((cur, next));
            }
        }
        for (i, c) in changes.iter().enumerate() {
            if let ProposedChange::State {
                environment_id,
                flag,
                base_version,
                enabled,
                default_variant,
                targeting,
                prerequisites,
            } = c
            {
                let env = self
                    .environment_of(p, environment_id)
                    .await
                    .map_err(|e| e.under(&at(i)))?;
                let input = StateInput {
                    enabled: *enabled,
                    default_variant: default_variant.clone(),
                    targeting: targeting.clone(),
                    prerequisites: prerequisites.clone(),
                };
                let (cur, next) = self
                    .stage_state(&staged, actor, p, &env, flag, *base_version, input)
                    .await
                    .map_err(|e| e.under(&at(i)))?;
                out.states.push((env, cur, next));
            }
        }
        for (i, c) in changes.iter().enumerate() {
            if let ProposedChange::Ramp {
                environment_id,
                flag,
                base_version,
                variant,
                baseline,
                steps,
            } = c
            {
                let env = self
                    .environment_of(p, environment_id)
                    .await
                    .map_err(|e| e.under(&at(i)))?;
                let new = NewRamp {
                    variant: variant.clone(),
                    baseline: baseline.clone(),
                    steps: steps.clone(),
                    version: *base_version,
                };
                let planned = self
                    .plan_ramp(&staged, actor, p, &env, flag, new, request.clone())
                    .await
                    .map_err(|e| e.under(&at(i)))?;
                out.ramps.push(planned);
            }
        }
        Ok(out)
    }

    /// Applies an approved request (an owner may bypass the approvals with a reason, where
    /// the policy allows it) at `revision`, the one the caller read. A change that went stale
    /// marks the request conflicted, writes nothing else, and is answered with a conflict.
    pub async fn apply_request(
        &self,
        actor: &Actor,
        p: &Project,
        id: &str,
        revision: Option<u64>,
        bypass_reason: Option<String>,
    ) -> Result<ChangeRequest> {
        let r = self.active_request(p, id).await?;
        if revision.is_some_and(|v| v != r.revision) {
            return Err(ChangeError::Conflict {
                message: "the change request was edited since you read it".into(),
                details: serde_json::json!({ "currentRevision": r.revision }),
            });
        }
        if r.status == RequestStatus::Conflicted {
            return Err(ChangeError::Conflict {
                message: "the change request is conflicted; refresh it first".into(),
                details: serde_json::json!({ "problem": r.problem }),
            });
        }
        let mut r = self.with_current_policy(p, r).await?;
        if !r.is_approved() {
            r.bypass = Some(self.bypass(actor, p, &r, bypass_reason).await?);
        }
        let applied = self.apply(actor, p, r, None).await?;
        if applied.status == RequestStatus::Conflicted {
            return Err(ChangeError::Conflict {
                message: format!(
                    "the change request could not apply: {}; refresh it",
                    applied.problem.as_deref().unwrap_or("it is stale")
                ),
                details: serde_json::json!({ "status": "conflicted", "problem": applied.problem }),
            });
        }
        Ok(applied)
    }

    /// Applies every scheduled request that is due (at most `limit`, earliest first), each at
    /// most once; a request that is not approved by its time fails, one that went stale is
    /// conflicted, both visibly. What came due while no runner was up applies now, and when
    /// that is more than `late_after_ms` after its time, its records say how late.
    pub async fn run_due(&self, limit: usize, late_after_ms: i64) -> Result<Vec<DueOutcome>> {
        let now = self.now();
        let mut out = Vec::new();
        for due in self.store.due_items(now, limit).await? {
            let ran = match due.kind {
                DueKind::Request => self.run_one(&due, now, late_after_ms).await,
                DueKind::Ramp => self.advance_ramp(&due).await,
            };
            match ran {
                Ok(Some(o)) => out.push(o),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(id = %due.id, kind = ?due.kind, error = %e, "a due request or ramp step did not run");
                }
            }
        }
        Ok(out)
    }

    async fn run_one(
        &self,
        due: &DueItem,
        now: i64,
        late_after_ms: i64,
    ) -> Result<Option<DueOutcome>> {
        let actor = Actor::System(SCHEDULER.into());
        let p = self.store.get_project(&due.project_id).await?;
        let r = match &p {
            Some(p) => self.store.get_request(&p.id, &due.id).await?,
            None => None,
        };
        let (Some(p), Some(r)) = (p, r) else {
            self.store.delete_due(due).await?;
            return Ok(None);
        };
        let ready = matches!(r.status, RequestStatus::Open | RequestStatus::Approved);
        if !ready || r.scheduled_at != Some(due.at) {
            // A leftover of a request that was applied, closed or moved meanwhile.
            self.store.delete_due(due).await?;
            return Ok(None);
        }
        let late = (now - due.at > late_after_ms).then_some(now - due.at);
        let r = self.with_current_policy(&p, r).await?;
        let done = if r.is_approved() {
            match self.apply(&actor, &p, r.clone(), late).await {
                // Over a quota, or too large for one transaction, at its time: it fails
                // visibly rather than trying again every minute.
                Err(e @ (ChangeError::Quota(_) | ChangeError::Invalid { .. })) => {
                    self.fail(&actor, &p, &r, RequestStatus::Failed, e.to_string())
                        .await
                }
                other => other,
            }
        } else {
            let problem = format!(
                "it had {} of the {} approvals it needs at its scheduled time",
                r.approvals.len(),
                r.policy.as_ref().map_or(0, |p| p.approvals)
            );
            self.fail(&actor, &p, &r, RequestStatus::Failed, problem)
                .await
        };
        match done {
            Ok(r) => Ok(Some(DueOutcome {
                kind: DueKind::Request,
                id: r.id,
                status: r.status.as_str().to_owned(),
            })),
            // Another runner got there first: nothing to do.
            Err(ChangeError::Conflict { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The request with what its environments require now (a policy may have changed since
    /// it was opened).
    pub(super) async fn with_current_policy(
        &self,
        p: &Project,
        mut r: ChangeRequest,
    ) -> Result<ChangeRequest> {
        let (envs, policy) = self.reach(p, &r.changes).await?;
        r.protected_environments = envs.into_iter().map(|e| e.id).collect();
        r.policy = policy;
        Ok(r)
    }

    async fn bypass(
        &self,
        actor: &Actor,
        p: &Project,
        r: &ChangeRequest,
        reason: Option<String>,
    ) -> Result<Bypass> {
        let policy = r.policy.as_ref();
        let needed = policy.map_or(0, |p| p.approvals);
        let not_approved = || ChangeError::Conflict {
            message: format!(
                "the change request has {} of the {needed} approvals it needs",
                r.approvals.len()
            ),
            details: serde_json::json!({ "approvals": r.approvals.len(), "needed": needed }),
        };
        let Some(reason) = reason else {
            return Err(not_approved());
        };
        if !policy.is_some_and(|p| p.owner_bypass) {
            return Err(ChangeError::Forbidden(
                "the environments this request reaches do not allow a bypass".into(),
            ));
        }
        if self.role_of(actor, p).await? < Role::Owner {
            return Err(ChangeError::Forbidden(
                "only an owner may apply a change request without its approvals".into(),
            ));
        }
        if reason.trim().is_empty() {
            return Err(ChangeError::field("bypassReason", "may not be blank"));
        }
        super::rules::max_len("bypassReason", &reason, MAX_BYPASS_REASON)?;
        Ok(Bypass {
            by: actor.to_string(),
            reason,
        })
    }

    /// Applies a request that may apply; a stale change marks it conflicted instead.
    async fn apply(
        &self,
        actor: &Actor,
        p: &Project,
        r: ChangeRequest,
        late_by_ms: Option<i64>,
    ) -> Result<ChangeRequest> {
        let writes = match self
            .stage_request(actor, p, &r.changes, Some(r.id.clone()))
            .await
        {
            Ok(w) => w,
            Err(
                e @ (ChangeError::Conflict { .. }
                | ChangeError::NotFound(_)
                | ChangeError::Invalid { .. }),
            ) => {
                let status = RequestStatus::Conflicted;
                return self.fail(actor, p, &r, status, e.to_string()).await;
            }
            Err(e) => return Err(e),
        };
        self.check_environment_bytes(
            p,
            &Growth {
                flags: writes.flags.iter().map(|(_, n)| n.clone()).collect(),
                segments: writes.segments.iter().map(|(_, n)| n.clone()).collect(),
                states: (writes.states.iter().map(|(_, _, n)| n.clone()))
                    .chain(writes.ramps.iter().map(|r| r.next.clone()))
                    .collect(),
            },
        )
        .await?;
        let mut done = r.clone();
        done.status = RequestStatus::Applied;
        done.applied_at = Some(self.now());
        done.applied_by = Some(actor.to_string());
        done.version += 1;
        done.updated_at = self.now();
        let via = RequestRef {
            id: r.id.clone(),
            title: r.title.clone(),
            author: r.author.clone(),
            approvers: r.approvals.iter().map(|a| a.by.clone()).collect(),
            bypass: r.bypass.clone(),
            scheduled_at: r
                .scheduled_at
                .filter(|_| late_by_ms.is_some() || is_scheduler(actor)),
            late_by_ms,
        };
        let mut batch = Batch::new();
        let mut records = Vec::new();
        let mut push = |mut rec: ChangeRecord, key: &str| {
            rec.keys = vec![key.to_owned()];
            rec.request = Some(via.clone());
            records.push(rec);
        };
        for (cur, next) in &writes.segments {
            batch.put_segment(next)?;
            let target = format!("segment:{}", next.key);
            push(
                self.record(
                    actor,
                    Scope::project(p),
                    "segment.update",
                    target,
                    Some(cur),
                    Some(next),
                ),
                &next.key,
            );
        }
        for (cur, next) in &writes.flags {
            batch.put_flag(next)?;
            let target = format!("flag:{}", next.key);
            let action = flag_action(cur, next);
            push(
                self.record(
                    actor,
                    Scope::project(p),
                    action,
                    target,
                    Some(cur),
                    Some(next),
                ),
                &next.key,
            );
        }
        for (env, cur, next) in &writes.states {
            batch.put_flag_state(&p.id, next)?;
            let target = format!("flag:{}", next.flag_key);
            let scope = Scope::environment(p, &env.id);
            push(
                self.record(
                    actor,
                    scope,
                    "flag_state.update",
                    target,
                    Some(cur),
                    Some(next),
                ),
                &next.flag_key,
            );
        }
        for planned in &writes.ramps {
            for mut rec in self.write_ramp_start(actor, p, planned, &mut batch)? {
                rec.request = Some(via.clone());
                records.push(rec);
            }
        }
        batch.put_request(&done)?;
        self.move_due(&mut batch, &r, &done)?;
        let action = if is_scheduler(actor) {
            "schedule.apply"
        } else {
            "change_request.apply"
        };
        let mut own = self.request_record(actor, p, &done, action, None);
        own.request = Some(via);
        records.push(own);
        match self.commit_all(batch, records).await {
            Ok(_) => Ok(done),
            Err(ChangeError::Conflict { .. }) => {
                let now = self.request(p, &r.id).await?;
                if now.version != r.version {
                    return Err(ChangeError::Conflict {
                        message: "the change request was changed by someone else meanwhile".into(),
                        details: serde_json::json!({ "status": now.status }),
                    });
                }
                let problem = "something it changes was changed since it was checked".to_owned();
                self.fail(actor, p, &r, RequestStatus::Conflicted, problem)
                    .await
            }
            Err(e) => Err(e),
        }
    }

    /// Marks a request that could not apply (conflicted, or failed at its time), visibly:
    /// its status, its problem, and a record.
    async fn fail(
        &self,
        actor: &Actor,
        p: &Project,
        r: &ChangeRequest,
        status: RequestStatus,
        problem: String,
    ) -> Result<ChangeRequest> {
        let mut next = r.clone();
        next.status = status;
        next.problem = Some(problem);
        next.version += 1;
        next.updated_at = self.now();
        let mut batch = Batch::new();
        batch.put_request(&next)?;
        self.move_due(&mut batch, r, &next)?;
        let action = if is_scheduler(actor) {
            "schedule.fail"
        } else {
            "change_request.conflict"
        };
        self.save_request(actor, p, &next, batch, action, Some(r))
            .await?;
        Ok(next)
    }
}

fn is_scheduler(actor: &Actor) -> bool {
    matches!(actor, Actor::System(name) if name == SCHEDULER)
}
