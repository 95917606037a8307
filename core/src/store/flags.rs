//! Flags, their per-environment states and segments: reads, the environment snapshot, and the
//! writes a change [`Batch`] makes.

use serde_json::Map;
use std::collections::{BTreeMap, HashMap};

use super::batch::{Batch, next_version};
use super::{Cond, Order, Page, Result, Store, decode, item, layout};
use crate::domain::{Environment, Flag, FlagState, Prerequisite, Segment};
use crate::flagd::{self, Document, FlagDefinition};

/// The most environments a project may have: a change to a flag or segment writes the flag, the
/// state in every environment (on delete), every environment's revision and the audit entry in
/// one DynamoDB transaction of at most 100 items.
pub const MAX_ENVIRONMENTS: usize = 48;

/// Everything needed to evaluate one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentSnapshot {
    pub environment: Environment,
    /// Live (not archived) flags with their state here, in key order.
    pub flags: Vec<(Flag, FlagState)>,
    pub segments: Vec<Segment>,
}

impl EnvironmentSnapshot {
    /// An environment from its parts: live flags (in key order, as stored) with their state
    /// here, or their default state where none was ever set.
    pub fn assemble(
        environment: Environment,
        flags: Vec<Flag>,
        states: Vec<FlagState>,
        segments: Vec<Segment>,
    ) -> EnvironmentSnapshot {
        let mut states: HashMap<String, FlagState> = states
            .into_iter()
            .map(|s| (s.flag_key.clone(), s))
            .collect();
        let flags = flags
            .into_iter()
            .filter(|f| !f.archived)
            .map(|f| {
                let state = states
                    .remove(&f.key)
                    .unwrap_or_else(|| default_state(&environment.id, &f));
                (f, state)
            })
            .collect();
        EnvironmentSnapshot {
            environment,
            flags,
            segments,
        }
    }

    /// The environment as a flagd flag document: segments become `$evaluators`, and
    /// prerequisites are compiled into targeting and `flag:` evaluators
    /// ([`flagd::prerequisites`]).
    pub fn to_flagd(&self) -> Document {
        let flags = self
            .flags
            .iter()
            .map(|(flag, state)| (flag.key.clone(), definition(flag, state)))
            .collect();
        let evaluators = self
            .segments
            .iter()
            .map(|s| (s.key.clone(), s.rule.clone()))
            .collect();
        let mut metadata = Map::new();
        // flagd 0.2.15's flag-set id: the environment (keys repeat across projects; ids do not).
        metadata.insert("flagSetId".into(), self.environment.id.clone().into());
        metadata.insert("environment".into(), self.environment.key.clone().into());
        metadata.insert("revision".into(), self.environment.revision.into());
        let mut doc = Document {
            schema: Some(flagd::SCHEMA.into()),
            flags,
            evaluators,
            metadata,
        };
        flagd::prerequisites::compile(&mut doc, &self.prerequisites());
        doc
    }

    /// Each flag's prerequisites here, for the flags that have some.
    pub fn prerequisites(&self) -> BTreeMap<String, Vec<Prerequisite>> {
        self.flags
            .iter()
            .filter(|(_, s)| !s.prerequisites.is_empty())
            .map(|(f, s)| (f.key.clone(), s.prerequisites.clone()))
            .collect()
    }
}

/// A flag in one environment as a flagd flag definition (its metadata carries the state's
/// version).
pub fn definition(flag: &Flag, state: &FlagState) -> FlagDefinition {
    let mut metadata = Map::new();
    metadata.insert("version".into(), state.version.into());
    FlagDefinition {
        state: flagd::State::of(state.enabled),
        variants: flag
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect(),
        default_variant: state.default_variant.clone(),
        targeting: state.targeting.clone(),
        metadata,
    }
}

/// A flag's state in an environment where nobody has set one: disabled, first variant.
pub fn default_state(env: &str, flag: &Flag) -> FlagState {
    FlagState {
        environment_id: env.to_owned(),
        flag_key: flag.key.clone(),
        enabled: false,
        default_variant: flag.variants.first().map(|v| v.name.clone()),
        targeting: None,
        prerequisites: Vec::new(),
        version: 0,
        updated_by: String::new(),
        updated_at: 0,
    }
}

