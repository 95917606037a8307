//! Load generator for `make bench` (loopback only, bounded in time).
//!
//! Starts a `switchyard serve` of its own on a free loopback port, then measures:
//! - fan-out: N WebSocket clients connected; a flag changed through the dashboard API; the time
//!   until every client has the new value (p50, p99, max), for each N given;
//! - memory per idle connection (the server's resident memory, before and after);
//! - OFREP bulk evaluations per second with 20 flags.
//!
//! In the same run, the same fan-out goes through a minimal baseline: a bare WebSocket server that
//! relays one tokio broadcast to every client (started as a second process).
//!
//! Then flagd's gRPC protocols ([`flagd`]): sync fan-out beside a bare tonic broadcast (in the
//! same baseline process), and `ResolveBoolean` req/s beside OFREP single-flag evaluation.

#[path = "load/flagd.rs"]
mod flagd;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Barrier, broadcast};
use tokio_tungstenite::tungstenite::Message;

const DEADLINE: Duration = Duration::from_secs(120);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18080)
}

struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

async fn wait_for_port(port: u16) -> Result<(), String> {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if start.elapsed() > Duration::from_secs(30) {
            return Err(format!("nothing listens on port {port}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Setup {
    http: reqwest::Client,
    base: String,
    token: String,
    project: String,
    env: String,
    client_key: String,
    version: u64,
    /// The hot flag's state after the last [`Setup::flip`].
    hot_on: bool,
}

async fn setup(base: &str) -> Result<Setup, String> {
    let http = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut r = http.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            r.send()
                .await
                .map_err(|e| e.to_string())?
                .json::<Value>()
                .await
                .map_err(|e| e.to_string())
        }
    };
    let s = post("/api/v1/auth/signup", None, json!({"email": "load@example.com", "password": "load test password", "name": "Load", "organization": "Load"})).await?;
    let token = s["token"].as_str().ok_or("signup failed")?.to_owned();
    let org = s["organization"]["id"].as_str().ok_or("no org")?.to_owned();
    let p = post(
        &format!("/api/v1/orgs/{org}/projects"),
        Some(&token),
        json!({"name": "Load", "environments": ["production"]}),
    )
    .await?;
    let project = p["project"]["id"].as_str().ok_or("no project")?.to_owned();
    let env = p["environments"][0]["id"]
        .as_str()
        .ok_or("no env")?
        .to_owned();
    for i in 0..20 {
        let key = if i == 0 {
            "hot".to_owned()
        } else {
            format!("flag-{i:02}")
        };
        post(&format!("/api/v1/projects/{project}/flags"), Some(&token),
             json!({"key": key, "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})).await?;
        let targeting = json!({"if": [{"in": [{"var": "country"}, ["DE", "FR"]]}, "on", {"fractional": [["on", 50], ["off", 50]]}]});
        http.put(format!("{base}/api/v1/projects/{project}/environments/{env}/flags/{key}")).bearer_auth(&token)
            .json(&json!({"enabled": true, "defaultVariant": "off", "targeting": targeting, "version": 0})).send().await.map_err(|e| e.to_string())?;
    }
    let k = post(
        &format!("/api/v1/projects/{project}/environments/{env}/keys"),
        Some(&token),
        json!({"kind": "client"}),
    )
    .await?;
    Ok(Setup {
        http,
        base: base.to_owned(),
        token,
        project,
        env,
        client_key: k["secret"].as_str().ok_or("no key")?.to_owned(),
        version: 1,
        hot_on: false,
    })
}

impl Setup {
    /// Flips the hot flag's targeting; returns when the API has answered.
    async fn flip(&mut self, on: bool) -> Result<(), String> {
        let targeting = if on {
            json!(null)
        } else {
            json!({"if": [true, "off"]})
        };
        let r = self.http.put(format!("{}/api/v1/projects/{}/environments/{}/flags/hot", self.base, self.project, self.env)).bearer_auth(&self.token)
            .json(&json!({"enabled": true, "defaultVariant": "on", "targeting": targeting, "version": self.version})).send().await.map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("flip failed: {}", r.status()));
        }
        self.version += 1;
        self.hot_on = on;
        Ok(())
    }
}

/// Connects `n` clients; each waits for a message matching `done` after the barrier, and reports
/// the time from `t0` (set just before the change) to its arrival.
async fn fan_out<F, Fut>(
    url: String,
    n: usize,
    hello: Option<String>,
    done: fn(&str) -> bool,
    trigger: F,
) -> Result<Vec<f64>, String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let ready = Arc::new(Barrier::new(n + 1));
    let t0 = Arc::new(std::sync::OnceLock::<Instant>::new());
    let mut tasks = Vec::with_capacity(n);
    let mut connected = 0;
    for chunk in 0..n.div_ceil(500) {
        let mut batch = Vec::new();
        for _ in 0..500.min(n - chunk * 500) {
            let (url, hello, ready, t0) = (url.clone(), hello.clone(), ready.clone(), t0.clone());
            batch.push(tokio::spawn(async move {
                let (mut ws, _) = tokio_tungstenite::connect_async(url)
                    .await
                    .map_err(|e| e.to_string())?;
                if let Some(h) = hello {
                    ws.send(Message::text(h)).await.map_err(|e| e.to_string())?;
                    // The snapshot.
                    ws.next().await;
                }
                Ok::<_, String>((ws, ready, t0))
            }));
        }
        for b in batch {
            let (mut ws, ready, t0) = b.await.map_err(|e| e.to_string())??;
            connected += 1;
            tasks.push(tokio::spawn(async move {
                ready.wait().await;
                while let Some(Ok(msg)) = ws.next().await {
                    if let Message::Text(t) = msg
                        && done(t.as_str())
                    {
                        return t0.get().map(|s| s.elapsed().as_secs_f64() * 1000.0);
                    }
                }
                None
            }));
        }
    }
    eprintln!("  {connected} clients connected");
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = t0.set(Instant::now());
    trigger().await?;
    let mut latencies = Vec::with_capacity(n);
    for t in tasks {
        if let Ok(Ok(Some(ms))) = tokio::time::timeout(DEADLINE, t).await {
            latencies.push(ms);
        }
    }
    latencies.sort_by(f64::total_cmp);
    Ok(latencies)
}

fn report(name: &str, n: usize, l: &[f64]) {
    println!(
        "{name:<28} N={n:<6} received={:<6} p50={:>7.1} ms  p99={:>7.1} ms  max={:>7.1} ms",
        l.len(),
        percentile(l, 0.5),
        percentile(l, 0.99),
        l.last().copied().unwrap_or(f64::NAN)
    );
}

/// The baseline: a WebSocket server that relays a tokio broadcast to every client.
async fn baseline_server(port: u16, grpc_port: u16) {
    use axum::extract::ws::{Message as M, WebSocketUpgrade};
    use axum::routing::{get, post};
    let (sync_tx, _) = broadcast::channel::<String>(16);
    let latest = Arc::new(std::sync::Mutex::new(String::new()));
    tokio::spawn(flagd::baseline_grpc(
        grpc_port,
        flagd::BaselineSync {
            tx: sync_tx.clone(),
            latest: latest.clone(),
        },
    ));
    let (tx, _) = broadcast::channel::<String>(16);
    let sub = tx.clone();
    let app = axum::Router::new()
        .route(
            "/ws",
            get(move |ws: WebSocketUpgrade| {
                let mut rx = sub.subscribe();
                async move {
                    ws.read_buffer_size(4096)
                        .on_upgrade(move |mut socket| async move {
                            while let Ok(m) = rx.recv().await {
                                if socket.send(M::Text(m.into())).await.is_err() {
                                    break;
                                }
                            }
                        })
                }
            }),
        )
        .route(
            "/send",
            post(move || {
                let tx = tx.clone();
                async move {
                    let _ =
                        tx.send(r#"{"type":"changes","flags":{"hot":{"value":false}}}"#.to_owned());
                }
            }),
        )
        .route(
            "/sync-send",
            post(move |doc: String| async move {
                if let Ok(mut l) = latest.lock() {
                    l.clone_from(&doc);
                }
                let _ = sync_tx.send(doc);
            }),
        );
    if let Ok(l) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        let _ = axum::serve(l, app).await;
    }
}

/// OFREP evaluations per second: `concurrency` clients posting to `path` with `key` for
/// `seconds`, each with its own context.
async fn ofrep_rps(s: &Setup, path: &str, key: &str, seconds: f64, concurrency: usize) -> f64 {
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for i in 0..concurrency {
        let (http, url, key) = (s.http.clone(), format!("{}{path}", s.base), key.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut ok = 0u64;
            let body = json!({"context": {"targetingKey": format!("user-{i}"), "country": "NL"}})
                .to_string();
            while Instant::now() < until {
                if let Ok(r) = http
                    .post(&url)
                    .header("x-api-key", &key)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    && r.status().is_success()
                    && r.bytes().await.is_ok()
                {
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
    total as f64 / seconds
}

/// What to run.
struct Plan {
    /// WebSocket fan-out sizes.
    sizes: Vec<usize>,
    flagd_streams: usize,
    flagd_changes: usize,
}

async fn run(plan: Plan) -> Result<(), String> {
    let Plan {
        sizes,
        flagd_streams,
        flagd_changes,
    } = plan;
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let server_bin = me.with_file_name("switchyard");
    let dir = std::env::temp_dir().join(format!("switchyard-load-{}", std::process::id()));
    let port = free_port();
    let grpc_port = free_port();
    let server = Guard(
        Command::new(&server_bin)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
                dir.to_str().unwrap_or("/tmp/sy-load"),
                "--rate-limit",
                "100000000",
                // Every client is on one key and one address: the caps would measure themselves.
                "--max-streams",
                "0",
                "--max-streams-per-key",
                "0",
                "--max-streams-per-address",
                "0",
                "--memory-high-water-mb",
                "0",
                "--flagd-addr",
                &format!("127.0.0.1:{grpc_port}"),
            ])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", server_bin.display()))?,
    );
    let base_port = free_port();
    let base_grpc_port = free_port();
    let _baseline = Guard(
        Command::new(&me)
            .arg("--baseline-server")
            .arg(base_port.to_string())
            .arg(base_grpc_port.to_string())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?,
    );
    wait_for_port(port).await?;
    wait_for_port(base_port).await?;
    wait_for_port(grpc_port).await?;
    wait_for_port(base_grpc_port).await?;
    let mut s = setup(&format!("http://127.0.0.1:{port}")).await?;
    let pid = server.0.id();
    let url = format!("ws://127.0.0.1:{port}/sdk/v1/ws?key={}", s.client_key);
    let hello =
        json!({"type": "hello", "context": {"targetingKey": "u", "country": "DE"}}).to_string();
    let mut on = true;
    for n in sizes {
        println!("--- {n} clients");
        let before = rss_kib(pid);
        let setup_ref = &mut s;
        on = !on;
        let flip_to = on;
        let rss_after = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let rss = rss_after.clone();
        let l = fan_out(
            url.clone(),
            n,
            Some(hello.clone()),
            |t| t.contains("\"changes\""),
            || async move {
                rss.store(rss_kib(pid), std::sync::atomic::Ordering::SeqCst);
                setup_ref.flip(flip_to).await
            },
        )
        .await?;
        report("switchyard ws fan-out", n, &l);
        let after = rss_after.load(std::sync::atomic::Ordering::SeqCst);
        println!(
            "{:<28} {:.1} KiB per idle connection (server RSS {} → {} KiB)",
            "memory",
            after.saturating_sub(before) as f64 / n as f64,
            before,
            after
        );
        let http = reqwest::Client::new();
        let send_url = format!("http://127.0.0.1:{base_port}/send");
        let l = fan_out(
            format!("ws://127.0.0.1:{base_port}/ws"),
            n,
            None,
            |t| t.contains("changes"),
            || async move {
                http.post(send_url)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
        )
        .await?;
        report("baseline broadcast fan-out", n, &l);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    println!("--- OFREP bulk, 20 flags");
    let rps = ofrep_rps(&s, "/ofrep/v1/evaluate/flags", &s.client_key, 5.0, 64).await;
    println!(
        "{:<28} {rps:.0} requests/s (64 connections, 5 s)",
        "ofrep bulk"
    );
    if flagd_streams > 0 {
        let key = flagd::server_key(&s).await?;
        flagd::sync_fan_out(
            &mut s,
            &key,
            grpc_port,
            base_port,
            base_grpc_port,
            flagd_streams,
            flagd_changes,
        )
        .await?;
        flagd::eval_rps(&s, &key, grpc_port, 3).await?;
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if args.first().map(String::as_str) == Some("--baseline-server") {
        let port = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(18081);
        let grpc_port = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(18082);
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        rt.block_on(baseline_server(port, grpc_port));
        return std::process::ExitCode::SUCCESS;
    }
    // `switchyard-load [SIZES…] [--no-ws] [--flagd-streams=N] [--flagd-changes=N]`
    let option = |name: &str, default: usize| {
        args.iter()
            .find_map(|a| a.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
            .unwrap_or(default)
    };
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if args.iter().any(|a| a == "--no-ws") {
        Vec::new()
    } else if sizes.is_empty() {
        vec![1000, 10_000]
    } else {
        sizes
    };
    let plan = Plan {
        sizes,
        flagd_streams: option("--flagd-streams", 1000),
        flagd_changes: option("--flagd-changes", 20),
    };
    match rt.block_on(async { tokio::time::timeout(Duration::from_secs(900), run(plan)).await }) {
        Ok(Ok(())) => std::process::ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("switchyard-load: {e}");
            std::process::ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("switchyard-load: gave up after 900 s");
            std::process::ExitCode::FAILURE
        }
    }
}
