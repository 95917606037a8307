//! Flags at project level: create, update (including archive), delete.

use serde::Deserialize;

use super::apply::Staged;
use super::error::{ChangeError, Result};
use super::quotas::{Growth, Quota};
use super::{Changes, Scope, rules};
use crate::domain::{Actor, Flag, Project, Variant};
use crate::engine::FlagType;
use crate::store::Batch;

/// A new flag.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFlag {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Key))]
    pub key: String,
    /// Defaults to the key.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Description))]
    pub description: String,
    #[serde(rename = "type")]
    pub kind: FlagType,
    /// 1 to 100, with unique names; each value of the flag's type.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub variants: Vec<Variant>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::changes::rules::schema::Key>, max_items = 20))]
    pub tags: Vec<String>,
    /// Whether client keys see the flag (default: the project's `clientVisibleByDefault`).
    #[serde(default, rename = "clientVisible")]
    pub client_visible: Option<bool>,
}

/// Changes to a flag's definition; what is absent stays.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FlagPatch {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Description>))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::changes::rules::schema::Key>>, max_items = 20))]
    pub tags: Option<Vec<String>>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub variants: Option<Vec<Variant>>,
    pub archived: Option<bool>,
    /// Whether client keys see the flag; hiding one removes it from every client at once.
    #[serde(rename = "clientVisible")]
    pub client_visible: Option<bool>,
    /// The version last seen (or send `If-Match`).
    pub version: Option<u64>,
}

impl Changes {
    /// Creates a flag at version 1; it appears, disabled, in every environment of its project.
    pub async fn create_flag(&self, actor: &Actor, p: &Project, new: NewFlag) -> Result<Flag> {
        let now = self.now();
        let name = new.name.unwrap_or_else(|| new.key.clone());
        let flag = Flag {
            project_id: p.id.clone(),
            key: new.key,
            name: name.trim().to_owned(),
            description: new.description,
            kind: new.kind,
            variants: new.variants,
            tags: new.tags,
            archived: false,
            client_visible: new.client_visible.unwrap_or(p.client_visible_by_default),
            version: 1,
            created_by: actor.to_string(),
            created_at: now,
            updated_by: actor.to_string(),
            updated_at: now,
        };
        rules::key("key", &flag.key)?;
        rules::name("name", &name)?;
        rules::flag(&flag)?;
        if self.store.get_segment(&p.id, &flag.key).await?.is_some() {
            return Err(ChangeError::field("key", "is already a segment's key"));
        }
        let used = self
            .store
            .count_flags(&p.id, self.count_to(Quota::FlagsPerProject))
            .await?;
        self.within(Quota::FlagsPerProject, used, 1)?;
        self.check_environment_bytes(
            p,
            &Growth {
                flags: vec![flag.clone()],
                ..Growth::default()
            },
        )
        .await?;
        let mut batch = Batch::new();
        batch.put_flag(&flag)?;
        let record = self.record(
            actor,
            Scope::project(p),
            "flag.create",
            format!("flag:{}", flag.key),
            None::<&Flag>,
            Some(&flag),
        );
        self.commit(batch, record).await?;
        Ok(flag)
    }

    /// Applies a patch to a flag last seen at version `expected`.
    pub async fn update_flag(
        &self,
        actor: &Actor,
        p: &Project,
        key: &str,
        expected: u64,
        patch: FlagPatch,
    ) -> Result<Flag> {
        self.guard_project(p).await?;
        let (current, next) = self
            .stage_flag(&Staged::default(), actor, p, key, expected, patch)
            .await?;
        if next.variants != current.variants || (current.archived && !next.archived) {
            self.check_environment_bytes(
                p,
                &Growth {
                    flags: vec![next.clone()],
                    ..Growth::default()
                },
            )
            .await?;
        }
        let mut batch = Batch::new();
        batch.put_flag(&next)?;
        let record = self.record(
            actor,
            Scope::project(p),
            flag_action(&current, &next),
            format!("flag:{key}"),
            Some(&current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    /// Checks a patch against the domain's rules (and what a change request staged before it),
    /// returning the stored flag and the next one; writes nothing. The default variants of the
    /// environments `staged` sets a state in are checked with that state instead.
    pub(super) async fn stage_flag(
        &self,
        staged: &Staged,
        actor: &Actor,
        p: &Project,
        key: &str,
        expected: u64,
        patch: FlagPatch,
    ) -> Result<(Flag, Flag)> {
        let current = self.flag(p, key).await?;
        if expected != current.version {
            return Err(ChangeError::stale(&format!("flag {key}"), current.version));
        }
        let mut next = current.clone();
        if let Some(n) = patch.name {
            rules::name("name", &n)?;
            next.name = n.trim().to_owned();
        }
        if let Some(d) = patch.description {
            next.description = d;
        }
        if let Some(t) = patch.tags {
            next.tags = t;
        }
        if let Some(v) = patch.variants {
            rules::variants(next.kind, &v)?;
            next.variants = v;
            let except = staged.state_environments(key);
            self.check_defaults_kept(p, &current, &next, &except)
                .await?;
        }
        if let Some(a) = patch.archived {
            next.archived = a;
        }
        if let Some(v) = patch.client_visible {
            next.client_visible = v;
        }
        rules::flag(&next)?;
        if next.variants != current.variants || (next.archived && !current.archived) {
            self.check_prerequisites_kept(p, &current, Some(&next), None)
                .await?;
        }
        next.version = current.version + 1;
        next.updated_by = actor.to_string();
        next.updated_at = self.now();
        Ok((current, next))
    }

    /// Deletes a flag stored at `expected`, with its state in every environment. Where an
    /// environment requires approval, only an archived flag (archiving was approved) can go.
    pub async fn delete_flag(
        &self,
        actor: &Actor,
        p: &Project,
        key: &str,
        expected: u64,
    ) -> Result<()> {
        let current = self.flag(p, key).await?;
        if !current.archived {
            self.guard_project(p).await?;
        }
        self.check_prerequisites_kept(p, &current, None, None)
            .await?;
        let mut batch = Batch::new();
        batch.delete_flag(&p.id, key, expected);
        let record = self.record(
            actor,
            Scope::project(p),
            "flag.delete",
            format!("flag:{key}"),
            Some(&current),
            None::<&Flag>,
        );
        self.commit(batch, record).await?;
        Ok(())
    }

    pub(super) async fn flag(&self, p: &Project, key: &str) -> Result<Flag> {
        self.store
            .get_flag(&p.id, key)
            .await?
            .ok_or_else(|| ChangeError::NotFound("flag".into()))
    }

    /// Every environment's default variant (but `except`'s, which the caller replaces) must
    /// still be a variant of the changed flag.
    pub(super) async fn check_defaults_kept(
        &self,
        p: &Project,
        current: &Flag,
        next: &Flag,
        except: &[&str],
    ) -> Result<()> {
        for env in self.store.list_environments(&p.id).await? {
            if except.contains(&env.id.as_str()) {
                continue;
            }
            let state = self.store.get_flag_state(&env.id, current).await?;
            if let Some(d) = state
                .default_variant
                .filter(|d| state.version > 0 && !next.variants.iter().any(|x| &x.name == d))
            {
                return Err(ChangeError::field(
                    "variants",
                    format!(
                        "must keep variant {d}: it is the default in environment {}",
                        env.key
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The action a flag's change record names.
pub(super) fn flag_action(current: &Flag, next: &Flag) -> &'static str {
    match (current.archived, next.archived) {
        (false, true) => "flag.archive",
        (true, false) => "flag.unarchive",
        _ => "flag.update",
    }
}
