//! Single sign-on (OpenID Connect): an organization's identity provider settings, the email
//! domains they claim, and the two short-lived one-time items of a sign-in (the pending login a
//! `state` names, and the ticket the dashboard exchanges for a session). One-time items are kept
//! as password resets are: by the SHA-256 of their secret, deleted by the transaction that uses
//! them, so a second use (or a racing one) finds nothing.

use serde::{Deserialize, Serialize};

use super::batch::Batch;
use super::{Cond, KvError, Op, Result, Store, StoreError, item, layout};
use crate::domain::Role;

/// An organization's single sign-on settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoConfig {
    pub org_id: String,
    /// The OpenID provider's issuer identifier (its discovery document is under it).
    pub issuer: String,
    pub client_id: String,
    /// The client secret, sealed (never stored or logged in the clear).
    pub client_secret: String,
    /// Lower-cased domains: only verified emails in them sign in or join.
    pub email_domains: Vec<String>,
    /// The role a member who joins by signing in gets (viewer or editor).
    pub default_role: Role,
    pub enabled: bool,
    /// Unix ms.
    pub updated_at: i64,
}

/// A sign-in on its way through the identity provider, under the SHA-256 of its `state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoLogin {
    pub state_hash: String,
    pub org_id: String,
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// The signed-in user who asked to link their account to this single sign-on (`None`: a
    /// sign-in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_user: Option<String>,
    /// Unix ms.
    pub expires_at: i64,
}

/// A finished sign-in waiting for the dashboard to exchange it, under the SHA-256 of its ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoTicket {
    pub ticket_hash: String,
    pub user_id: String,
    pub org_id: String,
    /// Unix ms.
    pub expires_at: i64,
}

const SK: &str = "SSO";
const DOMAIN_SK: &str = "SSODOMAIN";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DomainClaim {
    org_id: String,
}

impl Store {
    pub async fn get_sso_config(&self, org: &str) -> Result<Option<SsoConfig>> {
        self.get_doc(&layout::org(org), SK).await
    }

    /// The organization whose single sign-on claims `domain` (lower-cased), if any.
    pub async fn sso_org_for_domain(&self, domain: &str) -> Result<Option<String>> {
        let claim: Option<DomainClaim> =
            self.get_doc(&layout::sso_domain(domain), DOMAIN_SK).await?;
        Ok(claim.map(|c| c.org_id))
    }

    pub async fn create_sso_login(&self, login: &SsoLogin) -> Result<()> {
        let put = item(
            layout::sso_login(&login.state_hash),
            SK.into(),
            None,
            0,
            login,
        )?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("the sign-in state".into()),
        )
        .await
    }

    /// The pending login `state_hash` names, removed as it is read: a state works once. `None`
    /// when it is unknown or was used already (also by a racing callback).
    pub async fn take_sso_login(&self, state_hash: &str) -> Result<Option<SsoLogin>> {
        let pk = layout::sso_login(state_hash);
        let Some(login) = self.get_doc::<SsoLogin>(&pk, SK).await? else {
            return Ok(None);
        };
        match self.take(pk).await? {
            true => Ok(Some(login)),
            false => Ok(None),
        }
    }

    pub async fn create_sso_ticket(&self, ticket: &SsoTicket) -> Result<()> {
        let put = item(
            layout::sso_ticket(&ticket.ticket_hash),
            SK.into(),
            None,
            0,
            ticket,
        )?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("the sign-in ticket".into()),
        )
        .await
    }

    /// A ticket, left in place (see [`Store::spend_sso_ticket`]).
    pub async fn get_sso_ticket(&self, ticket_hash: &str) -> Result<Option<SsoTicket>> {
        self.get_doc(&layout::sso_ticket(ticket_hash), SK).await
    }

    /// Uses a ticket up: `false` when it was used already (also by a racing exchange).
    pub async fn spend_sso_ticket(&self, ticket_hash: &str) -> Result<bool> {
        self.take(layout::sso_ticket(ticket_hash)).await
    }

    /// Deletes a one-time item that must still be there; `false` when it is gone.
    async fn take(&self, pk: String) -> Result<bool> {
        let op = Op::Delete {
            pk,
            sk: SK.into(),
            cond: Cond::Version(0),
        };
        match self.kv().transact(vec![op]).await {
            Ok(()) => Ok(true),
            Err(KvError::Condition { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Single sign-on settings, written as part of a change (with its audit record).
impl Batch {
    /// Saves `next` over `before` (none: the first settings), moving the domain claims: domains
    /// no longer listed are released, new ones claimed (a domain another organization claimed in
    /// the meantime makes the change a conflict).
    pub fn put_sso_config(&mut self, next: &SsoConfig, before: Option<&SsoConfig>) -> Result<()> {
        let old: &[String] = before.map_or(&[], |b| &b.email_domains);
        for gone in old.iter().filter(|d| !next.email_domains.contains(d)) {
            self.delete(layout::sso_domain(gone), DOMAIN_SK.into(), Cond::Any);
        }
        for new in next.email_domains.iter().filter(|d| !old.contains(d)) {
            let claim = DomainClaim {
                org_id: next.org_id.clone(),
            };
            self.push(
                item(layout::sso_domain(new), DOMAIN_SK.into(), None, 0, &claim)?,
                Cond::Absent,
            );
        }
        self.push(
            item(layout::org(&next.org_id), SK.into(), None, 0, next)?,
            if before.is_some() {
                Cond::Version(0)
            } else {
                Cond::Absent
            },
        );
        Ok(())
    }

    /// Removes an organization's settings and releases its domains.
    pub fn delete_sso_config(&mut self, config: &SsoConfig) {
        for d in &config.email_domains {
            self.delete(layout::sso_domain(d), DOMAIN_SK.into(), Cond::Any);
        }
        self.delete(layout::org(&config.org_id), SK.into(), Cond::Version(0));
    }
}
