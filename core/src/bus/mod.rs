//! The change bus: `{environment, revision, changed keys}` events between processes.
//!
//! The bus is a hint, never the truth (Redis pub/sub delivers at most once): a subscriber is told
//! when it may have missed something ([`BusMessage::Resync`]) and then reloads from the store.
//! [`RevisionTracker`] finds gaps, duplicates and old revisions per environment.

mod in_process;
#[cfg(feature = "redis")]
mod redis;
mod revision;

pub use in_process::InProcessBus;
#[cfg(feature = "redis")]
pub use redis::RedisBus;

/// The Redis channel change events travel on.
#[cfg(feature = "redis")]
pub fn redis_channel() -> &'static str {
    redis::CHANNEL
}
pub use revision::{RevisionTracker, Seen};

use async_trait::async_trait;
use std::fmt::Debug;
use tokio::sync::{broadcast, mpsc};

use crate::domain::ChangeEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusMessage {
    Change(ChangeEvent),
    /// Something may have been missed: reload what you hold from the store.
    Resync(ResyncReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResyncReason {
    /// This subscriber fell behind and `n` events were dropped.
    Lagged(u64),
    /// The connection to the bus was lost and made again.
    Reconnected,
    /// A message on the bus could not be read.
    Malformed,
}

#[derive(Debug, thiserror::Error)]
#[error("bus: {0}")]
pub struct BusError(pub String);

#[async_trait]
pub trait Bus: Send + Sync + Debug {
    async fn publish(&self, event: &ChangeEvent) -> Result<(), BusError>;
    fn subscribe(&self) -> Subscription;

    /// Whether this process's subscriptions are connected (for readiness details; an in-process
    /// bus always is).
    fn connected(&self) -> bool {
        true
    }
}

/// A stream of bus messages.
#[derive(Debug)]
pub struct Subscription {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Broadcast(broadcast::Receiver<ChangeEvent>),
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    Channel(mpsc::Receiver<BusMessage>),
}

impl Subscription {
    /// The next message; `None` when the bus is gone.
    pub async fn next(&mut self) -> Option<BusMessage> {
        match &mut self.inner {
            Inner::Broadcast(rx) => match rx.recv().await {
                Ok(ev) => Some(BusMessage::Change(ev)),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    Some(BusMessage::Resync(ResyncReason::Lagged(n)))
                }
                Err(broadcast::error::RecvError::Closed) => None,
            },
            Inner::Channel(rx) => rx.recv().await,
        }
    }
}
