//! Quotas per organization, project and environment: how many projects, environments, flags,
//! segments, members, SDK keys and API tokens a tenant may hold, and how large one environment's
//! flagd document may grow. Checked here, in the change layer, so that every path that writes
//! (the API, flagd import, copy, restore, later schedules and approvals) obeys them; a change over
//! a quota is refused with [`QuotaExceeded`], naming the quota and its limit, and writes nothing.
//!
//! Only what grows is checked: deletes, archives, revocations and edits that make an environment
//! smaller always pass, so a tenant over a lowered quota can always get back under it.
//!
//! Counts are read before the change is committed, not inside its transaction. Creates that race
//! each other each see the count before the others commit, so `n` concurrent creates at the limit
//! can overshoot it by at most `n - 1` (the racers, less the one that was allowed). A count item
//! updated in the commit's transaction would close that window, at the cost of one hot item per
//! scope that every create and delete must keep exact (imports, deletes that drop states, items
//! written before quotas existed); quotas bound what one tenant can take from the shared
//! servers, and a bounded overshoot by a tenant's own concurrent requests does not change that.

use serde::Serialize;
use std::collections::BTreeMap;

use super::Changes;
use super::error::{ChangeError, Result};
use crate::domain::{Environment, Flag, FlagState, Project, Segment};
use crate::flagd::Document;
use crate::store::EnvironmentSnapshot;

/// The limits, with defaults a hosted product ships (comparable to Flagsmith's 400 flags and 100
/// segments per project and Unleash's resource limits, with room for larger teams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    pub projects_per_organization: u64,
    /// At most [`crate::store::MAX_ENVIRONMENTS`] whatever is configured (one change writes
    /// every environment's revision in one transaction).
    pub environments_per_project: u64,
    /// Archived flags count until they are deleted.
    pub flags_per_project: u64,
    pub segments_per_project: u64,
    /// Members and pending (unexpired) invitations together.
    pub members_per_organization: u64,
    /// Keys not revoked.
    pub sdk_keys_per_environment: u64,
    /// Tokens neither revoked nor expired.
    pub api_tokens_per_organization: u64,
    /// The environment's flagd document (what every realtime node compiles and holds, and what
    /// server SDKs download), in bytes of JSON.
    pub environment_bytes: u64,
    /// Webhook, Slack and Teams endpoints (each is sent every matching change).
    pub webhooks_per_organization: u64,
    /// Change requests open, approved or conflicted (applied and closed ones do not count).
    pub active_requests_per_project: u64,
}

impl Default for Quotas {
    fn default() -> Quotas {
        Quotas {
            projects_per_organization: 100,
            environments_per_project: 20,
            flags_per_project: 1000,
            segments_per_project: 200,
            members_per_organization: 500,
            sdk_keys_per_environment: 20,
            api_tokens_per_organization: 100,
            environment_bytes: 2 * 1024 * 1024,
            webhooks_per_organization: 20,
            active_requests_per_project: 100,
        }
    }
}

/// One quota, by the name errors and settings use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quota {
    ProjectsPerOrganization,
    EnvironmentsPerProject,
    FlagsPerProject,
    SegmentsPerProject,
    MembersPerOrganization,
    SdkKeysPerEnvironment,
    ApiTokensPerOrganization,
    EnvironmentBytes,
    WebhooksPerOrganization,
    ActiveRequestsPerProject,
}

