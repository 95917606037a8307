//! Compiled environments, cached per process and kept current.
//!
//! Each environment is compiled once per revision (flagd document → [`FlagSet`]) and published on
//! a `watch` channel: connections read the latest value whenever they are ready, so a slow client
//! never holds anyone up and never sees a stale revision after it catches up. One bus subscription
//! per process feeds reloads; resyncs (lag, reconnect, malformed message) and a periodic revision
//! check reload from the store, which is the truth.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::bus::{Bus, BusMessage};
use switchyard_core::domain::Environment;
use switchyard_core::engine::FlagSet;
use switchyard_core::flagd::Document;
use switchyard_core::store::Store;
use tokio::sync::{Mutex, OnceCell, RwLock, watch};

pub use crate::keys::KeyInfo;
use crate::keys::{KeyCache, KeyCacheConfig};
use crate::metrics::Metrics;

/// One revision of one environment, ready to evaluate.
#[derive(Debug)]
pub struct Compiled {
    pub environment: Environment,
    pub revision: u64,
    /// The revision this one follows, and the flags that changed since it (`None`: any may
    /// have, as when segments changed or the revision before is not known).
    pub previous_revision: u64,
    pub changed: Option<Arc<std::collections::HashSet<String>>>,
    pub flags: FlagSet,
    /// The flagd document, for server SDKs and for telling what changed.
    pub document: Document,
    /// Flags client keys do not see (server keys and the flagd document see all).
    pub hidden: Arc<std::collections::HashSet<String>>,
}

#[derive(Debug)]
pub struct Environments {
    store: Store,
    envs: RwLock<HashMap<String, watch::Sender<Arc<Compiled>>>>,
    /// A revoked key keeps working at most the cache's TTL; open streams re-check their key
    /// every `Limits::key_check_every`, so they end within the sum.
    keys: KeyCache,
    /// First loads in flight: every request for a cold environment waits on its one load.
    loading: Mutex<HashMap<String, Arc<Loading>>>,
    /// When the last revision check read every held environment's revision (Unix ms; 0: never).
    checked_at: std::sync::atomic::AtomicI64,
    metrics: Arc<Metrics>,
}

/// One load of a cold environment, shared by everyone who asked for it meanwhile.
type Loading = OnceCell<Result<Arc<Compiled>, EnvError>>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum EnvError {
    #[error("environment not found")]
    NotFound,
    #[error("storage: {0}")]
    Store(String),
}

impl Environments {
    pub fn new(store: Store, metrics: Arc<Metrics>) -> Arc<Environments> {
        Environments::with_key_cache(store, metrics, KeyCacheConfig::default())
    }

