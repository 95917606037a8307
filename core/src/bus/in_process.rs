//! The in-process bus (tokio broadcast), for `switchyard serve` on one machine.

use async_trait::async_trait;
use tokio::sync::broadcast;

use super::{Bus, BusError, Inner, Subscription};
use crate::domain::ChangeEvent;

#[derive(Debug, Clone)]
pub struct InProcessBus {
    tx: broadcast::Sender<ChangeEvent>,
}

impl InProcessBus {
    /// A bus whose subscribers may fall `capacity` events behind before they lag.
    pub fn new(capacity: usize) -> Self {
        InProcessBus {
            tx: broadcast::channel(capacity.max(1)).0,
        }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        InProcessBus::new(4096)
    }
}

#[async_trait]
impl Bus for InProcessBus {
    async fn publish(&self, event: &ChangeEvent) -> Result<(), BusError> {
        // No subscriber is not an error: nobody needed to hear it.
        let _ = self.tx.send(event.clone());
        Ok(())
    }

    fn subscribe(&self) -> Subscription {
        Subscription {
            inner: Inner::Broadcast(self.tx.subscribe()),
        }
    }
}
