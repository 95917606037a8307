//! Tenancy and authentication over every route of the OpenAPI document (hostile bodies are in
//! `api_hostile_input.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::routes::ROUTES;

use axum::http::StatusCode;
use common::{Api, assert_error};
use serde_json::{Value, json};
use std::collections::BTreeSet;

both_stores!(foreign_ids_answer_exactly_like_missing_ones,);

/// A valid body for each route that takes one, so that the answer is about the ids.
fn body_for(method: &str, path: &str, ids: &Ids) -> Option<Value> {
    let b = match (method, path.rsplit('/').next().unwrap_or("")) {
        ("post", "signup") => {
            json!({"email": "x@example.com", "password": "long enough pw", "name": "X", "organization": "X"})
        }
        ("post", "login") => json!({"email": "x@example.com", "password": "long enough pw"}),
        ("post", "password") => json!({"currentPassword": "a", "newPassword": "long enough pw"}),
        ("post", "orgs") => json!({"name": "X"}),
        ("put", "{user}") => json!({"role": "viewer"}),
        ("post", "invitations") => json!({"email": "x@example.com", "role": "viewer"}),
        ("post", "accept") => json!({"token": "sy_invite_nothing"}),
        ("post", "tokens") => json!({"name": "x", "scopes": ["read"]}),
        ("post", "projects") => json!({"name": "X"}),
        ("post", "environments") => json!({"key": "qa"}),
        ("patch", "{environment}") => json!({"name": "X"}),
        ("patch", "{project}") => json!({"name": "X"}),
        ("post", "keys") => json!({"kind": "client"}),
        ("post", "flags") => {
            json!({"key": "f2", "type": "boolean", "variants": [{"name": "on", "value": true}]})
        }
        ("patch", "{flag}") if path.contains("/environments/") => {
            json!({"enabled": true, "version": 1})
        }
        ("patch", "{flag}") => json!({"name": "X", "version": 1}),
        ("patch", "{org}") => json!({"name": "X"}),
        ("put", "{flag}") => json!({"enabled": true, "version": 0}),
        ("post", "copy") => json!({"toEnvironment": ids.environment}),
        ("post", "evaluate") => json!({"context": {}}),
        ("post", "restore") => json!({"auditId": ids.entry, "version": 0}),
        ("put", "flagd") => json!({"flags": {}}),
        ("put", "sso") => json!({"issuer": "https://idp.example.com", "clientId": "c",
            "clientSecret": "s", "emailDomains": ["example.com"], "defaultRole": "viewer"}),
        ("post", "segments") => json!({"key": "s2", "rule": true}),
        ("put", "{segment}") => json!({"name": "X", "version": 1}),
        ("post", "webhooks") => json!({"kind": "standard", "url": "https://example.com/x"}),
        ("patch", "{webhook}") => json!({"version": 1, "description": "x"}),
        ("post", "rotate") if path.contains("/webhooks/") => json!({}),
        ("post", "change-requests") => json!({"title": "x", "changes": [
            {"kind": "state", "environmentId": ids.environment, "flag": "f", "baseVersion": 0, "enabled": true}
        ]}),
        ("patch", "{request}") | ("post", "withdraw" | "refresh") => json!({"version": 1}),
        ("post", "approve" | "reject" | "apply") => json!({}),
        ("post", "comments") => json!({"text": "x"}),
        ("post", "ramp") => {
            json!({"variant": "on", "baseline": "on", "steps": [{"percent": 10, "holdMs": 60000}], "version": 0})
        }
        ("post", "pause" | "resume" | "cancel") => json!({"version": 1}),
        _ => return None,
    };
    Some(b)
}

#[derive(Debug, Clone)]
struct Ids {
    org: String,
    user: String,
    token: String,
    project: String,
    environment: String,
    key: String,
    flag: String,
    segment: String,
    entry: String,
    webhook: String,
    delivery: String,
    request: String,
}

impl Ids {
    fn fill(&self, path: &str) -> String {
        path.replace("{org}", &self.org)
            .replace("{user}", &self.user)
            .replace("{token}", &self.token)
            .replace("{project}", &self.project)
            .replace("{environment}", &self.environment)
            .replace("{key}", &self.key)
            .replace("{flag}", &self.flag)
            .replace("{segment}", &self.segment)
            .replace("{entry}", &self.entry)
            .replace("{webhook}", &self.webhook)
            .replace("{delivery}", &self.delivery)
            .replace("{request}", &self.request)
    }
}

