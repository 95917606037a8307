//! SDK key lookups, cached per process.
//!
//! Two bounded LRU caches, apart on purpose: found keys (remembered for `ttl`, so a revoked key
//! keeps working at most that long) and unknown keys (remembered for `missing_ttl`). A flood of
//! random keys can only push other unknown keys out, never a real one; and a key that is not the
//! shape of a key this product issues never gets here (`sdk::caller` refuses it unread).

use lru::LruCache;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use switchyard_core::clock::{Clock, SystemClock};
use switchyard_core::domain::{KeyKind, hash_secret};
use switchyard_core::store::Store;

use crate::metrics::Metrics;

/// What an SDK key opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub environment: String,
    pub kind: KeyKind,
    /// A rotated key's end (Unix ms): past it, the key is refused even from the cache.
    pub expires_at: Option<i64>,
}

/// The caches' sizes and how long entries are trusted.
#[derive(Debug, Clone)]
pub struct KeyCacheConfig {
    /// Found keys held (least recently used goes first).
    pub found: NonZeroUsize,
    /// Unknown (or revoked) keys held, apart from the found ones.
    pub missing: NonZeroUsize,
    /// How long a found key is trusted before it is looked up again.
    pub ttl: Duration,
    /// How long an unknown key is remembered as unknown.
    pub missing_ttl: Duration,
}

impl Default for KeyCacheConfig {
    fn default() -> Self {
        KeyCacheConfig {
            found: NonZeroUsize::new(100_000).unwrap_or(NonZeroUsize::MIN),
            missing: NonZeroUsize::new(20_000).unwrap_or(NonZeroUsize::MIN),
            ttl: Duration::from_secs(10),
            missing_ttl: Duration::from_secs(5),
        }
    }
}

#[derive(Debug)]
pub struct KeyCache {
    config: KeyCacheConfig,
    found: Mutex<LruCache<String, (KeyInfo, Instant)>>,
    missing: Mutex<LruCache<String, Instant>>,
    /// A turn per key being looked up: when a cached key expires, the thousands of streams that
    /// re-check it cost the store one read, not one each (which, with a slow store, piled up).
    lookups: Turns,
    metrics: Arc<Metrics>,
    clock: Arc<dyn Clock>,
}

/// A poisoned lock only means another request panicked mid-update of a cache: its entries are
/// still whole values, so the cache goes on.
type Turns = Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

