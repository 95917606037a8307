//! Importing a flagd document into one environment: all or nothing. The document is checked in
//! full by the same rules as the API (every problem listed, with its path in the document), then
//! every write is one change: one transaction, one record, one publish.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

use super::error::{ChangeError, Result};
use super::quotas::{Growth, Quota};
use super::{Changes, Scope, rules};
use crate::domain::{Actor, Environment, Flag, FlagState, Project, Segment, Variant};
use crate::engine::{FlagType, Problem};
use crate::flagd::{Document, FlagDefinition, prerequisites};
use crate::store::Batch;

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub flags_created: usize,
    pub flags_updated: usize,
    pub states_updated: usize,
    pub segments_written: usize,
    /// The change record of the import (none when nothing changed).
    pub change: Option<String>,
}

/// The before and after of an import, by kind and key: only what changed.
#[derive(Debug, Default, Serialize)]
struct Side {
    flags: BTreeMap<String, Flag>,
    states: BTreeMap<String, FlagState>,
    segments: BTreeMap<String, Segment>,
}

impl Changes {
    /// Imports a flagd document into an environment: flags are created or updated in the
    /// project, their state set here, `$evaluators` become segments.
    pub async fn import_flagd(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        doc: &Value,
    ) -> Result<ImportSummary> {
        self.guard_environment(env)?;
        let doc = Document::parse(doc)
            .map_err(|e| ChangeError::problems("the flagd document is not valid", e.problems))?;
        let now = self.now();
        let mut problems = Vec::new();
        let mut before = Side::default();
        let mut after = Side::default();
        let mut batch = Batch::new();
        let mut summary = ImportSummary::default();

        // Segments first: flags' targeting is checked against the segments as they will be.
        let mut segments = self.store.list_segments(&p.id).await?;
        for (key, rule) in &doc.evaluators {
            if prerequisites::is_flag_evaluator(key) {
                // Compiled prerequisites, read back from the flags' targeting below.
                continue;
            }
            let at = format!("/$evaluators/{}", escape(key));
            let existing = segments.iter().find(|s| &s.key == key).cloned();
            if existing.as_ref().is_some_and(|s| &s.rule == rule) {
                continue;
            }
            if doc.flags.contains_key(key) || self.store.get_flag(&p.id, key).await?.is_some() {
                problems.push(Problem::new(at, "is already a flag's key"));
                continue;
            }
            let seg = Segment {
                project_id: p.id.clone(),
                key: key.clone(),
                name: existing
                    .as_ref()
                    .map_or_else(|| key.clone(), |s| s.name.clone()),
                description: existing
                    .as_ref()
                    .map(|s| s.description.clone())
                    .unwrap_or_default(),
                rule: rule.clone(),
                version: existing.as_ref().map_or(1, |s| s.version + 1),
                updated_by: actor.to_string(),
                updated_at: now,
            };
            if let Err(e) = rules::segment(&seg) {
                collect(&mut problems, e.under(&at))?;
                continue;
            }
            batch.put_segment(&seg)?;
            summary.segments_written += 1;
            if let Some(old) = existing {
                before.segments.insert(key.clone(), old);
            }
            after.segments.insert(key.clone(), seg.clone());
            segments.retain(|s| &s.key != key);
            segments.push(seg);
        }

        let mut finals = Vec::new();
        for (key, def) in &doc.flags {
            let at = format!("/flags/{}", escape(key));
            let planned = self
                .plan_flag(actor, p, env, key, def, &segments, now)
                .await;
            let planned = match planned {
                Ok(planned) => planned,
                Err(e) => {
                    collect(&mut problems, e.under(&at))?;
                    continue;
                }
            };
            if let Some((old, flag)) = planned.flag {
                batch.put_flag(&flag)?;
                match old {
                    Some(old) => {
                        summary.flags_updated += 1;
                        before.flags.insert(key.clone(), old);
                    }
                    None => summary.flags_created += 1,
                }
                after.flags.insert(key.clone(), flag);
            }
            if let Some((old, state)) = planned.state {
                batch.put_flag_state(&p.id, &state)?;
                summary.states_updated += 1;
                if old.version > 0 {
                    before.states.insert(key.clone(), old);
                }
                after.states.insert(key.clone(), state);
            }
            finals.push(planned.now);
        }
        if problems.is_empty() {
            problems = self.imported_prerequisites(env, &doc, &finals).await?;
        }
        if !problems.is_empty() {
            return Err(ChangeError::problems(
                "the flagd document breaks the rules flags and segments follow",
                problems,
            ));
        }
        if batch.is_empty() {
            return Ok(summary);
        }
        // Changed definitions and segments reach every environment, protected ones too.
        if !before.flags.is_empty() || !before.segments.is_empty() {
            self.guard_project(p).await?;
        }
        self.check_import_quotas(p, &before, &after, &summary)
            .await?;
        let record = self.record(
            actor,
            Scope::environment(p, &env.id),
            "environment.import",
            format!("environment:{}", env.key),
            Some(&before),
            Some(&after),
        );
        let record = self.commit(batch, record).await?;
        summary.change = Some(record.id);
        Ok(summary)
    }

