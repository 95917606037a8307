//! What the dashboard needs beyond the first API (issue #20): states per environment, a toggle,
//! the REST round trip, pending invitations, sign-up by invitation, renames and deletes,
//! critical environments and names for creators. Both stores, one behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::{FLAG, Project};
use common::{Api, assert_error};
use serde_json::{Value, json};
use switchyard_core::domain::hash_secret;

both_stores!(
    the_environment_list_has_every_flag_with_who_changed_it,
    a_patch_turns_a_flag_on_and_keeps_its_targeting,
    a_patch_with_a_stale_version_answers_409,
    a_put_accepts_the_body_a_get_returned,
    a_put_naming_another_flag_answers_422_and_changes_nothing,
    pending_invitations_are_listed_with_their_inviter,
    a_revoked_invitation_cannot_be_accepted,
    an_invitee_signs_up_into_the_inviting_organization,
    signing_up_with_an_invitation_for_another_email_makes_no_account,
    an_invitation_wins_over_an_organization_name,
    signing_up_without_an_organization_name_creates_one_for_the_user,
    renaming_the_organization_is_audited,
    an_editor_cannot_rename_the_organization,
    deleting_an_environment_ends_its_keys,
    deleting_a_project_removes_it_and_its_keys,
    production_starts_critical_and_can_be_unmarked,
    the_token_list_names_each_creator,
);

const PASSWORD: &str = "correct horse battery";

