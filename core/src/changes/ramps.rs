//! Timed ramps: start one (directly, or through an approved change request where the
//! environment requires approval), advance it at its times (the scheduler, as `system:ramp`),
//! pause, resume or cancel it. Every step is a normal change of the flag's state, checked by the
//! same rules and recorded; a state changed by hand since the last step pauses the ramp, never
//! overwritten.

use serde::Deserialize;
use serde_json::{Value, json};

use super::apply::Staged;
use super::error::{ChangeError, Result};
use super::{Changes, Scope, StateInput};
use crate::domain::{
    Actor, ChangeRecord, Environment, FlagState, Project, Ramp, RampStatus, RampStep,
};
use crate::store::{Batch, DueItem, DueKind};

/// The actor of the steps a ramp takes by itself (`system:ramp`).
pub const RAMP_ACTOR: &str = "ramp";
pub const MAX_RAMP_STEPS: usize = 20;
pub const MIN_HOLD_MS: i64 = 1000;
pub const MAX_HOLD_MS: i64 = 366 * 24 * 3600 * 1000;

/// A ramp to start.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewRamp {
    /// The variant ramped to.
    pub variant: String,
    /// The variant the rest of the fall-through gets.
    pub baseline: String,
    /// 1 to 20 steps, percentages growing.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub steps: Vec<RampStep>,
    /// The state's version last seen (0: never set).
    pub version: u64,
}

/// A checked ramp and the first step's state change.
#[derive(Debug)]
pub(super) struct PlannedRamp {
    pub env: Environment,
    pub ramp: Ramp,
    /// The version of the finished ramp it replaces, if one was there.
    pub replaces: Option<u64>,
    pub current: FlagState,
    pub next: FlagState,
}

impl Changes {
    /// Starts a ramp of a flag in an environment that does not require approval (where one
    /// does, propose it in a change request): its first step applies now.
    pub async fn start_ramp(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        flag: &str,
        new: NewRamp,
    ) -> Result<Ramp> {
        self.guard_environment(env)?;
        let planned = self
            .plan_ramp(&Staged::default(), actor, p, env, flag, new, None)
            .await?;
        let mut batch = Batch::new();
        let records = self.write_ramp_start(actor, p, &planned, &mut batch)?;
        self.commit_all(batch, records).await?;
        Ok(planned.ramp)
    }

