//! What the analytics intake counts, held per node and flushed to the store.
//!
//! Only known pairs count: a flag of the caller's environment with one of its variants (an
//! evaluation without a variant counts as [`NO_VARIANT`]). Custom events count only where the
//! environment turned them on, and at most [`AnalyticsConfig::event_names_per_hour`] distinct
//! names per environment per hour (on each node). Everything else is dropped and counted in
//! `switchyard_analytics_dropped_total{reason}`.
//!
//! The node keeps each counter's running total for the hour it counts in and writes totals, not
//! increments (see `switchyard_core::store::counter_writes`). At most
//! [`AnalyticsConfig::max_counters`] distinct counters are held: past that, new counters are
//! dropped and counted (reason `full`) rather than flushed early, since a total must stay in
//! memory for its hour anyway. A failed flush leaves its counters marked for the next one; a
//! closed hour's counters are let go once written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchyard_core::domain::{CounterTotal, EVENT_PREFIX, EVENT_VARIANT, hour_of, now_ms};
use switchyard_core::store::{DEFAULT_RETENTION_DAYS, Store};

use crate::envs::Compiled;
use crate::metrics::Metrics;

/// The "variant" of evaluations that had none (the caller's code default was used). Variant
/// names never hold parentheses, so it cannot be mistaken for one.
pub const NO_VARIANT: &str = "(none)";

/// Analytics settings of a node.
#[derive(Debug, Clone, clap::Args)]
pub struct AnalyticsConfig {
    /// Most distinct counters a node holds (flag, variant or event name, hour, environment);
    /// new ones past it are dropped and counted.
    #[arg(
        long = "analytics-max-counters",
        env = "SWITCHYARD_ANALYTICS_MAX_COUNTERS",
        default_value_t = 100_000
    )]
    pub max_counters: usize,
    /// Distinct custom event names counted per environment per hour (by each node).
    #[arg(
        long = "analytics-event-names-per-hour",
        env = "SWITCHYARD_ANALYTICS_EVENT_NAMES_PER_HOUR",
        default_value_t = 50
    )]
    pub event_names_per_hour: usize,
    /// Days counters are kept (they carry a `ttl`) where the organization's own setting
    /// (`analyticsRetentionDays`) cannot be read.
    #[arg(
        long = "analytics-retention-days",
        env = "SWITCHYARD_ANALYTICS_RETENTION_DAYS",
        default_value_t = DEFAULT_RETENTION_DAYS
    )]
    pub retention_days: u64,
    /// Seconds between writes of the counters to the store.
    #[arg(
        long = "analytics-flush-secs",
        env = "SWITCHYARD_ANALYTICS_FLUSH_SECS",
        default_value_t = 10
    )]
    pub flush_secs: u64,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            max_counters: 100_000,
            event_names_per_hour: 50,
            retention_days: DEFAULT_RETENTION_DAYS,
            flush_secs: 10,
        }
    }
}

/// One evaluation count from an SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub flag: String,
    pub variant: Option<String>,
    pub count: u64,
}

/// One custom event from an SDK: its name and when it happened (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub at_ms: Option<i64>,
}

/// What a batch added, and what it dropped, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    pub counted: u64,
    pub unknown_flag: u64,
    pub unknown_variant: u64,
    pub events_off: u64,
    pub event_names: u64,
    pub full: u64,
}

/// environment, flag (or `event:{name}`), variant, hour.
type Key = (String, String, String, i64);

#[derive(Debug)]
struct Entry {
    count: u64,
    /// Changed since it was last written.
    dirty: bool,
}

#[derive(Debug, Default)]
struct Totals {
    counts: HashMap<Key, Entry>,
    /// Distinct custom event names per (environment, hour).
    names: HashMap<(String, i64), usize>,
    /// The organization of each environment counted.
    orgs: HashMap<String, String>,
}

/// How long an organization's retention setting is used before it is read again.
const RETENTION_FRESH: Duration = Duration::from_secs(300);

