//! Organizations, members, invitations and API tokens.

use serde::Deserialize;

use super::error::{ChangeError, Result};
use super::quotas::Quota;
use super::{Changes, Scope, rules};
use crate::domain::{
    Actor, ApiToken, Invitation, Membership, Organization, Role, Scope as TokenScope, User,
    hash_secret, new_id, new_secret,
};
use crate::store::Batch;

/// How long an invitation stays valid.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
/// How long an API token lives when its creator does not say.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest an API token may live.
pub const MAX_TOKEN_DAYS: u32 = 3650;
/// The prefix of API token secrets.
pub const API_TOKEN_PREFIX: &str = "sy_api_";

/// An invitation and its token, shown this once.
#[derive(Debug, Clone)]
pub struct Invited {
    pub token: String,
    pub invitation: Invitation,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewToken {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<TokenScope>,
    /// Days until the token expires (1–3650; default 90). Every token expires.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub expires_in_days: Option<u32>,
    /// Makes the token a service account's (a name, such as `deploy-pipeline`): it belongs to
    /// the organization and outlives its creator's membership. Only owners make these.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    #[serde(default)]
    pub service_account: Option<String>,
}

/// A new API token and its secret, shown this once.
#[derive(Debug, Clone)]
pub struct TokenIssued {
    pub secret: String,
    pub token: ApiToken,
}

/// Only owners may make or unmake owners.
fn may_assign(mine: Role, theirs: Option<Role>, new: Option<Role>) -> Result<()> {
    if mine != Role::Owner && (theirs == Some(Role::Owner) || new == Some(Role::Owner)) {
        return Err(ChangeError::Forbidden(
            "only an owner may make or unmake owners".into(),
        ));
    }
    Ok(())
}

impl Changes {
    /// When a member's role goes from `from` to `to` (`None`: not a member), writes the new
    /// owner count in `batch`, conditioned on the count read, so two changes that would each
    /// leave one owner cannot both commit; refuses a change that would leave none.
    async fn count_owners(
        &self,
        batch: &mut Batch,
        org: &str,
        from: Option<Role>,
        to: Option<Role>,
    ) -> Result<()> {
        let (was, will) = (from == Some(Role::Owner), to == Some(Role::Owner));
        if was == will {
            return Ok(());
        }
        let (seen, count) = self.store.owner_count(org).await?;
        let next = if will {
            count.saturating_add(1)
        } else {
            count.saturating_sub(1)
        };
        if next == 0 {
            return Err(ChangeError::Conflict {
                message: "an organization keeps at least one owner".into(),
                details: serde_json::Value::Null,
            });
        }
        batch.set_owner_count(org, seen, next)?;
        Ok(())
    }

    /// Creates an organization with `user` as its owner.
    pub async fn create_org(&self, user: &User, name: &str) -> Result<Organization> {
        self.org_for(user, name, false).await
    }

    /// Signs `user` up with a new organization `name`: the user, the organization and its owner
    /// in one change, so a signup that fails leaves no account behind.
    pub async fn sign_up(&self, user: &User, name: &str) -> Result<Organization> {
        self.org_for(user, name, true).await
    }

    /// Signs `user` up into the organization whose invitation `token` is: the user and the
    /// membership in one change.
    pub async fn sign_up_invited(&self, user: &User, token: &str) -> Result<Membership> {
        self.accept(user, token, true).await
    }

    async fn org_for(&self, user: &User, name: &str, new_user: bool) -> Result<Organization> {
        rules::name("name", name)?;
        let org = Organization::new(new_id(), name.trim().to_owned(), self.now());
        let owner = Membership {
            org_id: org.id.clone(),
            user_id: user.id.clone(),
            role: Role::Owner,
            created_at: self.now(),
        };
        let mut batch = Batch::new();
        if new_user {
            batch.create_user(user)?;
        }
        batch.create_org(&org)?;
        batch.create_membership(&owner)?;
        batch.set_owner_count(&org.id, None, 1)?;
        let record = self.record(
            &Actor::User(user.id.clone()),
            Scope::org(&org.id),
            "organization.create",
            format!("organization:{}", org.id),
            None::<&Organization>,
            Some(&org),
        );
        self.commit(batch, record).await?;
        Ok(org)
    }