    /// The new flags and segments fit their quotas, and no environment's document grows past
    /// its size quota.
    async fn check_import_quotas(
        &self,
        p: &Project,
        before: &Side,
        after: &Side,
        summary: &ImportSummary,
    ) -> Result<()> {
        if summary.flags_created > 0 {
            let used = self
                .store
                .count_flags(&p.id, self.count_to(Quota::FlagsPerProject))
                .await?;
            self.within(Quota::FlagsPerProject, used, summary.flags_created)?;
        }
        let new_segments = after
            .segments
            .keys()
            .filter(|k| !before.segments.contains_key(*k))
            .count();
        if new_segments > 0 {
            let used = self
                .store
                .count_segments(&p.id, self.count_to(Quota::SegmentsPerProject))
                .await?;
            self.within(Quota::SegmentsPerProject, used, new_segments)?;
        }
        self.check_environment_bytes(
            p,
            &Growth {
                flags: after.flags.values().cloned().collect(),
                segments: after.segments.values().cloned().collect(),
                states: after.states.values().cloned().collect(),
            },
        )
        .await
    }

    /// What one imported flag becomes: its definition (when new or changed, with the one it
    /// replaces) and its state here (when changed, with the one it replaces).
    #[allow(clippy::too_many_arguments)]
    async fn plan_flag(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        key: &str,
        def: &FlagDefinition,
        segments: &[Segment],
        now: i64,
    ) -> Result<Planned> {
        let variants: Vec<Variant> = def
            .variants
            .iter()
            .map(|(n, v)| Variant {
                name: n.clone(),
                value: v.clone(),
            })
            .collect();
        let kind =
            FlagType::of_variants(variants.iter().map(|v| &v.value)).unwrap_or(FlagType::Object);
        let existing = self.store.get_flag(&p.id, key).await?;
        if existing.is_none() && self.store.get_segment(&p.id, key).await?.is_some() {
            return Err(ChangeError::problems(
                "is already a segment's key",
                vec![Problem::new("", "is already a segment's key")],
            ));
        }
        let (flag, changed) = match &existing {
            Some(f) if f.kind == kind && same_variants(&f.variants, &variants) && !f.archived => {
                (f.clone(), false)
            }
            Some(f) => (
                Flag {
                    kind,
                    variants,
                    archived: false,
                    version: f.version + 1,
                    updated_by: actor.to_string(),
                    updated_at: now,
                    ..f.clone()
                },
                true,
            ),
            None => (
                Flag {
                    project_id: p.id.clone(),
                    key: key.to_owned(),
                    name: key.to_owned(),
                    description: String::new(),
                    kind,
                    variants,
                    tags: vec![],
                    archived: false,
                    client_visible: p.client_visible_by_default,
                    version: 1,
                    created_by: actor.to_string(),
                    created_at: now,
                    updated_by: actor.to_string(),
                    updated_at: now,
                },
                true,
            ),
        };
        rules::flag(&flag)?;
        if changed && let Some(old) = &existing {
            self.check_defaults_kept(p, old, &flag, &[env.id.as_str()])
                .await?;
            self.check_prerequisites_kept(p, old, Some(&flag), Some(&env.id))
                .await?;
        }
        // Targeting compiled with prerequisites is read back into the prerequisites and the
        // flag's own targeting (checked against what they compile to after every flag is read).
        let targeting = rules::targeting(def.targeting.clone());
        let (targeting, prerequisites) = match targeting.as_ref().and_then(prerequisites::recognise)
        {
            Some(r) => (r.own, r.prerequisites),
            None => (targeting, Vec::new()),
        };
        let current = self.store.get_flag_state(&env.id, &flag).await?;
        let state = FlagState {
            environment_id: env.id.clone(),
            flag_key: key.to_owned(),
            enabled: def.state.is_enabled(),
            default_variant: def.default_variant.clone(),
            targeting,
            prerequisites,
            version: current.version + 1,
            updated_by: actor.to_string(),
            updated_at: now,
        };
        rules::state(&flag, segments, &state)?;
        let same_state = current.enabled == state.enabled
            && current.default_variant == state.default_variant
            && current.targeting == state.targeting
            && current.prerequisites == state.prerequisites;
        Ok(Planned {
            now: (
                flag.clone(),
                if same_state {
                    current.clone()
                } else {
                    state.clone()
                },
            ),
            flag: changed.then_some((existing, flag)),
            state: (!same_state).then_some((current, state)),
        })
    }
}

struct Planned {
    flag: Option<(Option<Flag>, Flag)>,
    state: Option<(FlagState, FlagState)>,
    /// The flag and its state here as the import leaves them.
    now: (Flag, FlagState),
}

/// Adds a rule's problems to the list; other errors (storage) end the import.
fn collect(problems: &mut Vec<Problem>, e: ChangeError) -> Result<()> {
    match e {
        ChangeError::Invalid { problems: p, .. } => {
            problems.extend(p);
            Ok(())
        }
        other => Err(other),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Variants are the same whatever their order (a flagd document's object has none).
fn same_variants(a: &[Variant], b: &[Variant]) -> bool {
    let sorted = |v: &[Variant]| {
        let mut v = v.to_vec();
        v.sort_by(|x, y| x.name.cmp(&y.name));
        v
    };
    sorted(a) == sorted(b)
}
