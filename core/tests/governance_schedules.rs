//! Scheduled change requests, on both backends: applied exactly once at their time (also when
//! the runner was down, or two run at once), and failing visibly when stale or unapproved.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use governance::{T0, Team};
use switchyard_core::changes::{ChangeError, NewRequest, RequestPatch, StateInput};
use switchyard_core::domain::*;

const HOUR: i64 = 3600 * 1000;
/// Later than this after its time, an application says how late.
const LATE: i64 = 60_000;

on_both_stores!(
    Team::embedded(),
    Team::dynamodb();
    a_schedule_waits_for_its_time,
    a_schedule_due_while_the_runner_was_down_applies_once_and_says_how_late,
    two_scheduler_runners_apply_a_schedule_once,
    a_stale_schedule_fails_without_writing,
    an_unapproved_schedule_fails_at_its_time,
    an_approved_schedule_on_a_protected_environment_applies,
    a_schedule_in_the_past_is_refused,
    an_edit_moves_the_schedule,
    a_withdrawn_schedule_never_applies,
);

/// Schedules turning `checkout` on in `env` an hour from now.
async fn schedule(t: &Team, env: &Environment) -> ChangeRequest {
    t.changes
        .open_request(
            &t.editor,
            &t.project,
            NewRequest {
                title: "Launch".into(),
                description: String::new(),
                changes: vec![t.turn_on(env).await],
                scheduled_at: Some(T0 + HOUR),
            },
        )
        .await
        .unwrap()
}

mod cases {
    use super::*;

    pub async fn a_schedule_waits_for_its_time(t: Team) {
        let r = schedule(&t, &t.staging).await;
        t.clock.advance(HOUR - 1);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
        assert_eq!(t.request(&r.id).await.status, RequestStatus::Approved);
        t.clock.advance(1);
        let done = t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(done[0].status, "applied");
        assert!(t.state(&t.staging).await.enabled);
    }

    pub async fn a_schedule_due_while_the_runner_was_down_applies_once_and_says_how_late(t: Team) {
        let r = schedule(&t, &t.staging).await;
        t.clock.advance(3 * HOUR);
        assert_eq!(t.changes.run_due(10, LATE).await.unwrap().len(), 1);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
        assert_eq!(t.state(&t.staging).await.version, 1);
        let log = t.log().await;
        let applied = log
            .iter()
            .find(|e| e.action == "flag_state.update")
            .unwrap();
        assert_eq!(applied.actor, Actor::System("scheduler".into()));
        let via = applied.request.as_ref().unwrap();
        assert_eq!(via.id, r.id);
        assert_eq!(via.late_by_ms, Some(2 * HOUR));
        assert_eq!(log.last().unwrap().action, "schedule.apply");
    }

    pub async fn two_scheduler_runners_apply_a_schedule_once(t: Team) {
        schedule(&t, &t.staging).await;
        t.clock.advance(HOUR);
        let (a, b) = tokio::join!(t.changes.run_due(10, LATE), t.changes.run_due(10, LATE));
        assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
        assert_eq!(t.state(&t.staging).await.version, 1);
        let applies = t
            .log()
            .await
            .iter()
            .filter(|e| e.action == "schedule.apply")
            .count();
        assert_eq!(applies, 1);
    }

    pub async fn a_stale_schedule_fails_without_writing(t: Team) {
        let r = schedule(&t, &t.staging).await;
        let off = StateInput {
            enabled: false,
            default_variant: Some("off".into()),
            targeting: None,
            prerequisites: vec![],
        };
        t.changes
            .put_state(&t.editor2, &t.project, &t.staging, "checkout", 0, off)
            .await
            .unwrap();
        t.clock.advance(HOUR);
        let done = t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(done[0].status, "conflicted");
        let state = t.state(&t.staging).await;
        assert_eq!((state.version, state.enabled), (1, false));
        assert!(t.request(&r.id).await.problem.is_some());
        assert_eq!(t.log().await.last().unwrap().action, "schedule.fail");
        // It is out of the due index: it does not fail again on every tick.
        t.clock.advance(HOUR);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
    }

    pub async fn an_unapproved_schedule_fails_at_its_time(t: Team) {
        let r = schedule(&t, &t.production).await;
        assert_eq!(r.status, RequestStatus::Open);
        t.clock.advance(HOUR);
        let done = t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(done[0].status, "failed");
        assert_eq!(t.state(&t.production).await.version, 0);
        assert_eq!(t.log().await.last().unwrap().action, "schedule.fail");
    }

    pub async fn an_approved_schedule_on_a_protected_environment_applies(t: Team) {
        let r = schedule(&t, &t.production).await;
        t.approve(&t.editor2, &r).await;
        t.clock.advance(HOUR);
        let done = t.changes.run_due(10, LATE).await.unwrap();
        assert_eq!(done[0].status, "applied");
        assert!(t.state(&t.production).await.enabled);
    }

    pub async fn a_schedule_in_the_past_is_refused(t: Team) {
        let err = t
            .changes
            .open_request(
                &t.editor,
                &t.project,
                NewRequest {
                    title: "Yesterday".into(),
                    description: String::new(),
                    changes: vec![t.turn_on(&t.staging).await],
                    scheduled_at: Some(T0 - 1),
                },
            )
            .await
            .unwrap_err();
        let ChangeError::Invalid { problems, .. } = err else {
            panic!("expected a problem, got {err:?}");
        };
        assert_eq!(problems[0].path, "/scheduledAt");
        assert!(
            t.changes
                .store()
                .due_items(i64::MAX, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    pub async fn an_edit_moves_the_schedule(t: Team) {
        let r = schedule(&t, &t.staging).await;
        t.changes
            .edit_request(
                &t.editor,
                &t.project,
                &r.id,
                RequestPatch {
                    scheduled_at: Some(Some(T0 + 2 * HOUR)),
                    version: r.version,
                    ..RequestPatch::default()
                },
            )
            .await
            .unwrap();
        t.clock.advance(HOUR);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
        assert_eq!(t.state(&t.staging).await.version, 0);
        t.clock.advance(HOUR);
        assert_eq!(t.changes.run_due(10, LATE).await.unwrap().len(), 1);
    }

    pub async fn a_withdrawn_schedule_never_applies(t: Team) {
        let r = schedule(&t, &t.staging).await;
        t.changes
            .withdraw_request(&t.editor, &t.project, &r.id, r.version)
            .await
            .unwrap();
        t.clock.advance(HOUR);
        assert!(t.changes.run_due(10, LATE).await.unwrap().is_empty());
        assert_eq!(t.state(&t.staging).await.version, 0);
        assert!(
            t.changes
                .store()
                .due_items(i64::MAX, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
