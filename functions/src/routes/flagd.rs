//! An environment as a flagd flag document: export, and import (validated in full before anything
//! is written).

use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::{Value, json};
use switchyard_core::domain::{Flag, FlagState, Segment, Variant, now_ms};
use switchyard_core::engine::{FlagSet, FlagType};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::audit_log;
use crate::error::ApiError;
use crate::extract::{Caller, Json};
use crate::state::AppState;
use crate::validate;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export, import))
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/environments/{environment}/flagd", tag = "flags", security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)), responses((status = 200, description = "a flagd flag document (https://flagd.dev/schema/v0/flags.json)")))]
async fn export(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
) -> Result<axum::Json<Value>, ApiError> {
    let (_, e) = access::environment(&st, &caller, &project, &env, Need::Read).await?;
    let snap = st
        .store
        .load_environment(&e.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("environment".into()))?;
    Ok(axum::Json(snap.to_flagd()))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    flags_created: usize,
    flags_updated: usize,
    states_updated: usize,
    segments_written: usize,
}

/// What one imported flag becomes.
struct Planned {
    flag: Flag,
    create: bool,
    definition_changed: bool,
    state: FlagState,
    current_state: FlagState,
}

#[utoipa::path(put, path = "/api/v1/projects/{project}/environments/{environment}/flagd", tag = "flags", request_body = Object, security(("bearer" = [])),
    params(("project" = String, Path), ("environment" = String, Path)),
    responses((status = 200, body = ImportSummary), (status = 422, description = "every problem in the document, each with its path")))]
async fn import(
    State(st): State<AppState>,
    caller: Caller,
    Path((project, env)): Path<(String, String)>,
    Json(doc): Json<Value>,
) -> Result<axum::Json<ImportSummary>, ApiError> {
    let (p, e) = access::environment(&st, &caller, &project, &env, Need::EditFlags).await?;
    // 1. Validate everything: the document as the engine reads it, then every key.
    FlagSet::parse_strict(&doc)
        .map_err(|err| validate::problems("the flagd document is not valid", &err.problems, ""))?;
    let flags = doc["flags"].as_object().cloned().unwrap_or_default();
    let evaluators = doc
        .get("$evaluators")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for k in flags.keys() {
        validate::key(&format!("flags/{k}"), k)?;
    }
    for (k, rule) in &evaluators {
        validate::key(&format!("$evaluators/{k}"), k)?;
        switchyard_core::engine::validate_rule(rule)
            .map_err(|probs| validate::problems("a segment is not valid", &probs, ""))?;
    }
    // 2. Plan: what changes.
    let mut plans = Vec::new();
    for (key, def) in &flags {
        let variants: Vec<Variant> = def["variants"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, v)| Variant {
                name: n.clone(),
                value: v.clone(),
            })
            .collect();
        let kind =
            FlagType::of_variants(variants.iter().map(|v| &v.value)).unwrap_or(FlagType::Object);
        let existing = st.store.get_flag(&p.id, key).await?;
        let (flag, create, definition_changed) = match existing {
            Some(f) if f.kind == kind && same_variants(&f.variants, &variants) && !f.archived => {
                (f, false, false)
            }
            Some(f) => (
                Flag {
                    kind,
                    variants,
                    archived: false,
                    version: f.version + 1,
                    updated_by: caller.actor(),
                    updated_at: now_ms(),
                    ..f
                },
                false,
                true,
            ),
            None => (
                Flag {
                    project_id: p.id.clone(),
                    key: key.clone(),
                    name: key.clone(),
                    description: String::new(),
                    kind,
                    variants,
                    tags: vec![],
                    archived: false,
                    version: 1,
                    created_by: caller.actor(),
                    created_at: now_ms(),
                    updated_by: caller.actor(),
                    updated_at: now_ms(),
                },
                true,
                true,
            ),
        };
        let current_state = st.store.get_flag_state(&e.id, &flag).await?;
        let state = FlagState {
            environment_id: e.id.clone(),
            flag_key: key.clone(),
            enabled: def["state"] == "ENABLED",
            default_variant: def["defaultVariant"].as_str().map(str::to_owned),
            targeting: def
                .get("targeting")
                .filter(|t| !t.is_null() && *t != &json!({}))
                .cloned(),
            version: current_state.version + 1,
            updated_by: caller.actor(),
            updated_at: now_ms(),
        };
        plans.push(Planned {
            flag,
            create,
            definition_changed,
            state,
            current_state,
        });
    }
    // 3. Write: segments first (flags may reference them), then flags and states.
    let mut summary = ImportSummary {
        flags_created: 0,
        flags_updated: 0,
        states_updated: 0,
        segments_written: 0,
    };
    let mut events = Vec::new();
    for (key, rule) in evaluators {
        let existing = st.store.get_segment(&p.id, &key).await?;
        if existing.as_ref().is_some_and(|s| s.rule == rule) {
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
            rule,
            version: existing.as_ref().map_or(1, |s| s.version + 1),
            updated_by: caller.actor(),
            updated_at: now_ms(),
        };
        let audit = audit_log::entry(
            &caller,
            audit_log::At::project(&p),
            "segment.import",
            &format!("segment:{key}"),
            existing.as_ref(),
            Some(&seg),
        );
        events.extend(st.store.put_segment(&seg, &audit).await?);
        summary.segments_written += 1;
    }
    for plan in plans {
        let target = format!("flag:{}", plan.flag.key);
        if plan.create {
            let audit = audit_log::entry(
                &caller,
                audit_log::At::project(&p),
                "flag.import",
                &target,
                None::<&Flag>,
                Some(&plan.flag),
            );
            events.extend(st.store.create_flag(&plan.flag, &audit).await?);
            summary.flags_created += 1;
        } else if plan.definition_changed {
            let audit = audit_log::entry(
                &caller,
                audit_log::At::project(&p),
                "flag.import",
                &target,
                None::<&Flag>,
                Some(&plan.flag),
            );
            events.extend(st.store.update_flag(&plan.flag, &audit).await?);
            summary.flags_updated += 1;
        }
        let same = plan.current_state.enabled == plan.state.enabled
            && plan.current_state.default_variant == plan.state.default_variant
            && plan.current_state.targeting == plan.state.targeting;
        if !same {
            let audit = audit_log::entry(
                &caller,
                audit_log::At::environment(&p, &e.id),
                "flag_state.import",
                &target,
                Some(&plan.current_state),
                Some(&plan.state),
            );
            events.push(st.store.put_flag_state(&p.id, &plan.state, &audit).await?);
            summary.states_updated += 1;
        }
    }
    st.publish(&events).await;
    Ok(axum::Json(summary))
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