impl Quota {
    /// The name in errors (`details.quota`).
    pub fn name(self) -> &'static str {
        match self {
            Quota::ProjectsPerOrganization => "projects_per_organization",
            Quota::EnvironmentsPerProject => "environments_per_project",
            Quota::FlagsPerProject => "flags_per_project",
            Quota::SegmentsPerProject => "segments_per_project",
            Quota::MembersPerOrganization => "members_per_organization",
            Quota::SdkKeysPerEnvironment => "sdk_keys_per_environment",
            Quota::ApiTokensPerOrganization => "api_tokens_per_organization",
            Quota::EnvironmentBytes => "environment_bytes",
            Quota::WebhooksPerOrganization => "webhooks_per_organization",
            Quota::ActiveRequestsPerProject => "active_requests_per_project",
        }
    }

    /// What is counted, and where: "flags in a project".
    fn counts(self) -> &'static str {
        match self {
            Quota::ProjectsPerOrganization => "projects in an organization",
            Quota::EnvironmentsPerProject => "environments in a project",
            Quota::FlagsPerProject => "flags in a project (archived ones included)",
            Quota::SegmentsPerProject => "segments in a project",
            Quota::MembersPerOrganization => "members and pending invitations in an organization",
            Quota::SdkKeysPerEnvironment => "active SDK keys in an environment",
            Quota::ApiTokensPerOrganization => "active API tokens in an organization",
            Quota::EnvironmentBytes => "bytes of flagd JSON in one environment",
            Quota::WebhooksPerOrganization => "webhook endpoints in an organization",
            Quota::ActiveRequestsPerProject => {
                "open, approved or conflicted change requests in a project"
            }
        }
    }
}

impl Quotas {
    pub fn limit(&self, quota: Quota) -> u64 {
        match quota {
            Quota::ProjectsPerOrganization => self.projects_per_organization,
            Quota::EnvironmentsPerProject => self
                .environments_per_project
                .min(crate::store::MAX_ENVIRONMENTS as u64),
            Quota::FlagsPerProject => self.flags_per_project,
            Quota::SegmentsPerProject => self.segments_per_project,
            Quota::MembersPerOrganization => self.members_per_organization,
            Quota::SdkKeysPerEnvironment => self.sdk_keys_per_environment,
            Quota::ApiTokensPerOrganization => self.api_tokens_per_organization,
            Quota::EnvironmentBytes => self.environment_bytes,
            Quota::WebhooksPerOrganization => self.webhooks_per_organization,
            Quota::ActiveRequestsPerProject => self.active_requests_per_project,
        }
    }
}

/// A change that would take a tenant over a quota (the API answers 422, code `quota_exceeded`,
/// with this as `details`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaExceeded {
    pub quota: Quota,
    pub limit: u64,
    /// What the scope holds now (counts stop at the limit) and what the change would add; for
    /// `environment_bytes`, the document's size now and after the change.
    pub used: u64,
    pub after: u64,
    /// The environment whose document would grow too large (its key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

impl std::fmt::Display for QuotaExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, limit) = (self.quota.name(), self.limit);
        match (&self.environment, self.quota) {
            (Some(env), Quota::EnvironmentBytes) => write!(
                f,
                "quota {name} exceeded: environment {env} would hold {} bytes of flagd JSON; \
                 the limit is {limit}",
                self.after
            ),
            _ => write!(
                f,
                "quota {name} exceeded: at most {limit} {}; this change would make {}",
                self.quota.counts(),
                self.after
            ),
        }
    }
}

impl std::error::Error for QuotaExceeded {}

/// What a change writes that can make an environment's document larger: definitions of flags,
/// segments, and states (each in its environment).
#[derive(Debug, Default)]
pub(super) struct Growth {
    pub flags: Vec<Flag>,
    pub segments: Vec<Segment>,
    pub states: Vec<FlagState>,
}

impl Changes {
    /// Refuses a change that takes a scope holding `used` past `quota` by adding `adding`.
    pub(super) fn within(&self, quota: Quota, used: usize, adding: usize) -> Result<()> {
        let limit = self.quotas.limit(quota);
        let after = (used as u64).saturating_add(adding as u64);
        if adding > 0 && after > limit {
            return Err(ChangeError::Quota(QuotaExceeded {
                quota,
                limit,
                used: used as u64,
                after,
                environment: None,
            }));
        }
        Ok(())
    }

    /// How far to count for a quota: no further than its limit.
    pub(super) fn count_to(&self, quota: Quota) -> usize {
        usize::try_from(self.quotas.limit(quota)).unwrap_or(usize::MAX)
    }