async fn invite(p: &Project, email: &str, role: &str) -> String {
    let r = p
        .call(
            "POST",
            &format!("/api/v1/orgs/{}/invitations", p.org),
            Some(json!({"email": email, "role": role})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["token"].as_str().unwrap().to_owned()
}

fn signup_body(email: &str, extra: Value) -> Value {
    let mut body = json!({"email": email, "password": PASSWORD, "name": "Bob"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

async fn the_environment_list_has_every_flag_with_who_changed_it(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let r = p
        .call(
            "GET",
            &p.url(&format!("/environments/{}/flags", p.prod)),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let states = r.body.as_array().unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0]["flagKey"], FLAG);
    assert_eq!(states[0]["enabled"], true);
    assert_eq!(states[0]["version"], 1);
    assert_eq!(states[0]["updatedByName"], "Ada");
}

async fn a_patch_turns_a_flag_on_and_keeps_its_targeting(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let off = p
        .call(
            "PATCH",
            &p.state_url(&p.prod),
            Some(json!({"enabled": false, "version": 1})),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(off.body["enabled"], false);
    assert_eq!(off.body["version"], 2);
    assert_eq!(off.body["targeting"], common::fixtures::beta_targeting());
    assert_eq!(off.body["defaultVariant"], "off");
}

async fn a_patch_with_a_stale_version_answers_409(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let r = p
        .call(
            "PATCH",
            &p.state_url(&p.prod),
            Some(json!({"enabled": false, "version": 0})),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "conflict");
    let now = p.call("GET", &p.state_url(&p.prod), None).await;
    assert_eq!(now.body["enabled"], true);
}

async fn a_put_accepts_the_body_a_get_returned(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let mut got = p.call("GET", &p.state_url(&p.prod), None).await.body;
    got["enabled"] = json!(false);
    let put = p.call("PUT", &p.state_url(&p.prod), Some(got)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["enabled"], false);
    assert_eq!(put.body["version"], 2);
}

async fn a_put_naming_another_flag_answers_422_and_changes_nothing(api: Api) {
    let p = Project::new(api).await;
    p.targeted_flag().await;
    let mut got = p.call("GET", &p.state_url(&p.prod), None).await.body;
    got["flagKey"] = json!("another-flag");
    got["enabled"] = json!(false);
    let put = p.call("PUT", &p.state_url(&p.prod), Some(got)).await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", put.body);
    let now = p.call("GET", &p.state_url(&p.prod), None).await;
    assert_eq!(now.body["version"], 1);
}

async fn pending_invitations_are_listed_with_their_inviter(api: Api) {
    let p = Project::new(api).await;
    invite(&p, "bob@example.com", "editor").await;
    let r = p
        .call("GET", &format!("/api/v1/orgs/{}/invitations", p.org), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = r.body.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["email"], "bob@example.com");
    assert_eq!(listed[0]["role"], "editor");
    assert_eq!(listed[0]["invitedByName"], "Ada");
}

async fn a_revoked_invitation_cannot_be_accepted(api: Api) {
    let p = Project::new(api).await;
    let token = invite(&p, "bob@example.com", "editor").await;
    let id = hash_secret(&token);
    let revoked = p
        .call(
            "DELETE",
            &format!("/api/v1/orgs/{}/invitations/{id}", p.org),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let signup = p
        .api
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body("bob@example.com", json!({"invitation": token}))),
        )
        .await;
    assert_error(&signup, StatusCode::NOT_FOUND, "not_found");
}

async fn an_invitee_signs_up_into_the_inviting_organization(api: Api) {
    let p = Project::new(api).await;
    let token = invite(&p, "bob@example.com", "editor").await;
    let r = p
        .api
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body("bob@example.com", json!({"invitation": token}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["organization"]["id"], p.org.as_str());
    let bob = r.body["token"].as_str().unwrap();
    let orgs = p.api.call("GET", "/api/v1/orgs", Some(bob), None).await;
    assert_eq!(orgs.body.as_array().unwrap().len(), 1, "{}", orgs.body);
    let members = p
        .call("GET", &format!("/api/v1/orgs/{}/members", p.org), None)
        .await;
    let bob_member = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "bob@example.com")
        .cloned()
        .unwrap();
    assert_eq!(bob_member["role"], "editor");
}

async fn signing_up_with_an_invitation_for_another_email_makes_no_account(api: Api) {
    let p = Project::new(api).await;
    let token = invite(&p, "bob@example.com", "editor").await;
    let r = p
        .api
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body("eve@example.com", json!({"invitation": token}))),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let login = p
        .api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "eve@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED, "{}", login.body);
}

async fn an_invitation_wins_over_an_organization_name(api: Api) {
    let p = Project::new(api).await;
    let token = invite(&p, "bob@example.com", "editor").await;
    let r = p
        .api
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body(
                "bob@example.com",
                json!({"invitation": token, "organization": "Bob's"}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["organization"]["id"], p.org.as_str());
}

async fn signing_up_without_an_organization_name_creates_one_for_the_user(api: Api) {
    let r = api
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body("bob@example.com", json!({}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["organization"]["name"], "Bob's organization");
    let org = r.body["organization"]["id"].as_str().unwrap();
    let token = r.body["token"].as_str().unwrap();
    let members = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/members"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(members.body[0]["role"], "owner", "{}", members.body);
}

async fn renaming_the_organization_is_audited(api: Api) {
    let p = Project::new(api).await;
    let r = p
        .call(
            "PATCH",
            &format!("/api/v1/orgs/{}", p.org),
            Some(json!({"name": "Acme"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["name"], "Acme");
    let got = p
        .call("GET", &format!("/api/v1/orgs/{}", p.org), None)
        .await;
    assert_eq!(got.body["name"], "Acme");
    let audit = p.call("GET", &p.audit_url("limit=1"), None).await;
    assert_eq!(audit.body["items"][0]["action"], "organization.update");
}

async fn an_editor_cannot_rename_the_organization(api: Api) {
    let p = Project::new(api).await;
    let token = invite(&p, "bob@example.com", "editor").await;
    let bob = p
        .api
        .call(
            "POST",
            "/api/v1/auth/signup",
            None,
            Some(signup_body("bob@example.com", json!({"invitation": token}))),
        )
        .await;
    let bob = bob.body["token"].as_str().unwrap();
    let r = p
        .api
        .call(
            "PATCH",
            &format!("/api/v1/orgs/{}", p.org),
            Some(bob),
            Some(json!({"name": "Bob's now"})),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
}

async fn deleting_an_environment_ends_its_keys(api: Api) {
    let p = Project::new(api).await;
    let key = p.key(&p.dev, "server").await;
    let secret = key.body["secret"].as_str().unwrap().to_owned();
    let r = p
        .call("DELETE", &p.url(&format!("/environments/{}", p.dev)), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert!(
        p.api
            .store
            .find_sdk_key(&hash_secret(&secret))
            .await
            .unwrap()
            .is_none()
    );
    let envs = p.call("GET", &p.url("/environments"), None).await;
    assert_eq!(envs.body.as_array().unwrap().len(), 1, "{}", envs.body);
}

async fn deleting_a_project_removes_it_and_its_keys(api: Api) {
    let p = Project::new(api).await;
    let key = p.key(&p.prod, "client").await;
    let secret = key.body["secret"].as_str().unwrap().to_owned();
    let r = p.call("DELETE", &p.url(""), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        p.call("GET", &p.url(""), None).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = p
        .call("GET", &format!("/api/v1/orgs/{}/projects", p.org), None)
        .await;
    assert!(listed.body["items"].as_array().unwrap().is_empty());
    assert!(
        p.api
            .store
            .find_sdk_key(&hash_secret(&secret))
            .await
            .unwrap()
            .is_none()
    );
}

async fn production_starts_critical_and_can_be_unmarked(api: Api) {
    let p = Project::new(api).await;
    assert_eq!(p.created.body["environments"][0]["critical"], false);
    assert_eq!(p.created.body["environments"][1]["critical"], true);
    let r = p
        .call(
            "PATCH",
            &p.url(&format!("/environments/{}", p.prod)),
            Some(json!({"critical": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["critical"], false);
}

async fn the_token_list_names_each_creator(api: Api) {
    let p = Project::new(api).await;
    let made = p
        .call(
            "POST",
            &format!("/api/v1/orgs/{}/tokens", p.org),
            Some(json!({"name": "ci", "scopes": ["read"], "expiresInDays": 30})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let listed = p
        .call("GET", &format!("/api/v1/orgs/{}/tokens", p.org), None)
        .await;
    assert_eq!(listed.body[0]["createdByName"], "Ada", "{}", listed.body);
}
