//! Compiled environments, cached per process and kept current.
//!
//! Each environment is compiled once per revision (flagd document → [`FlagSet`]) and published on
//! a `watch` channel: connections read the latest value whenever they are ready, so a slow client
//! never holds anyone up and never sees a stale revision after it catches up. Stream sessions
//! wait for new revisions on a broadcast beside it ([`Following`]): waking ten thousand waiters
//! through it costs the server less than through the watch's own notifier. One bus subscription
//! per process feeds reloads; resyncs (lag, reconnect, malformed message) and a periodic revision
//! check reload from the store, which is the truth.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::bus::{Bus, BusMessage};
use switchyard_core::domain::Environment;
use switchyard_core::engine::FlagSet;
use switchyard_core::flagd::Document;
use switchyard_core::store::{EnvironmentSnapshot, Store};
use tokio::sync::{Mutex, OnceCell, RwLock, broadcast, watch};

pub use crate::keys::KeyInfo;
use crate::keys::{KeyCache, KeyCacheConfig};
use crate::metrics::Metrics;

/// One revision of one environment, ready to evaluate.
#[derive(Debug)]
pub struct Compiled {
    pub environment: Environment,
    pub revision: u64,
    /// The revision this one follows, and the flags that changed since it (`None`: any may
    /// have, as when the flag-set metadata changed or the revision before is not known).
    pub previous_revision: u64,
    pub changed: Option<Arc<std::collections::HashSet<String>>>,
    pub flags: FlagSet,
    /// The flagd document as JSON, for server SDKs. Only its text is kept: the compiled flags
    /// remember what they came from, so a big environment is not held twice as trees.
    pub document: axum::body::Bytes,
    /// The worst case of evaluating every flag once, in steps ([`FlagSet::cost`]): heavy
    /// environments are evaluated away from the async workers.
    pub cost: u64,
    /// Flags client keys do not see (server keys and the flagd document see all).
    pub hidden: Arc<std::collections::HashSet<String>>,
    /// Every flag's key, sorted: stream clients' views line their hashes up with it, so one
    /// list serves every connection (shared with the revision before while the keys are the same).
    pub keys: Arc<[String]>,
    /// The `changes` message every stream client gets, when it is the same for all of them
    /// ([`Compiled::shared_change`]).
    pub shared_change: std::sync::OnceLock<Option<crate::sdk::SharedChange>>,
    /// When this revision was compiled: a stream's send is timed from it.
    pub loaded_at: std::time::Instant,
}

impl Compiled {
    /// A first revision (nothing known before it).
    pub fn new(environment: Environment, flags: FlagSet, document: &Document) -> Compiled {
        let mut keys: Vec<String> = flags.keys().map(str::to_owned).collect();
        keys.sort_unstable();
        keys.dedup();
        Compiled {
            keys: keys.into(),
            revision: environment.revision,
            previous_revision: 0,
            changed: None,
            environment,
            cost: flags.cost(),
            flags,
            // Serialising a typed document cannot fail.
            document: serde_json::to_vec(document).unwrap_or_default().into(),
            hidden: Arc::default(),
            shared_change: std::sync::OnceLock::new(),
            loaded_at: std::time::Instant::now(),
        }
    }

    /// The same, with the flags client keys do not see.
    fn hiding(mut self, hidden: std::collections::HashSet<String>) -> Compiled {
        self.hidden = Arc::new(hidden);
        self
    }
}

/// An environment this process holds: its latest revision, and a signal for each new one.
#[derive(Debug)]
struct Held {
    latest: watch::Sender<Arc<Compiled>>,
    revisions: broadcast::Sender<u64>,
}

/// New revisions signalled and not yet received a follower may miss before it only learns that
/// it lagged (which it treats as a new revision: the latest is what it reads).
const SIGNALS: usize = 16;

impl Held {
    fn new(compiled: Arc<Compiled>) -> Held {
        Held {
            latest: watch::channel(compiled).0,
            revisions: broadcast::channel(SIGNALS).0,
        }
    }

    /// The signal first: a revision published between the two is then either signalled or
    /// already the latest the follower holds.
    fn follow(&self) -> Following {
        let revisions = self.revisions.subscribe();
        Following {
            latest: self.latest.subscribe(),
            revisions,
        }
    }
}

/// What a stream session follows: the environment's latest revision, and a signal for each new
/// one (lagging behind the signals only means there is a newer revision to read).
#[derive(Debug)]
pub struct Following {
    pub latest: watch::Receiver<Arc<Compiled>>,
    pub revisions: broadcast::Receiver<u64>,
}

#[derive(Debug)]
pub struct Environments {
    store: Store,
    envs: RwLock<HashMap<String, Held>>,
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

    /// A receiver that sees every new revision of the environment (see [`Environments::subscribe`]).
    pub async fn watch(&self, env: &str) -> Result<watch::Receiver<Arc<Compiled>>, EnvError> {
        self.subscribe(env).await.map(|f| f.latest)
    }

