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
    /// The dashboard's change feed: woken after every commit made here.
    pub feed: Arc<crate::feed::Feed>,
    /// Where password reset links are mailed from (none: this server sends no mail).
    pub mail: Option<crate::mail::Mail>,
    /// The API's public address, where identity providers send single sign-on callbacks (none:
    /// the dashboard's address, which serves the API too under `switchyard serve`).
    pub api_url: Option<String>,
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
        let feed = Arc::new(crate::feed::Feed::default());
        let changes = Changes::new(store.clone(), bus, Arc::new(SystemClock))
            .with_quotas(quotas)
            .with_commit_hook(wake(&feed, None));
        AppState(Arc::new(Inner {
            changes,
            store,
            jwt,
            login_limiter,
            webhooks: None,
            webhook_nudge: Arc::new(tokio::sync::Notify::new()),
            feed,
            mail: None,
            api_url: None,
        }))
    }

    /// The same state, managing webhooks with `setup`, and its change layer waking `nudge`'s
    /// waiter after every commit. Call it right after construction (while the state is not
    /// shared yet); a shared state is returned unchanged.
    pub fn with_webhooks(mut self, setup: crate::webhooks::Setup) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.webhooks = Some(setup);
            rewire(inner);
        }
        self
    }

    /// The same state, mailing password reset links through `mail`. Call it right after
    /// construction, as [`AppState::with_webhooks`].
    pub fn with_mail(mut self, mail: crate::mail::Mail) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.mail = Some(mail);
        }
        self
    }

    /// The same state, telling identity providers to call back at `api_url` (none: the
    /// dashboard's address). Call it right after construction, as [`AppState::with_webhooks`].
    pub fn with_api_url(mut self, api_url: Option<String>) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.api_url = api_url.map(|u| u.trim_end_matches('/').to_owned());
        }
        self
    }

    /// The same state with another change feed (such as one whose streams end before a Lambda
    /// function's timeout). Call it right after construction, as [`AppState::with_webhooks`].
    pub fn with_feed(mut self, feed: crate::feed::Feed) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.feed = Arc::new(feed);
            rewire(inner);
        }
        self
    }
}

/// Points the change layer's commit hook at this state's feed (and webhook dispatcher).
fn rewire(inner: &mut Inner) {
    let nudge = inner
        .webhooks
        .is_some()
        .then(|| inner.webhook_nudge.clone());
    inner.changes = inner
        .changes
        .clone()
        .with_commit_hook(wake(&inner.feed, nudge));
}

/// After every commit: wake the change feed's streams, and the webhook dispatcher if any.
fn wake(
    feed: &Arc<crate::feed::Feed>,
    nudge: Option<Arc<tokio::sync::Notify>>,
) -> switchyard_core::changes::CommitHook {
    let feed = feed.clone();
    switchyard_core::changes::CommitHook(Arc::new(move || {
        feed.wake();
        if let Some(n) = &nudge {
            n.notify_one();
        }
    }))
}
