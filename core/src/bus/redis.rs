//! The Redis pub/sub bus. Publishing goes through a connection manager that reconnects by
//! itself; each subscription runs a task that reconnects with backoff (1 s doubling to 30 s,
//! jittered) and reports [`ResyncReason::Reconnected`] after every reconnect, since pub/sub loses
//! whatever was published meanwhile.

use async_trait::async_trait;
use futures_util::StreamExt;
use rand::Rng;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{OnceCell, mpsc};

use super::{Bus, BusError, BusMessage, Inner, ResyncReason, Subscription};
use crate::domain::ChangeEvent;

/// The channel change events travel on.
pub const CHANNEL: &str = "switchyard:changes";

/// The longest a publish may take. The bus is a hint (consumers re-check revisions), so a Redis
/// that is down or slow must never hold up the write that is publishing.
const PUBLISH_WITHIN: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub struct RedisBus {
    client: redis::Client,
    publisher: std::sync::Arc<OnceCell<ConnectionManager>>,
    /// Whether the latest subscription is subscribed now.
    subscribed: Arc<AtomicBool>,
}

impl RedisBus {
    /// A bus on the Redis at `url` (`redis://…`, or `rediss://…` with TLS). Connects lazily.
    pub fn new(url: &str) -> Result<RedisBus, BusError> {
        let client = redis::Client::open(url).map_err(|e| BusError(e.to_string()))?;
        Ok(RedisBus {
            client,
            publisher: Default::default(),
            subscribed: Default::default(),
        })
    }
}

#[async_trait]
impl Bus for RedisBus {
    async fn publish(&self, event: &ChangeEvent) -> Result<(), BusError> {
        let payload = serde_json::to_string(event).map_err(|e| BusError(e.to_string()))?;
        let send = async {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(PUBLISH_WITHIN))
                .set_response_timeout(Some(PUBLISH_WITHIN))
                .set_number_of_retries(1);
            let manager = self
                .publisher
                .get_or_try_init(|| ConnectionManager::new_with_config(self.client.clone(), config))
                .await
                .map_err(|e| BusError(e.to_string()))?;
            let mut conn = manager.clone();
            conn.publish::<_, _, ()>(CHANNEL, payload)
                .await
                .map_err(|e| BusError(e.to_string()))
        };
        tokio::time::timeout(PUBLISH_WITHIN, send)
            .await
            .map_err(|_| BusError(format!("no answer from Redis in {PUBLISH_WITHIN:?}")))?
    }

    fn subscribe(&self) -> Subscription {
        let (tx, rx) = mpsc::channel(1024);
        tokio::spawn(listen(self.client.clone(), tx, self.subscribed.clone()));
        Subscription {
            inner: Inner::Channel(rx),
        }
    }

    fn connected(&self) -> bool {
        self.subscribed.load(Ordering::Relaxed)
    }
}

/// Runs one subscription until its receiver is dropped; `up` says whether it is subscribed now.
async fn listen(client: redis::Client, tx: mpsc::Sender<BusMessage>, up: Arc<AtomicBool>) {
    let mut failures: u32 = 0;
    let mut connected_before = false;
    loop {
        if tx.is_closed() {
            return;
        }
        let subscribed = match client.get_async_pubsub().await {
            Ok(mut pubsub) => pubsub.subscribe(CHANNEL).await.ok().map(|()| pubsub),
            Err(_) => None,
        };
        match subscribed {
            Some(mut pubsub) => {
                failures = 0;
                up.store(true, Ordering::Relaxed);
                if connected_before
                    && tx
                        .send(BusMessage::Resync(ResyncReason::Reconnected))
                        .await
                        .is_err()
                {
                    return;
                }
                connected_before = true;
                let mut messages = pubsub.on_message();
                while let Some(msg) = messages.next().await {
                    let parsed = msg
                        .get_payload::<String>()
                        .ok()
                        .and_then(|p| serde_json::from_str::<ChangeEvent>(&p).ok());
                    let out = match parsed {
                        Some(ev) => BusMessage::Change(ev),
                        None => BusMessage::Resync(ResyncReason::Malformed),
                    };
                    if tx.send(out).await.is_err() {
                        return;
                    }
                }
                // The stream ended: the connection is gone.
                up.store(false, Ordering::Relaxed);
            }
            None => failures = failures.saturating_add(1),
        }
        tokio::time::sleep(backoff(failures)).await;
    }
}

/// 1 s doubling to 30 s, each wait random between half and the whole (the first retry after a
/// drop is quick: 100–200 ms).
fn backoff(failures: u32) -> Duration {
    let full_ms: u64 = if failures == 0 {
        200
    } else {
        (1000u64 << (failures - 1).min(5)).min(30_000)
    };
    Duration::from_millis(rand::rng().random_range(full_ms / 2..=full_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_thirty_seconds_with_jitter() {
        for _ in 0..100 {
            let d = backoff(1).as_millis();
            assert!((500..=1000).contains(&d), "{d}");
            let d = backoff(3).as_millis();
            assert!((2000..=4000).contains(&d), "{d}");
            let d = backoff(50).as_millis();
            assert!((15_000..=30_000).contains(&d), "{d}");
        }
    }
}
