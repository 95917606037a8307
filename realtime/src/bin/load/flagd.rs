//! flagd gRPC load (issue #19), each beside a baseline in the same run, interleaved:
//! - sync fan-out: N `SyncFlags` streams on one environment; a flag changed through the
//!   dashboard API; the time until every stream has received the new document. Baseline: the
//!   same number of tonic server-streams fed by a bare tokio broadcast (in the baseline process),
//!   carrying the real document;
//! - evaluation: `ResolveBoolean` calls per second from concurrent tonic clients, beside OFREP
//!   single-flag evaluations over HTTP.

use super::DEADLINE;
use super::api::Setup;
use super::stats::percentile;
use serde_json::json;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchyard_realtime::flagd::proto::evaluation::ResolveBooleanRequest;
use switchyard_realtime::flagd::proto::evaluation::service_client::ServiceClient;
use switchyard_realtime::flagd::proto::sync as pb;
use switchyard_realtime::flagd::proto::sync::flag_sync_service_client::FlagSyncServiceClient;
use tokio::sync::{broadcast, mpsc};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// How long a change may take to reach every stream before the round counts the missing.
const ROUND_DEADLINE: Duration = Duration::from_secs(10);

/// Streams per HTTP/2 connection (the server allows 64 by default).
const STREAMS_PER_CHANNEL: usize = 50;

fn with_key<T>(msg: T, key: &str) -> Result<Request<T>, String> {
    let mut r = Request::new(msg);
    r.metadata_mut().insert(
        "flagd-selector",
        key.parse().map_err(|_| "a key is not metadata")?,
    );
    Ok(r)
}

async fn channel(port: u16) -> Result<Channel, String> {
    Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .map_err(|e| e.to_string())?
        .connect()
        .await
        .map_err(|e| format!("gRPC connect to {port}: {e}"))
}

