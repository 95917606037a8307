//! Running the server: `switchyard realtime` (the SDK endpoints only) and the base of `switchyard
//! serve` (which mounts the rest of the product on it: `crate::serve`), with the operator's
//! routes of [`crate::health`], and graceful shutdown (streams close with 1012, in-flight requests
//! drain, analytics flush).

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::backends::{Backends, BusConfig, StoreConfig};
use tokio::sync::watch;

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

impl StoreKind {
    /// The store this names (a DynamoDB table is created when missing).
    pub fn config(self, data_dir: &Path, table: &str) -> StoreConfig {
        match self {
            StoreKind::Embedded => StoreConfig::Embedded(data_dir.to_path_buf()),
            StoreKind::Dynamodb => StoreConfig::DynamoDb {
                table: table.to_owned(),
                create: true,
            },
        }
    }
}

impl BusKind {
    /// The bus this names; Redis needs its URL.
    pub fn config(self, redis_url: Option<&str>) -> Result<BusConfig, String> {
        match (self, redis_url) {
            (BusKind::InProcess, _) => Ok(BusConfig::InProcess),
            (BusKind::Redis, Some(url)) => Ok(BusConfig::Redis(url.to_owned())),
            (BusKind::Redis, None) => Err(
                "the Redis bus needs --redis-url (SWITCHYARD_REDIS_URL), or choose --bus in-process"
                    .to_owned(),
            ),
        }
    }
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
    /// Where flags come from: DynamoDB (production), or an embedded store this process alone
    /// opens (an offline replica, e.g. of a backup put in place with `switchyard restore`).
    #[arg(long, env = "SWITCHYARD_STORE", value_enum, default_value = "dynamodb")]
    pub store: StoreKind,
    /// The embedded store's directory (with `--store embedded`).
    #[arg(long, env = "SWITCHYARD_DATA_DIR", default_value = ".switchyard")]
    pub data_dir: PathBuf,
    /// The DynamoDB table (with `--store dynamodb`).
    #[arg(long, env = "SWITCHYARD_TABLE", default_value = "switchyard")]
    pub table: String,
    /// Where changes are heard: Redis (production), or nowhere but this process (with an
    /// embedded store nothing else writes it; with DynamoDB, changes arrive by the periodic
    /// revision check).
    #[arg(long, env = "SWITCHYARD_BUS", value_enum, default_value = "redis")]
    pub bus: BusKind,
    /// Redis (required with `--bus redis`).
    #[arg(long, env = "SWITCHYARD_REDIS_URL")]
    pub redis_url: Option<String>,
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
    #[cfg(feature = "dashboard")]
    Serve(crate::serve::ServeArgs),
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

async fn run(role: Role) -> Result<(), String> {
    let (addr, stores, buses, bundle, delivery) = match &role {
        #[cfg(feature = "dashboard")]
        Role::Serve(a) => (
            a.addr,
            a.store.config(&a.data_dir, &a.table),
            a.bus.config(Some(&a.redis_url))?,
            a.sdk_bundle.clone(),
            a.delivery.clone(),
        ),
        Role::Realtime(a) => (
            a.addr,
            a.store.config(&a.data_dir, &a.table),
            a.bus.config(a.redis_url.as_deref())?,
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
    let app = sdk::router(sdk_state).merge(health::routes(Health {
        store: store.clone(),
        bus: bus.clone(),
        envs: envs.clone(),
        metrics: metrics.clone(),
        shutdown: shutdown_rx.clone(),
    }));
    #[cfg(feature = "dashboard")]
    let app = match &role {
        Role::Serve(a) => crate::serve::mount(app, a, &store, &bus, shutdown_rx.clone())?,
        Role::Realtime(_) => app,
    };
    let listener = listen(addr, delivery.listen.reuse_port)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let flagd_defaults: &[SocketAddr] = match &role {
        #[cfg(feature = "dashboard")]
        Role::Serve(_) => &[
            SocketAddr::from(([127, 0, 0, 1], 8013)),
            SocketAddr::from(([127, 0, 0, 1], 8015)),
        ],
        Role::Realtime(_) => &[SocketAddr::from(([0, 0, 0, 0], 8013))],
    };
    let flagd_listeners = crate::flagd::serve::bind(
        delivery.flagd.flagd_addr.as_ref(),
        flagd_defaults,
        delivery.listen.reuse_port,
    )?;
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
        #[cfg(feature = "dashboard")]
        Role::Serve(a) => crate::serve::banner(a, local),
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

/// A listener with a deep accept queue: after a restart, thousands of SDK clients reconnect
/// within a second or two, and connections beyond the queue wait out TCP's SYN retries (1 s, 3 s,
/// 7 s…). The kernel caps the depth at `net.core.somaxconn`. `reuse_port`: the address is shared
/// with other processes that set it (SO_REUSEPORT; `--reuse-port`, and the load tool's baseline).
pub fn listen(addr: SocketAddr, reuse_port: bool) -> std::io::Result<tokio::net::TcpListener> {
    // Every open stream is a descriptor: take what the system allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    #[cfg(unix)]
    if reuse_port {
        socket.set_reuseport(true)?;
    }
    #[cfg(not(unix))]
    if reuse_port {
        return Err(std::io::Error::other(
            "--reuse-port needs SO_REUSEPORT (Unix)",
        ));
    }
    socket.bind(addr)?;
    socket.listen(8192)
}