impl Store {
    pub async fn get_flag(&self, project: &str, key: &str) -> Result<Option<Flag>> {
        self.get_doc(&layout::project(project), &layout::flag(key))
            .await
    }

    pub async fn list_flags(
        &self,
        project: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Flag>> {
        self.page(
            &layout::project(project),
            "FLAG#",
            cursor,
            limit,
            Order::Asc,
        )
        .await
    }

    /// A flag's state in an environment (its default state when none was ever set).
    pub async fn get_flag_state(&self, env: &str, flag: &Flag) -> Result<FlagState> {
        Ok(self
            .get_doc(&layout::env(env), &layout::state(&flag.key))
            .await?
            .unwrap_or_else(|| default_state(env, flag)))
    }

    pub async fn get_segment(&self, project: &str, key: &str) -> Result<Option<Segment>> {
        self.get_doc(&layout::project(project), &layout::segment(key))
            .await
    }

    pub async fn list_segments(&self, project: &str) -> Result<Vec<Segment>> {
        self.all(&layout::project(project), "SEGMENT#").await
    }

    /// Everything needed to evaluate an environment.
    pub async fn load_environment(&self, env: &str) -> Result<Option<EnvironmentSnapshot>> {
        let Some(env_item) = self.kv.get(&layout::env(env), "ENV").await? else {
            return Ok(None);
        };
        let mut environment: Environment = decode(&env_item)?;
        environment.revision = env_item.v;
        let states: Vec<FlagState> = self.all(&layout::env(env), "STATE#").await?;
        let project = layout::project(&environment.project_id);
        let flags: Vec<Flag> = self.all(&project, "FLAG#").await?;
        let segments: Vec<Segment> = self.all(&project, "SEGMENT#").await?;
        Ok(Some(EnvironmentSnapshot::assemble(
            environment,
            flags,
            states,
            segments,
        )))
    }
}

/// A project's flags, segments and flag states, written as part of a change.
impl Batch {
    /// Writes a flag at `flag.version` (1: creates it; otherwise the stored version + 1).
    pub fn put_flag(&mut self, flag: &Flag) -> Result<()> {
        let put = item(
            layout::project(&flag.project_id),
            layout::flag(&flag.key),
            None,
            flag.version,
            flag,
        )?;
        self.push(put, next_version(flag.version)?);
        self.touch_project(&flag.project_id, &flag.key);
        Ok(())
    }

    /// Deletes a flag stored at `version`, with its state in every environment.
    pub fn delete_flag(&mut self, project: &str, key: &str, version: u64) {
        self.delete(
            layout::project(project),
            layout::flag(key),
            Cond::Version(version),
        );
        self.drop_states(project, key);
    }

    /// Writes a flag's state in its environment at `state.version` (1 for the first change).
    pub fn put_flag_state(&mut self, project: &str, state: &FlagState) -> Result<()> {
        let put = item(
            layout::env(&state.environment_id),
            layout::state(&state.flag_key),
            None,
            state.version,
            state,
        )?;
        self.push(put, next_version(state.version)?);
        self.touch_environment(project, &state.environment_id, &state.flag_key);
        Ok(())
    }

    /// Writes a segment at `segment.version` (1: creates it).
    pub fn put_segment(&mut self, segment: &Segment) -> Result<()> {
        let put = item(
            layout::project(&segment.project_id),
            layout::segment(&segment.key),
            None,
            segment.version,
            segment,
        )?;
        self.push(put, next_version(segment.version)?);
        self.touch_project(&segment.project_id, &segment.key);
        Ok(())
    }

    pub fn delete_segment(&mut self, project: &str, key: &str, version: u64) {
        self.delete(
            layout::project(project),
            layout::segment(key),
            Cond::Version(version),
        );
        self.touch_project(project, key);
    }
}