/// An organization with one of everything.
async fn populated(api: &Api, email: &str) -> (String, Ids) {
    let (t, org, user) = api.signup(email).await;
    let tk = Some(t.as_str());
    let p = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            tk,
            Some(json!({"name": "P"})),
        )
        .await
        .body;
    let project = p["project"]["id"].as_str().unwrap().to_owned();
    let environment = p["environments"][0]["id"].as_str().unwrap().to_owned();
    let key = api
        .call(
            "POST",
            &format!("/api/v1/projects/{project}/environments/{environment}/keys"),
            tk,
            Some(json!({"kind": "server"})),
        )
        .await
        .body["key"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.call(
        "POST",
        &format!("/api/v1/projects/{project}/flags"),
        tk,
        Some(json!({"key": "f", "type": "boolean", "variants": [{"name": "on", "value": true}]})),
    )
    .await;
    api.call(
        "POST",
        &format!("/api/v1/projects/{project}/segments"),
        tk,
        Some(json!({"key": "s", "rule": true})),
    )
    .await;
    let token = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/tokens"),
            tk,
            Some(json!({"name": "t", "scopes": ["read", "write-flags", "write-projects"]})),
        )
        .await
        .body["token"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let webhook = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/webhooks"),
            tk,
            Some(json!({"kind": "standard", "url": "https://example.com/h"})),
        )
        .await
        .body["webhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let delivery = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/webhooks/{webhook}/test"),
            tk,
            None,
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = api
        .call(
            "POST",
            &format!("/api/v1/projects/{project}/change-requests"),
            tk,
            Some(json!({"title": "r", "changes": [
                {"kind": "state", "environmentId": environment, "flag": "f", "baseVersion": 0, "enabled": true}
            ]})),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let entry = api
        .call("GET", &format!("/api/v1/orgs/{org}/audit"), tk, None)
        .await
        .body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (
        t,
        Ids {
            org,
            user,
            token,
            project,
            environment,
            key,
            flag: "f".into(),
            segment: "s".into(),
            entry,
            webhook,
            delivery,
            request,
        },
    )
}

