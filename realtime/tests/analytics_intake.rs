//! What the analytics intake counts: known (flag, variant) pairs, custom events where the
//! environment turned them on and under the hourly cap on names, within the bound on held
//! counters; and what its flushes write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{Changes, EnvironmentPatch};
use switchyard_core::clock::SystemClock;
use switchyard_core::domain::{Actor, Environment, Project, hour_of, now_ms};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{KvError, Store};
use switchyard_realtime::envs::{Compiled, Environments};
use switchyard_realtime::metrics::Metrics;
use switchyard_realtime::sdk::event_sink::{
    AnalyticsConfig, Evaluation, Event, EventSink, NO_VARIANT,
};

/// Over the embedded store: counter writes fail while `failing` is set.
#[derive(Debug, Default)]
struct Flaky {
    failing: AtomicBool,
}

#[async_trait]
impl Hook for Flaky {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        if let Call::PutCounters { .. } = call
            && self.failing.load(Ordering::SeqCst)
        {
            return Err(KvError::Backend("throttled".into()));
        }
        Ok(())
    }
}

struct Fixture {
    kv: Arc<Intercepted<Flaky>>,
    store: Store,
    changes: Changes,
    project: Project,
    env: Environment,
    metrics: Arc<Metrics>,
    _dir: tempfile::TempDir,
}

/// An environment with flag `beta` (variants on, off).
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(Intercepted::new(
        Arc::new(Embedded::open(dir.path()).unwrap()),
        Flaky::default(),
    ));
    let store = Store::new(kv.clone());
    let changes = Changes::new(
        store.clone(),
        Arc::new(InProcessBus::new(16)),
        Arc::new(SystemClock),
    );
    let actor = Actor::System("test".into());
    let created = changes
        .create_project(
            &actor,
            "org-1",
            serde_json::from_value(json!({"name": "Web", "environments": ["production"]})).unwrap(),
        )
        .await
        .unwrap();
    changes
        .create_flag(
            &actor,
            &created.project,
            serde_json::from_value(json!({"key": "beta", "type": "boolean",
                "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]}))
            .unwrap(),
        )
        .await
        .unwrap();
    Fixture {
        kv,
        store,
        changes,
        project: created.project,
        env: created.environments[0].clone(),
        metrics: Arc::new(Metrics::new()),
        _dir: dir,
    }
}

impl Fixture {
    fn sink(&self, config: AnalyticsConfig) -> EventSink {
        EventSink::new(self.store.clone(), self.metrics.clone(), config)
    }

    /// The environment as a node holds it.
    async fn compiled(&self) -> Arc<Compiled> {
        Environments::new(self.store.clone(), self.metrics.clone())
            .get(&self.env.id)
            .await
            .unwrap()
    }

    async fn custom_events(&self, on: bool) {
        let current = self
            .store
            .get_environment(&self.env.id)
            .await
            .unwrap()
            .unwrap();
        let current = Environment {
            revision: self.store.environment_revision(&self.env.id).await.unwrap(),
            ..current
        };
        self.changes
            .update_environment(
                &Actor::System("test".into()),
                &self.project,
                &current,
                EnvironmentPatch {
                    custom_events: Some(on),
                    ..EnvironmentPatch::default()
                },
            )
            .await
            .unwrap();
    }

    /// Stored counts of the current hour: (flag, variant, count).
    async fn stored(&self) -> Vec<(String, String, u64)> {
        let hour = hour_of(now_ms());
        self.store
            .counters(&self.env.id, None, hour - 1, hour + 1)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.flag_key, r.variant, r.count))
            .collect()
    }
}

fn eval(flag: &str, variant: Option<&str>, count: u64) -> Evaluation {
    Evaluation {
        flag: flag.into(),
        variant: variant.map(Into::into),
        count,
    }
}

fn event(name: &str) -> Event {
    Event {
        name: name.into(),
        at_ms: None,
    }
}

