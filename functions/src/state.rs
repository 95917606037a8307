//! What every handler shares: the store, the change layer, the token keys and the login limiter.

use std::sync::Arc;
use switchyard_core::bus::Bus;
use switchyard_core::changes::{Changes, Quotas};
use switchyard_core::clock::SystemClock;
use switchyard_core::store::Store;

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::LoginLimiter;

#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Store,
    /// Every change goes through here (it publishes on the bus).
    pub changes: Changes,
    pub jwt: JwtKeys,
    pub login_limiter: LoginLimiter,
    /// Webhooks: the sealing key, where endpoints may point, the dashboard's address (none:
    /// this function does not manage webhooks).
    pub webhooks: Option<crate::webhooks::Setup>,
    /// Wakes this process's webhook dispatcher (`serve`) after a test event or a redelivery is
    /// queued.
    pub webhook_nudge: Arc<tokio::sync::Notify>,
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
        AppState::with_options(store, bus, jwt, login_limiter, Quotas::default())
    }

    /// Every part chosen: the login limiter and the quotas the change layer enforces.
    pub fn with_options(
        store: Store,
        bus: Arc<dyn Bus>,
        jwt: JwtKeys,
        login_limiter: LoginLimiter,
        quotas: Quotas,
    ) -> AppState {
        AppState(Arc::new(Inner {
            changes: Changes::new(store.clone(), bus, Arc::new(SystemClock)).with_quotas(quotas),
            store,
            jwt,
            login_limiter,
            webhooks: None,
            webhook_nudge: Arc::new(tokio::sync::Notify::new()),
        }))
    }

    /// The same state, managing webhooks with `setup`, and its change layer waking `nudge`'s
    /// waiter after every commit. Call it right after construction (while the state is not
    /// shared yet); a shared state is returned unchanged.
    pub fn with_webhooks(mut self, setup: crate::webhooks::Setup) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            let nudge = inner.webhook_nudge.clone();
            inner.changes =
                inner
                    .changes
                    .clone()
                    .with_commit_hook(switchyard_core::changes::CommitHook(Arc::new(move || {
                        nudge.notify_one()
                    })));
            inner.webhooks = Some(setup);
        }
        self
    }
}
