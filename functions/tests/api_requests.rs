//! Change requests through the API, on both stores: who may propose, review and apply (users
//! and tokens), what a protected environment answers, and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_error};
use serde_json::{Value, json};

both_stores!(
    a_direct_change_to_a_protected_environment_answers_approval_required,
    a_request_is_proposed_approved_by_another_member_and_applied,
    the_author_cannot_approve_their_request,
    a_propose_token_opens_a_request_but_cannot_apply_it,
    the_owner_of_a_token_cannot_approve_its_request,
    an_api_token_cannot_review,
    an_api_token_cannot_set_an_approval_policy,
    a_policy_asking_more_approvals_than_members_can_give_is_refused,
    a_schedule_in_the_past_is_refused_and_nothing_is_stored,
    unknown_fields_in_a_change_are_refused,
    another_tenants_request_is_not_found,
    a_comment_is_listed_with_its_request,
    a_tokens_proposal_is_audited_with_the_tokens_name,
    a_ramp_starts_at_its_first_step_and_pauses,
    a_ramp_in_a_protected_environment_answers_approval_required,
    a_ramp_whose_steps_do_not_grow_is_refused_and_nothing_is_written,
);

/// An owner's organization with an editor, a project (staging, production), a flag `checkout`
/// and production requiring one editor's approval.
struct Team {
    api: Api,
    owner: String,
    editor: String,
    org: String,
    project: String,
    staging: String,
    production: String,
}