    /// Members and unexpired invitations of an organization (counted to the quota).
    pub(super) async fn seats(&self, org: &str) -> Result<usize> {
        let members = self
            .store
            .count_members(org, self.count_to(Quota::MembersPerOrganization))
            .await?;
        let now = self.now();
        let pending = self
            .store
            .list_invitations(org)
            .await?
            .iter()
            .filter(|i| i.expires_at > now)
            .count();
        Ok(members + pending)
    }

    /// Refuses a change that makes an environment's flagd document larger than the quota. A
    /// change to flags or segments reaches every environment of the project; one to states only
    /// the states' environments. An environment that does not grow passes even when over.
    pub(super) async fn check_environment_bytes(&self, p: &Project, growth: &Growth) -> Result<()> {
        let limit = self.quotas.limit(Quota::EnvironmentBytes);
        let envs: Vec<Environment> = if growth.flags.is_empty() && growth.segments.is_empty() {
            let mut ids: Vec<&str> = growth
                .states
                .iter()
                .map(|s| s.environment_id.as_str())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let mut envs = Vec::new();
            for id in ids {
                envs.extend(self.store.get_environment(id).await?);
            }
            envs
        } else {
            self.store.list_environments(&p.id).await?
        };
        if envs.is_empty() {
            return Ok(());
        }
        let flags = self.store.all_flags(&p.id).await?;
        let segments = self.store.list_segments(&p.id).await?;
        let flags_after = replaced(&flags, &growth.flags, |f| &f.key);
        let segments_after = replaced(&segments, &growth.segments, |s| &s.key);
        for env in envs {
            let states = self.store.list_flag_states(&env.id).await?;
            let mine: Vec<FlagState> = growth
                .states
                .iter()
                .filter(|s| s.environment_id == env.id)
                .cloned()
                .collect();
            let states_after = replaced(&states, &mine, |s| &s.flag_key);
            let before = document_bytes(&EnvironmentSnapshot::assemble(
                env.clone(),
                flags.clone(),
                states,
                segments.clone(),
            ));
            let after = document_bytes(&EnvironmentSnapshot::assemble(
                env.clone(),
                flags_after.clone(),
                states_after,
                segments_after.clone(),
            ));
            if after > limit && after > before {
                return Err(ChangeError::Quota(QuotaExceeded {
                    quota: Quota::EnvironmentBytes,
                    limit,
                    used: before,
                    after,
                    environment: Some(env.key),
                }));
            }
        }
        Ok(())
    }
}

/// `current` with `next` in place of the items of the same key (and new ones added), in key order.
fn replaced<T: Clone>(current: &[T], next: &[T], key: impl Fn(&T) -> &String) -> Vec<T> {
    let mut by_key: BTreeMap<&String, &T> = current.iter().map(|x| (key(x), x)).collect();
    for x in next {
        by_key.insert(key(x), x);
    }
    by_key.into_values().cloned().collect()
}

/// The size of an environment's flagd document as JSON, counted without building the text.
pub fn document_bytes(snapshot: &EnvironmentSnapshot) -> u64 {
    json_bytes(&snapshot.to_flagd())
}

fn json_bytes(doc: &Document) -> u64 {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, doc) {
        Ok(()) => count.0,
        Err(_) => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exceeded_quota_names_itself_and_its_limit() {
        let e = QuotaExceeded {
            quota: Quota::FlagsPerProject,
            limit: 1000,
            used: 1000,
            after: 1001,
            environment: None,
        };
        assert!(e.to_string().contains("flags_per_project"), "{e}");
        assert!(e.to_string().contains("1000"), "{e}");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["quota"], "flags_per_project");
        assert_eq!(v["limit"], 1000);
    }

    #[test]
    fn environments_per_project_never_exceeds_what_one_transaction_can_bump() {
        let q = Quotas {
            environments_per_project: 1000,
            ..Quotas::default()
        };
        assert_eq!(
            q.limit(Quota::EnvironmentsPerProject),
            crate::store::MAX_ENVIRONMENTS as u64
        );
    }
}
