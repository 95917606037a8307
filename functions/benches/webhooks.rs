//! Webhook delivery at 100 endpoints (`make bench-webhooks`), beside a bare baseline in the same
//! run, interleaved (A, B, A, B…):
//! - Switchyard: the real API and change layer over the embedded store, the dispatcher as `serve`
//!   runs it (woken after each commit), 100 standard endpoints on one loopback receiver. Latency is
//!   from just before the change's API request to each endpoint's receipt of it; throughput is a
//!   burst of changes until every endpoint has every one.
//! - Baseline: the same receiver sent the same number of signed bodies straight from one HTTP
//!   client (no store, no queue, no change log): what the network and the receiver cost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::Request;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchyard_core::bus::InProcessBus;
use switchyard_core::store::Store;
use switchyard_functions::auth::jwt::JwtKeys;
use switchyard_functions::webhooks::{Dispatcher, Egress, RetryPolicy, Sealer, Setup, sign};
use switchyard_functions::{AppState, Group, router};
use tower::ServiceExt;

const ENDPOINTS: usize = 100;
const CHANGES: usize = 50;
const ROUNDS: usize = 3;

/// (endpoint, change) → when it arrived.
type Arrivals = Arc<Mutex<HashMap<(usize, u64), Instant>>>;

async fn receive(State(got): State<Arrivals>, Path(n): Path<usize>, body: Bytes) -> &'static str {
    let v: Value = serde_json::from_slice(&body).unwrap_or_default();
    let seq = v["data"]["change"]["seq"]
        .as_u64()
        .or_else(|| v["seq"].as_u64())
        .unwrap_or(0);
    got.lock()
        .unwrap()
        .entry((n, seq))
        .or_insert_with(Instant::now);
    "ok"
}

