//! Projects, environments and SDK keys (secrets shown once: on creation and rotation).

use serde::{Deserialize, Serialize};

use super::error::{ChangeError, Result};
use super::quotas::Quota;
use super::{Changes, Scope, rules};
use crate::domain::{
    Actor, ApprovalPolicy, Environment, KeyKind, Project, SdkKey, SecureModeSecret, hash_secret,
    new_id, new_secret,
};
use crate::store::{Batch, MAX_ENVIRONMENTS};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Name))]
    pub name: String,
    /// Environment keys to create with the project (default: development, production).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::changes::rules::schema::Key>>, max_items = 48))]
    pub environments: Option<Vec<String>>,
    /// Whether new flags are visible to client keys unless said otherwise (default: true, so a
    /// first flag works in the browser).
    #[serde(default, rename = "clientVisibleByDefault")]
    pub client_visible_by_default: Option<bool>,
}

/// Changes to a project's settings; what is absent stays.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectPatch {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    pub client_visible_by_default: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectCreated {
    pub project: Project,
    pub environments: Vec<Environment>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewEnvironment {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Key))]
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::changes::rules::schema::Origin>, max_items = 50))]
    pub allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentPatch {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::changes::rules::schema::Origin>>, max_items = 50))]
    pub allowed_origins: Option<Vec<String>>,
    /// Secure mode on or off; turning it on the first time generates its secret.
    pub secure_mode: Option<bool>,
    /// Count SDKs' custom (`track`) events in this environment.
    pub custom_events: Option<bool>,
    /// Require approval for changes here (`null`: no longer). Members only, not API tokens.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::domain::ApprovalPolicy>, nullable))]
    pub approval: Option<Option<ApprovalPolicy>>,
    /// Mark the environment critical (a warning colour and a confirmation in the dashboard).
    pub critical: Option<bool>,
}

/// A field that may be set to `null`: absent is `None`, `null` is `Some(None)`.
pub(super) fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// New environments named like production start critical.
fn critical_by_name(key: &str) -> bool {
    matches!(key, "production" | "prod")
}

/// How long a rotated key keeps working beside its successor, by default (24 h).
pub const DEFAULT_ROTATION_OVERLAP_SECS: u32 = 24 * 3600;
/// The longest overlap a rotation may choose (7 days).
pub const MAX_ROTATION_OVERLAP_SECS: u32 = 7 * 24 * 3600;

/// A new SDK key and its secret, shown this once.
#[derive(Debug, Clone)]
pub struct KeyIssued {
    pub secret: String,
    pub key: SdkKey,
}

impl Changes {
    /// Creates a project with its environments, in one change.
    pub async fn create_project(
        &self,
        actor: &Actor,
        org: &str,
        new: NewProject,
    ) -> Result<ProjectCreated> {
        rules::name("name", &new.name)?;
        let keys = new
            .environments
            .unwrap_or_else(|| vec!["development".into(), "production".into()]);
        if keys.len() > MAX_ENVIRONMENTS {
            return Err(ChangeError::field(
                "environments",
                format!("at most {MAX_ENVIRONMENTS}"),
            ));
        }
        for (i, k) in keys.iter().enumerate() {
            rules::key(&format!("environments/{i}"), k)?;
            if keys[..i].contains(k) {
                return Err(ChangeError::field(
                    &format!("environments/{i}"),
                    "is listed twice",
                ));
            }
        }
        let used = self
            .store
            .count_projects(org, self.count_to(Quota::ProjectsPerOrganization))
            .await?;
        self.within(Quota::ProjectsPerOrganization, used, 1)?;
        self.within(Quota::EnvironmentsPerProject, 0, keys.len())?;
        let now = self.now();
        let project = Project {
            id: new_id(),
            org_id: org.to_owned(),
            name: new.name.trim().to_owned(),
            created_at: now,
            client_visible_by_default: new.client_visible_by_default.unwrap_or(true),
        };
        let mut batch = Batch::new();
        batch.create_project(&project)?;
        let mut environments = Vec::new();
        for k in keys {
            let env = Environment {
                id: new_id(),
                org_id: org.to_owned(),
                project_id: project.id.clone(),
                name: k.clone(),
                revision: 0,
                allowed_origins: vec![],
                custom_events: false,
                created_at: now,
                secure_mode: false,
                secure_mode_secret: None,
                approval: None,
                critical: critical_by_name(&k),
                key: k,
            };
            batch.create_environment(&env)?;
            environments.push(env);
        }
        let created = ProjectCreated {
            project,
            environments,
        };
        let record = self.record(
            actor,
            Scope::project(&created.project),
            "project.create",
            format!("project:{}", created.project.id),
            None::<&ProjectCreated>,
            Some(&created),
        );
        self.commit(batch, record).await?;
        Ok(created)
    }