#[derive(Debug)]
pub struct EventSink {
    store: Store,
    metrics: Arc<Metrics>,
    config: AnalyticsConfig,
    /// This process's name on its counter items (random: a restarted node starts new totals).
    node: String,
    totals: Mutex<Totals>,
    /// One flush at a time.
    flushing: tokio::sync::Mutex<()>,
    /// Organizations' analytics retention in seconds, and when it was read.
    retention: Mutex<HashMap<String, (i64, Instant)>>,
}

impl EventSink {
    pub fn new(store: Store, metrics: Arc<Metrics>, config: AnalyticsConfig) -> EventSink {
        EventSink {
            store,
            metrics,
            config,
            node: format!("{:016x}", rand::random::<u64>()),
            totals: Mutex::new(Totals::default()),
            flushing: tokio::sync::Mutex::new(()),
            retention: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &AnalyticsConfig {
        &self.config
    }

    /// How many distinct counters are held.
    pub fn held(&self) -> usize {
        self.lock().counts.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Totals> {
        self.totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a batch in environment `env` at time `now_ms`.
    pub fn record(
        &self,
        env: &Compiled,
        evaluations: &[Evaluation],
        events: &[Event],
        now_ms: i64,
    ) -> Recorded {
        let hour = hour_of(now_ms);
        let id = &env.environment.id;
        let mut r = Recorded::default();
        let mut t = self.lock();
        if !t.orgs.contains_key(id) {
            t.orgs.insert(id.clone(), env.environment.org_id.clone());
        }
        for e in evaluations {
            if env.flags.flag_type(&e.flag).is_none() {
                r.unknown_flag += 1;
                continue;
            }
            let variant = match &e.variant {
                None => NO_VARIANT,
                Some(v) if env.flags.has_variant(&e.flag, v) == Some(true) => v,
                Some(_) => {
                    r.unknown_variant += 1;
                    continue;
                }
            };
            let key = (id.clone(), e.flag.clone(), variant.to_owned(), hour);
            if t.add(key, e.count, self.config.max_counters) {
                r.counted += 1;
            } else {
                r.full += 1;
            }
        }
        for e in events {
            if !env.environment.custom_events {
                r.events_off += 1;
                continue;
            }
            // Late events count in the hour before at the most: older hours are closed.
            let h = e.at_ms.map_or(hour, |t| hour_of(t).clamp(hour - 1, hour));
            let key = (
                id.clone(),
                format!("{EVENT_PREFIX}{}", e.name),
                EVENT_VARIANT.to_owned(),
                h,
            );
            if !t.counts.contains_key(&key) {
                let names = t.names.get(&(id.clone(), h)).copied().unwrap_or(0);
                if names >= self.config.event_names_per_hour {
                    r.event_names += 1;
                    continue;
                }
            }
            if t.add(key, 1, self.config.max_counters) {
                r.counted += 1;
            } else {
                r.full += 1;
            }
        }
        self.metrics.analytics_held(t.counts.len());
        drop(t);
        for (reason, n) in [
            ("unknown_flag", r.unknown_flag),
            ("unknown_variant", r.unknown_variant),
            ("custom_events_off", r.events_off),
            ("event_names", r.event_names),
            ("full", r.full),
        ] {
            if n > 0 {
                self.metrics.analytics_dropped(reason, n);
            }
        }
        r
    }

    /// Writes every counter that changed since the last flush (its total so far) and lets go of
    /// closed hours' written counters. Returns how many it wrote.
    pub async fn flush(&self) -> Result<usize, String> {
        let _one = self.flushing.lock().await;
        let changed: Vec<CounterTotal> = {
            let mut t = self.lock();
            t.counts
                .iter_mut()
                .filter(|(_, e)| e.dirty)
                .map(|((env, flag, variant, hour), e)| {
                    e.dirty = false;
                    CounterTotal {
                        environment_id: env.clone(),
                        flag_key: flag.clone(),
                        variant: variant.clone(),
                        hour: *hour,
                        count: e.count,
                    }
                })
                .collect()
        };
        let written = self.write(&changed).await;
        let open = hour_of(now_ms()) - 1;
        let mut t = self.lock();
        if written.is_err() {
            // Written again next time (totals: rewriting any that did land is harmless).
            for c in &changed {
                let key = (
                    c.environment_id.clone(),
                    c.flag_key.clone(),
                    c.variant.clone(),
                    c.hour,
                );
                if let Some(e) = t.counts.get_mut(&key) {
                    e.dirty = true;
                }
            }
        }
        t.counts.retain(|k, e| e.dirty || k.3 >= open);
        t.names.retain(|k, _| k.1 >= open);
        if t.counts.is_empty() {
            t.orgs.clear();
        }
        self.metrics.analytics_held(t.counts.len());
        written.map(|()| changed.len())
    }

    /// Writes totals, each kept for its organization's analytics retention.
    async fn write(&self, changed: &[CounterTotal]) -> Result<(), String> {
        let orgs = self.lock().orgs.clone();
        let mut by_retention: HashMap<i64, Vec<CounterTotal>> = HashMap::new();
        for c in changed {
            let secs = match orgs.get(&c.environment_id) {
                Some(org) => self.retention_of(org).await,
                None => self.default_retention(),
            };
            by_retention.entry(secs).or_default().push(c.clone());
        }
        for (secs, totals) in by_retention {
            self.store
                .put_counters(&self.node, &totals, secs)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn default_retention(&self) -> i64 {
        i64::try_from(self.config.retention_days.saturating_mul(86_400)).unwrap_or(i64::MAX)
    }

    /// An organization's analytics retention in seconds (read again every few minutes; the
    /// node's default when it cannot be read).
    async fn retention_of(&self, org: &str) -> i64 {
        let cached = self
            .retention
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(org)
            .copied();
        if let Some((secs, at)) = cached
            && at.elapsed() < RETENTION_FRESH
        {
            return secs;
        }
        let secs = match self.store.get_org(org).await {
            Ok(Some(o)) => i64::from(o.analytics_retention_days) * 86_400,
            Ok(None) => self.default_retention(),
            Err(e) => {
                tracing::warn!(error = %e, "an organization's analytics retention could not be read");
                return cached.map_or_else(|| self.default_retention(), |(s, _)| s);
            }
        };
        self.retention
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(org.to_owned(), (secs, Instant::now()));
        secs
    }

    /// Flushes every `flush_secs`, and deletes expired counters (where the store does not do it
    /// itself) every hour.
    pub async fn flush_periodically(&self) {
        let mut tick = tokio::time::interval(Duration::from_secs(self.config.flush_secs.max(1)));
        let mut last_sweep: Option<Instant> = None;
        loop {
            tick.tick().await;
            if let Err(e) = self.flush().await {
                tracing::warn!(error = %e, "analytics flush failed");
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                last_sweep = Some(Instant::now());
                match self.store.sweep_counters(now_ms().div_euclid(1000)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "expired analytics counters deleted"),
                    Err(e) => tracing::warn!(error = %e, "analytics sweep failed"),
                }
            }
        }
    }
}

impl Totals {
    /// Adds to a counter; a new one only while fewer than `max` are held (false: dropped).
    fn add(&mut self, key: Key, n: u64, max: usize) -> bool {
        if let Some(e) = self.counts.get_mut(&key) {
            e.count = e.count.saturating_add(n);
            e.dirty = true;
            return true;
        }
        if self.counts.len() >= max {
            return false;
        }
        if key.1.starts_with(EVENT_PREFIX) {
            *self.names.entry((key.0.clone(), key.3)).or_default() += 1;
        }
        self.counts.insert(
            key,
            Entry {
                count: n,
                dirty: true,
            },
        );
        true
    }
}
