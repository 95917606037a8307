//! Small fixtures for the flag API: an owner with one project, and the things a test puts in it.

use super::{Api, Reply};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use switchyard_core::bus::{BusMessage, Subscription};
use switchyard_core::domain::ChangeEvent;

/// The flag most tests use: boolean, with variants `on` and `off`.
pub const FLAG: &str = "new-checkout";
/// The segment most tests use.
pub const SEGMENT: &str = "beta-users";

/// The rule of [`SEGMENT`]: users on the beta or team plan.
pub fn beta_rule() -> Value {
    json!({"in": [{"var": "plan"}, ["beta", "team"]]})
}

/// Beta users get `on`; everybody else is split 10/90 between `on` and `off`.
pub fn beta_targeting() -> Value {
    json!({"if": [{"$ref": SEGMENT}, "on", {"fractional": [["on", 10], ["off", 90]]}]})
}

/// A signed-up owner with one project, which comes with development and production.
pub struct Project {
    pub api: Api,
    pub token: String,
    pub org: String,
    pub id: String,
    pub dev: String,
    pub prod: String,
    /// The reply that created the project.
    pub created: Reply,
}

impl Project {
    pub async fn new(api: Api) -> Project {
        let (token, org, _) = api.signup("ada@example.com").await;
        let created = api
            .call(
                "POST",
                &format!("/api/v1/orgs/{org}/projects"),
                Some(&token),
                Some(json!({"name": "Web"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id_of = |v: &Value| v["id"].as_str().unwrap().to_owned();
        Project {
            id: id_of(&created.body["project"]),
            dev: id_of(&created.body["environments"][0]),
            prod: id_of(&created.body["environments"][1]),
            api,
            token,
            org,
            created,
        }
    }

    /// The project's URL followed by `rest`.
    pub fn url(&self, rest: &str) -> String {
        format!("/api/v1/projects/{}{rest}", self.id)
    }

    /// The URL of [`FLAG`]'s state in an environment.
    pub fn state_url(&self, env: &str) -> String {
        self.url(&format!("/environments/{env}/flags/{FLAG}"))
    }

    /// The organization's audit log with a query, such as `target=flag:new-checkout`.
    pub fn audit_url(&self, query: &str) -> String {
        format!("/api/v1/orgs/{}/audit?{query}", self.org)
    }

    /// A call as the owner.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.api.call(method, path, Some(&self.token), body).await
    }

    /// A new environment; its id.
    pub async fn environment(&self, key: &str) -> String {
        let r = self
            .call(
                "POST",
                &self.url("/environments"),
                Some(json!({"key": key})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A new SDK key of `kind` in an environment: the reply that shows its secret.
    pub async fn key(&self, env: &str, kind: &str) -> Reply {
        let r = self
            .call(
                "POST",
                &self.url(&format!("/environments/{env}/keys")),
                Some(json!({"kind": kind})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r
    }

    /// [`SEGMENT`] with [`beta_rule`].
    pub async fn segment(&self) -> Reply {
        let r = self
            .call(
                "POST",
                &self.url("/segments"),
                Some(json!({"key": SEGMENT, "rule": beta_rule()})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r
    }

    /// [`FLAG`], never set in any environment.
    pub async fn flag(&self) -> Reply {
        let r = self
            .call(
                "POST",
                &self.url("/flags"),
                Some(json!({"key": FLAG, "type": "boolean", "tags": ["checkout"],
                    "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r
    }

    /// Puts [`FLAG`]'s state in an environment, expecting success.
    pub async fn set_state(&self, env: &str, state: Value) -> Value {
        let r = self.call("PUT", &self.state_url(env), Some(state)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    }

    /// [`SEGMENT`] and [`FLAG`], enabled in production (state version 1) with [`beta_targeting`]
    /// and `off` by default.
    pub async fn targeted_flag(&self) {
        self.segment().await;
        self.flag().await;
        self.set_state(
            &self.prod,
            json!({"enabled": true, "defaultVariant": "off", "targeting": beta_targeting(), "version": 0}),
        )
        .await;
    }

    /// The flagd document of an environment.
    pub async fn export(&self, env: &str) -> Value {
        let r = self
            .call(
                "GET",
                &self.url(&format!("/environments/{env}/flagd")),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    }

    /// Imports a flagd document into an environment.
    pub async fn import(&self, env: &str, doc: Value) -> Reply {
        self.call(
            "PUT",
            &self.url(&format!("/environments/{env}/flagd")),
            Some(doc),
        )
        .await
    }

    /// The audit entries about [`FLAG`] (the first page, which holds them all here).
    pub async fn flag_audit(&self) -> Vec<Value> {
        let r = self
            .call("GET", &self.audit_url(&format!("target=flag:{FLAG}")), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["items"].as_array().unwrap().clone()
    }
}

/// The next change event on the bus (within 5 s).
pub async fn next_change(sub: &mut Subscription) -> ChangeEvent {
    match tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .unwrap()
    {
        Some(BusMessage::Change(ev)) => ev,
        other => panic!("expected a change event, got {other:?}"),
    }
}

/// Every change event published until the bus is quiet for 200 ms.
pub async fn drain_changes(sub: &mut Subscription) -> Vec<ChangeEvent> {
    let mut events = Vec::new();
    while let Ok(Some(BusMessage::Change(ev))) =
        tokio::time::timeout(Duration::from_millis(200), sub.next()).await
    {
        events.push(ev);
    }
    events
}
