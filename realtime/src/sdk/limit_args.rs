//! The SDK endpoints' limits as command-line flags (each with an environment variable): rates,
//! evaluation offloading, stream caps, memory, contexts, deadlines and addresses, in one place.

use clap::Args;
use std::time::Duration;

use super::Limits;
use super::memory;
use super::streams::StreamCaps;

#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// SDK requests per second per key.
    #[arg(long, env = "SWITCHYARD_RATE_LIMIT", default_value_t = 2000)]
    pub rate_limit: u32,
    /// Environments whose worst case for evaluating every flag once reaches this many steps are
    /// evaluated on threads of the lowest priority, a few at a time, with a deadline.
    #[arg(
        long,
        env = "SWITCHYARD_HEAVY_EVALUATION_STEPS",
        default_value_t = 20_000
    )]
    pub heavy_evaluation_steps: u64,
    /// Heavy evaluations at once (default: half the CPUs, at least one).
    #[arg(long, env = "SWITCHYARD_HEAVY_EVALUATIONS")]
    pub heavy_evaluations: Option<usize>,
    /// Milliseconds a heavy evaluation may take, its wait included (then 503, Retry-After).
    #[arg(long, env = "SWITCHYARD_EVALUATION_DEADLINE_MS", default_value_t = 500)]
    pub evaluation_deadline_ms: u64,
    /// Open streams (WebSocket, SSE, OFREP events) per node; 0: no cap.
    #[arg(long, env = "SWITCHYARD_MAX_STREAMS", default_value_t = 20_000)]
    pub max_streams: usize,
    /// Open streams per SDK key, per node; 0: no cap.
    #[arg(long, env = "SWITCHYARD_MAX_STREAMS_PER_KEY", default_value_t = 10_000)]
    pub max_streams_per_key: usize,
    /// Open streams per client address (IPv6: per /64), per node; 0: no cap. Offices and mobile
    /// carriers put many browsers behind one address.
    #[arg(
        long,
        env = "SWITCHYARD_MAX_STREAMS_PER_ADDRESS",
        default_value_t = 1_000
    )]
    pub max_streams_per_address: usize,
    /// New streams are refused while resident memory is past this many MiB (open ones go on).
    /// Default: 80% of the container's memory limit, if it has one; 0: never.
    #[arg(long, env = "SWITCHYARD_MEMORY_HIGH_WATER_MB")]
    pub memory_high_water_mb: Option<u64>,
    /// The largest evaluation context, as JSON bytes (stream hellos, SSE and OFREP requests).
    #[arg(long, env = "SWITCHYARD_MAX_CONTEXT_BYTES", default_value_t = 8192)]
    pub max_context_bytes: usize,
    /// The shortest time between two snapshots on one stream (milliseconds).
    #[arg(long, env = "SWITCHYARD_SNAPSHOT_INTERVAL_MS", default_value_t = 500)]
    pub snapshot_interval_ms: u64,
    /// Seconds a WebSocket client has to say hello after connecting.
    #[arg(long, env = "SWITCHYARD_HELLO_TIMEOUT_SECS", default_value_t = 10)]
    pub hello_timeout_secs: u64,
    /// Seconds of silence (not even a ping) after which a WebSocket is closed.
    #[arg(
        long,
        env = "SWITCHYARD_STREAM_IDLE_TIMEOUT_SECS",
        default_value_t = 120
    )]
    pub stream_idle_timeout_secs: u64,
    /// Proxies in front of the server that append to X-Forwarded-For (a load balancer: 1). 0: the
    /// TCP peer is the client and the header is ignored.
    #[arg(long, env = "SWITCHYARD_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,
    /// Unknown keys an address may present per minute before it gets 429 without a lookup; 0: no
    /// limit.
    #[arg(long, env = "SWITCHYARD_FAILED_AUTH_PER_MINUTE", default_value_t = 60)]
    pub failed_auth_per_minute: u32,
}

impl LimitArgs {
    /// `limits` with these settings.
    pub fn apply(&self, limits: Limits) -> Limits {
        let memory_high_water = match self.memory_high_water_mb {
            None => memory::default_mark(),
            Some(0) => None,
            Some(mb) => Some(mb.saturating_mul(1024 * 1024)),
        };
        Limits {
            requests_per_second: self.rate_limit,
            heavy_cost: self.heavy_evaluation_steps,
            heavy_concurrency: self.heavy_evaluations.unwrap_or(limits.heavy_concurrency),
            evaluation_deadline: Duration::from_millis(self.evaluation_deadline_ms),
            streams: StreamCaps {
                per_node: self.max_streams,
                per_key: self.max_streams_per_key,
                per_address: self.max_streams_per_address,
            },
            memory_high_water,
            max_context_bytes: self.max_context_bytes,
            snapshot_interval: Duration::from_millis(self.snapshot_interval_ms),
            hello_timeout: Duration::from_secs(self.hello_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(self.stream_idle_timeout_secs.max(1)),
            trusted_proxy_hops: self.trusted_proxy_hops,
            failed_auth_per_minute: self.failed_auth_per_minute,
            ..limits
        }
    }
}
