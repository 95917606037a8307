//! Timed ramps, on both backends: steps at their times, each an audited change of the flag's
//! state, exactly once; paused (never overwriting) when the state is changed by hand; approved
//! as a plan where the environment requires approval.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use governance::Team;
use serde_json::json;
use switchyard_core::changes::{ChangeError, NewRamp, NewRequest, StateInput};
use switchyard_core::domain::*;

const MINUTE: i64 = 60_000;
const LATE: i64 = 60_000;

on_both_stores!(
    Team::embedded(),
    Team::dynamodb();
    a_ramp_applies_its_first_step_at_once,
    a_ramp_steps_at_its_times_and_completes,
    each_step_is_an_audited_change_of_the_state,
    a_state_changed_by_hand_pauses_the_ramp_without_overwriting,
    a_paused_ramp_holds_until_resumed,
    two_runners_take_a_step_once,
    a_second_ramp_of_a_running_flag_is_refused,
    a_ramp_in_a_protected_environment_needs_an_approved_request,
);

/// 10 % → 50 % → 100 % of `on`, a minute each.
fn plan(version: u64) -> NewRamp {
    let step = |percent| RampStep {
        percent,
        hold_ms: MINUTE,
    };
    NewRamp {
        variant: "on".into(),
        baseline: "off".into(),
        steps: vec![step(10), step(50), step(100)],
        version,
    }
}

async fn start(t: &Team) -> Ramp {
    t.changes
        .start_ramp(&t.editor, &t.project, &t.staging, "checkout", plan(0))
        .await
        .unwrap()
}

async fn ramp(t: &Team, env: &Environment) -> Ramp {
    t.changes
        .store()
        .get_ramp(&t.project.id, &env.id, "checkout")
        .await
        .unwrap()
        .unwrap()
}

mod cases {
    use super::*;

    pub async fn a_ramp_applies_its_first_step_at_once(t: Team) {
        start(&t).await;
        let s = t.state(&t.staging).await;
        assert!(s.enabled);
        assert_eq!(
            s.targeting,
            Some(json!({"fractional": [["on", 10], ["off", 90]]}))
        );
    }

    pub async fn a_ramp_steps_at_its_times_and_completes(t: Team) {
        start(&t).await;
        t.clock.advance(MINUTE - 1);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
        t.clock.advance(1);
        t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(
            t.state(&t.staging).await.targeting,
            Some(json!({"fractional": [["on", 50], ["off", 50]]}))
        );
        t.clock.advance(MINUTE);
        t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(t.state(&t.staging).await.targeting, Some(json!("on")));
        assert_eq!(ramp(&t, &t.staging).await.status, RampStatus::Active);
        t.clock.advance(MINUTE);
        let done = t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(done[0].status, "completed");
        assert_eq!(ramp(&t, &t.staging).await.status, RampStatus::Completed);
        t.clock.advance(MINUTE);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
    }

    pub async fn each_step_is_an_audited_change_of_the_state(t: Team) {
        start(&t).await;
        t.clock.advance(MINUTE);
        t.changes.run_due(10, LATE).await.unwrap();
        let log = t.log().await;
        let steps: Vec<&ChangeRecord> = log
            .iter()
            .filter(|e| e.action == "flag_state.update")
            .collect();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].actor, t.editor);
        assert_eq!(steps[1].actor, Actor::System("ramp".into()));
        let actions: Vec<&str> = log
            .iter()
            .filter(|e| e.action.starts_with("ramp."))
            .map(|e| e.action.as_str())
            .collect();
        assert_eq!(actions, ["ramp.start", "ramp.advance"]);
    }

    pub async fn a_state_changed_by_hand_pauses_the_ramp_without_overwriting(t: Team) {
        start(&t).await;
        let off = StateInput {
            enabled: false,
            default_variant: Some("off".into()),
            targeting: None,
            prerequisites: vec![],
        };
        t.changes
            .put_state(&t.editor2, &t.project, &t.staging, "checkout", 1, off)
            .await
            .unwrap();
        t.clock.advance(MINUTE);
        let done = t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(done[0].status, "paused");
        let r = ramp(&t, &t.staging).await;
        assert!(r.problem.is_some());
        let s = t.state(&t.staging).await;
        assert_eq!((s.version, s.enabled), (2, false));
        let resumed = t
            .changes
            .set_ramp_status(
                &t.editor,
                &t.project,
                &t.staging,
                "checkout",
                r.version,
                RampStatus::Active,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(resumed, ChangeError::Conflict { .. }),
            "{resumed:?}"
        );
    }

    pub async fn a_paused_ramp_holds_until_resumed(t: Team) {
        let r = start(&t).await;
        let paused = t
            .changes
            .set_ramp_status(
                &t.editor,
                &t.project,
                &t.staging,
                "checkout",
                r.version,
                RampStatus::Paused,
            )
            .await
            .unwrap();
        t.clock.advance(10 * MINUTE);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
        assert_eq!(t.state(&t.staging).await.version, 1);
        t.changes
            .set_ramp_status(
                &t.editor,
                &t.project,
                &t.staging,
                "checkout",
                paused.version,
                RampStatus::Active,
            )
            .await
            .unwrap();
        t.clock.advance(MINUTE);
        t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(t.state(&t.staging).await.version, 2);
    }

    pub async fn two_runners_take_a_step_once(t: Team) {
        start(&t).await;
        t.clock.advance(MINUTE);
        let (a, b) = tokio::join!(t.changes.run_due(10, LATE), t.changes.run_due(10, LATE));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
        assert_eq!(t.state(&t.staging).await.version, 2);
        assert_eq!(ramp(&t, &t.staging).await.step, 1);
    }

    pub async fn a_second_ramp_of_a_running_flag_is_refused(t: Team) {
        start(&t).await;
        let err = t
            .changes
            .start_ramp(&t.editor, &t.project, &t.staging, "checkout", plan(1))
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Conflict { .. }), "{err:?}");
    }

    pub async fn a_ramp_in_a_protected_environment_needs_an_approved_request(t: Team) {
        let direct = t
            .changes
            .start_ramp(&t.editor, &t.project, &t.production, "checkout", plan(0))
            .await
            .unwrap_err();
        assert!(
            matches!(direct, ChangeError::ApprovalRequired { .. }),
            "{direct:?}"
        );
        let p = plan(0);
        let r = t
            .changes
            .open_request(
                &t.editor,
                &t.project,
                NewRequest {
                    title: "Ramp checkout".into(),
                    description: String::new(),
                    changes: vec![ProposedChange::Ramp {
                        environment_id: t.production.id.clone(),
                        flag: "checkout".into(),
                        base_version: 0,
                        variant: p.variant,
                        baseline: p.baseline,
                        steps: p.steps,
                    }],
                    scheduled_at: None,
                },
            )
            .await
            .unwrap();
        let r = t.approve(&t.editor2, &r).await;
        t.changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await
            .unwrap();
        let started = ramp(&t, &t.production).await;
        assert_eq!(started.request.as_deref(), Some(r.id.as_str()));
        // The approved plan advances on its own in the protected environment.
        t.clock.advance(MINUTE);
        t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(ramp(&t, &t.production).await.step, 1);
    }
}
