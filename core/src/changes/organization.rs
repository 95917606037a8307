//! An organization's own settings (its name, its two-factor policy) and its pending invitations.

use super::error::{ChangeError, Result};
use super::{Changes, Scope, rules};
use crate::domain::{Actor, Invitation, Organization};
use crate::store::Batch;

/// Settings to change; `None` keeps what is there.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgSettings<'a> {
    pub name: Option<&'a str>,
    pub require_two_factor: Option<bool>,
}

impl Changes {
    /// Changes an organization's settings: what `settings` names, the rest as it is.
    pub async fn update_org(
        &self,
        actor: &Actor,
        org: &str,
        settings: OrgSettings<'_>,
    ) -> Result<Organization> {
        if let Some(name) = settings.name {
            rules::name("name", name)?;
        }
        let Some(current) = self.store.get_org(org).await? else {
            return Err(ChangeError::NotFound("organization".into()));
        };
        let next = Organization {
            name: settings
                .name
                .map_or_else(|| current.name.clone(), |n| n.trim().to_owned()),
            require_two_factor: settings
                .require_two_factor
                .unwrap_or(current.require_two_factor),
            ..current.clone()
        };
        let mut batch = Batch::new();
        batch.update_org(&next)?;
        let record = self.record(
            actor,
            Scope::org(org),
            "organization.update",
            format!("organization:{org}"),
            Some(&current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    /// Withdraws a pending invitation (`id` is its token's hash, as listed).
    pub async fn revoke_invitation(&self, actor: &Actor, org: &str, id: &str) -> Result<()> {
        let found = self
            .store
            .list_invitations(org)
            .await?
            .into_iter()
            .find(|i| i.token_hash == id);
        let Some(inv) = found else {
            return Err(ChangeError::NotFound("invitation".into()));
        };
        let mut batch = Batch::new();
        batch.delete_invitation(&inv);
        let record = self.record(
            actor,
            Scope::org(org),
            "invitation.revoke",
            format!("invitation:{}", inv.email),
            Some(&inv),
            None::<&Invitation>,
        );
        self.commit(batch, record).await.map_err(|e| match e {
            ChangeError::Conflict { .. } => ChangeError::NotFound("invitation".into()),
            other => other,
        })?;
        Ok(())
    }
}