    pub fn with_key_cache(
        store: Store,
        metrics: Arc<Metrics>,
        keys: KeyCacheConfig,
    ) -> Arc<Environments> {
        Arc::new(Environments {
            store,
            envs: RwLock::new(HashMap::new()),
            keys: KeyCache::new(keys, metrics.clone()),
            loading: Mutex::new(HashMap::new()),
            checked_at: Default::default(),
            metrics,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Looks an SDK key up (cached briefly; see [`KeyCache`]).
    pub async fn key(&self, secret: &str) -> Result<Option<KeyInfo>, EnvError> {
        self.keys
            .lookup(&self.store, secret)
            .await
            .map_err(|e| EnvError::Store(e.to_string()))
    }

    /// The environment's current compiled state, loading it on first use.
    pub async fn get(&self, env: &str) -> Result<Arc<Compiled>, EnvError> {
        Ok(self.watch(env).await?.borrow().clone())
    }

    /// A receiver that sees every new revision of the environment. The first requests for an
    /// environment this process does not hold share one load (single flight): a thousand SDKs
    /// reconnecting to a fresh node cost the store one load per environment, not a thousand.
    pub async fn watch(&self, env: &str) -> Result<watch::Receiver<Arc<Compiled>>, EnvError> {
        if let Some(tx) = self.envs.read().await.get(env) {
            return Ok(tx.subscribe());
        }
        let flight = self
            .loading
            .lock()
            .await
            .entry(env.to_owned())
            .or_default()
            .clone();
        let loaded = flight.get_or_init(|| self.load(env)).await.clone();
        let rx = match loaded {
            Ok(compiled) => Ok(self
                .envs
                .write()
                .await
                .entry(env.to_owned())
                .or_insert_with(|| watch::channel(compiled).0)
                .subscribe()),
            Err(e) => Err(e),
        };
        // Held now (or failed): the next request loads again only if this one failed.
        let mut loading = self.loading.lock().await;
        if loading.get(env).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            loading.remove(env);
        }
        rx
    }

    async fn load(&self, env: &str) -> Result<Arc<Compiled>, EnvError> {
        let snap = self
            .store
            .load_environment(env)
            .await
            .map_err(|e| EnvError::Store(e.to_string()))?
            .ok_or(EnvError::NotFound)?;
        let document = snap.to_flagd();
        // Documents come from validated writes; a rule that still does not compile makes its
        // flag answer PARSE_ERROR, as in flagd.
        let flags = FlagSet::compile(&document);
        let hidden = snap
            .flags
            .iter()
            .filter(|(f, _)| !f.client_visible)
            .map(|(f, _)| f.key.clone())
            .collect();
        Ok(Arc::new(Compiled {
            hidden: Arc::new(hidden),
            revision: snap.environment.revision,
            previous_revision: 0,
            changed: None,
            environment: snap.environment,
            flags,
            document,
        }))
    }

    /// Reloads an environment we hold if the store has a newer revision than `seen` (or always,
    /// when `seen` is `None`).
    pub async fn reload(&self, env: &str, seen: Option<u64>) {
        let Some(current) = self
            .envs
            .read()
            .await
            .get(env)
            .map(|tx| tx.borrow().revision)
        else {
            return;
        };
        if seen.is_some_and(|s| s <= current) {
            return;
        }
        match self.load(env).await {
            Ok(next) if next.revision > current || seen.is_none() && next.revision >= current => {
                if let Some(tx) = self.envs.read().await.get(env) {
                    tx.send_if_modified(|held| {
                        if next.revision > held.revision
                            || (next.revision == held.revision && seen.is_none())
                        {
                            *held = Arc::new(Compiled {
                                previous_revision: held.revision,
                                changed: held
                                    .document
                                    .changed_flags(&next.document)
                                    .map(|keys| Arc::new(keys.into_iter().collect())),
                                environment: next.environment.clone(),
                                revision: next.revision,
                                flags: next.flags.clone(),
                                document: next.document.clone(),
                                hidden: next.hidden.clone(),
                            });
                            true
                        } else {
                            false
                        }
                    });
                }
                self.metrics.reloads.inc();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(environment = env, error = %e, "reload failed"),
        }
    }

    /// How many environments this process holds.
    pub async fn held(&self) -> usize {
        self.envs.read().await.len()
    }

    /// When a revision check last read every held environment's revision (Unix ms).
    pub fn last_revision_check(&self) -> Option<i64> {
        Some(self.checked_at.load(std::sync::atomic::Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// Reloads every environment held.
    pub async fn reload_all(&self) {
        let held: Vec<String> = self.envs.read().await.keys().cloned().collect();
        for env in held {
            self.reload(&env, None).await;
        }
    }

    /// Follows the bus until it closes: change hints reload their environment; resyncs reload all.
    pub async fn follow(self: Arc<Self>, bus: Arc<dyn Bus>) {
        let mut sub = bus.subscribe();
        while let Some(msg) = sub.next().await {
            match msg {
                BusMessage::Change(ev) => {
                    self.metrics.bus_events.inc();
                    self.reload(&ev.environment, Some(ev.revision)).await;
                }
                BusMessage::Resync(reason) => {
                    tracing::info!(?reason, "bus resync: reloading every environment");
                    self.metrics.resyncs.inc();
                    self.keys.clear();
                    self.reload_all().await;
                }
            }
        }
    }

    /// Checks held environments' revisions against the store every `period`.
    pub async fn check_periodically(self: Arc<Self>, period: Duration) {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            let held: Vec<(String, u64)> = self
                .envs
                .read()
                .await
                .iter()
                .map(|(k, tx)| (k.clone(), tx.borrow().revision))
                .collect();
            let mut all_read = true;
            for (env, revision) in held {
                match self.store.environment_revision(&env).await {
                    Ok(stored) if stored > revision => {
                        self.metrics.resyncs.inc();
                        self.reload(&env, Some(stored)).await;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        all_read = false;
                        tracing::warn!(environment = env, error = %e, "revision check failed")
                    }
                }
            }
            if all_read {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
                self.checked_at
                    .store(now, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}
