//! Change requests and approvals, on both backends: who may approve, what withdraws approvals,
//! what a protected environment refuses, and that races end in exactly one outcome.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use governance::Team;
use switchyard_core::changes::{
    ChangeError, EnvironmentPatch, NewRequest, RequestPatch, StateInput,
};
use switchyard_core::domain::*;

on_both_stores!(
    Team::embedded(),
    Team::dynamodb();
    a_protected_environment_refuses_direct_changes,
    an_unprotected_environment_takes_direct_changes,
    self_approval_is_refused,
    a_viewer_role_below_the_policy_cannot_approve,
    an_approved_request_applies_in_one_change_naming_its_approvers,
    an_edit_after_approval_withdraws_it,
    two_approvers_racing_both_land,
    two_appliers_racing_apply_once,
    apply_racing_a_direct_edit_gives_one_outcome,
    a_stale_request_is_conflicted_and_writes_nothing,
    a_conflicted_request_applies_after_refresh,
    an_owner_bypass_is_recorded_where_the_policy_allows,
    a_bypass_is_refused_where_the_policy_forbids_it,
    unknown_base_versions_are_refused,
    a_policy_asking_more_approvals_than_members_can_give_is_refused,
    a_segment_used_in_a_protected_environment_needs_approval,
    a_flag_definition_change_needs_approval_when_any_environment_is_protected,
    requests_list_by_status,
    a_policy_raised_after_approval_holds_the_request_back,
);

mod cases {
    use super::*;

    pub async fn a_protected_environment_refuses_direct_changes(t: Team) {
        let err = t
            .changes
            .put_state(&t.owner, &t.project, &t.production, "checkout", 0, on())
            .await
            .unwrap_err();
        let ChangeError::ApprovalRequired { environments, .. } = err else {
            panic!("expected approval_required, got {err:?}");
        };
        assert_eq!(environments, ["production"]);
        assert_eq!(t.state(&t.production).await.version, 0);
    }

    pub async fn an_unprotected_environment_takes_direct_changes(t: Team) {
        let s = t
            .changes
            .put_state(&t.editor, &t.project, &t.staging, "checkout", 0, on())
            .await
            .unwrap();
        assert!(s.enabled);
    }