async fn receiver() -> (String, Arrivals) {
    let got: Arrivals = Arc::default();
    let app = axum::Router::new()
        .route("/hook/{n}", axum::routing::post(receive))
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

async fn call(app: &axum::Router, method: &str, path: &str, token: &str, body: Value) -> Value {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap_or_default()
}

/// Waits until every endpoint has change `seq`, then gives the latencies from `start`.
async fn latencies(got: &Arrivals, seqs: &[u64], start: &HashMap<u64, Instant>) -> Vec<f64> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        {
            let g = got.lock().unwrap();
            if seqs
                .iter()
                .all(|s| (0..ENDPOINTS).all(|n| g.contains_key(&(n, *s))))
            {
                return seqs
                    .iter()
                    .flat_map(|s| {
                        (0..ENDPOINTS).map(|n| (g[&(n, *s)] - start[s]).as_secs_f64() * 1000.0)
                    })
                    .collect();
            }
        }
        assert!(Instant::now() < deadline, "deliveries did not arrive");
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

struct Product {
    app: axum::Router,
    token: String,
    org: String,
    project: String,
    env: String,
    version: u64,
    _dir: tempfile::TempDir,
}

async fn product(url: &str) -> Product {
    let dir = tempfile::tempdir().unwrap();
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    let store = Store::new(Arc::new(kv));
    let setup = Setup {
        sealer: Sealer::new(&[1; 32]).unwrap(),
        egress: Egress {
            allow_http: true,
            allow_private: true,
        },
        dashboard: "http://127.0.0.1".into(),
    };
    let state = AppState::with_options(
        store,
        Arc::new(InProcessBus::default()),
        JwtKeys::from_secret(b"bench-signing-key-bench-signing-key").unwrap(),
        Default::default(),
        switchyard_core::changes::Quotas {
            webhooks_per_organization: ENDPOINTS as u64,
            ..Default::default()
        },
    )
    .with_webhooks(setup.clone());
    let app = router(state.clone(), &Group::ALL);
    let signup = call(&app, "POST", "/api/v1/auth/signup", "", json!({"email": "b@example.com", "password": "correct horse battery", "name": "Bench", "organization": "Bench"})).await;
    let token = signup["token"].as_str().unwrap().to_owned();
    let org = signup["organization"]["id"].as_str().unwrap().to_owned();
    let created = call(
        &app,
        "POST",
        &format!("/api/v1/orgs/{org}/projects"),
        &token,
        json!({"name": "P"}),
    )
    .await;
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    let env = created["environments"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(&app, "POST", &format!("/api/v1/projects/{project}/flags"), &token, json!({"key": "f", "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})).await;
    for n in 0..ENDPOINTS {
        let r = call(&app, "POST", &format!("/api/v1/orgs/{org}/webhooks"), &token, json!({"kind": "standard", "url": format!("{url}/{n}"), "filter": {"events": ["state.changed"]}})).await;
        assert!(r["webhook"]["id"].is_string(), "{r}");
    }
    let dispatcher = Dispatcher::new(
        state.changes.clone(),
        setup,
        RetryPolicy {
            concurrency: ENDPOINTS,
            ..RetryPolicy::default()
        },
    )
    .unwrap();
    let nudge = state.webhook_nudge.clone();
    tokio::spawn(async move {
        loop {
            let _ = dispatcher.run(None, false).await;
            tokio::select! {
                () = nudge.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    });
    Product {
        app,
        token,
        org,
        project,
        env,
        version: 0,
        _dir: dir,
    }
}

impl Product {
    /// One change; its change-log number.
    async fn flip(&mut self) -> u64 {
        let path = format!(
            "/api/v1/projects/{}/environments/{}/flags/f",
            self.project, self.env
        );
        let enabled = self.version.is_multiple_of(2);
        let r = call(
            &self.app,
            "PUT",
            &path,
            &self.token,
            json!({"enabled": enabled, "defaultVariant": "on", "version": self.version}),
        )
        .await;
        self.version = r["version"].as_u64().expect("the change was made");
        let audit = call(
            &self.app,
            "GET",
            &format!("/api/v1/orgs/{}/audit?limit=1", self.org),
            &self.token,
            json!(null),
        )
        .await;
        audit["items"][0]["seq"]
            .as_u64()
            .expect("the change is in the log")
    }
}

/// Switchyard: one change at a time (latency), then a burst (throughput).
async fn switchyard(p: &mut Product, got: &Arrivals) -> (Vec<f64>, f64) {
    let mut lat = Vec::new();
    for _ in 0..CHANGES / 5 {
        let t = Instant::now();
        let seq = p.flip().await;
        lat.extend(latencies(got, &[seq], &HashMap::from([(seq, t)])).await);
    }
    let t = Instant::now();
    let mut seqs = Vec::new();
    let mut starts = HashMap::new();
    for _ in 0..CHANGES {
        let s = Instant::now();
        let seq = p.flip().await;
        starts.insert(seq, s);
        seqs.push(seq);
    }
    latencies(got, &seqs, &starts).await;
    let rate = (CHANGES * ENDPOINTS) as f64 / t.elapsed().as_secs_f64();
    (lat, rate)
}

/// The baseline: signed bodies straight to the same receiver, 100 at once per change.
async fn baseline(
    client: &reqwest::Client,
    url: &str,
    got: &Arrivals,
    next: &mut u64,
) -> (Vec<f64>, f64) {
    let secret = sign::new_secret();
    let send = |seq: u64| {
        let body = json!({"seq": seq, "pad": "x".repeat(900)}).to_string();
        let sig = sign::signature([secret.as_str()], "msg", 0, &body).unwrap();
        futures_util::future::join_all((0..ENDPOINTS).map(move |n| {
            client
                .post(format!("{url}/{n}"))
                .header("webhook-signature", sig.clone())
                .body(body.clone())
                .send()
        }))
    };
    let mut lat = Vec::new();
    for _ in 0..CHANGES / 5 {
        *next += 1;
        let t = Instant::now();
        send(*next).await;
        lat.extend(latencies(got, &[*next], &HashMap::from([(*next, t)])).await);
    }
    let t = Instant::now();
    let mut seqs = Vec::new();
    let mut starts = HashMap::new();
    for _ in 0..CHANGES {
        *next += 1;
        starts.insert(*next, Instant::now());
        seqs.push(*next);
        send(*next).await;
    }
    latencies(got, &seqs, &starts).await;
    (
        lat,
        (CHANGES * ENDPOINTS) as f64 / t.elapsed().as_secs_f64(),
    )
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn median(mut v: Vec<f64>) -> f64 {
    pct(&mut v, 0.5)
}

#[tokio::main]
async fn main() {
    let (url, got) = receiver().await;
    let (base_url, base_got) = receiver().await;
    let mut p = product(&url).await;
    let client = reqwest::Client::new();
    let mut next = 1_000_000;
    let (mut s50, mut s99, mut srate, mut b50, mut b99, mut brate) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for round in 0..ROUNDS {
        let (mut lat, rate) = switchyard(&mut p, &got).await;
        s50.push(pct(&mut lat, 0.5));
        s99.push(pct(&mut lat, 0.99));
        srate.push(rate);
        let (mut lat, rate) = baseline(&client, &base_url, &base_got, &mut next).await;
        b50.push(pct(&mut lat, 0.5));
        b99.push(pct(&mut lat, 0.99));
        brate.push(rate);
        eprintln!(
            "round {round}: switchyard p50 {:.2} ms p99 {:.2} ms {:.0}/s | baseline p50 {:.2} ms p99 {:.2} ms {:.0}/s",
            s50[round], s99[round], srate[round], b50[round], b99[round], brate[round]
        );
    }
    let (s50, s99, srate) = (median(s50), median(s99), median(srate));
    let (b50, b99, brate) = (median(b50), median(b99), median(brate));
    println!("webhooks at {ENDPOINTS} endpoints, median of {ROUNDS} interleaved rounds:");
    println!("| | Switchyard | bare baseline | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| latency p50 (ms) | {s50:.2} | {b50:.2} | {:.1}x |",
        s50 / b50
    );
    println!(
        "| latency p99 (ms) | {s99:.2} | {b99:.2} | {:.1}x |",
        s99 / b99
    );
    println!(
        "| deliveries per second | {srate:.0} | {brate:.0} | {:.2}x |",
        srate / brate
    );
}