    /// The environment's latest revision and a signal for each new one. The first requests for
    /// an environment this process does not hold share one load (single flight): a thousand SDKs
    /// reconnecting to a fresh node cost the store one load per environment, not a thousand.
    pub async fn subscribe(&self, env: &str) -> Result<Following, EnvError> {
        if let Some(held) = self.envs.read().await.get(env) {
            return Ok(held.follow());
        }
        let flight = self
            .loading
            .lock()
            .await
            .entry(env.to_owned())
            .or_default()
            .clone();
        let loaded = flight.get_or_init(|| self.load(env)).await.clone();
        let following = match loaded {
            Ok(compiled) => Ok(self
                .envs
                .write()
                .await
                .entry(env.to_owned())
                .or_insert_with(|| Held::new(compiled))
                .follow()),
            Err(e) => Err(e),
        };
        // Held now (or failed): the next request loads again only if this one failed.
        let mut loading = self.loading.lock().await;
        if loading.get(env).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            loading.remove(env);
        }
        following
    }

    async fn load(&self, env: &str) -> Result<Arc<Compiled>, EnvError> {
        self.metrics.store_reads.inc();
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
        let hidden = hidden_flags(&snap);
        Ok(Arc::new(
            Compiled::new(snap.environment, flags, &document).hiding(hidden),
        ))
    }

    /// Reloads an environment we hold if the store has a newer revision than `seen` (or always,
    /// when `seen` is `None`). Only the flags that changed are compiled (see
    /// [`FlagSet::recompile`]), on a blocking thread: the rest are shared with the revision held.
    pub async fn reload(&self, env: &str, seen: Option<u64>) {
        let Some(held) = self
            .envs
            .read()
            .await
            .get(env)
            .map(|tx| tx.latest.borrow().clone())
        else {
            return;
        };
        let current = held.revision;
        if seen.is_some_and(|s| s <= current) {
            return;
        }
        self.metrics.store_reads.inc();
        let snap = match self.store.load_environment(env).await {
            Ok(Some(snap)) => snap,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(environment = env, error = %e, "reload failed");
                return;
            }
        };
        let revision = snap.environment.revision;
        if !(revision > current || seen.is_none() && revision >= current) {
            return;
        }
        let compile = tokio::task::spawn_blocking(move || {
            let document = snap.to_flagd();
            let flags = held.flags.recompile(&document);
            let hidden = hidden_flags(&snap);
            Compiled::new(snap.environment, flags, &document).hiding(hidden)
        });
        let mut next = match compile.await {
            Ok(next) => next,
            Err(e) => {
                tracing::error!(environment = env, error = %e, "recompile failed");
                return;
            }
        };
        if let Some(tx) = self.envs.read().await.get(env) {
            let published = tx.latest.send_if_modified(|held| {
                if next.revision > held.revision
                    || (next.revision == held.revision && seen.is_none())
                {
                    next.previous_revision = held.revision;
                    if next.keys == held.keys {
                        next.keys = held.keys.clone();
                    }
                    next.changed = next
                        .flags
                        .changed_since(&held.flags)
                        .map(|keys| Arc::new(keys.into_iter().collect()));
                    *held = Arc::new(next);
                    true
                } else {
                    false
                }
            });
            if published {
                // No follower is no error.
                let _ = tx.revisions.send(tx.latest.borrow().revision);
            }
        }
        self.metrics.reloads.inc();
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
                .map(|(k, tx)| (k.clone(), tx.latest.borrow().revision))
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

/// The flags of an environment that client keys do not see.
fn hidden_flags(snap: &EnvironmentSnapshot) -> std::collections::HashSet<String> {
    snap.flags
        .iter()
        .filter(|(f, _)| !f.client_visible)
        .map(|(f, _)| f.key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compiled(revision: u64) -> Arc<Compiled> {
        let doc = json!({"flags": {}});
        let environment = serde_json::from_value(json!({"id": "e", "orgId": "o",
            "projectId": "p", "key": "k", "name": "n", "revision": revision, "createdAt": 0}))
        .unwrap_or_else(|e| panic!("{e}"));
        Arc::new(Compiled::new(
            environment,
            FlagSet::parse(&doc).unwrap_or_else(|e| panic!("{e}")),
            &serde_json::from_value(doc).unwrap_or_else(|e| panic!("{e}")),
        ))
    }

    fn publish(held: &Held, revision: u64) {
        held.latest.send_replace(compiled(revision));
        let _ = held.revisions.send(revision);
    }

    #[tokio::test]
    async fn a_follower_hears_of_each_new_revision() {
        let held = Held::new(compiled(1));
        let mut f = held.follow();
        publish(&held, 2);
        assert_eq!(f.revisions.recv().await.ok(), Some(2));
        assert_eq!(f.latest.borrow().revision, 2);
    }

    #[tokio::test]
    async fn a_follower_behind_more_signals_than_are_kept_learns_it_lagged_and_reads_the_latest() {
        let held = Held::new(compiled(1));
        let mut f = held.follow();
        let last = SIGNALS as u64 + 5;
        for r in 2..=last {
            publish(&held, r);
        }
        assert!(matches!(
            f.revisions.recv().await,
            Err(broadcast::error::RecvError::Lagged(_))
        ));
        assert_eq!(f.latest.borrow().revision, last);
    }
}
