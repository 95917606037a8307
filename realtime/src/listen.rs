//! The accept loop of `switchyard serve` and `switchyard realtime` (in place of `axum::serve`,
//! which sets no timeouts): HTTP/1.1 with WebSocket upgrades, and
//! - a header read timeout: a request line and headers not complete in time close the connection
//!   (a slowloris client holds nothing for long); it also ends idle keep-alive connections;
//! - a cap on open connections, streams included: past it, a new connection gets a short 503 and
//!   is closed;
//! - a cap on requests in flight: past it, 503 with Retry-After at once, never a queue;
//! - a deadline per request, its body included (408); a stream's deadline ends when its response
//!   starts, so streams are not cut;
//! - graceful shutdown: no new connections, in-flight requests drain (for a bounded time).
//!
//! Health and metrics (`/healthz`, `/readyz`, `/metrics`) are exempt from the in-flight cap and
//! the deadline: an overloaded node still answers its load balancer.
//!
//! HTTP/2 is not served: no SDK or load balancer here speaks cleartext HTTP/2, and its preface
//! read would need a deadline of its own.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clap::Args;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::{Service, ServiceExt};

use crate::metrics::Metrics;

/// How the server takes connections and requests.
#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// Seconds a client has to send a request line and headers; also how long an idle
    /// keep-alive connection stays open. Behind a load balancer that keeps idle connections to
    /// the server longer (and protects it from slow clients itself), set it above the balancer's
    /// idle timeout.
    #[arg(
        long,
        env = "SWITCHYARD_HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub header_read_timeout_secs: u64,
    /// Seconds a request, its body included, may take to be answered (then 408). Streams are
    /// limited only until their response starts.
    #[arg(long, env = "SWITCHYARD_REQUEST_TIMEOUT_SECS", default_value_t = 15)]
    pub request_timeout_secs: u64,
    /// Open connections, streams included; past it a new connection gets 503 and is closed.
    #[arg(long, env = "SWITCHYARD_MAX_CONNECTIONS", default_value_t = 30_000)]
    pub max_connections: usize,
    /// Requests being answered at once; past it, 503 at once.
    #[arg(long, env = "SWITCHYARD_MAX_IN_FLIGHT", default_value_t = 4096)]
    pub max_in_flight: usize,
    /// Share the HTTP and flagd addresses with other processes started with this flag
    /// (SO_REUSEPORT): the kernel spreads new connections over them. For several processes on
    /// one host behind one port: where one process may not hold as many descriptors as the host
    /// should streams, or to start a new version beside the old before stopping the old (its
    /// streams close with 1012 and reconnect to the new one).
    #[arg(long, env = "SWITCHYARD_REUSE_PORT")]
    pub reuse_port: bool,
}

/// Seconds a client refused at a cap waits before it tries again.
const RETRY_AFTER_SECS: u32 = 1;
/// How long shutdown waits for open connections to finish their requests.
const DRAIN: Duration = Duration::from_secs(20);
/// Refusals being written at once; past it, a connection over the cap is just dropped.
const REFUSING_AT_ONCE: usize = 256;

/// The answer to a connection over the cap, written before its request is read.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\n\
content-type: text/plain\r\ncontent-length: 20\r\nconnection: close\r\n\r\n\
too many connections";

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    args: &ListenArgs,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    let guard = Arc::new(Guard {
        in_flight: Arc::new(Semaphore::new(args.max_in_flight.max(1))),
        timeout: Duration::from_secs(args.request_timeout_secs.max(1)),
        metrics: metrics.clone(),
    });
    let app = app.layer(axum::middleware::from_fn_with_state(guard, guard_request));
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let connections = Arc::new(Semaphore::new(args.max_connections.max(1)));
    let refusing = Arc::new(Semaphore::new(REFUSING_AT_ONCE));
    let header_timeout = Duration::from_secs(args.header_read_timeout_secs.max(1));
    // Every connection task holds a receiver: shutdown flips the value, then waits for them all.
    let (close_tx, close_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait a little
                    // rather than spin.
                    tracing::debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            metrics.connections_refused.inc();
            if let Ok(writing) = refusing.clone().try_acquire_owned() {
                tokio::spawn(refuse(stream, writing));
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok(svc) = make.call(peer).await;
        let svc = TowerToHyperService::new(
            svc.map_request(|req: Request<hyper::body::Incoming>| req.map(Body::new)),
        );
        let io = TokioIo::new(Counted {
            stream,
            _permit: permit,
        });
        let mut close = close_rx.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(io, svc)
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = async { close.wait_for(|closing| *closing).await.is_ok() } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(close);
        });
    }
    drop(listener);
    drop(close_rx);
    let _ = close_tx.send(true);
    if tokio::time::timeout(DRAIN, close_tx.closed())
        .await
        .is_err()
    {
        tracing::warn!("shutdown: some connections did not finish in time");
    }
}

/// A short 503 for a connection over the cap. The client's request is read (briefly) after it,
/// so that closing does not reset the connection before the client has read the answer.
async fn refuse(mut stream: TcpStream, _writing: OwnedSemaphorePermit) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(REFUSAL).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), std::io::Error>(())
    })
    .await;
}

/// A connection's socket, holding its place under the connection cap for as long as it lives
/// (through a WebSocket upgrade too).
#[derive(Debug)]
struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[derive(Debug)]
struct Guard {
    in_flight: Arc<Semaphore>,
    timeout: Duration,
    metrics: Arc<Metrics>,
}

/// Paths an overloaded node still answers.
fn exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// The in-flight cap and the request deadline.
async fn guard_request(State(g): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(_permit) = g.in_flight.clone().try_acquire_owned() else {
        g.metrics.requests_shed.inc();
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, RETRY_AFTER_SECS.to_string())],
            "too many requests in flight; try again shortly",
        )
            .into_response();
    };
    match tokio::time::timeout(g.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            g.metrics.requests_timed_out.inc();
            (
                StatusCode::REQUEST_TIMEOUT,
                [(header::CONNECTION, "close")],
                "the request took too long",
            )
                .into_response()
        }
    }
}
