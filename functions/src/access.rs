//! Authorization: the caller's organization and role decide. Another tenant's object answers
//! exactly like a missing one (404); a member without the role gets 403.

use switchyard_core::domain::{Environment, Organization, Project, Role, Scope};

/// An organization with the caller's role in it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OrgWithRole {
    pub organization: Organization,
    pub role: Role,
}

/// The organizations the caller belongs to, with its role in each (an API token: its own
/// organization, read-only).
pub async fn organizations(st: &AppState, caller: &Caller) -> Result<Vec<OrgWithRole>, ApiError> {
    let memberships: Vec<(String, Role)> = match caller {
        Caller::User(u) => st
            .store
            .memberships_of(&u.id)
            .await?
            .into_iter()
            .map(|m| (m.org_id, m.role))
            .collect(),
        Caller::Token(t) => vec![(t.org_id.clone(), Role::Viewer)],
    };
    let mut out = Vec::with_capacity(memberships.len());
    for (org, role) in memberships {
        if let Some(organization) = st.store.get_org(&org).await? {
            out.push(OrgWithRole { organization, role });
        }
    }
    Ok(out)
}

use crate::error::ApiError;
use crate::extract::Caller;
use crate::state::AppState;

/// What an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// See anything in the organization (viewer; tokens with `read`).
    Read,
    /// Change flags, states and segments (editor; tokens with `write-flags`).
    EditFlags,
    /// Open and edit change requests (editor; tokens with `write-flags` or `propose`).
    Propose,
    /// Manage projects, environments and SDK keys (admin; tokens with `write-projects`).
    ManageProjects,
    /// Manage members, invitations and API tokens (admin; users only).
    ManageMembers,
}

impl Need {
    fn role(self) -> Role {
        match self {
            Need::Read => Role::Viewer,
            Need::EditFlags | Need::Propose => Role::Editor,
            Need::ManageProjects | Need::ManageMembers => Role::Admin,
        }
    }

    /// The token scopes that allow it (any scope allows reading).
    fn scopes(self) -> &'static [Scope] {
        match self {
            Need::Read => &[
                Scope::Read,
                Scope::WriteFlags,
                Scope::WriteProjects,
                Scope::Propose,
            ],
            Need::EditFlags => &[Scope::WriteFlags],
            Need::Propose => &[Scope::WriteFlags, Scope::Propose],
            Need::ManageProjects => &[Scope::WriteProjects],
            Need::ManageMembers => &[],
        }
    }
}

/// The caller's role in an organization; `NotFound` when the caller has no place in it.
pub async fn role_in(st: &AppState, caller: &Caller, org: &str) -> Result<Role, ApiError> {
    match caller {
        Caller::User(u) => match st.store.get_membership(org, &u.id).await? {
            Some(m) => Ok(m.role),
            None => Err(ApiError::NotFound("organization".into())),
        },
        Caller::Token(t) if t.org_id == org => Ok(Role::Viewer),
        Caller::Token(_) => Err(ApiError::NotFound("organization".into())),
    }
}

/// Checks that the caller may do `need` in `org`.
pub async fn check(
    st: &AppState,
    caller: &Caller,
    org: &str,
    need: Need,
) -> Result<Role, ApiError> {
    let role = role_in(st, caller, org).await?;
    let allowed = match caller {
        Caller::User(_) => role >= need.role(),
        Caller::Token(t) => need.scopes().iter().any(|s| t.scopes.contains(s)),
    };
    if !allowed {
        return Err(ApiError::Forbidden(
            format!("this needs the {:?} role (or token scope)", need.role()).to_lowercase(),
        ));
    }
    two_factor_policy(st, caller, org, role).await?;
    Ok(role)
}

/// An organization that requires two-factor sign-in for owners and admins refuses them anything
/// until they have it on (they may still set it up, leave, or act in other organizations). Only
/// such a caller pays the extra read.
async fn two_factor_policy(
    st: &AppState,
    caller: &Caller,
    org: &str,
    role: Role,
) -> Result<(), ApiError> {
    let Caller::User(u) = caller else {
        return Ok(());
    };
    if role < Role::Admin || u.totp_secret.is_some() {
        return Ok(());
    }
    match st.store.get_org(org).await? {
        Some(o) if o.require_two_factor => Err(ApiError::TwoFactorSetupRequired),
        _ => Ok(()),
    }
}

pub async fn org(
    st: &AppState,
    caller: &Caller,
    org_id: &str,
    need: Need,
) -> Result<Organization, ApiError> {
    check(st, caller, org_id, need).await?;
    st.store
        .get_org(org_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("organization".into()))
}

pub async fn project(
    st: &AppState,
    caller: &Caller,
    project_id: &str,
    need: Need,
) -> Result<Project, ApiError> {
    let Some(p) = st.store.get_project(project_id).await? else {
        return Err(ApiError::NotFound("project".into()));
    };
    match check(st, caller, &p.org_id, need).await {
        Err(ApiError::NotFound(_)) => Err(ApiError::NotFound("project".into())),
        Err(e) => Err(e),
        Ok(_) => Ok(p),
    }
}

pub async fn environment(
    st: &AppState,
    caller: &Caller,
    project_id: &str,
    env_id: &str,
    need: Need,
) -> Result<(Project, Environment), ApiError> {
    let p = project(st, caller, project_id, need).await?;
    match st.store.get_environment(env_id).await? {
        Some(e) if e.project_id == p.id => Ok((p, e)),
        _ => Err(ApiError::NotFound("environment".into())),
    }
}
