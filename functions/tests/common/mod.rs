//! A test API: the real routers in-process over a real store (embedded or DynamoDB via moto).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use switchyard_core::bus::{Bus, InProcessBus, Subscription};
use switchyard_core::changes::Quotas;
use switchyard_core::store::Store;
use switchyard_functions::auth::jwt::JwtKeys;
use switchyard_functions::auth::rate_limit::LoginLimiter;
use switchyard_functions::webhooks::{Egress, Sealer, Setup};
use switchyard_functions::{AppState, Group, router};
use tower::ServiceExt;

#[path = "../../../core/tests/support/mod.rs"]
pub mod support;

pub mod fixtures;
pub mod hooks;
pub mod oidc;
pub mod pyotp;
pub mod receiver;
pub mod routes;
pub mod sso;

pub const SECRET: &[u8] = b"test-signing-key-test-signing-key!";

/// What tests allow webhooks to reach: plain http on this machine.
pub const LOOPBACK: Egress = Egress {
    allow_http: true,
    allow_private: true,
};

/// The webhook setup of the test API: a fixed sealing key.
pub fn webhook_setup(egress: Egress) -> Setup {
    Setup {
        sealer: Sealer::new(&[42; 32]).unwrap(),
        egress,
        dashboard: "https://switchyard.test".into(),
    }
}

pub struct Api {
    pub router: Router,
    /// What the routers share (its change layer, its webhook setup).
    pub state: AppState,
    pub bus: Arc<InProcessBus>,
    pub store: Store,
    _guard: Box<dyn std::any::Any + Send>,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: axum::http::HeaderMap,
}

impl Api {
    pub fn build(store: Store, guard: Box<dyn std::any::Any + Send>) -> Api {
        // An internal error's cause is logged; a failing test shows it with its output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_max_level(tracing::Level::ERROR)
            .try_init();
        let bus = Arc::new(InProcessBus::default());
        let state = AppState::with_limiter(
            store.clone(),
            bus.clone(),
            JwtKeys::from_secret(SECRET).unwrap(),
            LoginLimiter::default(),
        )
        .with_webhooks(webhook_setup(LOOPBACK));
        Api {
            router: router(state.clone(), &Group::ALL),
            state,
            bus,
            store,
            _guard: guard,
        }
    }

    /// A new state over this store and bus: another process, as far as the store can tell.
    fn fresh_state(&self, limiter: LoginLimiter, quotas: Quotas) -> AppState {
        AppState::with_options(
            self.store.clone(),
            self.bus.clone(),
            JwtKeys::from_secret(SECRET).unwrap(),
            limiter,
            quotas,
        )
    }

    /// The same store and bus behind routers over `state`.
    fn serving(self, state: AppState) -> Api {
        Api {
            router: router(state.clone(), &Group::ALL),
            state,
            ..self
        }
    }

    /// The same store and bus behind routers that enforce `quotas`.
    pub fn with_quotas(self, quotas: Quotas) -> Api {
        let state = self
            .fresh_state(LoginLimiter::default(), quotas)
            .with_webhooks(webhook_setup(LOOPBACK));
        self.serving(state)
    }

    /// The same store and bus behind routers whose webhooks may go only where `egress` allows.
    pub fn with_egress(self, egress: Egress) -> Api {
        let state = self
            .fresh_state(LoginLimiter::default(), Quotas::default())
            .with_webhooks(webhook_setup(egress));
        self.serving(state)
    }

    /// The same store and bus behind routers that limit logins with `limiter`.
    pub fn with_login_limiter(self, limiter: LoginLimiter) -> Api {
        let state = self.fresh_state(limiter, Quotas::default());
        self.serving(state)
    }

    /// Another process over the same store and bus, limiting logins with `limiter`; `self` must
    /// outlive it (it holds the store's server).
    pub fn twin(&self, limiter: LoginLimiter) -> Api {
        let state = self.fresh_state(limiter, Quotas::default());
        Api {
            router: router(state.clone(), &Group::ALL),
            state,
            bus: self.bus.clone(),
            store: self.store.clone(),
            _guard: Box::new(()),
        }
    }

    /// The same store and bus behind routers that mail through a real SMTP server on loopback
    /// (aiosmtpd, the second half: what was mailed), with links to `https://dash.test`.
    pub fn mailing(self) -> (Api, support::SmtpSink) {
        let sink = support::SmtpSink::start();
        let mail = switchyard_functions::mail::Mail::new(
            &sink.url(),
            "Switchyard <no-reply@switchyard.test>",
            "https://dash.test",
        )
        .unwrap();
        let state = self
            .fresh_state(LoginLimiter::default(), Quotas::default())
            .with_webhooks(webhook_setup(LOOPBACK))
            .with_mail(mail);
        (self.serving(state), sink)
    }

    /// The same store and bus behind routers whose change feed is `feed`.
    pub fn with_feed(self, feed: switchyard_functions::feed::Feed) -> Api {
        let state = self
            .fresh_state(LoginLimiter::default(), Quotas::default())
            .with_feed(feed);
        self.serving(state)
    }

    pub fn embedded() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
        Api::build(Store::new(Arc::new(kv)), Box::new(dir))
    }

    pub async fn dynamodb() -> Api {
        use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
        let (endpoint, server) = support::dynamodb_endpoint();
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            .build();
        let kv = switchyard_core::store::dynamodb::DynamoDb::new(
            aws_sdk_dynamodb::Client::from_conf(config),
            format!("api-{}", switchyard_core::domain::new_id()),
        );
        kv.create_table().await.unwrap();
        Api::build(Store::new(Arc::new(kv)), Box::new(server))
    }

    pub fn subscribe(&self) -> Subscription {
        self.bus.subscribe()
    }

    pub async fn raw(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            body,
            headers,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.raw(req.unwrap()).await
    }

    /// A request arriving over a TCP connection from `peer` (as `serve` sees it), with
    /// `headers`.
    pub async fn call_from(
        &self,
        peer: &str,
        method: &str,
        path: &str,
        body: Value,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body.to_string())).unwrap();
        let addr: std::net::SocketAddr = peer.parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        self.raw(req).await
    }

    /// Signs up a user with a new organization: (token, org id, user id).
    pub async fn signup(&self, email: &str) -> (String, String, String) {
        let r = self.call("POST", "/api/v1/auth/signup", None, Some(json!({"email": email, "password": "correct horse battery", "name": "Ada", "organization": format!("{email} org")}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (
            r.body["token"].as_str().unwrap().into(),
            r.body["organization"]["id"].as_str().unwrap().into(),
            r.body["user"]["id"].as_str().unwrap().into(),
        )
    }
}

/// Runs each listed case against both stores.
#[macro_export]
macro_rules! both_stores {
    ($($case:ident),* $(,)?) => {
        mod embedded_store {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case(super::common::Api::embedded()).await })*
        }
        mod dynamodb_store {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case(super::common::Api::dynamodb().await).await })*
        }
    };
}

pub fn assert_error(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.body["error"]["code"], code, "{}", r.body);
    assert!(r.body["error"]["message"].is_string(), "{}", r.body);
}

/// A fixture that ships with `aws_lambda_events`, from the cargo registry.
pub fn fixture(name: &str) -> Value {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"));
    let mut found: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .unwrap()
        .flatten()
        .flat_map(|index| {
            std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("aws_lambda_events-"))
        })
        .map(|p| p.join("src/fixtures").join(name))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    let path = found
        .pop()
        .expect("the aws_lambda_events fixtures are in the cargo registry");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