    /// Checks a ramp and its first step against what is stored (and what a request staged).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn plan_ramp(
        &self,
        staged: &Staged,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        flag: &str,
        new: NewRamp,
        request: Option<String>,
    ) -> Result<PlannedRamp> {
        check_steps(&new.steps)?;
        let f = match staged.flags.get(flag) {
            Some(f) => f.clone(),
            None => self.flag(p, flag).await?,
        };
        for (field, v) in [("variant", &new.variant), ("baseline", &new.baseline)] {
            if !f.variants.iter().any(|x| &x.name == v) {
                return Err(ChangeError::field(
                    field,
                    format!("{v:?} is not one of the flag's variants"),
                ));
            }
        }
        if new.variant == new.baseline {
            return Err(ChangeError::field(
                "baseline",
                "must differ from the ramped variant",
            ));
        }
        let replaces = match self.store.get_ramp(&p.id, &env.id, flag).await? {
            Some(r) if matches!(r.status, RampStatus::Active | RampStatus::Paused) => {
                return Err(ChangeError::Conflict {
                    message: format!("flag {flag} is already ramping here; cancel that ramp first"),
                    details: json!({ "ramp": r.summary() }),
                });
            }
            Some(r) => Some(r.version),
            None => None,
        };
        let stored = self.store.get_flag_state(&env.id, &f).await?;
        let base = stored.targeting.clone();
        let now = self.now();
        let ramp = Ramp {
            org_id: p.org_id.clone(),
            project_id: p.id.clone(),
            environment_id: env.id.clone(),
            flag: flag.to_owned(),
            variant: new.variant,
            baseline: new.baseline,
            base_targeting: base,
            step: 0,
            status: RampStatus::Active,
            next_at: Some(now + new.steps[0].hold_ms),
            state_version: new.version + 1,
            problem: None,
            guard: None,
            request,
            created_by: actor.to_string(),
            created_at: now,
            updated_at: now,
            version: replaces.map_or(1, |v| v + 1),
            steps: new.steps,
        };
        let (current, next) = self
            .stage_state(
                staged,
                actor,
                p,
                env,
                flag,
                new.version,
                step_input(&ramp, &stored)?,
            )
            .await
            .map_err(|e| e.under("/steps/0"))?;
        Ok(PlannedRamp {
            env: env.clone(),
            ramp,
            replaces,
            current,
            next,
        })
    }

    /// Adds a started ramp's writes to a batch: the first step's state, the ramp, its next time.
    pub(super) fn write_ramp_start(
        &self,
        actor: &Actor,
        p: &Project,
        planned: &PlannedRamp,
        batch: &mut Batch,
    ) -> Result<Vec<ChangeRecord>> {
        batch.put_flag_state(&p.id, &planned.next)?;
        batch.put_ramp(&planned.ramp, planned.replaces)?;
        if let Some(due) = due_of(&planned.ramp) {
            batch.put_due_item(&due)?;
        }
        let scope = Scope::environment(p, &planned.env.id);
        let flag = &planned.ramp.flag;
        let mut state = self.record(
            actor,
            scope,
            "flag_state.update",
            format!("flag:{flag}"),
            Some(&planned.current),
            Some(&planned.next),
        );
        state.keys = vec![flag.clone()];
        let mut own = self.ramp_record(actor, p, &planned.ramp, "ramp.start", None);
        own.keys = vec![flag.clone()];
        Ok(vec![state, own])
    }

    /// Takes a due ramp's next step (or completes it); a state changed by hand since its last
    /// step, or a step the rules now refuse, pauses it instead.
    pub(super) async fn advance_ramp(&self, due: &DueItem) -> Result<Option<super::DueOutcome>> {
        let actor = Actor::System(RAMP_ACTOR.into());
        let (env_id, flag) = due.id.split_once('#').unwrap_or((&due.id, ""));
        let p = self.store.get_project(&due.project_id).await?;
        let ramp = match &p {
            Some(p) => self.store.get_ramp(&p.id, env_id, flag).await?,
            None => None,
        };
        let env = self.store.get_environment(env_id).await?;
        let (Some(p), Some(ramp), Some(env)) = (p, ramp, env) else {
            self.store.delete_due(due).await?;
            return Ok(None);
        };
        if ramp.status != RampStatus::Active || ramp.next_at != Some(due.at) {
            self.store.delete_due(due).await?;
            return Ok(None);
        }
        let f = self.flag(&p, flag).await?;
        let state = self.store.get_flag_state(&env.id, &f).await?;
        let mut next = ramp.clone();
        next.version += 1;
        next.updated_at = self.now();
        next.next_at = None;
        let mut step = None;
        let action = if state.version != ramp.state_version {
            next.status = RampStatus::Paused;
            next.problem = Some("the flag's state was changed since the ramp's last step".into());
            "ramp.pause"
        } else if ramp.step + 1 >= ramp.steps.len() {
            next.status = RampStatus::Completed;
            "ramp.complete"
        } else {
            next.step += 1;
            let input = step_input(&next, &state)?;
            let staged = self
                .stage_state(
                    &Staged::default(),
                    &actor,
                    &p,
                    &env,
                    flag,
                    state.version,
                    input,
                )
                .await;
            match staged {
                Ok((cur, st)) => {
                    next.state_version = st.version;
                    next.next_at = Some(self.now() + next.steps[next.step].hold_ms);
                    step = Some((cur, st));
                    "ramp.advance"
                }
                Err(e) => {
                    next.step = ramp.step;
                    next.status = RampStatus::Paused;
                    next.problem = Some(format!("its next step was refused: {e}"));
                    "ramp.pause"
                }
            }
        };
        let mut batch = Batch::new();
        let mut records = Vec::new();
        if let Some((cur, st)) = &step {
            batch.put_flag_state(&p.id, st)?;
            let scope = Scope::environment(&p, &env.id);
            let target = format!("flag:{flag}");
            let mut r = self.record(
                &actor,
                scope,
                "flag_state.update",
                target,
                Some(cur),
                Some(st),
            );
            r.keys = vec![flag.to_owned()];
            records.push(r);
        }
        batch.put_ramp(&next, Some(ramp.version))?;
        if let Some(d) = due_of(&ramp) {
            batch.delete_due_item(&d);
        }
        if let Some(d) = due_of(&next) {
            batch.put_due_item(&d)?;
        }
        records.push(self.ramp_record(&actor, &p, &next, action, Some(&ramp)));
        match self.commit_all(batch, records).await {
            Ok(_) => Ok(Some(super::DueOutcome {
                kind: DueKind::Ramp,
                id: due.id.clone(),
                status: format!("{:?}", next.status).to_lowercase(),
            })),
            // Another runner (or a member's pause) got there first.
            Err(ChangeError::Conflict { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Pauses, resumes or cancels a ramp last seen at `expected`.
    pub async fn set_ramp_status(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
        flag: &str,
        expected: u64,
        to: RampStatus,
    ) -> Result<Ramp> {
        let ramp = self
            .store
            .get_ramp(&p.id, &env.id, flag)
            .await?
            .ok_or_else(|| ChangeError::NotFound("ramp".into()))?;
        if ramp.version != expected {
            return Err(ChangeError::stale("the ramp", ramp.version));
        }
        let allowed = matches!(
            (ramp.status, to),
            (
                RampStatus::Active,
                RampStatus::Paused | RampStatus::Cancelled
            ) | (
                RampStatus::Paused,
                RampStatus::Active | RampStatus::Cancelled
            )
        );
        if !allowed {
            return Err(ChangeError::Conflict {
                message: format!("a {:?} ramp cannot become {:?}", ramp.status, to).to_lowercase(),
                details: json!({ "status": ramp.status }),
            });
        }
        let mut next = ramp.clone();
        next.status = to;
        next.version += 1;
        next.updated_at = self.now();
        next.next_at = None;
        if to == RampStatus::Active {
            let f = self.flag(p, flag).await?;
            let state = self.store.get_flag_state(&env.id, &f).await?;
            if state.version != ramp.state_version {
                return Err(ChangeError::Conflict {
                    message: "the flag's state was changed since the ramp's last step; cancel this ramp and start a new one".into(),
                    details: json!({ "stateVersion": state.version }),
                });
            }
            next.problem = None;
            next.next_at = Some(self.now() + next.steps[next.step].hold_ms);
        }
        let mut batch = Batch::new();
        batch.put_ramp(&next, Some(ramp.version))?;
        if let Some(d) = due_of(&ramp) {
            batch.delete_due_item(&d);
        }
        if let Some(d) = due_of(&next) {
            batch.put_due_item(&d)?;
        }
        let action = match to {
            RampStatus::Active => "ramp.resume",
            RampStatus::Paused => "ramp.pause",
            _ => "ramp.cancel",
        };
        let record = self.ramp_record(actor, p, &next, action, Some(&ramp));
        self.commit(batch, record).await.map_err(|e| match e {
            ChangeError::Conflict { .. } => ChangeError::stale("the ramp", ramp.version + 1),
            other => other,
        })?;
        Ok(next)
    }

    fn ramp_record(
        &self,
        actor: &Actor,
        p: &Project,
        r: &Ramp,
        action: &str,
        before: Option<&Ramp>,
    ) -> ChangeRecord {
        let mut record = self.record(
            actor,
            Scope::environment(p, &r.environment_id),
            action,
            format!("ramp:{}", r.flag),
            None::<&()>,
            None::<&()>,
        );
        record.before = before.map(Ramp::summary);
        record.after = Some(r.summary());
        record.keys = vec![r.flag.clone()];
        record
    }
}

/// Steps: 1 to 20, percentages 1–100 growing, holds of a second to a year.
fn check_steps(steps: &[RampStep]) -> Result<()> {
    if steps.is_empty() || steps.len() > MAX_RAMP_STEPS {
        return Err(ChangeError::field(
            "steps",
            format!("needs 1 to {MAX_RAMP_STEPS} steps"),
        ));
    }
    let mut last = 0;
    for (i, s) in steps.iter().enumerate() {
        if !(1..=100).contains(&s.percent) || s.percent <= last {
            return Err(ChangeError::field(
                &format!("steps/{i}/percent"),
                "must be 1 to 100 and more than the step before",
            ));
        }
        if !(MIN_HOLD_MS..=MAX_HOLD_MS).contains(&s.hold_ms) {
            return Err(ChangeError::field(
                &format!("steps/{i}/holdMs"),
                "must be a second to a year",
            ));
        }
        last = s.percent;
    }
    Ok(())
}

/// The due entry of an active ramp's next move.
fn due_of(r: &Ramp) -> Option<DueItem> {
    let at = r.next_at.filter(|_| r.status == RampStatus::Active)?;
    Some(DueItem {
        kind: DueKind::Ramp,
        org_id: r.org_id.clone(),
        project_id: r.project_id.clone(),
        id: crate::store::layout::ramp(&r.environment_id, &r.flag),
        at,
    })
}

/// The state a ramp's current step sets: on, the stored default variant, and the ramp's split
/// as the fall-through of the rules it started with.
fn step_input(r: &Ramp, stored: &FlagState) -> Result<StateInput> {
    let p = r.percent();
    let split = if p >= 100 {
        Value::String(r.variant.clone())
    } else {
        json!({"fractional": [[r.variant, p], [r.baseline, 100 - p]]})
    };
    let targeting = with_fallthrough(r.base_targeting.as_ref(), split).ok_or_else(|| {
        ChangeError::field(
            "targeting",
            "a ramp needs the flag's targeting to be ordered rules (an `if` chain) or none",
        )
    })?;
    Ok(StateInput {
        enabled: true,
        default_variant: stored.default_variant.clone(),
        targeting: Some(targeting),
        prerequisites: stored.prerequisites.clone(),
    })
}

/// Rules with `split` as what they serve when no rule matches: `None` when the rules are not
/// an `if` chain (or a bare variant).
fn with_fallthrough(base: Option<&Value>, split: Value) -> Option<Value> {
    let Some(base) = base else {
        return Some(split);
    };
    if base.is_string() || base.is_null() {
        return Some(split);
    }
    let chain = base
        .as_object()
        .filter(|m| m.len() == 1)?
        .get("if")?
        .as_array()?;
    let mut chain = chain.clone();
    if chain.len() % 2 == 1 {
        let last = chain.pop()?;
        let nested = last
            .as_object()
            .is_some_and(|m| m.len() == 1 && m.contains_key("if"));
        chain.push(if nested {
            with_fallthrough(Some(&last), split)?
        } else {
            split
        });
    } else {
        chain.push(split);
    }
    Some(json!({ "if": chain }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_replaces_the_fall_through_of_ordered_rules() {
        let rules = json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on", "off"]});
        let split = json!({"fractional": [["on", 5], ["off", 95]]});
        assert_eq!(
            with_fallthrough(Some(&rules), split.clone()).unwrap(),
            json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on", split]})
        );
    }

    #[test]
    fn rules_without_a_fall_through_get_one() {
        let rules = json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on"]});
        let got = with_fallthrough(Some(&rules), json!("x")).unwrap();
        assert_eq!(got["if"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn targeting_that_is_not_rules_cannot_ramp() {
        assert!(with_fallthrough(Some(&json!({"fractional": [["a", 1]]})), json!("x")).is_none());
    }

    #[test]
    fn steps_must_grow() {
        let s = |percent| RampStep {
            percent,
            hold_ms: 1000,
        };
        assert!(check_steps(&[s(1), s(5), s(100)]).is_ok());
        assert!(check_steps(&[s(5), s(5)]).is_err());
        assert!(check_steps(&[s(0)]).is_err());
        assert!(check_steps(&[s(101)]).is_err());
        assert!(check_steps(&[]).is_err());
    }
}