/// A caller's turn at looking a key up. The last to leave, whether it finished or was given up
/// (its client went away), removes the key's entry.
struct Turn<'c> {
    lookups: &'c Turns,
    hash: &'c str,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut lookups = lock(self.lookups);
        // The map's and this caller's: nobody else waits for this key.
        if Arc::strong_count(&self.turn) <= 2 {
            lookups.remove(self.hash);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl KeyCache {
    pub fn new(config: KeyCacheConfig, metrics: Arc<Metrics>) -> KeyCache {
        KeyCache::with_clock(config, metrics, Arc::new(SystemClock))
    }

    pub fn with_clock(
        config: KeyCacheConfig,
        metrics: Arc<Metrics>,
        clock: Arc<dyn Clock>,
    ) -> KeyCache {
        KeyCache {
            found: Mutex::new(LruCache::new(config.found)),
            missing: Mutex::new(LruCache::new(config.missing)),
            lookups: Mutex::default(),
            config,
            metrics,
            clock,
        }
    }

    /// The key's environment and kind, or `None` for an unknown, revoked or expired key.
    pub async fn lookup(
        &self,
        store: &Store,
        secret: &str,
    ) -> Result<Option<KeyInfo>, switchyard_core::store::StoreError> {
        let hash = hash_secret(secret);
        if let Some(cached) = self.cached(&hash) {
            return Ok(cached);
        }
        // One lookup per key at a time; those who waited find its answer in the cache.
        let turn = Turn {
            lookups: &self.lookups,
            hash: &hash,
            turn: lock(&self.lookups).entry(hash.clone()).or_default().clone(),
        };
        let _held = turn.turn.lock().await;
        match self.cached(&hash) {
            Some(cached) => Ok(cached),
            None => self.read(store, hash.clone()).await,
        }
    }

    /// Reads the key from the store and caches the answer.
    async fn read(
        &self,
        store: &Store,
        hash: String,
    ) -> Result<Option<KeyInfo>, switchyard_core::store::StoreError> {
        self.metrics.key_lookups.inc();
        let now = self.clock.now_ms();
        let info = store
            .find_sdk_key(&hash)
            .await?
            .filter(|k| k.is_live(now))
            .map(|k| KeyInfo {
                environment: k.environment_id,
                kind: k.kind,
                expires_at: k.expires_at,
            });
        match &info {
            Some(i) => {
                lock(&self.missing).pop(&hash);
                lock(&self.found).put(hash, (i.clone(), Instant::now()));
            }
            None => {
                lock(&self.found).pop(&hash);
                lock(&self.missing).put(hash, Instant::now());
            }
        }
        Ok(info)
    }

    /// `Some(answer)` when the caches know it.
    fn cached(&self, hash: &str) -> Option<Option<KeyInfo>> {
        if let Some((info, at)) = lock(&self.found).get(hash)
            && at.elapsed() < self.config.ttl
        {
            let live = info.expires_at.is_none_or(|t| self.clock.now_ms() < t);
            return Some(live.then(|| info.clone()));
        }
        if let Some(at) = lock(&self.missing).get(hash)
            && at.elapsed() < self.config.missing_ttl
        {
            return Some(None);
        }
        None
    }

    /// Forgets everything (the bus lost messages: nothing cached can be trusted).
    pub fn clear(&self) {
        lock(&self.found).clear();
        lock(&self.missing).clear();
    }

    /// How many keys each cache holds: (found, missing).
    pub fn len(&self) -> (usize, usize) {
        (lock(&self.found).len(), lock(&self.missing).len())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use switchyard_core::bus::InProcessBus;
    use switchyard_core::changes::{Changes, NewProject};
    use switchyard_core::clock::FixedClock;
    use switchyard_core::domain::{Actor, new_secret};
    use switchyard_core::store::embedded::Embedded;

    struct Setup {
        store: Store,
        changes: Changes,
        clock: Arc<FixedClock>,
        metrics: Arc<Metrics>,
        _dir: tempfile::TempDir,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(Arc::new(Embedded::open(dir.path()).unwrap()));
        let clock = Arc::new(FixedClock::at(1_000_000));
        let changes = Changes::new(
            store.clone(),
            Arc::new(InProcessBus::new(16)),
            clock.clone(),
        );
        Setup {
            store,
            changes,
            clock,
            metrics: Arc::new(Metrics::new()),
            _dir: dir,
        }
    }

    fn cache(s: &Setup, found: usize, missing: usize) -> KeyCache {
        KeyCache::with_clock(
            KeyCacheConfig {
                found: NonZeroUsize::new(found).unwrap(),
                missing: NonZeroUsize::new(missing).unwrap(),
                ..KeyCacheConfig::default()
            },
            s.metrics.clone(),
            s.clock.clone(),
        )
    }

    /// A project with one environment and `n` client keys: their secrets and stored keys.
    async fn keys(s: &Setup, n: usize) -> Vec<switchyard_core::changes::KeyIssued> {
        let actor = Actor::User("u".into());
        let created = s
            .changes
            .create_project(
                &actor,
                "o",
                NewProject {
                    name: "Web".into(),
                    environments: Some(vec!["prod".into()]),
                    client_visible_by_default: None,
                },
            )
            .await
            .unwrap();
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(
                s.changes
                    .create_key(
                        &actor,
                        &created.project,
                        &created.environments[0],
                        KeyKind::Client,
                    )
                    .await
                    .unwrap(),
            );
        }
        out
    }

    #[tokio::test]
    async fn streams_rechecking_an_expired_key_together_cost_one_store_read() {
        let s = setup();
        let real = keys(&s, 1).await;
        let cache = cache(&s, 2, 2);
        let before = s.metrics.key_lookups.get();
        let checks = (0..20).map(|_| cache.lookup(&s.store, &real[0].secret));
        let answers = futures_util::future::join_all(checks).await;
        assert!(answers.iter().all(|a| matches!(a, Ok(Some(_)))));
        assert_eq!(s.metrics.key_lookups.get() - before, 1);
        assert_eq!(lock(&cache.lookups).len(), 0, "no turn is left behind");
    }

    #[tokio::test]
    async fn lookups_given_up_midway_leave_no_turn_behind() {
        let s = setup();
        let real = keys(&s, 1).await;
        let cache = cache(&s, 2, 2);
        let hash = hash_secret(&real[0].secret);
        // A lookup holding the key's turn (as while it reads the store), and one waiting for
        // it; both given up (their clients gone).
        let reading = Turn {
            lookups: &cache.lookups,
            hash: &hash,
            turn: lock(&cache.lookups)
                .entry(hash.clone())
                .or_default()
                .clone(),
        };
        let held = reading.turn.clone().lock_owned().await;
        let mut waiting = Box::pin(cache.lookup(&s.store, &real[0].secret));
        assert!(futures_util::poll!(waiting.as_mut()).is_pending());
        drop(held);
        drop(reading);
        drop(waiting);
        assert_eq!(lock(&cache.lookups).len(), 0);
    }

    #[tokio::test]
    async fn a_flood_of_unknown_keys_cannot_evict_found_keys() {
        let s = setup();
        let real = keys(&s, 2).await;
        let cache = cache(&s, 2, 2);
        for k in &real {
            assert!(cache.lookup(&s.store, &k.secret).await.unwrap().is_some());
        }
        for _ in 0..50 {
            let random = new_secret("sy_client");
            assert_eq!(cache.lookup(&s.store, &random).await.unwrap(), None);
        }
        assert_eq!(cache.len(), (2, 2), "both caches stay within their bounds");
        let before = s.metrics.key_lookups.get();
        for k in &real {
            assert!(cache.lookup(&s.store, &k.secret).await.unwrap().is_some());
        }
        assert_eq!(
            s.metrics.key_lookups.get(),
            before,
            "the real keys were still cached"
        );
    }

    #[tokio::test]
    async fn the_found_cache_evicts_the_least_recently_used_key() {
        let s = setup();
        let real = keys(&s, 3).await;
        let cache = cache(&s, 2, 2);
        for k in &real {
            cache.lookup(&s.store, &k.secret).await.unwrap();
        }
        assert_eq!(cache.len().0, 2);
        let before = s.metrics.key_lookups.get();
        cache.lookup(&s.store, &real[2].secret).await.unwrap();
        assert_eq!(s.metrics.key_lookups.get(), before, "the newest is held");
        cache.lookup(&s.store, &real[0].secret).await.unwrap();
        assert_eq!(s.metrics.key_lookups.get(), before + 1, "the oldest went");
    }

    #[tokio::test]
    async fn a_cached_rotated_key_is_refused_once_it_expires() {
        let s = setup();
        let real = keys(&s, 1).await;
        let actor = Actor::User("u".into());
        let p = s.store.get_project(&real[0].key.project_id).await.unwrap();
        let env = s
            .store
            .get_environment(&real[0].key.environment_id)
            .await
            .unwrap()
            .unwrap();
        s.changes
            .rotate_key(&actor, &p.unwrap(), &env, &real[0].key, 60)
            .await
            .unwrap();
        let cache = cache(&s, 10, 10);
        let info = cache.lookup(&s.store, &real[0].secret).await.unwrap();
        assert!(info.is_some(), "the old key works during the overlap");
        s.clock.advance(59_999);
        assert!(
            cache
                .lookup(&s.store, &real[0].secret)
                .await
                .unwrap()
                .is_some()
        );
        let lookups = s.metrics.key_lookups.get();
        s.clock.advance(1);
        assert_eq!(cache.lookup(&s.store, &real[0].secret).await.unwrap(), None);
        assert_eq!(
            s.metrics.key_lookups.get(),
            lookups,
            "refused from the cache, with no lookup"
        );
    }
}
