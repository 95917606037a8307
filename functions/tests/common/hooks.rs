//! Webhook test helpers: a clock that can move on, a quick retry policy, dispatchers, endpoints,
//! and the official Standard Webhooks verifier (PyPI `standardwebhooks`).

use super::fixtures::Project;
use super::receiver::{Received, Receiver};
use super::{LOOPBACK, Reply, webhook_setup};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use switchyard_core::clock::{Clock, SystemClock};
use switchyard_functions::webhooks::{Dispatcher, Egress, RetryPolicy};

/// The system clock moved on by a settable offset (retries come due, a day passes).
#[derive(Debug, Default)]
pub struct Later(AtomicI64);

impl Later {
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for Later {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.0.load(Ordering::SeqCst)
    }
}

pub const QUICK: RetryPolicy = RetryPolicy {
    first: Duration::from_millis(1),
    max: Duration::from_millis(2),
    give_up_after: Duration::from_secs(24 * 3600),
    timeout: Duration::from_secs(5),
    connect_timeout: Duration::from_secs(2),
    concurrency: 8,
};

pub fn dispatcher(p: &Project, clock: Arc<Later>) -> Arc<Dispatcher> {
    dispatcher_with(p, clock, LOOPBACK)
}

pub fn dispatcher_with(p: &Project, clock: Arc<Later>, egress: Egress) -> Arc<Dispatcher> {
    Dispatcher::with_clock(
        p.api.state.changes.clone(),
        webhook_setup(egress),
        QUICK,
        clock,
    )
    .unwrap()
}

/// Runs the dispatcher until nothing more is due (moving its clock past each retry's wait).
pub async fn settle(d: &Arc<Dispatcher>, clock: &Later) {
    for _ in 0..20 {
        d.run(None, true).await.unwrap();
        clock.advance(10);
    }
}

pub fn hooks_url(p: &Project) -> String {
    format!("/api/v1/orgs/{}/webhooks", p.org)
}

/// An endpoint at `url`: (its id, the reply that created it).
pub async fn endpoint(p: &Project, body: Value) -> (String, Reply) {
    let r = p.call("POST", &hooks_url(p), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (r.body["webhook"]["id"].as_str().unwrap().to_owned(), r)
}

pub async fn standard(p: &Project, rx: &Receiver) -> (String, String) {
    let (id, r) = endpoint(p, json!({"kind": "standard", "url": rx.url})).await;
    (id, r.body["secret"].as_str().unwrap().to_owned())
}

/// Sets [`FLAG`] on or off in production (creating the flag first when `version` is 0).
pub async fn flip(p: &Project, enabled: bool, version: u64) {
    if version == 0 {
        p.flag().await;
    }
    p.set_state(
        &p.prod,
        json!({"enabled": enabled, "defaultVariant": "on", "version": version}),
    )
    .await;
}

pub fn types(got: &[Received]) -> Vec<String> {
    got.iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

/// The Python of the project's virtualenv (next to its moto server), which has
/// `standardwebhooks`.
pub fn python() -> std::path::PathBuf {
    let moto = std::env::var("SWITCHYARD_MOTO_SERVER").expect(
        "SWITCHYARD_MOTO_SERVER names the project's .venv/bin/moto_server (make test-rust)",
    );
    std::path::Path::new(&moto).with_file_name("python")
}

/// What `standardwebhooks.Webhook(secret).verify` says of each request: "ok" or the error.
pub fn verify_officially(secret: &str, requests: &[(String, Value)]) -> Vec<String> {
    let script = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
job = json.load(sys.stdin)
wh = Webhook(job["secret"])
out = []
for body, headers in job["requests"]:
    try:
        wh.verify(body, headers)
        out.append("ok")
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new(python())
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let job = json!({"secret": secret, "requests": requests});
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), job.to_string().as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn signed(r: &Received) -> (String, Value) {
    (
        r.body.clone(),
        json!({
            "webhook-id": r.header("webhook-id"),
            "webhook-timestamp": r.header("webhook-timestamp"),
            "webhook-signature": r.header("webhook-signature"),
        }),
    )
}

/// The ids of an endpoint's deliveries, as the API lists them.
pub async fn delivery_ids(p: &Project, id: &str) -> Vec<Value> {
    p.call("GET", &format!("{}/{id}/deliveries", hooks_url(p)), None)
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].clone())
        .collect()
}