#[tokio::test]
async fn a_known_flag_and_variant_are_counted() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig::default());
    let r = sink.record(
        &*f.compiled().await,
        &[eval("beta", Some("on"), 3), eval("beta", None, 1)],
        &[],
        now_ms(),
    );
    assert_eq!(r.counted, 2);
    sink.flush().await.unwrap();
    let mut got = f.stored().await;
    got.sort();
    assert_eq!(
        got,
        vec![
            ("beta".into(), NO_VARIANT.into(), 1),
            ("beta".into(), "on".into(), 3)
        ]
    );
}

#[tokio::test]
async fn an_unknown_variant_is_dropped_and_counted() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig::default());
    let r = sink.record(
        &*f.compiled().await,
        &[eval("beta", Some("random-123"), 5)],
        &[],
        now_ms(),
    );
    assert_eq!((r.counted, r.unknown_variant), (0, 1));
    assert_eq!(sink.held(), 0);
    assert!(
        f.metrics
            .render()
            .contains(r#"switchyard_analytics_dropped_total{reason="unknown_variant"} 1"#),
        "{}",
        f.metrics.render()
    );
}

#[tokio::test]
async fn an_unknown_flag_is_dropped_and_counted() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig::default());
    let r = sink.record(
        &*f.compiled().await,
        &[eval("no-such-flag", Some("on"), 5)],
        &[],
        now_ms(),
    );
    assert_eq!((r.counted, r.unknown_flag), (0, 1));
    assert_eq!(sink.held(), 0);
    assert!(
        f.metrics
            .render()
            .contains(r#"switchyard_analytics_dropped_total{reason="unknown_flag"} 1"#)
    );
}

#[tokio::test]
async fn custom_events_are_ignored_while_the_environment_has_them_off() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig::default());
    let r = sink.record(&*f.compiled().await, &[], &[event("checkout")], now_ms());
    assert_eq!((r.counted, r.events_off), (0, 1));
    sink.flush().await.unwrap();
    assert!(f.stored().await.is_empty());
}

#[tokio::test]
async fn custom_events_are_counted_once_the_environment_turns_them_on() {
    let f = fixture().await;
    f.custom_events(true).await;
    let sink = f.sink(AnalyticsConfig::default());
    let env = f.compiled().await;
    let r = sink.record(&env, &[], &[event("checkout"), event("checkout")], now_ms());
    assert_eq!(r.counted, 2);
    sink.flush().await.unwrap();
    assert_eq!(
        f.stored().await,
        vec![("event:checkout".into(), "count".into(), 2)]
    );
}

#[tokio::test]
async fn event_names_past_the_hourly_cap_are_dropped() {
    let f = fixture().await;
    f.custom_events(true).await;
    let sink = f.sink(AnalyticsConfig {
        event_names_per_hour: 3,
        ..AnalyticsConfig::default()
    });
    let env = f.compiled().await;
    let names: Vec<Event> = (0..10).map(|i| event(&format!("e{i}"))).collect();
    let r = sink.record(&env, &[], &names, now_ms());
    assert_eq!((r.counted, r.event_names), (3, 7));
    // Names already counted this hour still count.
    let again = sink.record(&env, &[], &[event("e0"), event("e9")], now_ms());
    assert_eq!((again.counted, again.event_names), (1, 1));
    // The next hour has a cap of its own.
    let later = sink.record(&env, &[], &[event("e9")], now_ms() + 3_600_000);
    assert_eq!(later.counted, 1);
}

