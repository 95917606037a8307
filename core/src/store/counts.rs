//! How many of a kind a scope holds, for quotas: counted without reading items back where the
//! backend can ([`super::Kv::count`]), and never further than the quota needs (`at_most`).

use super::{Order, Result, Store, layout};
use crate::domain::{ApiToken, FlagState, Invitation};

impl Store {
    /// Projects of an organization.
    pub async fn count_projects(&self, org: &str, at_most: usize) -> Result<usize> {
        Ok(self
            .kv
            .query_index(&layout::org(org), "PROJECT#", None, at_most, Order::Asc)
            .await?
            .len())
    }

    /// Flags of a project, archived ones included (they are stored until deleted).
    pub async fn count_flags(&self, project: &str, at_most: usize) -> Result<usize> {
        Ok(self
            .kv
            .count(&layout::project(project), "FLAG#", at_most)
            .await?)
    }

    pub async fn count_segments(&self, project: &str, at_most: usize) -> Result<usize> {
        Ok(self
            .kv
            .count(&layout::project(project), "SEGMENT#", at_most)
            .await?)
    }

    pub async fn count_members(&self, org: &str, at_most: usize) -> Result<usize> {
        Ok(self.kv.count(&layout::org(org), "MEMBER#", at_most).await?)
    }

    /// Every invitation of an organization, pending or expired.
    pub async fn list_invitations(&self, org: &str) -> Result<Vec<Invitation>> {
        self.all(&layout::org(org), "INVITE#").await
    }

    /// Every API token of an organization, revoked and expired ones included.
    pub async fn all_api_tokens(&self, org: &str) -> Result<Vec<ApiToken>> {
        self.all(&layout::org(org), "TOKEN#").await
    }

    /// Every flag state set in an environment.
    pub async fn list_flag_states(&self, env: &str) -> Result<Vec<FlagState>> {
        self.all(&layout::env(env), "STATE#").await
    }

    /// Every flag of a project, archived ones included.
    pub async fn all_flags(&self, project: &str) -> Result<Vec<crate::domain::Flag>> {
        self.all(&layout::project(project), "FLAG#").await
    }
}
