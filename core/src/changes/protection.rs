//! Environments that require approval: what a change reaches, the guards that refuse direct
//! changes there, and the checks on a policy itself.

use std::collections::BTreeMap;

use super::Changes;
use super::error::{ChangeError, Result};
use super::segments::references;
use crate::domain::{Actor, ApprovalPolicy, Environment, Project, ProposedChange, Role};

/// The most approvals a policy may ask for.
pub const MAX_APPROVALS: u32 = 10;

fn approval_required(envs: &[&Environment]) -> ChangeError {
    let keys: Vec<String> = envs.iter().map(|e| e.key.clone()).collect();
    ChangeError::ApprovalRequired {
        message: format!(
            "{} {} approval: propose this change as a change request",
            if keys.len() == 1 {
                format!("environment {}", keys[0])
            } else {
                format!("environments {}", keys.join(", "))
            },
            if keys.len() == 1 {
                "requires"
            } else {
                "require"
            },
        ),
        environments: keys,
    }
}

impl Changes {
    /// Refuses a direct change to an environment that requires approval.
    pub(super) fn guard_environment(&self, env: &Environment) -> Result<()> {
        if env.approval.is_some() {
            return Err(approval_required(&[env]));
        }
        Ok(())
    }

    /// Refuses a direct change to a project's flag definitions when any of its environments
    /// requires approval (a definition reaches every environment).
    pub(super) async fn guard_project(&self, p: &Project) -> Result<()> {
        let envs = self.store.list_environments(&p.id).await?;
        let protected: Vec<&Environment> = envs.iter().filter(|e| e.approval.is_some()).collect();
        if protected.is_empty() {
            return Ok(());
        }
        Err(approval_required(&protected))
    }

    /// Refuses a direct change to a segment that a protected environment's targeting uses.
    pub(super) async fn guard_segment(&self, p: &Project, key: &str) -> Result<()> {
        let envs = self.store.list_environments(&p.id).await?;
        let mut using = Vec::new();
        for env in envs.iter().filter(|e| e.approval.is_some()) {
            if self.uses_segment(env, key).await? {
                using.push(env);
            }
        }
        if using.is_empty() {
            return Ok(());
        }
        Err(approval_required(&using))
    }

    async fn uses_segment(&self, env: &Environment, key: &str) -> Result<bool> {
        let Some(snap) = self.store.load_environment(&env.id).await? else {
            return Ok(false);
        };
        Ok(snap
            .flags
            .iter()
            .any(|(_, s)| s.targeting.as_ref().is_some_and(|t| references(t, key))))
    }

    /// The protected environments a request's changes reach, and what they require together
    /// (`None`: no approval needed).
    pub(super) async fn reach(
        &self,
        p: &Project,
        changes: &[ProposedChange],
    ) -> Result<(Vec<Environment>, Option<ApprovalPolicy>)> {
        let envs = self.store.list_environments(&p.id).await?;
        let mut reached: BTreeMap<String, Environment> = BTreeMap::new();
        for env in envs.iter().filter(|e| e.approval.is_some()) {
            let mut hit = false;
            for c in changes {
                hit = match c {
                    ProposedChange::State { environment_id, .. }
                    | ProposedChange::Ramp { environment_id, .. } => environment_id == &env.id,
                    ProposedChange::Flag { .. } => true,
                    ProposedChange::Segment { segment, .. } => {
                        self.uses_segment(env, segment).await?
                    }
                };
                if hit {
                    break;
                }
            }
            if hit {
                reached.insert(env.id.clone(), env.clone());
            }
        }
        let policy = reached
            .values()
            .filter_map(|e| e.approval.clone())
            .reduce(|a, b| a.strictest(&b));
        Ok((reached.into_values().collect(), policy))
    }

    /// A policy asks for 1 to 10 approvals from editors or stronger roles, and the organization
    /// has at least that many members who could give them. Only members set policies.
    pub(super) async fn check_policy(
        &self,
        actor: &Actor,
        org: &str,
        policy: &ApprovalPolicy,
    ) -> Result<()> {
        if !matches!(actor, Actor::User(_)) {
            return Err(ChangeError::Forbidden(
                "an approval policy is set by a member, not by an API token".into(),
            ));
        }
        if !(1..=MAX_APPROVALS).contains(&policy.approvals) {
            return Err(ChangeError::field(
                "approval/approvals",
                format!("must be 1 to {MAX_APPROVALS}"),
            ));
        }
        if policy.min_role < Role::Editor {
            return Err(ChangeError::field(
                "approval/minRole",
                "must be editor, admin or owner",
            ));
        }
        let mut eligible = 0usize;
        let mut cursor = None;
        loop {
            let page = self
                .store
                .list_members(org, cursor.as_deref(), crate::store::MAX_PAGE)
                .await?;
            eligible += page
                .items
                .iter()
                .filter(|m| m.role >= policy.min_role)
                .count();
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        if eligible < policy.approvals as usize {
            return Err(ChangeError::field(
                "approval/approvals",
                format!(
                    "asks for {} approvals but the organization has {eligible} members who are {} or stronger",
                    policy.approvals,
                    format!("{:?}", policy.min_role).to_lowercase()
                ),
            ));
        }
        Ok(())
    }
}
