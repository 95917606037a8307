//! The SDK endpoints: OFREP evaluation, the flagd document, WebSocket and SSE streams, analytics
//! intake and the SDK bundle, all authenticated by environment keys.
//!
//! - [`caller`] — the key extractors; [`error`] — errors as HTTP responses
//! - [`protocol`] — the stream messages; [`view`] — what one client holds; [`session`] — one
//!   stream's loop, over [`ws`] or [`sse`]
//! - [`ofrep`], [`files`], [`events`], [`track`] — the request/response endpoints;
//!   [`event_sink`] — what the analytics intake counts, held and flushed
//! - [`ofrep_events`] — OFREP's event stream; [`catch_up`] — the revision an OFREP client names
//! - [`secure`] — secure mode: the HMAC of the context's targeting key, for client keys
//! - [`address`] — the client's address; [`failed_auth`] — failed authentications per address;
//!   [`streams`] — stream caps; [`memory`] — memory pressure; [`context_size`] — the context limit

pub mod address;
pub(crate) mod caller;
mod catch_up;
pub mod context_size;
mod deadlines;
mod error;
pub mod event_sink;
pub mod events;
pub mod failed_auth;
mod files;
mod gate;
pub mod limit_args;
mod low_priority;
pub mod memory;
pub mod offload;
mod ofrep;
mod ofrep_events;
mod pace;
pub mod protocol;
pub mod secure;
mod session;
mod shared_change;
mod sse;
pub mod streams;
mod track;
mod view;
mod ws;

/// The WebSocket read buffer per connection (the load tool's bare baseline uses the same).
pub use ws::READ_BUFFER as WS_READ_BUFFER;

use axum::Router;
use axum::http::{HeaderName, Method, header};
use axum::routing::{get, post};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use error::SdkError;
pub use shared_change::SharedChange;

use crate::envs::Environments;
use crate::metrics::Metrics;

/// Limits on what clients may send.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests per second per SDK key (bursts up to twice that).
    pub requests_per_second: u32,
    /// The largest request body or WebSocket message (bytes).
    pub max_message: usize,
    /// Messages a WebSocket is read at per minute, after bursts of a thirtieth of that (see
    /// [`pace`]).
    pub messages_per_minute: u32,
    /// Heartbeat: ping after this much silence.
    pub ping_every: Duration,
    /// Close a connection that has sent nothing for this long.
    pub idle_timeout: Duration,
    /// How often an open stream re-checks its key (a revoked key ends the stream).
    pub key_check_every: Duration,
    /// Environments whose worst case for evaluating every flag once reaches this many steps
    /// are heavy: evaluated on threads of the lowest priority (see [`offload`]).
    pub heavy_cost: u64,
    /// Heavy evaluations running at once, per server.
    pub heavy_concurrency: usize,
    /// How long a heavy evaluation may take, waiting for its turn included (then 503).
    pub evaluation_deadline: Duration,
    /// A WebSocket that has not said hello this long after the upgrade is closed.
    pub hello_timeout: Duration,
    /// The shortest time between two snapshots on one stream (`resync`/`identify` floods
    /// coalesce into one); each snapshot is also charged to the key's rate.
    pub snapshot_interval: Duration,
    /// The largest evaluation context, serialized (streams and OFREP).
    pub max_context_bytes: usize,
    /// Concurrent streams per node, key and address.
    pub streams: streams::StreamCaps,
    /// New streams are refused while resident memory is past this (bytes); `None`: never.
    pub memory_high_water: Option<u64>,
    /// Proxies in front of the server that append to `X-Forwarded-For` (0: the TCP peer is the
    /// client).
    pub trusted_proxy_hops: usize,
    /// Failed authentications an address may make per minute before it is refused (0: no limit).
    pub failed_auth_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            requests_per_second: 2000,
            max_message: 32 * 1024,
            messages_per_minute: 600,
            ping_every: Duration::from_secs(25),
            idle_timeout: Duration::from_secs(120),
            key_check_every: Duration::from_secs(5),
            heavy_cost: 20_000,
            heavy_concurrency: std::thread::available_parallelism()
                .map_or(1, |n| (n.get() / 2).max(1)),
            evaluation_deadline: Duration::from_millis(500),
            hello_timeout: Duration::from_secs(10),
            snapshot_interval: Duration::from_millis(500),
            max_context_bytes: 8 * 1024,
            streams: streams::StreamCaps::default(),
            memory_high_water: None,
            trusted_proxy_hops: 0,
            failed_auth_per_minute: 60,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SdkState {
    pub envs: Arc<Environments>,
    pub metrics: Arc<Metrics>,
    pub events: Arc<events::EventSink>,
    /// Shared: every stream session holds a copy of the state.
    pub limits: Arc<Limits>,
    pub offload: Arc<offload::Offload>,
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Open streams, against their caps and the memory mark.
    pub streams: Arc<streams::Streams>,
    failed_auth: Arc<failed_auth::FailedAuth>,
    /// Store reads OFREP clients cause by naming a newer revision, bounded per environment.
    catch_ups: Arc<catch_up::CatchUps>,
    /// Becomes true when the server shuts down: streams close with 1012.
    pub shutdown: watch::Receiver<bool>,
    /// The built SDK bundle, if there is one.
    pub bundle: Option<Arc<std::path::Path>>,
}

