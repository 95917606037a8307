//! An organization's own settings (its name, its two-factor policy, how long it keeps its audit
//! log and its analytics) and its pending invitations.

use super::error::{ChangeError, Result};
use super::{Changes, Scope, rules};
use crate::domain::{
    ANALYTICS_RETENTION_DAYS, AUDIT_RETENTION_DAYS, Actor, Invitation, Organization,
};
use crate::store::Batch;

/// Settings to change; `None` keeps what is there.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgSettings<'a> {
    pub name: Option<&'a str>,
    pub require_two_factor: Option<bool>,
    /// Days change records written from now on are kept ([`AUDIT_RETENTION_DAYS`]).
    pub audit_retention_days: Option<u32>,
    /// Days analytics counters written from now on are kept ([`ANALYTICS_RETENTION_DAYS`]).
    pub analytics_retention_days: Option<u32>,
}

/// `days` within `range`, or the field's error.
fn check_days(field: &str, days: Option<u32>, range: std::ops::RangeInclusive<u32>) -> Result<()> {
    match days {
        Some(d) if !range.contains(&d) => Err(ChangeError::field(
            field,
            format!("must be {} to {} days", range.start(), range.end()),
        )),
        _ => Ok(()),
    }
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
        check_days(
            "auditRetentionDays",
            settings.audit_retention_days,
            AUDIT_RETENTION_DAYS,
        )?;
        check_days(
            "analyticsRetentionDays",
            settings.analytics_retention_days,
            ANALYTICS_RETENTION_DAYS,
        )?;
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
            audit_retention_days: settings
                .audit_retention_days
                .unwrap_or(current.audit_retention_days),
            analytics_retention_days: settings
                .analytics_retention_days
                .unwrap_or(current.analytics_retention_days),
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
