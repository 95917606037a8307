//! Users, organizations, memberships, invitations and API tokens.

use serde_json::json;

use super::batch::Batch;
use super::{Cond, KvError, MAX_PAGE, Op, Order, Page, Result, Store, StoreError, item, layout};
use crate::domain::{ApiToken, Invitation, Membership, Organization, User};

/// Saves `user` at its next version, if it is still at the version it was read at.
pub(super) fn user_update_op(user: &User) -> Result<Op> {
    let email = user.email.to_lowercase();
    Ok(Op::Put {
        item: item(
            layout::user(&user.id),
            "USER".into(),
            Some((layout::email(&email), "USER".into())),
            user.version.saturating_add(1),
            user,
        )?,
        cond: Cond::Version(user.version),
    })
}

/// A new user's items: the user, and its email's claim (both must not exist yet).
fn user_items(user: &User) -> Result<[super::Item; 2]> {
    let email = user.email.to_lowercase();
    Ok([
        item(
            layout::user(&user.id),
            "USER".into(),
            Some((layout::email(&email), "USER".into())),
            0,
            user,
        )?,
        item(
            layout::email(&email),
            "EMAIL".into(),
            None,
            0,
            &json!({"userId": user.id}),
        )?,
    ])
}

impl Store {
    /// Creates a user; the email must be unused (case-insensitive).
    pub async fn create_user(&self, user: &User) -> Result<()> {
        let ops = user_items(user)?
            .into_iter()
            .map(|item| Op::Put {
                item,
                cond: Cond::Absent,
            })
            .collect();
        match self.kv.transact(ops).await {
            Err(KvError::Condition { index: 1 }) => {
                Err(StoreError::AlreadyExists("a user with this email".into()))
            }
            Err(KvError::Condition { .. }) => Err(StoreError::AlreadyExists("this user".into())),
            other => Ok(other?),
        }
    }

    pub async fn get_user(&self, id: &str) -> Result<Option<User>> {
        match self.kv.get(&layout::user(id), "USER").await? {
            Some(found) => {
                let mut user: User = super::decode(&found)?;
                user.version = found.v;
                Ok(Some(user))
            }
            None => Ok(None),
        }
    }

    pub async fn get_user_by_email(&self, email: &str) -> Result<Option<User>> {
        let found: Option<serde_json::Value> = self
            .get_doc(&layout::email(&email.to_lowercase()), "EMAIL")
            .await?;
        match found.as_ref().and_then(|v| v["userId"].as_str()) {
            Some(id) => self.get_user(id).await,
            None => Ok(None),
        }
    }

    /// Saves a user's changed password hash, name or session generation (the email stays), if
    /// the stored user is still the version `user` was read at; otherwise a conflict and nothing
    /// is written.
    pub async fn update_user(&self, user: &User) -> Result<()> {
        let ops = vec![user_update_op(user)?];
        match self.kv.transact(ops).await {
            Err(KvError::Condition { .. }) => match self.get_user(&user.id).await? {
                None => Err(StoreError::NotFound("user".into())),
                Some(now) => Err(StoreError::Conflict {
                    what: "this user".into(),
                    current: Some(now.version),
                }),
            },
            other => Ok(other?),
        }
    }

    pub async fn get_org(&self, id: &str) -> Result<Option<Organization>> {
        self.get_doc(&layout::org(id), "ORG").await
    }

    pub async fn get_membership(&self, org: &str, user: &str) -> Result<Option<Membership>> {
        self.get_doc(&layout::org(org), &layout::member(user)).await
    }

    /// A membership with its stored version (what [`Batch::update_membership`] and
    /// [`Batch::delete_membership`] are conditioned on).
    pub async fn get_membership_versioned(
        &self,
        org: &str,
        user: &str,
    ) -> Result<Option<(Membership, u64)>> {
        match self
            .kv
            .get(&layout::org(org), &layout::member(user))
            .await?
        {
            Some(found) => Ok(Some((super::decode(&found)?, found.v))),
            None => Ok(None),
        }
    }

    pub async fn list_members(
        &self,
        org: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Membership>> {
        self.page(&layout::org(org), "MEMBER#", cursor, limit, Order::Asc)
            .await
    }

    /// An organization's owner count: (the stored count, if stored; the count). Organizations
    /// from before the count was stored are counted from their members.
    pub async fn owner_count(&self, org: &str) -> Result<(Option<u64>, u64)> {
        if let Some(found) = self.kv.get(&layout::org(org), layout::OWNERS).await? {
            return Ok((Some(found.v), found.v));
        }
        let mut owners = 0u64;
        let mut cursor = None;
        loop {
            let page = self.list_members(org, cursor.as_deref(), MAX_PAGE).await?;
            owners += page
                .items
                .iter()
                .filter(|m| m.role == crate::domain::Role::Owner)
                .count() as u64;
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok((None, owners)),
            }
        }
    }