/// A user who joined `org` with `role` through an invitation; their token.
async fn member(api: &Api, owner: &str, org: &str, role: &str) -> String {
    let email = format!("{role}@example.com");
    let invite = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(owner),
            Some(json!({"email": email, "role": role})),
        )
        .await;
    assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.body);
    let (token, _, _) = api.signup(&email).await;
    let accepted = api
        .call(
            "POST",
            "/api/v1/invitations/accept",
            Some(&token),
            Some(json!({"token": invite.body["token"]})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    token
}

async fn foreign_ids_answer_exactly_like_missing_ones(api: Api) {
    let (attacker, mine) = populated(&api, "attacker@example.com").await;
    let (_, theirs) = populated(&api, "victim@example.com").await;
    // Every kind of credential of the attacker's organization: a user of each role, API tokens,
    // and the SDK keys (which the dashboard API must not take at all).
    let token = |scopes: Value| {
        let api = &api;
        let (org, attacker) = (mine.org.clone(), attacker.clone());
        async move {
            api.call(
                "POST",
                &format!("/api/v1/orgs/{org}/tokens"),
                Some(&attacker),
                Some(json!({"name": "t", "scopes": scopes})),
            )
            .await
            .body["secret"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let mut credentials = vec![
        ("owner", attacker.clone()),
        (
            "api token",
            token(json!(["read", "write-flags", "write-projects"])).await,
        ),
        ("read-only api token", token(json!(["read"])).await),
    ];
    for role in ["admin", "editor", "viewer"] {
        credentials.push((role, member(&api, &attacker, &mine.org, role).await));
    }
    for kind in ["client", "server"] {
        let key = api
            .call(
                "POST",
                &format!(
                    "/api/v1/projects/{}/environments/{}/keys",
                    mine.project, mine.environment
                ),
                Some(&attacker),
                Some(json!({"kind": kind})),
            )
            .await
            .body["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        credentials.push((kind, key));
    }
    let missing = Ids {
        org: "0".repeat(32),
        user: "1".repeat(32),
        token: "2".repeat(32),
        project: "3".repeat(32),
        environment: "4".repeat(32),
        key: "5".repeat(32),
        flag: "nope".into(),
        segment: "nope".into(),
        entry: "6".repeat(32),
        webhook: "7".repeat(32),
        delivery: "8".repeat(20),
        request: "9".repeat(32),
    };
    let (mut checked, mut failures) = (0, Vec::new());
    for (method, template) in ROUTES {
        if !template.contains('{') {
            continue;
        }
        for (who, credential) in &credentials {
            let foreign = api
                .call(
                    &method.to_uppercase(),
                    &theirs.fill(template),
                    Some(credential),
                    body_for(method, template, &theirs),
                )
                .await;
            let absent = api
                .call(
                    &method.to_uppercase(),
                    &missing.fill(template),
                    Some(credential),
                    body_for(method, template, &missing),
                )
                .await;
            let refused = if who.ends_with("client") || who.ends_with("server") {
                foreign.status == StatusCode::UNAUTHORIZED
            } else {
                matches!(
                    foreign.status,
                    StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
                )
            };
            let at = format!("{method} {template} with the {who} credential");
            if foreign.status != absent.status || foreign.body != absent.body {
                failures.push(format!(
                    "{at}: a foreign id answered {} {}, a missing one {} {}",
                    foreign.status, foreign.body, absent.status, absent.body
                ));
            }
            if !refused {
                failures.push(format!(
                    "{at}: a foreign id was not refused: {} {}",
                    foreign.status, foreign.body
                ));
            }
            if foreign.body.to_string().contains(&theirs.project) {
                failures.push(format!("{at}: leaked an id: {}", foreign.body));
            }
            checked += 1;
        }
    }
    // Every route and credential is checked before failing, so one answer hides no other.
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 300, "{checked} route × credential checks");
    // And the victim's audit log is out of the attacker's reach.
    let victim_flags = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{}/audit", theirs.org),
            Some(&attacker),
            None,
        )
        .await;
    assert_eq!(victim_flags.status, StatusCode::NOT_FOUND);
}

// The OpenAPI document and the credentials: about the routers, not the store; embedded only.

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_only_those() {
    let api = Api::embedded();
    let doc = api.call("GET", "/api/openapi.json", None, None).await.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item
            .as_object()
            .unwrap()
            .keys()
            .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
        {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(documented, expected);
}

#[tokio::test]
async fn every_listed_route_is_served_and_asks_for_credentials() {
    let api = Api::embedded();
    // Without credentials a route asks for them (or, for the routes anyone may call: signup,
    // login, password reset, single sign-on and email verification, for a body).
    for (method, path) in ROUTES {
        let r = api
            .call(
                &method.to_uppercase(),
                &path.replace(['{', '}'], "x"),
                None,
                None,
            )
            .await;
        assert_ne!(
            r.body["error"]["message"], "route not found",
            "{method} {path} is documented but not served"
        );
        let anyone = [
            "/api/v1/auth/signup",
            "/api/v1/auth/login",
            "/api/v1/auth/password-reset",
            "/api/v1/auth/sso/",
        ];
        // A mailed verification link is opened without a session (asking for another is not).
        let verify = *path == "/api/v1/auth/verify-email";
        let linking = *path == "/api/v1/auth/sso/link";
        if linking || !verify && !anyone.iter().any(|a| path.starts_with(a)) {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn unsigned_tampered_and_unknown_tokens_are_refused() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    let api = Api::embedded();
    let (good, _, user) = api.signup("ada@example.com").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let unsigned = format!("{}.{}.", B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(json!({"sub": user, "gen": 0, "iat": now, "exp": now + 600, "iss": "switchyard", "aud": "switchyard-dashboard"}).to_string()));
    let mut tampered = good.clone();
    tampered.insert(
        good.len() - 3,
        if good.as_bytes()[good.len() - 3] == b'A' {
            'B'
        } else {
            'A'
        },
    );
    tampered.remove(good.len() - 2);
    for bad in [
        unsigned.as_str(),
        tampered.as_str(),
        "garbage",
        "sy_api_unknown",
        "",
    ] {
        assert_error(
            &api.call("GET", "/api/v1/auth/me", Some(bad), None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        );
    }
    assert_eq!(
        api.call("GET", "/api/v1/auth/me", Some(&good), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn logins_are_rate_limited_with_retry_after() {
    let api = Api::embedded();
    api.signup("ada@example.com").await;
    let attempt = || {
        api.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@example.com", "password": "wrong password!!"})),
        )
    };
    let mut limited = None;
    for _ in 0..10 {
        let r = attempt().await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = limited.expect("login attempts are limited");
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(
        r.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
}
