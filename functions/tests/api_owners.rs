//! An organization keeps at least one owner (issue #16): the rule is part of the transaction
//! (an owner count written with every owner change), so it holds under concurrent changes too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, Reply, assert_error};
use serde_json::json;

both_stores!(
    the_sole_owner_cannot_demote_themselves,
    a_second_owner_lets_the_first_step_down,
    two_owners_demoting_themselves_at_once_leave_one,
    an_invitation_cannot_demote_the_sole_owner,
);

struct Org {
    owner: String,
    owner_id: String,
    org: String,
}

async fn org(api: &Api) -> Org {
    let (owner, org, owner_id) = api.signup("owner@example.com").await;
    Org {
        owner,
        owner_id,
        org,
    }
}

async fn set_role(api: &Api, token: &str, org: &str, user: &str, role: &str) -> Reply {
    api.call(
        "PUT",
        &format!("/api/v1/orgs/{org}/members/{user}"),
        Some(token),
        Some(json!({"role": role})),
    )
    .await
}

/// The owner invites `email` as `role`.
async fn invite(api: &Api, o: &Org, email: &str, role: &str) -> Reply {
    api.call(
        "POST",
        &format!("/api/v1/orgs/{}/invitations", o.org),
        Some(&o.owner),
        Some(json!({"email": email, "role": role})),
    )
    .await
}

/// A second owner who joined by invitation: (token, user id).
async fn second_owner(api: &Api, o: &Org) -> (String, String) {
    let (token, _, id) = api.signup("second@example.com").await;
    let inv = invite(api, o, "second@example.com", "owner").await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
    let accepted = api
        .call(
            "POST",
            "/api/v1/invitations/accept",
            Some(&token),
            Some(json!({"token": inv.body["token"]})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    (token, id)
}

async fn owners(api: &Api, o: &Org) -> usize {
    let members = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{}/members", o.org),
            Some(&o.owner),
            None,
        )
        .await;
    members
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "owner")
        .count()
}

async fn the_sole_owner_cannot_demote_themselves(api: Api) {
    let o = org(&api).await;
    let r = set_role(&api, &o.owner, &o.org, &o.owner_id, "admin").await;
    assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert_eq!(owners(&api, &o).await, 1);
}

async fn a_second_owner_lets_the_first_step_down(api: Api) {
    let o = org(&api).await;
    second_owner(&api, &o).await;
    let r = set_role(&api, &o.owner, &o.org, &o.owner_id, "admin").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn two_owners_demoting_themselves_at_once_leave_one(api: Api) {
    let o = org(&api).await;
    let (second, second_id) = second_owner(&api, &o).await;
    let (a, b) = tokio::join!(
        set_role(&api, &o.owner, &o.org, &o.owner_id, "admin"),
        set_role(&api, &second, &o.org, &second_id, "admin"),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} {}",
        a.body,
        b.body
    );
    let remaining = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{}/members", o.org),
            Some(if a.status == StatusCode::OK {
                &second
            } else {
                &o.owner
            }),
            None,
        )
        .await;
    let count = remaining
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "owner")
        .count();
    assert_eq!(count, 1, "{}", remaining.body);
}

async fn an_invitation_cannot_demote_the_sole_owner(api: Api) {
    let o = org(&api).await;
    let inv = invite(&api, &o, "owner@example.com", "viewer").await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
    let accepted = api
        .call(
            "POST",
            "/api/v1/invitations/accept",
            Some(&o.owner),
            Some(json!({"token": inv.body["token"]})),
        )
        .await;
    assert_error(&accepted, StatusCode::CONFLICT, "conflict");
    assert_eq!(owners(&api, &o).await, 1);
}
