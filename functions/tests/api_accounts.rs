//! Accounts, sessions and organization administration, through the real routers, on both stores:
//! one behaviour per test, each from its own small fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, Reply, assert_error};
use serde_json::json;

both_stores!(
    // Accounts and sessions.
    signup_refuses_an_email_registered_in_another_case,
    signup_refuses_a_short_password_with_its_path,
    me_shows_the_user_and_memberships_but_never_the_password_hash,
    login_answers_an_unknown_email_like_a_wrong_password,
    login_ignores_the_emails_case,
    changing_the_password_revokes_other_sessions_and_issues_a_new_token,
    the_new_password_logs_in,
    logout_revokes_the_session,
    // Organizations and members.
    a_user_can_create_more_organizations,
    an_owner_reads_the_organization,
    an_invitation_can_only_be_accepted_by_its_email,
    accepting_an_invitation_makes_a_member_with_its_role,
    a_viewer_reads_but_does_not_write,
    a_viewer_cannot_change_roles,
    an_owner_changes_a_members_role,
    the_last_owner_cannot_be_removed,
    a_removed_member_no_longer_sees_the_organization,
    // API tokens.
    an_api_token_acts_within_its_scopes,
    an_api_token_cannot_list_api_tokens,
    an_owner_lists_the_api_tokens,
    a_revoked_api_token_answers_401,
);

const PASSWORD: &str = "correct horse battery";

