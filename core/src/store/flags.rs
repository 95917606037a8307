//! Flags, their per-environment states and segments: every change is one transaction with its
//! audit entry and the revision bumps of the environments it affects.

use serde_json::{Map, Value, json};
use std::collections::HashMap;

use super::projects::env_item;
use super::{
    After, Cond, Item, KvError, MAX_PAGE, Op, Page, Result, Store, StoreError, decode, item, layout,
};
use crate::domain::{AuditEntry, ChangeEvent, Environment, Flag, FlagState, Segment};

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
    /// The environment as a flagd flag document: segments become `$evaluators`.
    pub fn to_flagd(&self) -> Value {
        let mut flags = Map::new();
        for (flag, state) in &self.flags {
            let variants: Map<String, Value> = flag
                .variants
                .iter()
                .map(|v| (v.name.clone(), v.value.clone()))
                .collect();
            let mut def = json!({
                "state": if state.enabled { "ENABLED" } else { "DISABLED" },
                "variants": variants,
                "defaultVariant": state.default_variant,
            });
            if let Some(t) = &state.targeting {
                def["targeting"] = t.clone();
            }
            def["metadata"] = json!({"version": state.version});
            flags.insert(flag.key.clone(), def);
        }
        let evaluators: Map<String, Value> = self
            .segments
            .iter()
            .map(|s| (s.key.clone(), s.rule.clone()))
            .collect();
        json!({
            "$schema": "https://flagd.dev/schema/v0/flags.json",
            "flags": flags,
            "$evaluators": evaluators,
            "metadata": {
                "environment": self.environment.key,
                "revision": self.environment.revision,
            }
        })
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
        self.page(&layout::project(project), "FLAG#", cursor, limit)
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

    /// Creates a flag (`version` 1); it appears, disabled, in every environment of its project.
    pub async fn create_flag(&self, flag: &Flag, audit: &AuditEntry) -> Result<Vec<ChangeEvent>> {
        let put = item(
            layout::project(&flag.project_id),
            layout::flag(&flag.key),
            None,
            flag.version,
            flag,
        )?;
        let ops = vec![Op::Put {
            item: put,
            cond: Cond::Absent,
        }];
        self.commit(&flag.project_id, None, ops, vec![flag.key.clone()], audit)
            .await
    }

    /// Replaces a flag's definition; `flag.version` must be the stored version + 1.
    pub async fn update_flag(&self, flag: &Flag, audit: &AuditEntry) -> Result<Vec<ChangeEvent>> {
        let put = item(
            layout::project(&flag.project_id),
            layout::flag(&flag.key),
            None,
            flag.version,
            flag,
        )?;
        let ops = vec![Op::Put {
            item: put,
            cond: Cond::Version(flag.version.saturating_sub(1)),
        }];
        self.commit(&flag.project_id, None, ops, vec![flag.key.clone()], audit)
            .await
    }

    /// Deletes a flag at `version`, with its state in every environment.
    pub async fn delete_flag(
        &self,
        project: &str,
        key: &str,
        version: u64,
        audit: &AuditEntry,
    ) -> Result<Vec<ChangeEvent>> {
        let mut ops = vec![Op::Delete {
            pk: layout::project(project),
            sk: layout::flag(key),
            cond: Cond::Version(version),
        }];
        for env in self.environment_items(project).await? {
            ops.push(Op::Delete {
                pk: env.pk.clone(),
                sk: layout::state(key),
                cond: Cond::Any,
            });
        }
        self.commit(project, None, ops, vec![key.to_owned()], audit)
            .await
    }

    /// Sets a flag's state in one environment; `state.version` must be the stored version + 1
    /// (1 for the first change).
    pub async fn put_flag_state(
        &self,
        project: &str,
        state: &FlagState,
        audit: &AuditEntry,
    ) -> Result<ChangeEvent> {
        let put = item(
            layout::env(&state.environment_id),
            layout::state(&state.flag_key),
            None,
            state.version,
            state,
        )?;
        let cond = match state.version {
            0 => {
                return Err(StoreError::Invalid(
                    "a stored state has version 1 or more".into(),
                ));
            }
            1 => Cond::Absent,
            n => Cond::Version(n - 1),
        };
        let mut events = self
            .commit(
                project,
                Some(&state.environment_id),
                vec![Op::Put { item: put, cond }],
                vec![state.flag_key.clone()],
                audit,
            )
            .await?;
        events
            .pop()
            .ok_or_else(|| StoreError::NotFound("environment".into()))
    }

    /// Creates (`segment.version` 1) or replaces (stored version + 1) a segment.
    pub async fn put_segment(
        &self,
        segment: &Segment,
        audit: &AuditEntry,
    ) -> Result<Vec<ChangeEvent>> {
        let put = item(
            layout::project(&segment.project_id),
            layout::segment(&segment.key),
            None,
            segment.version,
            segment,
        )?;
        let cond = match segment.version {
            0 => {
                return Err(StoreError::Invalid(
                    "a stored segment has version 1 or more".into(),
                ));
            }
            1 => Cond::Absent,
            n => Cond::Version(n - 1),
        };
        self.commit(
            &segment.project_id,
            None,
            vec![Op::Put { item: put, cond }],
            vec![segment.key.clone()],
            audit,
        )
        .await
    }

    pub async fn delete_segment(
        &self,
        project: &str,
        key: &str,
        version: u64,
        audit: &AuditEntry,
    ) -> Result<Vec<ChangeEvent>> {
        let ops = vec![Op::Delete {
            pk: layout::project(project),
            sk: layout::segment(key),
            cond: Cond::Version(version),
        }];
        self.commit(project, None, ops, vec![key.to_owned()], audit)
            .await
    }

    /// Everything needed to evaluate an environment.
    pub async fn load_environment(&self, env: &str) -> Result<Option<EnvironmentSnapshot>> {
        let Some(env_item) = self.kv.get(&layout::env(env), "ENV").await? else {
            return Ok(None);
        };
        let mut environment: Environment = decode(&env_item)?;
        environment.revision = env_item.v;
        let states: Vec<FlagState> = self.all(&layout::env(env), "STATE#").await?;
        let mut states: HashMap<String, FlagState> = states
            .into_iter()
            .map(|s| (s.flag_key.clone(), s))
            .collect();
        let project = layout::project(&environment.project_id);
        let flags: Vec<Flag> = self.all(&project, "FLAG#").await?;
        let segments: Vec<Segment> = self.all(&project, "SEGMENT#").await?;
        let flags = flags
            .into_iter()
            .filter(|f| !f.archived)
            .map(|f| {
                let state = states
                    .remove(&f.key)
                    .unwrap_or_else(|| default_state(env, &f));
                (f, state)
            })
            .collect();
        Ok(Some(EnvironmentSnapshot {
            environment,
            flags,
            segments,
        }))
    }

    /// The raw environment items of a project (their `v` is the revision).
    async fn environment_items(&self, project: &str) -> Result<Vec<Item>> {
        let pk = layout::project(project);
        let mut out = Vec::new();
        let mut after: Option<After> = None;
        loop {
            let page = self
                .kv
                .query_index(&pk, "ENV#", after.as_ref(), MAX_PAGE)
                .await?;
            let full = page.len() == MAX_PAGE;
            after = page.last().map(After::of);
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
    }

    /// Writes `ops`, the revision bump of the affected environments (one, or every environment of
    /// the project) and the audit entry, in one transaction. A lost race on a revision is retried;
    /// a failed condition of `ops` is a conflict, reported with the version now stored.
    async fn commit(
        &self,
        project: &str,
        only_env: Option<&str>,
        ops: Vec<Op>,
        changed: Vec<String>,
        audit: &AuditEntry,
    ) -> Result<Vec<ChangeEvent>> {
        let audit_item = item(
            layout::audit(&audit.org_id),
            audit.id.clone(),
            Some((
                layout::audit_target(&audit.org_id, &audit.target),
                audit.id.clone(),
            )),
            0,
            audit,
        )?;
        for _attempt in 0..16 {
            let envs = match only_env {
                Some(e) => self
                    .kv
                    .get(&layout::env(e), "ENV")
                    .await?
                    .into_iter()
                    .collect(),
                None => self.environment_items(project).await?,
            };
            if only_env.is_some() && envs.is_empty() {
                return Err(StoreError::NotFound("environment".into()));
            }
            if ops.len() + envs.len() + 1 > super::MAX_TRANSACTION_OPS {
                return Err(StoreError::Invalid(format!(
                    "a project may have at most {MAX_ENVIRONMENTS} environments"
                )));
            }
            let mut all = ops.clone();
            let mut events = Vec::with_capacity(envs.len());
            for env in &envs {
                let mut e: Environment = decode(env)?;
                e.revision = env.v + 1;
                events.push(ChangeEvent {
                    environment: e.id.clone(),
                    revision: e.revision,
                    changed_keys: changed.clone(),
                });
                all.push(Op::Put {
                    item: env_item(&e, e.revision)?,
                    cond: Cond::Version(env.v),
                });
            }
            all.push(Op::Put {
                item: audit_item.clone(),
                cond: Cond::Absent,
            });
            match self.kv.transact(all).await {
                Ok(()) => return Ok(events),
                Err(KvError::Condition { index }) if index < ops.len() => {
                    let (pk, sk) = ops[index].key();
                    let current = self.kv.get(pk, sk).await?.map(|i| i.v);
                    return Err(StoreError::Conflict {
                        what: describe(sk),
                        current,
                    });
                }
                Err(KvError::Condition { index }) if index < ops.len() + envs.len() => continue,
                Err(KvError::Condition { .. }) => {
                    return Err(StoreError::AlreadyExists(format!(
                        "audit entry {}",
                        audit.id
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Backend(
            "too many concurrent changes to this project; try again".into(),
        ))
    }
}

fn describe(sk: &str) -> String {
    match sk.split_once('#') {
        Some(("FLAG", k)) => format!("flag {k}"),
        Some(("STATE", k)) => format!("the state of flag {k}"),
        Some(("SEGMENT", k)) => format!("segment {k}"),
        _ => sk.to_owned(),
    }
}
