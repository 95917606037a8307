//! Running the server: `switchyard serve` (all of Switchyard in one process) and `switchyard
//! realtime` (the SDK endpoints only), with the operator's routes of [`crate::health`], and
//! graceful shutdown (streams close with 1012, in-flight requests drain, analytics flush).

use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::backends::{Backends, BusConfig, StoreConfig};
use switchyard_functions::auth::jwt::JwtKeys;
use switchyard_functions::auth::rate_limit::LoginLimiter;
use switchyard_functions::webhooks::{Dispatcher, RetryPolicy};
use switchyard_functions::{AppState, Group};
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};

use crate::envs::Environments;
use crate::health::{self, Health};
use crate::keys::KeyCacheConfig;
use crate::listen::{self, ListenArgs};
use crate::metrics::Metrics;
use crate::sdk::limit_args::LimitArgs;
use crate::sdk::{self, Limits, SdkState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    Embedded,
    Dynamodb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BusKind {
    InProcess,
    Redis,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Where to listen.
    #[arg(long, env = "SWITCHYARD_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The embedded store's directory (also holds the generated token signing key).
    #[arg(long, env = "SWITCHYARD_DATA_DIR", default_value = ".switchyard")]
    pub data_dir: PathBuf,
    #[arg(long, env = "SWITCHYARD_STORE", value_enum, default_value = "embedded")]
    pub store: StoreKind,
    /// The DynamoDB table (with `--store dynamodb`); created if missing.
    #[arg(long, env = "SWITCHYARD_TABLE", default_value = "switchyard")]
    pub table: String,
    #[arg(long, env = "SWITCHYARD_BUS", value_enum, default_value = "in-process")]
    pub bus: BusKind,
    /// Redis (with `--bus redis`).
    #[arg(
        long,
        env = "SWITCHYARD_REDIS_URL",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,
    /// The built dashboard.
    #[arg(long, env = "SWITCHYARD_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// The built SDK bundle.
    #[arg(
        long,
        env = "SWITCHYARD_SDK_BUNDLE",
        default_value = "sdk-js/dist/switchyard.min.js"
    )]
    pub sdk_bundle: PathBuf,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    /// The quotas the dashboard API enforces (the `realtime` role writes nothing but counters).
    #[command(flatten)]
    pub quotas: switchyard_functions::config::QuotaArgs,
    /// Login and signup limits of the dashboard API.
    #[command(flatten)]
    pub login: switchyard_functions::config::LoginLimitArgs,
    /// Password reset mail.
    #[command(flatten)]
    pub mail: switchyard_functions::config::MailArgs,
    /// Webhooks: where endpoints may point, the dashboard's address in messages.
    #[command(flatten)]
    pub webhooks: switchyard_functions::config::WebhookArgs,
    /// MCP for AI agents at `/mcp`.
    #[command(flatten)]
    pub mcp: crate::mcp::http::McpArgs,
}

/// How the SDK endpoints run: flags both roles share.
#[derive(Debug, Clone, Args)]
pub struct DeliveryArgs {
    /// Seconds between checks of held environments' revisions against the store.
    #[arg(long, env = "SWITCHYARD_REVISION_CHECK_SECS", default_value_t = 10)]
    pub revision_check_secs: u64,
    /// SDK keys held in the cache of found keys.
    #[arg(long, env = "SWITCHYARD_KEY_CACHE_SIZE", default_value_t = NonZeroUsize::new(100_000).unwrap_or(NonZeroUsize::MIN))]
    pub key_cache_size: NonZeroUsize,
    /// Unknown SDK keys remembered, in a cache apart from found keys.
    #[arg(long, env = "SWITCHYARD_UNKNOWN_KEY_CACHE_SIZE", default_value_t = NonZeroUsize::new(20_000).unwrap_or(NonZeroUsize::MIN))]
    pub unknown_key_cache_size: NonZeroUsize,
    /// Seconds a found key is trusted before it is looked up again (a revoked key works at
    /// most this long).
    #[arg(long, env = "SWITCHYARD_KEY_CACHE_SECS", default_value_t = 10)]
    pub key_cache_secs: u64,
    #[command(flatten)]
    pub analytics: sdk::event_sink::AnalyticsConfig,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub listen: ListenArgs,
    #[command(flatten)]
    pub flagd: crate::flagd::FlagdArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RealtimeArgs {
    #[arg(long, env = "SWITCHYARD_ADDR", default_value = "0.0.0.0:8080")]
    pub addr: SocketAddr,
    #[arg(long, env = "SWITCHYARD_TABLE", default_value = "switchyard")]
    pub table: String,
    #[arg(long, env = "SWITCHYARD_REDIS_URL")]
    pub redis_url: String,
    #[arg(
        long,
        env = "SWITCHYARD_SDK_BUNDLE",
        default_value = "/app/switchyard.min.js"
    )]
    pub sdk_bundle: PathBuf,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