async fn login(api: &Api, email: &str, password: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

async fn me(api: &Api, token: &str) -> Reply {
    api.call("GET", "/api/v1/auth/me", Some(token), None).await
}

/// Changes ada@example.com's password to "a brand new password" with `token`; the new token.
async fn change_password(api: &Api, token: &str) -> String {
    let changed = api
        .call(
            "POST",
            "/api/v1/auth/password",
            Some(token),
            Some(json!({"currentPassword": PASSWORD, "newPassword": "a brand new password"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    changed.body["token"].as_str().unwrap().to_owned()
}

// Accounts and sessions.

async fn signup_refuses_an_email_registered_in_another_case(api: Api) {
    api.signup("ada@example.com").await;
    let dup = api.call("POST", "/api/v1/auth/signup", None, Some(json!({"email": "ADA@example.com", "password": "another long pw", "name": "A", "organization": "X"}))).await;
    assert_error(&dup, StatusCode::CONFLICT, "conflict");
}

async fn signup_refuses_a_short_password_with_its_path(api: Api) {
    let weak = api.call("POST", "/api/v1/auth/signup", None, Some(json!({"email": "b@example.com", "password": "short", "name": "B", "organization": "X"}))).await;
    assert_error(&weak, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(weak.body["error"]["details"][0]["path"], "/password");
}

async fn me_shows_the_user_and_memberships_but_never_the_password_hash(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    let me = me(&api, &token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "ada@example.com");
    assert!(
        me.body["user"].get("passwordHash").is_none(),
        "never the hash"
    );
    assert_eq!(
        me.body["memberships"][0]["organization"]["id"],
        org.as_str()
    );
    assert_eq!(me.body["memberships"][0]["role"], "owner");
}

async fn login_answers_an_unknown_email_like_a_wrong_password(api: Api) {
    api.signup("ada@example.com").await;
    let bad = login(&api, "ada@example.com", "wrong password!").await;
    assert_error(&bad, StatusCode::UNAUTHORIZED, "unauthorized");
    let nobody = login(&api, "nobody@example.com", "wrong password!").await;
    assert_eq!(
        nobody.body["error"]["message"], bad.body["error"]["message"],
        "unknown email and wrong password look alike"
    );
}

async fn login_ignores_the_emails_case(api: Api) {
    api.signup("ada@example.com").await;
    let ok = login(&api, "Ada@Example.com", PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

async fn changing_the_password_revokes_other_sessions_and_issues_a_new_token(api: Api) {
    let (first, _, _) = api.signup("ada@example.com").await;
    let second = login(&api, "ada@example.com", PASSWORD).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let third = change_password(&api, second.body["token"].as_str().unwrap()).await;
    assert_error(
        &me(&api, &first).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(me(&api, &third).await.status, StatusCode::OK);
}

async fn the_new_password_logs_in(api: Api) {
    let (token, _, _) = api.signup("ada@example.com").await;
    change_password(&api, &token).await;
    let relogin = login(&api, "ada@example.com", "a brand new password").await;
    assert_eq!(relogin.status, StatusCode::OK, "{}", relogin.body);
}

async fn logout_revokes_the_session(api: Api) {
    let (token, _, _) = api.signup("ada@example.com").await;
    assert_eq!(
        api.call("POST", "/api/v1/auth/logout", Some(&token), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &me(&api, &token).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

// Organizations and members.

/// An invitation to `org` for `email` with `role`; its token.
async fn invite(api: &Api, owner: &str, org: &str, email: &str, role: &str) -> String {
    let inv = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(owner),
            Some(json!({"email": email, "role": role})),
        )
        .await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
    inv.body["token"].as_str().unwrap().to_owned()
}

async fn accept(api: &Api, token: &str, invitation: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/invitations/accept",
        Some(token),
        Some(json!({"token": invitation})),
    )
    .await
}

/// An owner's organization with a viewer who joined by invitation.
struct Team {
    owner: String,
    org: String,
    viewer: String,
    viewer_id: String,
}

impl Team {
    async fn new(api: &Api) -> Team {
        let (owner, org, _) = api.signup("owner@example.com").await;
        let (viewer, _, viewer_id) = api.signup("viewer@example.com").await;
        let invitation = invite(api, &owner, &org, "viewer@example.com", "viewer").await;
        let accepted = accept(api, &viewer, &invitation).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
        Team {
            owner,
            org,
            viewer,
            viewer_id,
        }
    }

    fn url(&self, rest: &str) -> String {
        format!("/api/v1/orgs/{}{rest}", self.org)
    }
}

async fn a_user_can_create_more_organizations(api: Api) {
    let (owner, _, _) = api.signup("owner@example.com").await;
    let o = Some(owner.as_str());
    let second = api
        .call("POST", "/api/v1/orgs", o, Some(json!({"name": "Second"})))
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let orgs = api.call("GET", "/api/v1/orgs", o, None).await;
    assert_eq!(orgs.body.as_array().unwrap().len(), 2);
}

async fn an_owner_reads_the_organization(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let got = api
        .call("GET", &format!("/api/v1/orgs/{org}"), Some(&owner), None)
        .await;
    assert_eq!(got.body["id"], org.as_str());
}

async fn an_invitation_can_only_be_accepted_by_its_email(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let invitation = invite(&api, &owner, &org, "viewer@example.com", "viewer").await;
    assert_error(
        &accept(&api, &owner, &invitation).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

async fn accepting_an_invitation_makes_a_member_with_its_role(api: Api) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let (viewer, _, _) = api.signup("viewer@example.com").await;
    let invitation = invite(&api, &owner, &org, "viewer@example.com", "viewer").await;
    let accepted = accept(&api, &viewer, &invitation).await;
    assert_eq!(accepted.body["role"], "viewer", "{}", accepted.body);
    let members = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/members"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(members.body.as_array().unwrap().len(), 2);
}

async fn a_viewer_reads_but_does_not_write(api: Api) {
    let team = Team::new(&api).await;
    let v = Some(team.viewer.as_str());
    assert_eq!(
        api.call("GET", &team.url("/projects"), v, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_error(
        &api.call(
            "POST",
            &team.url("/projects"),
            v,
            Some(json!({"name": "X"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

async fn a_viewer_cannot_change_roles(api: Api) {
    let team = Team::new(&api).await;
    assert_error(
        &api.call(
            "PUT",
            &team.url(&format!("/members/{}", team.viewer_id)),
            Some(&team.viewer),
            Some(json!({"role": "owner"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

async fn an_owner_changes_a_members_role(api: Api) {
    let team = Team::new(&api).await;
    let promoted = api
        .call(
            "PUT",
            &team.url(&format!("/members/{}", team.viewer_id)),
            Some(&team.owner),
            Some(json!({"role": "editor"})),
        )
        .await;
    assert_eq!(promoted.body["role"], "editor", "{}", promoted.body);
}

async fn the_last_owner_cannot_be_removed(api: Api) {
    let (owner, org, owner_id) = api.signup("owner@example.com").await;
    assert_error(
        &api.call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/members/{owner_id}"),
            Some(&owner),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
}

async fn a_removed_member_no_longer_sees_the_organization(api: Api) {
    let team = Team::new(&api).await;
    assert_eq!(
        api.call(
            "DELETE",
            &team.url(&format!("/members/{}", team.viewer_id)),
            Some(&team.owner),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &api.call("GET", &team.url(""), Some(&team.viewer), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

// API tokens.

/// An owner's organization and an API token with the read and write-flags scopes: (owner token,
/// org id, the API token's id, its secret).
async fn api_token(api: &Api) -> (String, String, String, String) {
    let (owner, org, _) = api.signup("owner@example.com").await;
    let created = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&owner),
            Some(json!({"name": "ci", "scopes": ["read", "write-flags"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["token"]["id"].as_str().unwrap().to_owned();
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    (owner, org, id, secret)
}

async fn an_api_token_acts_within_its_scopes(api: Api) {
    let (_, org, _, secret) = api_token(&api).await;
    let s = Some(secret.as_str());
    let projects = format!("/api/v1/orgs/{org}/projects");
    assert_eq!(
        api.call("GET", &projects, s, None).await.status,
        StatusCode::OK
    );
    assert_error(
        &api.call("POST", &projects, s, Some(json!({"name": "X"})))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

async fn an_api_token_cannot_list_api_tokens(api: Api) {
    let (_, org, _, secret) = api_token(&api).await;
    assert_error(
        &api.call(
            "GET",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&secret),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

async fn an_owner_lists_the_api_tokens(api: Api) {
    let (owner, org, _, _) = api_token(&api).await;
    let listed = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "{}", listed.body);
}

async fn a_revoked_api_token_answers_401(api: Api) {
    let (owner, org, id, secret) = api_token(&api).await;
    assert_eq!(
        api.call(
            "DELETE",
            &format!("/api/v1/orgs/{org}/tokens/{id}"),
            Some(&owner),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &api.call(
            "GET",
            &format!("/api/v1/orgs/{org}/projects"),
            Some(&secret),
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

// Renewals.

#[tokio::test]
async fn a_session_renews_into_a_token_that_works() {
    let api = Api::embedded();
    let (token, _, _) = api.signup("ada@example.com").await;
    let r = api
        .call("POST", "/api/v1/auth/refresh", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let renewed = r.body["token"].as_str().unwrap();
    let me = api
        .call("GET", "/api/v1/auth/me", Some(renewed), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
}

#[tokio::test]
async fn a_logged_out_session_does_not_renew() {
    let api = Api::embedded();
    let (token, _, _) = api.signup("ada@example.com").await;
    api.call("POST", "/api/v1/auth/logout", Some(&token), None)
        .await;
    let r = api
        .call("POST", "/api/v1/auth/refresh", Some(&token), None)
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
}