    /// Renames a project or changes its settings.
    pub async fn update_project(
        &self,
        actor: &Actor,
        current: &Project,
        patch: ProjectPatch,
    ) -> Result<Project> {
        let mut next = current.clone();
        if let Some(n) = patch.name {
            rules::name("name", &n)?;
            next.name = n.trim().to_owned();
        }
        if let Some(v) = patch.client_visible_by_default {
            next.client_visible_by_default = v;
        }
        let mut batch = Batch::new();
        batch.update_project(&next)?;
        let record = self.record(
            actor,
            Scope::project(current),
            "project.update",
            format!("project:{}", current.id),
            Some(current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    pub async fn create_environment(
        &self,
        actor: &Actor,
        p: &Project,
        new: NewEnvironment,
    ) -> Result<Environment> {
        rules::key("key", &new.key)?;
        let name = new.name.unwrap_or_else(|| new.key.clone());
        rules::name("name", &name)?;
        rules::origins(&new.allowed_origins)?;
        let existing = self.store.list_environments(&p.id).await?;
        if existing.iter().any(|e| e.key == new.key) {
            return Err(ChangeError::Conflict {
                message: format!("environment {} already exists", new.key),
                details: serde_json::Value::Null,
            });
        }
        self.within(Quota::EnvironmentsPerProject, existing.len(), 1)?;
        if existing.len() >= MAX_ENVIRONMENTS {
            return Err(ChangeError::field(
                "key",
                format!("a project may have at most {MAX_ENVIRONMENTS} environments"),
            ));
        }
        let critical = critical_by_name(&new.key);
        let env = Environment {
            id: new_id(),
            org_id: p.org_id.clone(),
            project_id: p.id.clone(),
            key: new.key,
            name: name.trim().to_owned(),
            revision: 0,
            allowed_origins: new.allowed_origins,
            custom_events: false,
            created_at: self.now(),
            secure_mode: false,
            secure_mode_secret: None,
            approval: None,
            critical,
        };
        let mut batch = Batch::new();
        batch.create_environment(&env)?;
        let record = self.record(
            actor,
            Scope::environment(p, &env.id),
            "environment.create",
            format!("environment:{}", env.key),
            None::<&Environment>,
            Some(&env),
        );
        self.commit(batch, record).await?;
        Ok(env)
    }

    /// Renames an environment, changes its origin allow-list or turns custom events on or off;
    /// SDKs reload it.
    pub async fn update_environment(
        &self,
        actor: &Actor,
        p: &Project,
        current: &Environment,
        patch: EnvironmentPatch,
    ) -> Result<Environment> {
        let mut next = current.clone();
        if let Some(n) = patch.name {
            rules::name("name", &n)?;
            next.name = n.trim().to_owned();
        }
        if let Some(o) = patch.allowed_origins {
            rules::origins(&o)?;
            next.allowed_origins = o;
        }
        if let Some(on) = patch.secure_mode {
            next.secure_mode = on;
            if on && next.secure_mode_secret.is_none() {
                next.secure_mode_secret = Some(SecureModeSecret(new_secret("sy_secure")));
            }
        }
        if let Some(c) = patch.custom_events {
            next.custom_events = c;
        }
        if let Some(c) = patch.critical {
            next.critical = c;
        }
        if let Some(policy) = patch.approval {
            if let Some(policy) = &policy {
                self.check_policy(actor, &p.org_id, policy).await?;
            } else if current.approval.is_some() && !matches!(actor, Actor::User(_)) {
                return Err(ChangeError::Forbidden(
                    "an approval policy is removed by a member, not by an API token".into(),
                ));
            }
            next.approval = policy;
        }
        let mut batch = Batch::new();
        batch.update_environment(&next)?;
        next.revision += 1;
        let record = self.record(
            actor,
            Scope::environment(p, &current.id),
            "environment.update",
            format!("environment:{}", current.key),
            Some(current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    pub async fn create_key(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        kind: KeyKind,
    ) -> Result<KeyIssued> {
        let now = self.now();
        let active = self
            .store
            .list_sdk_keys(&env.id)
            .await?
            .iter()
            .filter(|k| k.revoked_at.is_none_or(|at| at > now))
            .count();
        self.within(Quota::SdkKeysPerEnvironment, active, 1)?;
        let issued = self.new_key(env, kind);
        let mut batch = Batch::new();
        batch.put_sdk_key(&issued.key, true)?;
        let record = self.key_record(actor, p, env, "sdk_key.create", None, Some(&issued.key));
        self.commit(batch, record).await?;
        Ok(issued)
    }

    /// Issues a new key of the same kind; the old one keeps working for `overlap_secs` (0:
    /// revoked at once), so deployed clients can move over without an outage.
    pub async fn rotate_key(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        old: &SdkKey,
        overlap_secs: u32,
    ) -> Result<KeyIssued> {
        if overlap_secs > MAX_ROTATION_OVERLAP_SECS {
            return Err(ChangeError::field(
                "overlapSeconds",
                format!("at most {MAX_ROTATION_OVERLAP_SECS} (7 days)"),
            ));
        }
        if old.expires_at.is_some() {
            return Err(ChangeError::Conflict {
                message: "this key was already rotated; revoke it to end it now".into(),
                details: serde_json::Value::Null,
            });
        }
        let issued = self.new_key(env, old.kind);
        let mut revoked = old.clone();
        let now = self.now();
        if overlap_secs == 0 {
            revoked.revoked_at = Some(now);
        } else {
            revoked.expires_at = Some(now + i64::from(overlap_secs) * 1000);
        }
        let mut batch = Batch::new();
        batch.put_sdk_key(&issued.key, true)?;
        batch.put_sdk_key(&revoked, false)?;
        let record = self.key_record(actor, p, env, "sdk_key.rotate", Some(old), Some(&revoked));
        self.commit(batch, record).await?;
        Ok(issued)
    }

    pub async fn revoke_key(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        old: &SdkKey,
    ) -> Result<()> {
        let mut revoked = old.clone();
        revoked.revoked_at = Some(self.now());
        let mut batch = Batch::new();
        batch.put_sdk_key(&revoked, false)?;
        let record = self.key_record(actor, p, env, "sdk_key.revoke", Some(old), Some(&revoked));
        self.commit(batch, record).await?;
        Ok(())
    }

    fn new_key(&self, env: &Environment, kind: KeyKind) -> KeyIssued {
        let prefix = kind.secret_prefix();
        let secret = new_secret(prefix);
        let key = SdkKey {
            id: new_id(),
            org_id: env.org_id.clone(),
            project_id: env.project_id.clone(),
            environment_id: env.id.clone(),
            kind,
            secret_hash: hash_secret(&secret),
            prefix: secret.chars().take(prefix.len() + 7).collect(),
            created_at: self.now(),
            revoked_at: None,
            expires_at: None,
        };
        KeyIssued { secret, key }
    }

    fn key_record(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        action: &str,
        before: Option<&SdkKey>,
        after: Option<&SdkKey>,
    ) -> crate::domain::ChangeRecord {
        let id = after.or(before).map(|k| k.id.as_str()).unwrap_or_default();
        self.record(
            actor,
            Scope::environment(p, &env.id),
            action,
            format!("sdk_key:{id}"),
            before,
            after,
        )
    }
}
