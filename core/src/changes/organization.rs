//! An organization's own settings (its name) and its pending invitations.

use super::error::{ChangeError, Result};
use super::{Changes, Scope, rules};
use crate::domain::{Actor, Invitation, Organization};
use crate::store::Batch;

impl Changes {
    /// Renames an organization.
    pub async fn rename_org(&self, actor: &Actor, org: &str, name: &str) -> Result<Organization> {
        rules::name("name", name)?;
        let Some(current) = self.store.get_org(org).await? else {
            return Err(ChangeError::NotFound("organization".into()));
        };
        let next = Organization {
            name: name.trim().to_owned(),
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
