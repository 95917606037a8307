//! The flagd listeners: both services on each, HTTP/2 in cleartext (TLS ends at the load
//! balancer, as for the HTTP port), under one connection cap, with HTTP/2 keep-alive pings that
//! find dead peers, a cap on streams per connection, and request messages capped far below
//! gRPC's 4 MiB default (a request is a flag key and a context).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tonic::transport::Server;

use super::auth::FlagdState;
use super::evaluation::Evaluation;
use super::listener::incoming;
use super::proto::evaluation::service_server::ServiceServer;
use super::proto::evaluation_v2::service_server::ServiceServer as ServiceServerV2;
use super::proto::sync::flag_sync_service_server::FlagSyncServiceServer;
use super::sync::Sync;
use super::{Addrs, MAX_REQUEST_MESSAGE};

/// Binds the listeners: `configured` strictly (an address that cannot be bound is an error),
/// or else `defaults`, skipping (with a warning) one already in use. `reuse_port`: shared with
/// other processes (`--reuse-port`).
pub fn bind(
    configured: Option<&Addrs>,
    defaults: &[SocketAddr],
    reuse_port: bool,
) -> Result<Vec<TcpListener>, String> {
    let strict = configured.is_some();
    let addrs = configured.map_or(defaults, |a| a.0.as_slice());
    let mut bound = Vec::new();
    for addr in addrs {
        match crate::server::listen(*addr, reuse_port) {
            Ok(l) => bound.push(l),
            Err(e) if strict => return Err(format!("cannot listen for flagd on {addr}: {e}")),
            Err(e) => {
                tracing::warn!(%addr, error = %e, "flagd listener skipped (set --flagd-addr)")
            }
        }
    }
    Ok(bound)
}

/// Serves both flagd services on every listener until `shutdown` turns true. `max_connections`
/// is shared by all of them.
pub async fn serve(
    listeners: Vec<TcpListener>,
    st: FlagdState,
    streams_per_connection: u32,
    max_connections: usize,
    first_bytes_within: Duration,
    request_timeout: Duration,
    shutdown: watch::Receiver<bool>,
) {
    let places = Arc::new(Semaphore::new(max_connections.max(1)));
    let mut servers = Vec::new();
    for listener in listeners {
        let sync = FlagSyncServiceServer::new(Sync(st.clone()))
            .max_decoding_message_size(MAX_REQUEST_MESSAGE);
        let evaluation = ServiceServer::new(Evaluation(st.clone()))
            .max_decoding_message_size(MAX_REQUEST_MESSAGE);
        let evaluation_v2 = ServiceServerV2::new(Evaluation(st.clone()))
            .max_decoding_message_size(MAX_REQUEST_MESSAGE);
        let metrics = st.sdk.metrics.clone();
        let refused = move || {
            metrics.connections_refused.inc();
        };
        let conns = incoming(listener, places.clone(), first_bytes_within, refused);
        let mut shutdown = shutdown.clone();
        let server = Server::builder()
            .max_concurrent_streams(Some(streams_per_connection.max(1)))
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .http2_keepalive_timeout(Some(Duration::from_secs(10)))
            .tcp_keepalive(Some(Duration::from_secs(60)))
            // Until the response starts: a stream's messages come after, and are not cut.
            .timeout(request_timeout)
            .add_service(sync)
            .add_service(evaluation)
            .add_service(evaluation_v2)
            .serve_with_incoming_shutdown(conns, async move {
                let _ = shutdown.wait_for(|down| *down).await;
            });
        servers.push(tokio::spawn(server));
    }
    for s in servers {
        if let Ok(Err(e)) = s.await {
            tracing::error!(error = %e, "flagd listener failed");
        }
    }
}
