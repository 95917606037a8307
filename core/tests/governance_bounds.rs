//! Every bound of change requests, policies and ramps, each refused with a clear error that
//! names it, and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use governance::{T0, Team};
use serde_json::json;
use switchyard_core::changes::{
    ChangeError, EnvironmentPatch, MAX_CHANGES_PER_REQUEST, MAX_COMMENTS, MAX_RAMP_STEPS, NewRamp,
    NewRequest, Quotas,
};
use switchyard_core::domain::*;

async fn team() -> Team {
    Team::embedded().await
}

fn request(changes: Vec<ProposedChange>, scheduled_at: Option<i64>) -> NewRequest {
    NewRequest {
        title: "Bounded".into(),
        description: String::new(),
        changes,
        scheduled_at,
    }
}

/// The path of the first problem of an invalid change.
fn problem(err: ChangeError) -> String {
    match err {
        ChangeError::Invalid { problems, .. } => problems[0].path.clone(),
        other => panic!("expected a problem, got {other:?}"),
    }
}

async fn no_requests(t: &Team) {
    let page = t
        .changes
        .store()
        .list_requests(&t.project.id, None, None, 10)
        .await
        .unwrap();
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn a_request_holds_at_most_twenty_changes() {
    let t = team().await;
    let change = t.turn_on(&t.staging).await;
    let many = vec![change; MAX_CHANGES_PER_REQUEST + 1];
    let err = t
        .changes
        .open_request(&t.editor, &t.project, request(many, None))
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/changes");
    no_requests(&t).await;
}

#[tokio::test]
async fn a_request_holds_at_most_300_kib_of_changes() {
    let t = team().await;
    let big = json!({"in": [{"var": "email"}, vec!["x".repeat(100); 3200]]});
    let change = ProposedChange::State {
        environment_id: t.staging.id.clone(),
        flag: "checkout".into(),
        base_version: 0,
        enabled: true,
        default_variant: Some("on".into()),
        targeting: Some(json!({"if": [big, "on", null]})),
        prerequisites: vec![],
    };
    let err = t
        .changes
        .open_request(&t.editor, &t.project, request(vec![change], None))
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/changes");
    no_requests(&t).await;
}

#[tokio::test]
async fn a_schedule_is_at_most_a_year_ahead() {
    let t = team().await;
    let change = t.turn_on(&t.staging).await;
    let next_year = T0 + 367 * 24 * 3600 * 1000;
    let err = t
        .changes
        .open_request(
            &t.editor,
            &t.project,
            request(vec![change], Some(next_year)),
        )
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/scheduledAt");
    no_requests(&t).await;
}

#[tokio::test]
async fn a_project_holds_at_most_its_quota_of_active_requests() {
    let mut t = team().await;
    t.changes = t.changes.clone().with_quotas(Quotas {
        active_requests_per_project: 2,
        ..Quotas::default()
    });
    t.propose(&t.editor, &t.staging).await;
    t.propose(&t.editor, &t.production).await;
    let change = t.turn_on(&t.staging).await;
    let err = t
        .changes
        .open_request(&t.editor, &t.project, request(vec![change], None))
        .await
        .unwrap_err();
    let ChangeError::Quota(q) = err else {
        panic!("expected the quota, got {err:?}");
    };
    assert_eq!(q.limit, 2);
}

#[tokio::test]
async fn a_comment_is_at_most_2000_characters() {
    let t = team().await;
    let r = t.propose(&t.editor, &t.production).await;
    let err = t
        .changes
        .comment_request(&t.owner, &t.project, &r.id, &"x".repeat(2001))
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/text");
    assert!(
        t.changes
            .store()
            .list_comments(&r.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_request_takes_at_most_two_hundred_comments() {
    let t = team().await;
    let r = t.propose(&t.editor, &t.production).await;
    for _ in 0..MAX_COMMENTS {
        t.changes
            .comment_request(&t.owner, &t.project, &r.id, "again")
            .await
            .unwrap();
    }
    let err = t
        .changes
        .comment_request(&t.owner, &t.project, &r.id, "one more")
        .await
        .unwrap_err();
    assert!(matches!(err, ChangeError::Conflict { .. }), "{err:?}");
    assert_eq!(
        t.changes.store().list_comments(&r.id).await.unwrap().len(),
        MAX_COMMENTS
    );
}

#[tokio::test]
async fn a_policy_asks_for_at_most_ten_approvals() {
    let t = team().await;
    let err = t
        .changes
        .update_environment(
            &t.owner,
            &t.project,
            &t.current(&t.staging.id).await,
            EnvironmentPatch {
                approval: Some(Some(ApprovalPolicy {
                    approvals: 11,
                    min_role: Role::Editor,
                    owner_bypass: false,
                })),
                ..EnvironmentPatch::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/approval/approvals");
}

#[tokio::test]
async fn a_bypass_reason_is_at_most_500_characters() {
    let mut t = team().await;
    t.protect(1, Role::Editor, true).await;
    let r = t.propose(&t.editor, &t.production).await;
    let err = t
        .changes
        .apply_request(&t.owner, &t.project, &r.id, None, Some("x".repeat(501)))
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/bypassReason");
    assert_eq!(t.state(&t.production).await.version, 0);
}

#[tokio::test]
async fn a_ramp_has_at_most_twenty_steps() {
    let t = team().await;
    let steps = (1..=MAX_RAMP_STEPS as u32 + 1)
        .map(|percent| RampStep {
            percent,
            hold_ms: 1000,
        })
        .collect();
    let err = t
        .changes
        .start_ramp(
            &t.editor,
            &t.project,
            &t.staging,
            "checkout",
            NewRamp {
                variant: "on".into(),
                baseline: "off".into(),
                steps,
                version: 0,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(problem(err), "/steps");
    assert_eq!(t.state(&t.staging).await.version, 0);
}
