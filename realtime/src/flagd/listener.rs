//! The flagd listeners' connections: each holds a place under the connection cap (past it, a new
//! connection is closed at once), must send its first bytes (HTTP/2's preface) within the header
//! read timeout or be closed (an idle socket never holds a place for long), and carries a
//! [`Connection`] into every request it makes, so
//! that an `EventStream` — which the official RPC providers open without any metadata — can
//! follow the environment whose key the same connection's resolves proved.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use std::future::Future;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tonic::transport::server::Connected;

/// Keys one connection remembers (a provider uses one; a few allow a rotation's overlap).
const KEYS_PER_CONNECTION: usize = 4;

/// What the server knows about one connection.
#[derive(Debug, Clone)]
pub struct Connection {
    pub peer: SocketAddr,
    pub proven: Arc<Proven>,
}

/// The keys this connection's calls authenticated with, newest last, each with the environment
/// revision its call saw.
#[derive(Debug, Default)]
pub struct Proven {
    keys: Mutex<Vec<(String, u64)>>,
    pub changed: Notify,
}

impl Proven {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, u64)>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A call on this connection authenticated with `key`, seeing `revision`.
    pub fn prove(&self, key: &str, revision: u64) {
        let mut keys = self.lock();
        if keys.iter().any(|(k, _)| k == key) {
            return;
        }
        if keys.len() == KEYS_PER_CONNECTION {
            keys.remove(0);
        }
        keys.push((key.to_owned(), revision));
        drop(keys);
        self.changed.notify_waiters();
    }

    /// The first key proven on this connection, if any.
    pub fn first(&self) -> Option<(String, u64)> {
        self.lock().first().cloned()
    }

    /// The key was refused (revoked, expired): the connection no longer proves it.
    pub fn forget(&self, key: &str) {
        self.lock().retain(|(k, _)| k != key);
    }
}

/// An accepted connection and its place under the cap.
#[derive(Debug)]
pub struct Conn {
    io: TcpStream,
    info: Connection,
    _place: OwnedSemaphorePermit,
    /// Until the first bytes arrive: when the connection is closed if they have not.
    first_bytes: Option<Pin<Box<Sleep>>>,
}

impl Connected for Conn {
    type ConnectInfo = Connection;

    fn connect_info(&self) -> Connection {
        self.info.clone()
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.io).poll_read(cx, buf);
        if let Some(deadline) = self.first_bytes.as_mut() {
            match &read {
                Poll::Ready(Ok(())) if buf.filled().len() > before => self.first_bytes = None,
                Poll::Pending if deadline.as_mut().poll(cx).is_ready() => {
                    return Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "no request in time",
                    )));
                }
                _ => {}
            }
        }
        read
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// The listener's connections, as tonic takes them: one at a time, each under the cap (a
/// connection over it is dropped, which closes it); accept errors (out of descriptors) wait a
/// moment rather than spin.
pub fn incoming(
    listener: TcpListener,
    places: Arc<Semaphore>,
    first_bytes_within: Duration,
    refused: impl Fn() + Send + 'static,
) -> impl Stream<Item = std::io::Result<Conn>> + Send {
    futures_util::stream::unfold(
        (listener, places, refused),
        move |(listener, places, refused)| async move {
            loop {
                let (io, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(_) => {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(place) = places.clone().try_acquire_owned() else {
                    refused();
                    drop(io);
                    continue;
                };
                let _ = io.set_nodelay(true);
                let conn = Conn {
                    io,
                    info: Connection {
                        peer,
                        proven: Arc::default(),
                    },
                    _place: place,
                    first_bytes: Some(Box::pin(tokio::time::sleep(first_bytes_within))),
                };
                return Some((Ok(conn), (listener, places, refused)));
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_remembers_a_few_keys_and_forgets_refused_ones() {
        let p = Proven::default();
        for i in 0..6 {
            p.prove(&format!("k{i}"), i);
        }
        assert_eq!(p.first(), Some(("k2".into(), 2)));
        p.forget("k2");
        assert_eq!(p.first(), Some(("k3".into(), 3)));
        p.prove("k3", 9);
        assert_eq!(p.first(), Some(("k3".into(), 3)));
    }
}
