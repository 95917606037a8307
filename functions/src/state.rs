//! What every handler shares: the store, the bus, the token keys and the login limiter.

use std::sync::Arc;
use switchyard_core::bus::Bus;
use switchyard_core::domain::ChangeEvent;
use switchyard_core::store::Store;

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::LoginLimiter;

#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Store,
    pub bus: Arc<dyn Bus>,
    pub jwt: JwtKeys,
    pub login_limiter: LoginLimiter,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, bus: Arc<dyn Bus>, jwt: JwtKeys) -> AppState {
        AppState::with_limiter(store, bus, jwt, LoginLimiter::default())
    }

    pub fn with_limiter(
        store: Store,
        bus: Arc<dyn Bus>,
        jwt: JwtKeys,
        login_limiter: LoginLimiter,
    ) -> AppState {
        AppState(Arc::new(Inner {
            store,
            bus,
            jwt,
            login_limiter,
        }))
    }

    /// Publishes committed changes. A failure is logged, not returned: the change is stored, and
    /// the stream publisher and the realtime nodes' revision checks deliver it anyway.
    pub async fn publish(&self, events: &[ChangeEvent]) {
        for ev in events {
            if let Err(e) = self.bus.publish(ev).await {
                tracing::warn!(environment = %ev.environment, revision = ev.revision, error = %e, "publish failed");
            }
        }
    }
}
