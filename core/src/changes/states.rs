//! A flag's state in one environment: set it, copy it from another environment, restore it from
//! the change log.

use serde::Deserialize;
use serde_json::Value;

use super::apply::Staged;
use super::error::{ChangeError, Result};
use super::quotas::Growth;
use super::{Changes, Scope, rules};
use crate::domain::{Actor, Environment, FlagState, Prerequisite, Project};
use crate::store::Batch;

/// What a state is set to.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StateInput {
    pub enabled: bool,
    pub default_variant: Option<String>,
    /// JsonLogic with flagd's operators; segments are referenced as `{"$ref": "segment-key"}`.
    pub targeting: Option<Value>,
    /// Flags that must evaluate to one of the listed variants before the targeting applies.
    #[serde(default)]
    pub prerequisites: Vec<Prerequisite>,
}

/// What a stored state is set to (to copy or restore it).
impl From<FlagState> for StateInput {
    fn from(s: FlagState) -> StateInput {
        StateInput {
            enabled: s.enabled,
            default_variant: s.default_variant,
            targeting: s.targeting,
            prerequisites: s.prerequisites,
        }
    }
}

impl Changes {
    /// Sets a flag's state in an environment, last seen at version `expected` (0: never set).
    pub async fn put_state(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        key: &str,
        expected: u64,
        input: StateInput,
    ) -> Result<FlagState> {
        self.save_state(actor, p, env, key, expected, input, "flag_state.update")
            .await
    }

    /// Copies a flag's state from one environment to another; without `target_version` the
    /// copy overwrites whatever is there.
    pub async fn copy_state(
        &self,
        actor: &Actor,
        p: &Project,
        from: &Environment,
        to: &Environment,
        key: &str,
        target_version: Option<u64>,
    ) -> Result<FlagState> {
        let flag = self.flag(p, key).await?;
        let source = self.store.get_flag_state(&from.id, &flag).await?;
        let expected = match target_version {
            Some(v) => v,
            None => self.store.get_flag_state(&to.id, &flag).await?.version,
        };
        self.save_state(
            actor,
            p,
            to,
            key,
            expected,
            source.into(),
            "flag_state.copy",
        )
        .await
    }

    /// Restores the state a change record left a flag in (in the same environment).
    pub async fn restore_state(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        key: &str,
        record_id: &str,
        expected: u64,
    ) -> Result<FlagState> {
        let record = self
            .store
            .get_change(&p.org_id, record_id)
            .await?
            .filter(|e| {
                e.environment_id.as_deref() == Some(&env.id) && e.target == format!("flag:{key}")
            })
            .ok_or_else(|| ChangeError::NotFound("audit entry".into()))?;
        let restored: FlagState = record
            .after
            .and_then(|a| serde_json::from_value(a).ok())
            .ok_or_else(|| {
                ChangeError::problems("that audit entry holds no flag state to restore", vec![])
            })?;
        self.save_state(
            actor,
            p,
            env,
            key,
            expected,
            restored.into(),
            "flag_state.restore",
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn save_state(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        key: &str,
        expected: u64,
        input: StateInput,
        action: &str,
    ) -> Result<FlagState> {
        self.guard_environment(env)?;
        let (current, next) = self
            .stage_state(&Staged::default(), actor, p, env, key, expected, input)
            .await?;
        self.check_environment_bytes(
            p,
            &Growth {
                states: vec![next.clone()],
                ..Growth::default()
            },
        )
        .await?;
        let mut batch = Batch::new();
        batch.put_flag_state(&p.id, &next)?;
        let record = self.record(
            actor,
            Scope::environment(p, &env.id),
            action,
            format!("flag:{key}"),
            Some(&current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    /// Checks a state change against the domain's rules (and what a change request staged
    /// before it), returning the stored state and the next one; writes nothing.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn stage_state(
        &self,
        staged: &Staged,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        key: &str,
        expected: u64,
        input: StateInput,
    ) -> Result<(FlagState, FlagState)> {
        let flag = match staged.flags.get(key) {
            Some(f) => f.clone(),
            None => self.flag(p, key).await?,
        };
        let next = FlagState {
            environment_id: env.id.clone(),
            flag_key: key.to_owned(),
            enabled: input.enabled,
            default_variant: input.default_variant,
            targeting: rules::targeting(input.targeting),
            prerequisites: input.prerequisites,
            version: expected + 1,
            updated_by: actor.to_string(),
            updated_at: self.now(),
        };
        // One read of the environment: its segments, this flag's stored state, and the flags
        // whose prerequisites involve it.
        let snap = self
            .store
            .load_environment(&env.id)
            .await?
            .ok_or_else(|| ChangeError::NotFound("environment".into()))?;
        let mut segments = snap.segments.clone();
        for s in &mut segments {
            if let Some(g) = staged.segments.get(&s.key) {
                *s = g.clone();
            }
        }
        rules::state(&flag, &segments, &next)?;
        self.check_prerequisites(&snap, &flag, &next)?;
        let current = match snap.flags.iter().find(|(f, _)| f.key == key) {
            Some((_, s)) => s.clone(),
            // An archived flag is not in the snapshot.
            None => self.store.get_flag_state(&env.id, &flag).await?,
        };
        if expected != current.version {
            return Err(ChangeError::stale(
                &format!("the state of flag {key}"),
                current.version,
            ));
        }
        Ok((current, next))
    }
}