    /// The organizations a user belongs to, with the user's role in each.
    pub async fn memberships_of(&self, user: &str) -> Result<Vec<Membership>> {
        self.all_index(&layout::user(user), "ORG#").await
    }

    pub async fn get_invitation(&self, token_hash: &str) -> Result<Option<Invitation>> {
        self.find_by_secret(token_hash, "INVITE").await
    }

    pub async fn get_api_token(&self, org: &str, id: &str) -> Result<Option<ApiToken>> {
        self.get_doc(&layout::org(org), &layout::token(id)).await
    }

    pub async fn find_api_token(&self, secret_hash: &str) -> Result<Option<ApiToken>> {
        self.find_by_secret(secret_hash, "TOKEN").await
    }

    pub async fn list_api_tokens(
        &self,
        org: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ApiToken>> {
        self.page(&layout::org(org), "TOKEN#", cursor, limit, Order::Asc)
            .await
    }
}

/// Organizations, members, invitations and API tokens, written as part of a change.
impl Batch {
    /// Creates a user with the rest of a change (a signup: the user and its organization or
    /// membership commit together, or not at all).
    pub fn create_user(&mut self, user: &User) -> Result<()> {
        for item in user_items(user)? {
            self.push(item, Cond::Absent);
        }
        Ok(())
    }

    pub fn create_org(&mut self, org: &Organization) -> Result<()> {
        self.push(
            item(layout::org(&org.id), "ORG".into(), None, 0, org)?,
            Cond::Absent,
        );
        Ok(())
    }

    /// Saves an organization's name (the last write wins: a setting).
    pub fn update_org(&mut self, org: &Organization) -> Result<()> {
        self.push(
            item(layout::org(&org.id), "ORG".into(), None, 0, org)?,
            Cond::Version(0),
        );
        Ok(())
    }

    /// Adds a member, or changes a member's role.
    pub fn put_membership(&mut self, m: &Membership) -> Result<()> {
        self.push(membership_item(m)?, Cond::Any);
        Ok(())
    }

    /// Sets the organization's owner count to `count`, if it is still what was read (`seen`;
    /// `None`: the count was never stored and was counted from the members).
    pub fn set_owner_count(&mut self, org: &str, seen: Option<u64>, count: u64) -> Result<()> {
        self.push(
            item(
                layout::org(org),
                layout::OWNERS.into(),
                None,
                count,
                &json!({}),
            )?,
            seen.map_or(Cond::Absent, Cond::Version),
        );
        Ok(())
    }

    /// Removes a member (who must be one).
    /// A new membership: written only if there is none yet.
    pub fn create_membership(&mut self, m: &Membership) -> Result<()> {
        self.push(membership_item(m)?, Cond::Absent);
        Ok(())
    }

    /// Changes a membership read at version `seen`: written only if it is still there at that
    /// version (a conflict otherwise), as `seen + 1`.
    pub fn update_membership(&mut self, m: &Membership, seen: u64) -> Result<()> {
        let mut next = membership_item(m)?;
        next.v = seen + 1;
        self.push(next, Cond::Version(seen));
        Ok(())
    }

    /// Deletes a membership read at version `seen`, only if it is still at that version.
    pub fn delete_membership(&mut self, org: &str, user: &str, seen: u64) {
        self.delete(layout::org(org), layout::member(user), Cond::Version(seen));
    }

    pub fn create_invitation(&mut self, inv: &Invitation) -> Result<()> {
        let put = item(
            layout::org(&inv.org_id),
            layout::invite(&inv.token_hash),
            Some((layout::secret(&inv.token_hash), "INVITE".into())),
            0,
            inv,
        )?;
        self.push(put, Cond::Absent);
        Ok(())
    }

    /// Consumes an invitation (which must still be there).
    pub fn delete_invitation(&mut self, inv: &Invitation) {
        self.delete(
            layout::org(&inv.org_id),
            layout::invite(&inv.token_hash),
            Cond::Version(0),
        );
    }

    /// Writes an API token: a new one (`create`), or a change to a stored one.
    pub fn put_api_token(&mut self, t: &ApiToken, create: bool) -> Result<()> {
        let put = item(
            layout::org(&t.org_id),
            layout::token(&t.id),
            Some((layout::secret(&t.secret_hash), "TOKEN".into())),
            0,
            t,
        )?;
        self.push(
            put,
            if create {
                Cond::Absent
            } else {
                Cond::Version(0)
            },
        );
        Ok(())
    }
}

fn membership_item(m: &Membership) -> Result<super::Item> {
    item(
        layout::org(&m.org_id),
        layout::member(&m.user_id),
        Some((layout::user(&m.user_id), layout::org(&m.org_id))),
        0,
        m,
    )
}