impl Team {
    async fn new(api: Api) -> Team {
        let (owner, org, _) = api.signup("owner@example.com").await;
        let inv = api
            .call(
                "POST",
                &format!("/api/v1/orgs/{org}/invitations"),
                Some(&owner),
                Some(json!({"email": "editor@example.com", "role": "editor"})),
            )
            .await;
        let invitation = inv.body["token"].as_str().unwrap().to_owned();
        let signed = api.call("POST", "/api/v1/auth/signup", None, Some(json!({"email": "editor@example.com", "password": "correct horse battery", "name": "Bea", "organization": "Bea's"}))).await;
        let editor = signed.body["token"].as_str().unwrap().to_owned();
        let joined = api
            .call(
                "POST",
                "/api/v1/invitations/accept",
                Some(&editor),
                Some(json!({"token": invitation})),
            )
            .await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
        let p = api
            .call(
                "POST",
                &format!("/api/v1/orgs/{org}/projects"),
                Some(&owner),
                Some(json!({"name": "Shop", "environments": ["staging", "production"]})),
            )
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        let project = p.body["project"]["id"].as_str().unwrap().to_owned();
        let env = |i: usize| p.body["environments"][i]["id"].as_str().unwrap().to_owned();
        let (staging, production) = (env(0), env(1));
        let f = api
            .call(
                "POST",
                &format!("/api/v1/projects/{project}/flags"),
                Some(&owner),
                Some(json!({"key": "checkout", "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})),
            )
            .await;
        assert_eq!(f.status, StatusCode::CREATED, "{}", f.body);
        let t = Team {
            api,
            owner,
            editor,
            org,
            project,
            staging,
            production,
        };
        let protect = t
            .set_policy(
                &t.owner.clone(),
                json!({"approvals": 1, "minRole": "editor"}),
            )
            .await;
        assert_eq!(protect.status, StatusCode::OK, "{}", protect.body);
        t
    }

    async fn set_policy(&self, token: &str, policy: Value) -> common::Reply {
        self.api
            .call(
                "PATCH",
                &format!(
                    "/api/v1/projects/{}/environments/{}",
                    self.project, self.production
                ),
                Some(token),
                Some(json!({ "approval": policy })),
            )
            .await
    }

    fn requests(&self, rest: &str) -> String {
        format!("/api/v1/projects/{}/change-requests{rest}", self.project)
    }

    /// The body of a request that turns `checkout` on in production.
    fn turn_on(&self) -> Value {
        json!({
            "title": "Turn on checkout",
            "changes": [{"kind": "state", "environmentId": self.production, "flag": "checkout",
                         "baseVersion": 0, "enabled": true, "defaultVariant": "on"}]
        })
    }

    async fn propose(&self, token: &str) -> Value {
        let r = self
            .api
            .call(
                "POST",
                &self.requests(""),
                Some(token),
                Some(self.turn_on()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    async fn post(&self, token: &str, id: &Value, action: &str, body: Value) -> common::Reply {
        let path = self.requests(&format!("/{}/{action}", id.as_str().unwrap()));
        self.api.call("POST", &path, Some(token), Some(body)).await
    }

    /// An API token of the owner's with `scopes`: its secret.
    async fn token(&self, scopes: Value) -> String {
        let r = self
            .api
            .call(
                "POST",
                &format!("/api/v1/orgs/{}/tokens", self.org),
                Some(&self.owner),
                Some(json!({"name": "agent", "scopes": scopes})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["secret"].as_str().unwrap().to_owned()
    }

    async fn production_state(&self) -> Value {
        let path = format!(
            "/api/v1/projects/{}/environments/{}/flags/checkout",
            self.project, self.production
        );
        self.api
            .call("GET", &path, Some(&self.owner), None)
            .await
            .body
    }
}

async fn a_direct_change_to_a_protected_environment_answers_approval_required(api: Api) {
    let t = Team::new(api).await;
    let path = format!(
        "/api/v1/projects/{}/environments/{}/flags/checkout",
        t.project, t.production
    );
    let r = t
        .api
        .call(
            "PUT",
            &path,
            Some(&t.owner),
            Some(json!({"enabled": true, "defaultVariant": "on", "version": 0})),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "approval_required");
    assert_eq!(
        r.body["error"]["details"]["environments"],
        json!(["production"])
    );
    assert_eq!(t.production_state().await["version"], 0);
}

async fn a_request_is_proposed_approved_by_another_member_and_applied(api: Api) {
    let t = Team::new(api).await;
    let r = t.propose(&t.editor).await;
    assert_eq!(r["status"], "open");
    let approved = t
        .post(
            &t.owner,
            &r["id"],
            "approve",
            json!({"revision": r["revision"]}),
        )
        .await;
    assert_eq!(approved.body["status"], "approved", "{}", approved.body);
    let applied = t.post(&t.editor, &r["id"], "apply", json!({})).await;
    assert_eq!(applied.body["status"], "applied", "{}", applied.body);
    assert_eq!(t.production_state().await["enabled"], true);
    let listed = t
        .api
        .call("GET", &t.requests("?status=applied"), Some(&t.owner), None)
        .await;
    assert_eq!(listed.body["items"][0]["id"], r["id"]);
}

async fn the_author_cannot_approve_their_request(api: Api) {
    let t = Team::new(api).await;
    let r = t.propose(&t.editor).await;
    let own = t.post(&t.editor, &r["id"], "approve", json!({})).await;
    assert_error(&own, StatusCode::FORBIDDEN, "forbidden");
}

async fn a_propose_token_opens_a_request_but_cannot_apply_it(api: Api) {
    let t = Team::new(api).await;
    let agent = t.token(json!(["propose"])).await;
    let r = t.propose(&agent).await;
    assert_eq!(
        r["author"].as_str().unwrap().split(':').next(),
        Some("token")
    );
    t.post(&t.editor, &r["id"], "approve", json!({})).await;
    let applied = t.post(&agent, &r["id"], "apply", json!({})).await;
    assert_error(&applied, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(t.production_state().await["version"], 0);
    // Nor can it change a flag directly, even where no approval is needed.
    let path = format!(
        "/api/v1/projects/{}/environments/{}/flags/checkout",
        t.project, t.staging
    );
    let direct = t
        .api
        .call(
            "PUT",
            &path,
            Some(&agent),
            Some(json!({"enabled": true, "defaultVariant": "on", "version": 0})),
        )
        .await;
    assert_error(&direct, StatusCode::FORBIDDEN, "forbidden");
}

async fn the_owner_of_a_token_cannot_approve_its_request(api: Api) {
    let t = Team::new(api).await;
    let agent = t.token(json!(["propose"])).await;
    let r = t.propose(&agent).await;
    let by_owner = t.post(&t.owner, &r["id"], "approve", json!({})).await;
    assert_error(&by_owner, StatusCode::FORBIDDEN, "forbidden");
    let by_editor = t.post(&t.editor, &r["id"], "approve", json!({})).await;
    assert_eq!(by_editor.body["status"], "approved", "{}", by_editor.body);
}

async fn an_api_token_cannot_review(api: Api) {
    let t = Team::new(api).await;
    let writer = t.token(json!(["read", "write-flags"])).await;
    let r = t.propose(&t.editor).await;
    let review = t.post(&writer, &r["id"], "approve", json!({})).await;
    assert_error(&review, StatusCode::FORBIDDEN, "forbidden");
}

async fn an_api_token_cannot_set_an_approval_policy(api: Api) {
    let t = Team::new(api).await;
    let admin_token = t.token(json!(["read", "write-projects"])).await;
    let r = t.set_policy(&admin_token, Value::Null).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let env = t
        .api
        .call(
            "GET",
            &format!(
                "/api/v1/projects/{}/environments/{}",
                t.project, t.production
            ),
            Some(&t.owner),
            None,
        )
        .await;
    assert_eq!(env.body["approval"]["approvals"], 1, "{}", env.body);
}

async fn a_policy_asking_more_approvals_than_members_can_give_is_refused(api: Api) {
    let t = Team::new(api).await;
    let r = t
        .set_policy(&t.owner, json!({"approvals": 3, "minRole": "editor"}))
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn a_schedule_in_the_past_is_refused_and_nothing_is_stored(api: Api) {
    let t = Team::new(api).await;
    let mut body = t.turn_on();
    body["scheduledAt"] = json!(1_000);
    let r = t
        .api
        .call("POST", &t.requests(""), Some(&t.editor), Some(body))
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let listed = t
        .api
        .call("GET", &t.requests(""), Some(&t.owner), None)
        .await;
    assert_eq!(listed.body["items"], json!([]));
}

async fn unknown_fields_in_a_change_are_refused(api: Api) {
    let t = Team::new(api).await;
    let mut body = t.turn_on();
    body["changes"][0]["enable"] = json!(true);
    let r = t
        .api
        .call("POST", &t.requests(""), Some(&t.editor), Some(body))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    let listed = t
        .api
        .call("GET", &t.requests(""), Some(&t.owner), None)
        .await;
    assert_eq!(listed.body["items"], json!([]));
}

async fn another_tenants_request_is_not_found(api: Api) {
    let t = Team::new(api).await;
    let r = t.propose(&t.editor).await;
    let (stranger, _, _) = t.api.signup("stranger@example.com").await;
    let path = t.requests(&format!("/{}", r["id"].as_str().unwrap()));
    assert_error(
        &t.api.call("GET", &path, Some(&stranger), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let approve = t.post(&stranger, &r["id"], "approve", json!({})).await;
    assert_error(&approve, StatusCode::NOT_FOUND, "not_found");
}

async fn a_comment_is_listed_with_its_request(api: Api) {
    let t = Team::new(api).await;
    let r = t.propose(&t.editor).await;
    let c = t
        .post(
            &t.owner,
            &r["id"],
            "comments",
            json!({"text": "Looks good after 5pm"}),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    let path = t.requests(&format!("/{}", r["id"].as_str().unwrap()));
    let view = t.api.call("GET", &path, Some(&t.editor), None).await;
    assert_eq!(view.body["comments"][0]["text"], "Looks good after 5pm");
    assert_eq!(view.body["title"], "Turn on checkout");
}

fn ramp_path(t: &Team, env: &str, rest: &str) -> String {
    format!(
        "/api/v1/projects/{}/environments/{env}/flags/checkout/ramp{rest}",
        t.project
    )
}

fn ramp_plan(first: u32, second: u32) -> Value {
    json!({"variant": "on", "baseline": "off", "version": 0, "steps": [
        {"percent": first, "holdMs": 60000}, {"percent": second, "holdMs": 60000}
    ]})
}

async fn a_ramp_starts_at_its_first_step_and_pauses(api: Api) {
    let t = Team::new(api).await;
    let path = ramp_path(&t, &t.staging, "");
    let r = t
        .api
        .call("POST", &path, Some(&t.editor), Some(ramp_plan(10, 100)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "active");
    let state_path = format!(
        "/api/v1/projects/{}/environments/{}/flags/checkout",
        t.project, t.staging
    );
    let state = t
        .api
        .call("GET", &state_path, Some(&t.owner), None)
        .await
        .body;
    assert_eq!(
        state["targeting"],
        json!({"fractional": [["on", 10], ["off", 90]]})
    );
    let paused = t
        .api
        .call(
            "POST",
            &ramp_path(&t, &t.staging, "/pause"),
            Some(&t.editor),
            Some(json!({"version": r.body["version"]})),
        )
        .await;
    assert_eq!(paused.body["status"], "paused", "{}", paused.body);
    let listed = t
        .api
        .call(
            "GET",
            &format!("/api/v1/projects/{}/ramps", t.project),
            Some(&t.owner),
            None,
        )
        .await;
    assert_eq!(listed.body["items"][0]["status"], "paused");
}

async fn a_ramp_in_a_protected_environment_answers_approval_required(api: Api) {
    let t = Team::new(api).await;
    let path = ramp_path(&t, &t.production, "");
    let r = t
        .api
        .call("POST", &path, Some(&t.owner), Some(ramp_plan(10, 100)))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "approval_required");
}

async fn a_ramp_whose_steps_do_not_grow_is_refused_and_nothing_is_written(api: Api) {
    let t = Team::new(api).await;
    let path = ramp_path(&t, &t.staging, "");
    let r = t
        .api
        .call("POST", &path, Some(&t.editor), Some(ramp_plan(50, 10)))
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        r.body["error"]["details"][0]["path"], "/steps/1/percent",
        "{}",
        r.body
    );
    let none = t.api.call("GET", &path, Some(&t.owner), None).await;
    assert_error(&none, StatusCode::NOT_FOUND, "not_found");
}

async fn a_tokens_proposal_is_audited_with_the_tokens_name(api: Api) {
    let t = Team::new(api).await;
    let agent = t.token(json!(["read", "propose"])).await;
    let r = t.propose(&agent).await;
    let path = format!(
        "/api/v1/orgs/{}/audit?target=change_request:{}",
        t.org,
        r["id"].as_str().unwrap()
    );
    let log = t.api.call("GET", &path, Some(&t.owner), None).await;
    let opened = &log.body["items"][0];
    assert_eq!(opened["action"], "change_request.open", "{}", log.body);
    assert_eq!(opened["actor"], r["author"]);
    assert_eq!(opened["actorName"], "agent");
}