    /// Changes a member's role; `mine` is the actor's role in the organization.
    pub async fn set_role(
        &self,
        actor: &Actor,
        mine: Role,
        org: &str,
        user: &str,
        role: Role,
    ) -> Result<Membership> {
        let (current, version) = self.member(org, user).await?;
        may_assign(mine, Some(current.role), Some(role))?;
        let next = Membership {
            role,
            ..current.clone()
        };
        let mut batch = Batch::new();
        batch.update_membership(&next, version)?;
        self.count_owners(&mut batch, org, Some(current.role), Some(role))
            .await?;
        let record = self.record(
            actor,
            Scope::org(org),
            "member.role",
            format!("member:{user}"),
            Some(&current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    /// Removes a member (anyone may leave; removing others is for admins, checked by the
    /// caller). An organization keeps at least one owner; the API tokens the member made are
    /// revoked in the same change.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        mine: Role,
        org: &str,
        user: &str,
    ) -> Result<()> {
        let (current, version) = self.member(org, user).await?;
        if *actor != Actor::User(user.to_owned()) {
            may_assign(mine, Some(current.role), None)?;
        }
        let mut batch = Batch::new();
        batch.delete_membership(org, user, version);
        self.count_owners(&mut batch, org, Some(current.role), None)
            .await?;
        // The API tokens the member made act with the member's say: they end with it. A service
        // account's tokens belong to the organization and stay.
        let now = self.now();
        for t in self.store.all_api_tokens(org).await? {
            if t.created_by == user
                && t.service_account.is_none()
                && t.revoked_at.is_none()
                && t.expires_at.is_none_or(|at| at > now)
            {
                batch.put_api_token(
                    &ApiToken {
                        revoked_at: Some(now),
                        ..t
                    },
                    false,
                )?;
            }
        }
        let record = self.record(
            actor,
            Scope::org(org),
            "member.remove",
            format!("member:{user}"),
            Some(&current),
            None::<&Membership>,
        );
        self.commit(batch, record).await?;
        Ok(())
    }

    pub async fn invite(
        &self,
        actor: &Actor,
        inviter: &User,
        mine: Role,
        org: &str,
        email: &str,
        role: Role,
    ) -> Result<Invited> {
        let email = email.trim().to_lowercase();
        rules::email("email", &email)?;
        may_assign(mine, None, Some(role))?;
        self.within(Quota::MembersPerOrganization, self.seats(org).await?, 1)?;
        let token = new_secret("sy_invite");
        let invitation = Invitation {
            org_id: org.to_owned(),
            token_hash: hash_secret(&token),
            email,
            role,
            invited_by: inviter.id.clone(),
            expires_at: self.now() + INVITATION_TTL_MS,
        };
        let mut batch = Batch::new();
        batch.create_invitation(&invitation)?;
        let record = self.record(
            actor,
            Scope::org(org),
            "invitation.create",
            format!("invitation:{}", invitation.email),
            None::<&Invitation>,
            Some(&invitation),
        );
        self.commit(batch, record).await?;
        Ok(Invited { token, invitation })
    }

    /// Accepts an invitation sent to `user`'s email: the membership is added and the invitation
    /// consumed, together.
    pub async fn accept_invitation(&self, user: &User, token: &str) -> Result<Membership> {
        self.accept(user, token, false).await
    }

    async fn accept(&self, user: &User, token: &str, new_user: bool) -> Result<Membership> {
        let inv = match self
            .store
            .get_invitation(&hash_secret(token.trim()))
            .await?
        {
            Some(inv) if inv.expires_at > self.now() && inv.email == user.email => inv,
            _ => return Err(ChangeError::NotFound("invitation".into())),
        };
        let m = Membership {
            org_id: inv.org_id.clone(),
            user_id: user.id.clone(),
            role: inv.role,
            created_at: self.now(),
        };
        let before = self
            .store
            .get_membership_versioned(&inv.org_id, &user.id)
            .await?;
        let mut batch = Batch::new();
        if new_user {
            batch.create_user(user)?;
        }
        batch.delete_invitation(&inv);
        // Joining, or a member taking the invited role: either way only over what was read.
        match &before {
            Some((_, version)) => batch.update_membership(&m, *version)?,
            None => batch.create_membership(&m)?,
        }
        self.count_owners(
            &mut batch,
            &inv.org_id,
            before.map(|(b, _)| b.role),
            Some(m.role),
        )
        .await?;
        let record = self.record(
            &Actor::User(user.id.clone()),
            Scope::org(&inv.org_id),
            "member.join",
            format!("member:{}", user.id),
            None::<&Membership>,
            Some(&m),
        );
        self.commit(batch, record).await.map_err(|e| match e {
            ChangeError::Conflict { .. } => ChangeError::NotFound("invitation".into()),
            other => other,
        })?;
        Ok(m)
    }

    pub async fn create_token(
        &self,
        actor: &Actor,
        creator: &User,
        org: &str,
        new: NewToken,
    ) -> Result<TokenIssued> {
        rules::name("name", &new.name)?;
        if let Some(account) = &new.service_account {
            rules::name("serviceAccount", account)?;
        }
        if new.scopes.is_empty() {
            return Err(ChangeError::field("scopes", "needs at least one scope"));
        }
        let days = new.expires_in_days.unwrap_or(DEFAULT_TOKEN_DAYS);
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(ChangeError::field(
                "expiresInDays",
                format!("between 1 and {MAX_TOKEN_DAYS} days"),
            ));
        }
        let now = self.now();
        let active = self
            .store
            .all_api_tokens(org)
            .await?
            .iter()
            .filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|at| at > now))
            .count();
        self.within(Quota::ApiTokensPerOrganization, active, 1)?;
        let secret = new_secret(API_TOKEN_PREFIX.trim_end_matches('_'));
        let token = ApiToken {
            id: new_id(),
            org_id: org.to_owned(),
            name: new.name.trim().to_owned(),
            scopes: new.scopes,
            secret_hash: hash_secret(&secret),
            prefix: secret.chars().take(14).collect(),
            created_by: creator.id.clone(),
            created_at: now,
            expires_at: Some(now + i64::from(days) * 86_400_000),
            revoked_at: None,
            service_account: new.service_account.map(|a| a.trim().to_owned()),
        };
        let mut batch = Batch::new();
        batch.put_api_token(&token, true)?;
        let record = self.record(
            actor,
            Scope::org(org),
            "api_token.create",
            format!("api_token:{}", token.id),
            None::<&ApiToken>,
            Some(&token),
        );
        self.commit(batch, record).await?;
        Ok(TokenIssued { secret, token })
    }

    pub async fn revoke_token(&self, actor: &Actor, org: &str, id: &str) -> Result<()> {
        let Some(current) = self.store.get_api_token(org, id).await? else {
            return Err(ChangeError::NotFound("API token".into()));
        };
        let mut next = current.clone();
        next.revoked_at.get_or_insert(self.now());
        let mut batch = Batch::new();
        batch.put_api_token(&next, false)?;
        let record = self.record(
            actor,
            Scope::org(org),
            "api_token.revoke",
            format!("api_token:{id}"),
            Some(&current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(())
    }

    /// A membership and its stored version: a role change or removal writes only if it is
    /// still what was read, so a removal cannot be undone by a role change made meanwhile, and the
    /// owner count stays the count of owners.
    async fn member(&self, org: &str, user: &str) -> Result<(Membership, u64)> {
        self.store
            .get_membership_versioned(org, user)
            .await?
            .ok_or_else(|| ChangeError::NotFound("member".into()))
    }
}
