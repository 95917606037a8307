//! Single sign-on: an organization's identity provider settings (audited without the client
//! secret), and members who join by signing in (just-in-time membership).

use serde_json::Value;

use super::error::{ChangeError, Result};
use super::quotas::Quota;
use super::{Changes, Scope};
use crate::domain::{Actor, Membership, Role, User};
use crate::store::{Batch, SsoConfig};

/// Settings as the audit log keeps them: without the client secret.
fn audited(c: &SsoConfig) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("clientSecret");
    }
    v
}

impl Changes {
    /// Saves an organization's single sign-on settings. A domain another organization's single
    /// sign-on claims is a conflict (one organization per domain), and nothing is written.
    pub async fn set_sso(&self, actor: &Actor, next: &SsoConfig) -> Result<SsoConfig> {
        let org = next.org_id.as_str();
        let before = self.store.get_sso_config(org).await?;
        for d in &next.email_domains {
            match self.store.sso_org_for_domain(d).await? {
                Some(other) if other != org => {
                    return Err(ChangeError::Conflict {
                        message: format!(
                            "{d} is already an email domain of another organization's single sign-on"
                        ),
                        details: serde_json::json!({"field": "emailDomains", "domain": d}),
                    });
                }
                _ => {}
            }
        }
        let mut batch = Batch::new();
        batch.put_sso_config(next, before.as_ref())?;
        let record = self.record(
            actor,
            Scope::org(org),
            if before.is_some() {
                "sso.update"
            } else {
                "sso.create"
            },
            format!("sso:{org}"),
            before.as_ref().map(audited).as_ref(),
            Some(&audited(next)),
        );
        self.commit(batch, record).await?;
        Ok(next.clone())
    }

    /// Removes an organization's single sign-on settings (members who joined stay).
    pub async fn delete_sso(&self, actor: &Actor, org: &str) -> Result<()> {
        let Some(current) = self.store.get_sso_config(org).await? else {
            return Err(ChangeError::NotFound("single sign-on settings".into()));
        };
        let mut batch = Batch::new();
        batch.delete_sso_config(&current);
        let record = self.record(
            actor,
            Scope::org(org),
            "sso.delete",
            format!("sso:{org}"),
            Some(&audited(&current)),
            None::<&Value>,
        );
        self.commit(batch, record).await?;
        Ok(())
    }

    /// After a single sign-on: `user` (created with the membership when `new_user`) joins `org`
    /// with `role`, unless already a member (who keeps their role). The user and the membership
    /// commit together, with the audit record, or not at all.
    pub async fn join_by_sso(
        &self,
        user: &User,
        new_user: bool,
        org: &str,
        role: Role,
    ) -> Result<Membership> {
        if !new_user && let Some(m) = self.store.get_membership(org, &user.id).await? {
            return Ok(m);
        }
        self.within(Quota::MembersPerOrganization, self.seats(org).await?, 1)?;
        let m = Membership {
            org_id: org.to_owned(),
            user_id: user.id.clone(),
            role,
            created_at: self.now(),
        };
        let mut batch = Batch::new();
        if new_user {
            batch.create_user(user)?;
        }
        batch.create_membership(&m)?;
        let record = self.record(
            &Actor::User(user.id.clone()),
            Scope::org(org),
            "member.join",
            format!("member:{}", user.id),
            None::<&Membership>,
            Some(&serde_json::json!({
                "orgId": m.org_id, "userId": m.user_id, "role": m.role,
                "createdAt": m.created_at, "via": "sso"
            })),
        );
        self.commit(batch, record).await?;
        Ok(m)
    }
}