#[tokio::test]
async fn counters_past_the_held_bound_are_dropped() {
    let f = fixture().await;
    f.custom_events(true).await;
    let sink = f.sink(AnalyticsConfig {
        max_counters: 4,
        ..AnalyticsConfig::default()
    });
    let env = f.compiled().await;
    let names: Vec<Event> = (0..10).map(|i| event(&format!("e{i}"))).collect();
    let r = sink.record(&env, &[eval("beta", Some("on"), 1)], &names, now_ms());
    assert_eq!((r.counted, r.full), (4, 7));
    assert_eq!(sink.held(), 4);
    // Counters already held keep counting.
    let more = sink.record(&env, &[eval("beta", Some("on"), 1)], &[], now_ms());
    assert_eq!(more.counted, 1);
    assert!(
        f.metrics
            .render()
            .contains(r#"switchyard_analytics_dropped_total{reason="full"} 7"#)
    );
}

#[tokio::test]
async fn a_flush_writes_every_held_counter() {
    let f = fixture().await;
    f.custom_events(true).await;
    let sink = f.sink(AnalyticsConfig {
        event_names_per_hour: 1000,
        ..AnalyticsConfig::default()
    });
    let env = f.compiled().await;
    let names: Vec<Event> = (0..300).map(|i| event(&format!("e{i:03}"))).collect();
    sink.record(&env, &[eval("beta", Some("off"), 2)], &names, now_ms());
    assert_eq!(sink.flush().await.unwrap(), 301);
    assert_eq!(f.stored().await.len(), 301);
    // Nothing changed since: nothing to write.
    assert_eq!(sink.flush().await.unwrap(), 0);
}

#[tokio::test]
async fn a_failed_flush_keeps_its_counts_for_the_next() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig::default());
    let env = f.compiled().await;
    sink.record(&env, &[eval("beta", Some("on"), 3)], &[], now_ms());
    f.kv.hook().failing.store(true, Ordering::SeqCst);
    assert!(sink.flush().await.is_err());
    // Nothing new arrives: the next flush still writes what the failed one did not.
    f.kv.hook().failing.store(false, Ordering::SeqCst);
    assert_eq!(sink.flush().await.unwrap(), 1);
    assert_eq!(f.stored().await, vec![("beta".into(), "on".into(), 3)]);
}

#[tokio::test]
async fn a_later_flush_writes_the_running_total() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig::default());
    let env = f.compiled().await;
    sink.record(&env, &[eval("beta", Some("on"), 3)], &[], now_ms());
    sink.flush().await.unwrap();
    sink.record(&env, &[eval("beta", Some("on"), 4)], &[], now_ms());
    sink.flush().await.unwrap();
    assert_eq!(f.stored().await, vec![("beta".into(), "on".into(), 7)]);
}

/// The ttl of the counters stored for this hour.
async fn stored_ttls(f: &Fixture) -> Vec<i64> {
    let hour = hour_of(now_ms());
    let (low, high) = switchyard_core::store::layout::counter_window(hour, hour + 1);
    let pk = switchyard_core::store::layout::stats(&f.env.id);
    use switchyard_core::store::Kv;
    f.kv.counter_range(&pk, &low, &high, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.ttl)
        .collect()
}

#[tokio::test]
async fn counters_expire_after_their_organizations_analytics_retention() {
    let f = fixture().await;
    let mut org = switchyard_core::domain::Organization::new("org-1", "Acme", now_ms());
    org.analytics_retention_days = 14;
    let mut b = switchyard_core::store::Batch::new();
    b.create_org(&org).unwrap();
    let mut record = f
        .store
        .list_audit(
            "org-1",
            &Default::default(),
            None,
            1,
            switchyard_core::store::Order::Desc,
        )
        .await
        .unwrap()
        .items
        .remove(0);
    record.action = "organization.create".into();
    f.store.commit(b, record).await.unwrap();
    let sink = f.sink(AnalyticsConfig::default());
    sink.record(
        &*f.compiled().await,
        &[eval("beta", Some("on"), 1)],
        &[],
        now_ms(),
    );
    sink.flush().await.unwrap();
    let hour = hour_of(now_ms());
    assert_eq!(
        stored_ttls(&f).await,
        [switchyard_core::store::counter_ttl(hour, 14 * 86_400)]
    );
}

#[tokio::test]
async fn counters_of_an_organization_without_a_setting_keep_the_nodes_default() {
    let f = fixture().await;
    let sink = f.sink(AnalyticsConfig {
        retention_days: 3,
        ..AnalyticsConfig::default()
    });
    sink.record(
        &*f.compiled().await,
        &[eval("beta", Some("on"), 1)],
        &[],
        now_ms(),
    );
    sink.flush().await.unwrap();
    let hour = hour_of(now_ms());
    assert_eq!(
        stored_ttls(&f).await,
        [switchyard_core::store::counter_ttl(hour, 3 * 86_400)]
    );
}