    pub async fn self_approval_is_refused(t: Team) {
        let r = t.propose(&t.editor, &t.production).await;
        let err = t
            .changes
            .review_request(&t.editor, &t.project, &r.id, Some(r.revision), true, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Forbidden(_)), "{err:?}");
        assert!(t.request(&r.id).await.approvals.is_empty());
    }

    pub async fn a_viewer_role_below_the_policy_cannot_approve(mut t: Team) {
        t.protect(1, Role::Admin, false).await;
        let r = t.propose(&t.editor, &t.production).await;
        let err = t
            .changes
            .review_request(&t.editor2, &t.project, &r.id, Some(r.revision), true, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Forbidden(_)), "{err:?}");
        let approved = t.approve(&t.admin, &r).await;
        assert_eq!(approved.status, RequestStatus::Approved);
    }

    pub async fn an_approved_request_applies_in_one_change_naming_its_approvers(t: Team) {
        let r = t.propose(&t.editor, &t.production).await;
        assert_eq!(r.status, RequestStatus::Open);
        let r = t.approve(&t.editor2, &r).await;
        assert_eq!(r.status, RequestStatus::Approved);
        let applied = t
            .changes
            .apply_request(&t.editor, &t.project, &r.id, Some(r.revision), None)
            .await
            .unwrap();
        assert_eq!(applied.status, RequestStatus::Applied);
        assert!(t.state(&t.production).await.enabled);
        let log = t.log().await;
        let state = log
            .iter()
            .find(|e| e.action == "flag_state.update")
            .unwrap();
        let via = state.request.as_ref().unwrap();
        assert_eq!(via.id, r.id);
        assert_eq!(via.approvers, [t.editor2.to_string()]);
        let own = log.last().unwrap();
        assert_eq!(own.action, "change_request.apply");
        assert_eq!(own.seq, state.seq + 1);
    }

    pub async fn an_edit_after_approval_withdraws_it(t: Team) {
        let r = t.propose(&t.editor, &t.production).await;
        let r = t.approve(&t.editor2, &r).await;
        let edited = t
            .changes
            .edit_request(
                &t.editor,
                &t.project,
                &r.id,
                RequestPatch {
                    title: Some("Turn on checkout, today".into()),
                    version: r.version,
                    ..RequestPatch::default()
                },
            )
            .await
            .unwrap();
        assert!(edited.approvals.is_empty());
        assert_eq!(edited.status, RequestStatus::Open);
        let err = t
            .changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Conflict { .. }), "{err:?}");
        // An approval of the revision before the edit does not count for the new one.
        let stale = t
            .changes
            .review_request(&t.editor2, &t.project, &r.id, Some(r.revision), true, None)
            .await
            .unwrap_err();
        assert!(matches!(stale, ChangeError::Conflict { .. }), "{stale:?}");
        assert_eq!(t.state(&t.production).await.version, 0);
    }

    pub async fn two_approvers_racing_both_land(mut t: Team) {
        t.protect(2, Role::Editor, false).await;
        let r = t.propose(&t.editor, &t.production).await;
        let (a, b) = tokio::join!(
            t.changes
                .review_request(&t.editor2, &t.project, &r.id, Some(r.revision), true, None),
            t.changes
                .review_request(&t.admin, &t.project, &r.id, Some(r.revision), true, None),
        );
        a.unwrap();
        b.unwrap();
        let now = t.request(&r.id).await;
        assert_eq!(now.approvals.len(), 2);
        assert_eq!(now.status, RequestStatus::Approved);
    }

    pub async fn two_appliers_racing_apply_once(t: Team) {
        let r = t.propose(&t.editor, &t.production).await;
        let r = t.approve(&t.editor2, &r).await;
        let (a, b) = tokio::join!(
            t.changes
                .apply_request(&t.editor, &t.project, &r.id, None, None),
            t.changes
                .apply_request(&t.admin, &t.project, &r.id, None, None),
        );
        assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
        assert_eq!(t.state(&t.production).await.version, 1);
        let applies = t
            .log()
            .await
            .iter()
            .filter(|e| e.action == "flag_state.update")
            .count();
        assert_eq!(applies, 1);
    }

    pub async fn apply_racing_a_direct_edit_gives_one_outcome(t: Team) {
        // Staging needs no approval: the request is approved at once and races a direct edit.
        let r = t.propose(&t.editor, &t.staging).await;
        assert_eq!(r.status, RequestStatus::Approved);
        let (applied, direct) = tokio::join!(
            t.changes
                .apply_request(&t.editor, &t.project, &r.id, None, None),
            t.changes
                .put_state(&t.editor2, &t.project, &t.staging, "checkout", 0, off()),
        );
        assert_eq!(
            applied.is_ok() as u8 + direct.is_ok() as u8,
            1,
            "{applied:?} {direct:?}"
        );
        let state = t.state(&t.staging).await;
        assert_eq!(state.version, 1);
        let status = t.request(&r.id).await.status;
        if applied.is_ok() {
            assert!(state.enabled);
            assert_eq!(status, RequestStatus::Applied);
        } else {
            assert!(!state.enabled);
            assert_eq!(status, RequestStatus::Conflicted);
        }
    }

    pub async fn a_stale_request_is_conflicted_and_writes_nothing(t: Team) {
        let r = t.propose(&t.editor, &t.staging).await;
        t.changes
            .put_state(&t.editor2, &t.project, &t.staging, "checkout", 0, off())
            .await
            .unwrap();
        let err = t
            .changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Conflict { .. }), "{err:?}");
        let now = t.request(&r.id).await;
        assert_eq!(now.status, RequestStatus::Conflicted);
        assert!(now.problem.is_some());
        let state = t.state(&t.staging).await;
        assert_eq!((state.version, state.enabled), (1, false));
        assert_eq!(
            t.log().await.last().unwrap().action,
            "change_request.conflict"
        );
    }

    pub async fn a_conflicted_request_applies_after_refresh(t: Team) {
        let r = t.propose(&t.editor, &t.staging).await;
        t.changes
            .put_state(&t.editor2, &t.project, &t.staging, "checkout", 0, off())
            .await
            .unwrap();
        let _ = t
            .changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await;
        let conflicted = t.request(&r.id).await;
        let refreshed = t
            .changes
            .refresh_request(&t.editor, &t.project, &r.id, conflicted.version)
            .await
            .unwrap();
        assert_eq!(refreshed.status, RequestStatus::Approved);
        assert_eq!(refreshed.changes[0].base_version(), 1);
        t.changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await
            .unwrap();
        assert!(t.state(&t.staging).await.enabled);
    }

    pub async fn an_owner_bypass_is_recorded_where_the_policy_allows(mut t: Team) {
        t.protect(2, Role::Admin, true).await;
        let r = t.propose(&t.editor, &t.production).await;
        let err = t
            .changes
            .apply_request(&t.admin, &t.project, &r.id, None, Some("outage".into()))
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Forbidden(_)), "{err:?}");
        let applied = t
            .changes
            .apply_request(&t.owner, &t.project, &r.id, None, Some("outage".into()))
            .await
            .unwrap();
        assert_eq!(applied.bypass.as_ref().unwrap().reason, "outage");
        let log = t.log().await;
        let state = log
            .iter()
            .find(|e| e.action == "flag_state.update")
            .unwrap();
        let via = state.request.as_ref().unwrap();
        assert_eq!(via.bypass.as_ref().unwrap().by, t.owner.to_string());
    }

    pub async fn a_bypass_is_refused_where_the_policy_forbids_it(t: Team) {
        let r = t.propose(&t.editor, &t.production).await;
        let err = t
            .changes
            .apply_request(&t.owner, &t.project, &r.id, None, Some("outage".into()))
            .await
            .unwrap_err();
        assert!(matches!(err, ChangeError::Forbidden(_)), "{err:?}");
        assert_eq!(t.state(&t.production).await.version, 0);
    }

    pub async fn unknown_base_versions_are_refused(t: Team) {
        let mut change = t.turn_on(&t.production).await;
        if let ProposedChange::State { base_version, .. } = &mut change {
            *base_version = 7;
        }
        let err = t
            .changes
            .open_request(
                &t.editor,
                &t.project,
                NewRequest {
                    title: "From the future".into(),
                    description: String::new(),
                    changes: vec![change],
                    scheduled_at: None,
                },
            )
            .await
            .unwrap_err();
        let ChangeError::Invalid { problems, .. } = err else {
            panic!("expected a problem, got {err:?}");
        };
        assert_eq!(problems[0].path, "/changes/0/baseVersion");
        let none = t
            .changes
            .store()
            .list_requests(&t.project.id, None, None, 10)
            .await
            .unwrap();
        assert!(none.items.is_empty());
    }

    pub async fn a_policy_asking_more_approvals_than_members_can_give_is_refused(t: Team) {
        // Owner and admin are the only members who are admin or stronger.
        let err = t
            .changes
            .update_environment(
                &t.owner,
                &t.project,
                &t.current(&t.staging.id).await,
                EnvironmentPatch {
                    approval: Some(Some(ApprovalPolicy {
                        approvals: 3,
                        min_role: Role::Admin,
                        owner_bypass: false,
                    })),
                    ..EnvironmentPatch::default()
                },
            )
            .await
            .unwrap_err();
        let ChangeError::Invalid { problems, .. } = err else {
            panic!("expected a problem, got {err:?}");
        };
        assert_eq!(problems[0].path, "/approval/approvals");
        assert!(t.current(&t.staging.id).await.approval.is_none());
    }

    pub async fn a_segment_used_in_a_protected_environment_needs_approval(t: Team) {
        let patch = || switchyard_core::changes::SegmentPatch {
            rule: Some(serde_json::json!({"==": [{"var": "plan"}, "pro"]})),
            ..Default::default()
        };
        // Unused anywhere protected: a direct edit is fine.
        t.changes
            .update_segment(&t.editor, &t.project, "beta", 1, patch())
            .await
            .unwrap();
        let r = t
            .changes
            .open_request(
                &t.editor,
                &t.project,
                NewRequest {
                    title: "Beta users get checkout".into(),
                    description: String::new(),
                    changes: vec![ProposedChange::State {
                        environment_id: t.production.id.clone(),
                        flag: "checkout".into(),
                        base_version: 0,
                        enabled: true,
                        default_variant: Some("off".into()),
                        targeting: Some(serde_json::json!({"if": [{"$ref": "beta"}, "on", null]})),
                        prerequisites: vec![],
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
        let err = t
            .changes
            .update_segment(&t.editor, &t.project, "beta", 2, patch())
            .await
            .unwrap_err();
        assert!(
            matches!(err, ChangeError::ApprovalRequired { .. }),
            "{err:?}"
        );
    }

    pub async fn a_flag_definition_change_needs_approval_when_any_environment_is_protected(
        t: Team,
    ) {
        let err = t
            .changes
            .update_flag(
                &t.editor,
                &t.project,
                "checkout",
                1,
                switchyard_core::changes::FlagPatch {
                    archived: Some(true),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, ChangeError::ApprovalRequired { .. }),
            "{err:?}"
        );
        let r = t
            .changes
            .open_request(
                &t.editor,
                &t.project,
                NewRequest {
                    title: "Archive checkout".into(),
                    description: String::new(),
                    changes: vec![ProposedChange::Flag {
                        flag: "checkout".into(),
                        base_version: 1,
                        name: None,
                        description: None,
                        tags: None,
                        variants: None,
                        archived: Some(true),
                        client_visible: None,
                    }],
                    scheduled_at: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            r.protected_environments,
            std::slice::from_ref(&t.production.id)
        );
        assert_eq!(r.status, RequestStatus::Open);
    }

    pub async fn a_policy_raised_after_approval_holds_the_request_back(mut t: Team) {
        let r = t.propose(&t.editor, &t.production).await;
        let r = t.approve(&t.editor2, &r).await;
        assert_eq!(r.status, RequestStatus::Approved);
        t.protect(2, Role::Editor, false).await;
        let held = t
            .changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await
            .unwrap_err();
        assert!(matches!(held, ChangeError::Conflict { .. }), "{held:?}");
        assert_eq!(t.state(&t.production).await.version, 0);
        let r = t.approve(&t.admin, &r).await;
        assert_eq!(r.status, RequestStatus::Approved);
        t.changes
            .apply_request(&t.editor, &t.project, &r.id, None, None)
            .await
            .unwrap();
        assert!(t.state(&t.production).await.enabled);
    }

    pub async fn requests_list_by_status(t: Team) {
        let open = t.propose(&t.editor, &t.production).await;
        let staged = t.propose(&t.editor, &t.staging).await;
        let list = |s| {
            let store = t.changes.store().clone();
            let project = t.project.id.clone();
            async move {
                store
                    .list_requests(&project, s, None, 10)
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list(Some(RequestStatus::Open)).await, [open.id.as_str()]);
        assert_eq!(
            list(Some(RequestStatus::Approved)).await,
            [staged.id.as_str()]
        );
        assert_eq!(list(None).await, [staged.id, open.id]);
    }
}

fn on() -> StateInput {
    StateInput {
        enabled: true,
        default_variant: Some("on".into()),
        targeting: None,
        prerequisites: vec![],
    }
}

fn off() -> StateInput {
    StateInput {
        enabled: false,
        default_variant: Some("off".into()),
        targeting: None,
        prerequisites: vec![],
    }
}
