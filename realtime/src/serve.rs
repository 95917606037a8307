//! `switchyard serve`: the whole product in one process. Beside the SDK endpoints both roles
//! share ([`crate::server`]), it mounts the dashboard API, its webhook dispatcher and scheduler,
//! online backup, MCP at `/mcp` and the built dashboard. Present with the `dashboard` feature (the
//! default); the production realtime image is built without it.

use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use clap::Args;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::bus::Bus;
use switchyard_core::store::Store;
use switchyard_functions::auth::jwt::JwtKeys;
use switchyard_functions::auth::rate_limit::LoginLimiter;
use switchyard_functions::webhooks::{Dispatcher, RetryPolicy};
use switchyard_functions::{AppState, Group};
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};

use crate::sdk::Limits;
use crate::server::{BusKind, DeliveryArgs, StoreKind};

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

/// The SDK endpoints' router with everything `serve` adds, and the workers it runs.
pub fn mount(
    app: Router,
    a: &ServeArgs,
    store: &Store,
    bus: &Arc<dyn Bus>,
    shutdown: watch::Receiver<bool>,
) -> Result<Router, String> {
    let jwt = JwtKeys::from_secret(&local_key(&a.data_dir, "jwt.key")?)?;
    let webhooks = a.webhooks.setup(
        &local_key(&a.data_dir, "webhook.key")?,
        &format!("http://{}", a.addr),
    )?;
    // Behind the same proxies as the SDK endpoints: the client address counts the same hops.
    let proxy_hops = a
        .delivery
        .limits
        .apply(Limits::default())
        .trusted_proxy_hops;
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
    let mcp = crate::mcp::http::router(api.clone(), &a.mcp, shutdown);
    let mut app = app;
    if matches!(a.store, StoreKind::Embedded) {
        let admin_key = hex::encode(local_key(&a.data_dir, "admin.key")?);
        app = app.merge(crate::backup::routes(
            store.clone(),
            a.data_dir.clone(),
            &admin_key,
        ));
    }
    let app = app
        .merge(api)
        .nest_service("/mcp", mcp)
        .fallback_service(dashboard(&a.web_dir));
    Ok(crate::security_headers::apply(app))
}

/// What `serve` prints once it listens.
pub fn banner(a: &ServeArgs, local: SocketAddr) {
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

/// The webhook dispatcher: a run after every change (the change layer wakes it) and every second
/// (retries that came due). Sending tasks go on between runs.
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
