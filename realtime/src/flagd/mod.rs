//! flagd's gRPC protocols, so that every flagd provider works against Switchyard unmodified:
//! - [`sync`] — `flagd.sync.v1.FlagSyncService`: in-process providers stream the environment's
//!   flag document (`SyncFlags`), fetch it once (`FetchAllFlags`) or read the static sync
//!   context (`GetMetadata`);
//! - [`evaluation`] — `flagd.evaluation.v1.Service` and ([`evaluation_v2`]) `v2`: RPC providers
//!   resolve on the server (typed resolves, `ResolveAll`), and [`events`] is their `EventStream`
//!   (`provider_ready`,
//!   `configuration_change` with the changed flag keys, `keep_alive`);
//! - [`auth`] — the environment's server key, from the `flagd-selector` header, the request's
//!   `selector` field, or `authorization: Bearer` / `x-api-key` metadata;
//! - [`listener`] — the gRPC listeners (HTTP/2, cleartext; TLS ends at the load balancer), with a
//!   connection cap and the caller's connection remembered for `EventStream`;
//! - [`serve`] — binding the listeners and serving both services on each; `service_impl` writes
//!   the evaluation methods once for both protocol versions;
//! - [`structs`] — JSON ↔ `google.protobuf.Struct`.
//!
//! Both services are served on every flagd listener (`--flagd-addr`; `serve` listens on flagd's
//! defaults, 8013 for evaluation and 8015 for sync), beside the HTTP port.

pub mod auth;
pub mod evaluation;
pub mod evaluation_v2;
pub mod events;
pub mod listener;
pub mod serve;
mod service_impl;
pub mod structs;
pub mod sync;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use serde_json::{Map, Value};

/// The generated protocol types, servers and clients.
pub mod proto {
    pub mod sync {
        tonic::include_proto!("flagd.sync.v1");
    }
    pub mod evaluation {
        tonic::include_proto!("flagd.evaluation.v1");
    }
    pub mod evaluation_v2 {
        tonic::include_proto!("flagd.evaluation.v2");
    }
}

/// How the flagd listeners run.
#[derive(Debug, Clone, Args)]
pub struct FlagdArgs {
    /// Addresses of the flagd gRPC listeners (sync and evaluation on each), comma-separated, or
    /// `off`. Default: `serve` 127.0.0.1:8013,127.0.0.1:8015 (flagd's evaluation and sync
    /// ports; a default port already in use is skipped with a warning), `realtime` 0.0.0.0:8013.
    #[arg(long, env = "SWITCHYARD_FLAGD_ADDR", value_parser = parse_addrs)]
    pub flagd_addr: Option<Addrs>,
    /// Static context sent to in-process providers (`sync_context`, `GetMetadata`) and merged
    /// under every RPC evaluation's context, as flagd's `--context-value`: `key=value`,
    /// repeatable.
    #[arg(long = "flagd-context-value", env = "SWITCHYARD_FLAGD_CONTEXT_VALUES", value_delimiter = ',', value_parser = parse_context_value)]
    pub context_values: Vec<(String, String)>,
    /// Seconds between `keep_alive` events on an idle `EventStream`.
    #[arg(
        long = "flagd-keep-alive-secs",
        env = "SWITCHYARD_FLAGD_KEEP_ALIVE_SECS",
        default_value_t = 20
    )]
    pub keep_alive_secs: u64,
    /// Open connections to the flagd listeners together; past it a new one is closed at once.
    #[arg(
        long,
        env = "SWITCHYARD_FLAGD_MAX_CONNECTIONS",
        default_value_t = 30_000
    )]
    pub flagd_max_connections: usize,
    /// Concurrent gRPC streams (and calls) one HTTP/2 connection may hold.
    #[arg(
        long = "flagd-streams-per-connection",
        env = "SWITCHYARD_FLAGD_STREAMS_PER_CONNECTION",
        default_value_t = 64
    )]
    pub streams_per_connection: u32,
}

/// The listeners' addresses; empty: none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addrs(pub Vec<SocketAddr>);

fn parse_addrs(s: &str) -> Result<Addrs, String> {
    if s.trim().eq_ignore_ascii_case("off") {
        return Ok(Addrs(Vec::new()));
    }
    s.split(',')
        .map(|a| {
            a.trim()
                .parse()
                .map_err(|e| format!("{a:?} is not an address: {e}"))
        })
        .collect::<Result<_, _>>()
        .map(Addrs)
}

fn parse_context_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("{s:?} is not key=value")),
    }
}

impl FlagdArgs {
    /// The static context as a JSON object.
    pub fn context(&self) -> Map<String, Value> {
        self.context_values
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    }

    pub fn keep_alive(&self) -> Duration {
        Duration::from_secs(self.keep_alive_secs.max(1))
    }
}

/// The largest request message a client may send (a context is capped by the SDK limits far
/// below this; the rest is framing).
pub const MAX_REQUEST_MESSAGE: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_a_comma_separated_list_or_off() {
        assert_eq!(parse_addrs("off"), Ok(Addrs(vec![])));
        let two = parse_addrs("127.0.0.1:1, 127.0.0.1:2").unwrap();
        assert_eq!(two.0.len(), 2);
        assert!(parse_addrs("127.0.0.1").is_err());
    }

    #[test]
    fn context_values_are_key_equals_value() {
        assert_eq!(
            parse_context_value("region=eu=west"),
            Ok(("region".into(), "eu=west".into()))
        );
        assert!(parse_context_value("=x").is_err());
        assert!(parse_context_value("novalue").is_err());
    }
}