/// A new server key of the load environment.
pub async fn server_key(s: &Setup) -> Result<String, String> {
    let k: serde_json::Value = s
        .http
        .post(format!(
            "{}/api/v1/projects/{}/environments/{}/keys",
            s.base, s.project, s.env
        ))
        .bearer_auth(&s.token)
        .json(&json!({"kind": "server"}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    Ok(k["secret"].as_str().ok_or("no server key")?.to_owned())
}

/// `n` open sync streams: each reports (its index, arrival) for every document that differs from
/// the one before it.
struct Streams {
    arrivals: mpsc::UnboundedReceiver<(usize, Instant)>,
    latest: Arc<Mutex<String>>,
    n: usize,
}

async fn open_streams(port: u16, key: &str, n: usize) -> Result<Streams, String> {
    let (tx, arrivals) = mpsc::unbounded_channel();
    let latest = Arc::new(Mutex::new(String::new()));
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<()>();
    let mut client = None;
    for i in 0..n {
        if i % STREAMS_PER_CHANNEL == 0 {
            client = Some(FlagSyncServiceClient::new(channel(port).await?));
        }
        let mut c = client.clone().ok_or("no client")?;
        let (tx, latest, ready_tx) = (tx.clone(), latest.clone(), ready_tx.clone());
        let req = with_key(pb::SyncFlagsRequest::default(), key)?;
        tokio::spawn(async move {
            let Ok(r) = c.sync_flags(req).await else {
                return;
            };
            let mut s = r.into_inner();
            let mut previous = String::new();
            while let Ok(Some(m)) = s.message().await {
                let at = Instant::now();
                // The latest document is kept before the arrival is told.
                if i == 0
                    && let Ok(mut l) = latest.lock()
                {
                    l.clone_from(&m.flag_configuration);
                }
                if previous.is_empty() {
                    let _ = ready_tx.send(());
                } else if m.flag_configuration != previous {
                    let _ = tx.send((i, at));
                }
                previous = m.flag_configuration;
            }
        });
    }
    drop(ready_tx);
    for _ in 0..n {
        tokio::time::timeout(DEADLINE, ready.recv())
            .await
            .ok()
            .flatten()
            .ok_or("a sync stream did not open")?;
    }
    Ok(Streams {
        arrivals,
        latest,
        n,
    })
}

impl Streams {
    /// Triggers one change; the latencies from just before the trigger to each stream's new
    /// document.
    async fn round<F, Fut>(&mut self, trigger: F) -> Result<Vec<f64>, String>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), String>>,
    {
        while self.arrivals.try_recv().is_ok() {}
        let mut seen = vec![false; self.n];
        let mut out = Vec::with_capacity(self.n);
        let t0 = Instant::now();
        trigger().await?;
        let until = t0 + ROUND_DEADLINE;
        while out.len() < self.n {
            match tokio::time::timeout_at(until.into(), self.arrivals.recv()).await {
                Ok(Some((i, at))) if !seen[i] => {
                    seen[i] = true;
                    out.push(at.duration_since(t0).as_secs_f64() * 1000.0);
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        Ok(out)
    }

    fn latest(&self) -> String {
        self.latest.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn stats(l: &mut [f64]) -> (f64, f64, f64) {
    l.sort_by(f64::total_cmp);
    (
        percentile(l, 0.5),
        percentile(l, 0.99),
        l.last().copied().unwrap_or(f64::NAN),
    )
}

/// Sync fan-out, `changes` rounds of real then baseline.
pub async fn sync_fan_out(
    s: &mut Setup,
    key: &str,
    port: u16,
    base_http: u16,
    base_grpc: u16,
    n: usize,
    changes: usize,
) -> Result<(), String> {
    println!("--- flagd sync fan-out, {n} streams, {changes} changes");
    let mut real = open_streams(port, key, n).await?;
    let http = reqwest::Client::new();
    let send = format!("http://127.0.0.1:{base_http}/sync-send");
    let doc = real.latest();
    let post = |body: String| {
        let (http, send) = (http.clone(), send.clone());
        async move {
            http.post(send)
                .body(body)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    };
    // The baseline's document at connect: the real one.
    post(doc.clone()).await?;
    let mut base = open_streams(base_grpc, key, n).await?;
    eprintln!("  {n} + {n} sync streams open");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let (mut a_short, mut b_short) = (0, 0);
    for _ in 0..changes {
        let on = !s.hot_on;
        let l = real.round(|| s.flip(on)).await?;
        a_short += n - l.len();
        a.extend(l);
        tokio::time::sleep(Duration::from_millis(300)).await;
        // The same bytes as the real stream's new document.
        let doc = real.latest();
        let l = base.round(|| post(doc)).await?;
        b_short += n - l.len();
        b.extend(l);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (a50, a99, amax) = stats(&mut a);
    let (b50, b99, bmax) = stats(&mut b);
    println!(
        "{:<28} p50 {:.2}x  p99 {:.2}x  max {:.2}x  (document {} bytes)",
        "ratio to baseline",
        a50 / b50,
        a99 / b99,
        amax / bmax,
        real.latest().len()
    );
    for (name, l, short, p50, p99, max) in [
        ("switchyard SyncFlags", &a, a_short, a50, a99, amax),
        ("baseline tonic broadcast", &b, b_short, b50, b99, bmax),
    ] {
        println!(
            "{name:<28} N={n:<5} samples={:<6} missed={short:<4} p50={p50:>7.1} ms  p99={p99:>7.1} ms  max={max:>7.1} ms",
            l.len()
        );
    }
    Ok(())
}

/// Evaluation req/s: `ResolveBoolean` over gRPC beside OFREP single-flag over HTTP, interleaved.
pub async fn eval_rps(s: &Setup, key: &str, port: u16, rounds: usize) -> Result<(), String> {
    const TASKS: usize = 32;
    const CHANNELS: usize = 4;
    const SECS: f64 = 3.0;
    println!(
        "--- flagd ResolveBoolean vs OFREP single flag ({TASKS} clients, {rounds} x {SECS} s each)"
    );
    let mut clients = Vec::new();
    for _ in 0..CHANNELS {
        clients.push(ServiceClient::new(channel(port).await?));
    }
    let ctx = |i: usize| {
        let v = json!({"targetingKey": format!("user-{i}"), "country": "NL"});
        v.as_object()
            .map(switchyard_realtime::flagd::structs::from_map)
    };
    let (mut grpc, mut ofrep) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let until = Instant::now() + Duration::from_secs_f64(SECS);
        let mut tasks = Vec::new();
        for i in 0..TASKS {
            let mut c = clients[i % CHANNELS].clone();
            let (key, context) = (key.to_owned(), ctx(i));
            tasks.push(tokio::spawn(async move {
                let mut ok = 0u64;
                while Instant::now() < until {
                    let msg = ResolveBooleanRequest {
                        flag_key: "hot".into(),
                        context: context.clone(),
                    };
                    let Ok(req) = with_key(msg, &key) else { break };
                    if c.resolve_boolean(req).await.is_ok() {
                        ok += 1;
                    }
                }
                ok
            }));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap_or(0);
        }
        grpc.push(total as f64 / SECS);

        ofrep
            .push(super::api::ofrep_rps(s, "/ofrep/v1/evaluate/flags/hot", key, SECS, TASKS).await);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let ratios: Vec<f64> = grpc.iter().zip(&ofrep).map(|(g, o)| g / o).collect();
    println!(
        "{:<28} {:.2}x OFREP (per round: {})",
        "ratio ResolveBoolean/OFREP",
        mean(&grpc) / mean(&ofrep),
        ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "{:<28} {:.0} requests/s ({TASKS} clients over {CHANNELS} HTTP/2 connections)",
        "flagd ResolveBoolean",
        mean(&grpc)
    );
    println!(
        "{:<28} {:.0} requests/s ({TASKS} clients, HTTP/1.1 pool)",
        "ofrep single flag",
        mean(&ofrep)
    );
    Ok(())
}

/// The baseline's sync service: every stream gets the latest document, then every broadcast.
pub struct BaselineSync {
    pub tx: broadcast::Sender<String>,
    pub latest: Arc<Mutex<String>>,
}

type Stream =
    Pin<Box<dyn futures_util::Stream<Item = Result<pb::SyncFlagsResponse, Status>> + Send>>;

fn response(doc: String) -> pb::SyncFlagsResponse {
    pb::SyncFlagsResponse {
        flag_configuration: doc,
        sync_context: Some(prost_types::Struct::default()),
    }
}

#[tonic::async_trait]
impl pb::flag_sync_service_server::FlagSyncService for BaselineSync {
    type SyncFlagsStream = Stream;

    async fn sync_flags(
        &self,
        _: Request<pb::SyncFlagsRequest>,
    ) -> Result<Response<Stream>, Status> {
        let mut rx = self.tx.subscribe();
        let first = self.latest.lock().map(|l| l.clone()).unwrap_or_default();
        let (tx, out) = mpsc::channel(1);
        tokio::spawn(async move {
            if tx.send(Ok(response(first))).await.is_err() {
                return;
            }
            while let Ok(doc) = rx.recv().await {
                if tx.send(Ok(response(doc))).await.is_err() {
                    return;
                }
            }
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(out),
        )))
    }

    async fn fetch_all_flags(
        &self,
        _: Request<pb::FetchAllFlagsRequest>,
    ) -> Result<Response<pb::FetchAllFlagsResponse>, Status> {
        Err(Status::unimplemented("baseline"))
    }

    async fn get_metadata(
        &self,
        _: Request<pb::GetMetadataRequest>,
    ) -> Result<Response<pb::GetMetadataResponse>, Status> {
        Err(Status::unimplemented("baseline"))
    }
}

/// Serves [`BaselineSync`] on `port`.
pub async fn baseline_grpc(port: u16, sync: BaselineSync) {
    let _ = tonic::transport::Server::builder()
        .add_service(pb::flag_sync_service_server::FlagSyncServiceServer::new(
            sync,
        ))
        .serve(([127, 0, 0, 1], port).into())
        .await;
}