/// Built once at start: the size difference between the two roles' flags costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Role {
    Serve(ServeArgs),
    Realtime(RealtimeArgs),
}

pub fn run_blocking(role: Role) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchyard: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(role)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchyard: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A key of a local install (`jwt.key` signs session tokens, `webhook.key` seals webhook
/// secrets, `admin.key` asks for online backups): generated once, kept in the data directory.
pub fn local_key(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = dir.join(name);
    if let Ok(hex_key) = std::fs::read_to_string(&path) {
        return hex::decode(hex_key.trim())
            .map_err(|_| format!("{} is not a hex key", path.display()));
    }
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, hex::encode(key))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(key.to_vec())
}

async fn run(role: Role) -> Result<(), String> {
    let (addr, stores, buses, bundle, delivery) = match &role {
        Role::Serve(a) => (
            a.addr,
            match a.store {
                StoreKind::Embedded => StoreConfig::Embedded(a.data_dir.clone()),
                StoreKind::Dynamodb => StoreConfig::DynamoDb {
                    table: a.table.clone(),
                    create: true,
                },
            },
            match a.bus {
                BusKind::InProcess => BusConfig::InProcess,
                BusKind::Redis => BusConfig::Redis(a.redis_url.clone()),
            },
            a.sdk_bundle.clone(),
            a.delivery.clone(),
        ),
        Role::Realtime(a) => (
            a.addr,
            StoreConfig::DynamoDb {
                table: a.table.clone(),
                create: true,
            },
            BusConfig::Redis(a.redis_url.clone()),
            a.sdk_bundle.clone(),
            a.delivery.clone(),
        ),
    };
    let Backends { store, bus } = Backends::open(stores, buses).await?;
    let check = delivery.revision_check_secs;
    let metrics = Arc::new(Metrics::new());
    let envs = Environments::with_key_cache(
        store.clone(),
        metrics.clone(),
        KeyCacheConfig {
            found: delivery.key_cache_size,
            missing: delivery.unknown_key_cache_size,
            ttl: Duration::from_secs(delivery.key_cache_secs),
            ..KeyCacheConfig::default()
        },
    );
    tokio::spawn(envs.clone().follow(bus.clone()));
    tokio::spawn(
        envs.clone()
            .check_periodically(Duration::from_secs(check.max(1))),
    );
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let limits = delivery.limits.apply(Limits::default());
    let proxy_hops = limits.trusted_proxy_hops;
    let sdk_state = SdkState::new(
        envs.clone(),
        metrics.clone(),
        limits,
        shutdown_rx.clone(),
        Some(bundle),
    )
    .with_analytics(delivery.analytics.clone());
    let events = sdk_state.events.clone();
    let streams = sdk_state.streams.clone();
    let flagd_state = crate::flagd::auth::FlagdState {
        sdk: sdk_state.clone(),
        context: Arc::new(delivery.flagd.context()),
        keep_alive: delivery.flagd.keep_alive(),
    };
    tokio::spawn(
        sdk_state
            .streams
            .memory()
            .clone()
            .sample_periodically(Duration::from_secs(1), metrics.clone()),
    );
    tokio::spawn({
        let sdk = sdk_state.clone();
        async move {
            let mut tick = tokio::time::interval(Duration::from_secs(30));
            loop {
                tick.tick().await;
                sdk.housekeeping();
            }
        }
    });
    tokio::spawn({
        let events = events.clone();
        async move { events.flush_periodically().await }
    });
    let mut app = sdk::router(sdk_state).merge(health::routes(Health {
        store: store.clone(),
        bus: bus.clone(),
        envs: envs.clone(),
        metrics: metrics.clone(),
        shutdown: shutdown_rx.clone(),
    }));
    if let Role::Serve(a) = &role {
        let jwt = JwtKeys::from_secret(&local_key(&a.data_dir, "jwt.key")?)?;
        let webhooks = a.webhooks.setup(
            &local_key(&a.data_dir, "webhook.key")?,
            &format!("http://{}", a.addr),
        )?;
        let login = LoginLimiter::new(a.login.limits()).with_trusted_proxy_hops(proxy_hops);
        let dashboard_url = a
            .webhooks
            .dashboard_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", a.addr));
        let mut state =
            AppState::with_options(store.clone(), bus.clone(), jwt, login, a.quotas.quotas())
                .with_webhooks(webhooks.clone())
                .with_api_url(a.webhooks.api_url.clone());
        if let Some(mail) = a.mail.mail(&dashboard_url)? {
            state = state.with_mail(mail);
        }
        tokio::spawn(webhook_worker(
            Dispatcher::new(state.changes.clone(), webhooks, RetryPolicy::default())?,
            state.webhook_nudge.clone(),
        ));
        // Scheduled change requests: at once (what came due while it was down), then every second.
        tokio::spawn(switchyard_functions::scheduler::run_forever(
            state.changes.clone(),
            Duration::from_secs(1),
        ));
        // Expired audit records: at once, then hourly.
        tokio::spawn(switchyard_functions::scheduler::sweep_forever(
            store.clone(),
            switchyard_functions::scheduler::SWEEP_EVERY,
        ));
        let api = switchyard_functions::router(state, &Group::ALL);
        let mcp = crate::mcp::http::router(api.clone(), &a.mcp, shutdown_rx.clone());
        if matches!(a.store, StoreKind::Embedded) {
            let admin_key = hex::encode(local_key(&a.data_dir, "admin.key")?);
            app = app.merge(crate::backup::routes(
                store.clone(),
                a.data_dir.clone(),
                &admin_key,
            ));
        }
        app = app
            .merge(api)
            .nest_service("/mcp", mcp)
            .fallback_service(dashboard(&a.web_dir));
        app = crate::security_headers::apply(app);
    }
    let listener = listen(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let flagd_defaults: &[SocketAddr] = match &role {
        Role::Serve(_) => &[
            SocketAddr::from(([127, 0, 0, 1], 8013)),
            SocketAddr::from(([127, 0, 0, 1], 8015)),
        ],
        Role::Realtime(_) => &[SocketAddr::from(([0, 0, 0, 0], 8013))],
    };
    let flagd_listeners =
        crate::flagd::serve::bind(delivery.flagd.flagd_addr.as_ref(), flagd_defaults)?;
    let flagd_addrs: Vec<String> = flagd_listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .map(|a| a.to_string())
        .collect();
    tokio::spawn(crate::flagd::serve::serve(
        flagd_listeners,
        flagd_state,
        delivery.flagd.streams_per_connection,
        delivery.flagd.flagd_max_connections,
        Duration::from_secs(delivery.listen.header_read_timeout_secs.max(1)),
        Duration::from_secs(delivery.listen.request_timeout_secs.max(1)),
        shutdown_rx.clone(),
    ));
    match &role {
        Role::Serve(a) => {
            println!("Switchyard is running at http://{local}");
            println!(
                "  data: {} ({:?} store, {:?} bus)",
                a.data_dir.display(),
                a.store,
                a.bus
            );
            println!("  first admin: open http://{local}/ and sign up, or");
            println!(
                "    curl -X POST http://{local}/api/v1/auth/signup -H 'content-type: application/json' \\"
            );
            println!(
                "      -d '{{\"email\":\"you@example.com\",\"password\":\"at least ten chars\",\"name\":\"You\",\"organization\":\"Acme\"}}'"
            );
            println!(
                "  AI agents (MCP): http://{local}/mcp with Authorization: Bearer <API token> (docs/governance.md)"
            );
        }
        Role::Realtime(_) => println!("Switchyard realtime is listening on {local}"),
    }
    if !flagd_addrs.is_empty() {
        // Tests and scripts read this line to find the flagd ports.
        println!(
            "  flagd gRPC (sync and evaluation): {}",
            flagd_addrs.join(", ")
        );
    }
    let graceful = async move {
        wait_for_signal().await;
        tracing::info!("shutting down: closing streams, draining requests");
        let _ = shutdown_tx.send(true);
    };
    listen::serve(listener, app, &delivery.listen, metrics, graceful).await;
    // Upgraded WebSockets (and SSE and flagd streams) outlive their HTTP connection: let them
    // say goodbye (1012) before the process ends.
    streams.closed(Duration::from_secs(5)).await;
    if let Err(e) = events.flush().await {
        tracing::warn!(error = %e, "final analytics flush failed");
    }
    Ok(())
}

/// `serve`'s webhook dispatcher: a run after every change (the change layer wakes it) and every
/// second (retries that came due). Sending tasks go on between runs.
async fn webhook_worker(dispatcher: Arc<Dispatcher>, nudge: Arc<tokio::sync::Notify>) {
    loop {
        if let Err(e) = dispatcher.run(None, false).await {
            tracing::warn!(error = %e, "webhook run failed");
        }
        tokio::select! {
            () = nudge.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The built dashboard, or a page that says plainly that it is not built.
fn dashboard(dir: &Path) -> Router {
    let index = dir.join("index.html");
    if index.exists() {
        Router::new().fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
    } else {
        Router::new().fallback(|| async {
            (StatusCode::NOT_FOUND, Html("<!doctype html><title>Switchyard</title><h1>Switchyard</h1>\
                <p>The dashboard is not built in this checkout (web/dist is missing). The API is at \
                <a href=\"/api/openapi.json\">/api/openapi.json</a>; SDK endpoints are under /ofrep and /sdk.</p>"))
        })
    }
}

/// A listener with a deep accept queue: after a restart, thousands of SDK clients reconnect
/// within a second or two, and connections beyond the queue wait out TCP's SYN retries (1 s, 3 s,
/// 7 s…). The kernel caps the depth at `net.core.somaxconn`.
pub(crate) fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    // Every open stream is a descriptor: take what the system allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(8192)
}