impl SdkState {
    pub fn new(
        envs: Arc<Environments>,
        metrics: Arc<Metrics>,
        limits: Limits,
        shutdown: watch::Receiver<bool>,
        bundle: Option<PathBuf>,
    ) -> SdkState {
        let per_second =
            NonZeroU32::new(limits.requests_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limits.requests_per_second.saturating_mul(2).max(1))
            .unwrap_or(NonZeroU32::MIN);
        let events = Arc::new(events::EventSink::new(
            envs.store().clone(),
            metrics.clone(),
            event_sink::AnalyticsConfig::default(),
        ));
        let memory = memory::Memory::new(limits.memory_high_water);
        SdkState {
            offload: Arc::new(offload::Offload::new(&limits, metrics.clone())),
            streams: Arc::new(streams::Streams::new(limits.streams, memory)),
            failed_auth: Arc::new(failed_auth::FailedAuth::new(limits.failed_auth_per_minute)),
            catch_ups: Arc::default(),
            envs,
            metrics,
            events,
            limiter: Arc::new(RateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(burst),
            )),
            limits: Arc::new(limits),
            shutdown,
            bundle: bundle.map(Arc::from),
        }
    }
}

impl SdkState {
    /// The analytics intake with these settings (instead of the defaults).
    pub fn with_analytics(mut self, config: event_sink::AnalyticsConfig) -> SdkState {
        let store = self.envs.store().clone();
        self.events = Arc::new(events::EventSink::new(store, self.metrics.clone(), config));
        self
    }

    /// Forgets rate-limit state that no longer limits anything (keys not seen lately, failure
    /// windows that are over), so that a flood of random keys leaves no memory behind.
    pub fn housekeeping(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
        self.failed_auth.forget_expired();
        self.catch_ups.housekeeping();
    }
}

/// The SDK routes, with CORS for browsers (any origin may ask; environments with an allow-list
/// refuse other origins on the actual request).
pub fn router(state: SdkState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static(secure::HASH_HEADER),
            header::IF_NONE_MATCH,
            // EventSource sends it when it reconnects to an OFREP event stream.
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::ETAG, header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600));
    Router::new()
        .route("/ofrep/v1/evaluate/flags", post(ofrep::bulk))
        .route("/ofrep/v1/evaluate/flags/{key}", post(ofrep::single))
        .route("/ofrep/v1/events", get(ofrep_events::stream))
        .route("/ofrep/v1/track", post(track::track))
        .route("/sdk/v1/flagd.json", get(files::flagd_document))
        .route("/sdk/v1/ws", get(ws::upgrade))
        .route("/sdk/v1/sse", get(sse::stream))
        .route("/sdk/v1/events", post(events::intake))
        .route("/sdk/v1/switchyard.js", get(files::bundle))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.limits.max_message,
        ))
        .layer(cors)
        .with_state(state)
}
