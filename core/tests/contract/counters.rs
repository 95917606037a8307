//! Contract cases: analytics counters (each node's absolute totals, batched writes, window
//! reads summed over nodes, expiry).

use super::*;
use std::sync::Mutex;
use switchyard_core::store::KvError;
use switchyard_core::store::intercept::{Answer, Call, Hook, Intercepted};

const RETENTION: i64 = 90 * 24 * 3600;

fn now_hour() -> i64 {
    hour_of(now_ms())
}

fn total(flag: &str, variant: &str, hour: i64, count: u64) -> CounterTotal {
    CounterTotal {
        environment_id: "env-a".into(),
        flag_key: flag.into(),
        variant: variant.into(),
        hour,
        count,
    }
}

fn rows(rows: Vec<CounterRow>) -> Vec<(String, String, i64, u64)> {
    rows.into_iter()
        .map(|r| (r.flag_key, r.variant, r.hour, r.count))
        .collect()
}

pub async fn counters_written_in_batches_are_all_stored(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    // 130 counters: six batches of at most 25.
    let totals: Vec<CounterTotal> = (0..65)
        .flat_map(|i| {
            let flag = format!("flag-{i:03}");
            [
                total(&flag, "on", hour, i + 1),
                total(&flag, "off", hour, 1),
            ]
        })
        .collect();
    s.put_counters("node-a", &totals, RETENTION).await.unwrap();
    let got = s.counters("env-a", None, hour, hour + 1).await.unwrap();
    assert_eq!(got.len(), 130);
    let mut want: Vec<(String, String, i64, u64)> = totals
        .into_iter()
        .map(|t| (t.flag_key, t.variant, t.hour, t.count))
        .collect();
    want.sort();
    assert_eq!(rows(got), want);
}

pub async fn a_nodes_new_total_replaces_its_last(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    s.put_counters("node-a", &[total("f", "on", hour, 3)], RETENTION)
        .await
        .unwrap();
    // A retry of the same write, then a later total: the item holds the last.
    s.put_counters("node-a", &[total("f", "on", hour, 3)], RETENTION)
        .await
        .unwrap();
    s.put_counters("node-a", &[total("f", "on", hour, 7)], RETENTION)
        .await
        .unwrap();
    assert_eq!(
        rows(
            s.counters("env-a", Some("f"), hour, hour + 1)
                .await
                .unwrap()
        ),
        vec![("f".into(), "on".into(), hour, 7)]
    );
}

pub async fn totals_of_several_nodes_are_summed(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    s.put_counters("node-a", &[total("f", "on", hour, 3)], RETENTION)
        .await
        .unwrap();
    s.put_counters("node-b", &[total("f", "on", hour, 4)], RETENTION)
        .await
        .unwrap();
    assert_eq!(
        rows(
            s.counters("env-a", Some("f"), hour, hour + 1)
                .await
                .unwrap()
        ),
        vec![("f".into(), "on".into(), hour, 7)]
    );
}

pub async fn a_window_read_returns_only_the_window(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    let totals: Vec<CounterTotal> = (0..6).map(|i| total("f", "on", hour - i, 1)).collect();
    s.put_counters("node-a", &totals, RETENTION).await.unwrap();
    let got = s.counters("env-a", None, hour - 3, hour - 1).await.unwrap();
    assert_eq!(
        rows(got),
        vec![
            ("f".into(), "on".into(), hour - 3, 1),
            ("f".into(), "on".into(), hour - 2, 1)
        ]
    );
}

/// Records how many counter items the store hands back to a read.
#[derive(Debug, Default)]
struct CountingReads {
    read: Mutex<usize>,
}

impl Hook for CountingReads {
    fn after(&self, _call: &Call<'_>, answer: Result<Answer<'_>, &KvError>) {
        if let Ok(Answer::Counters(page)) = answer {
            *self.read.lock().unwrap() += page.len();
        }
    }
}

pub async fn a_window_read_does_not_read_the_rest_of_the_partition(h: Harness) {
    let hour = now_hour();
    // A month of one counter per hour, and a read of the last day.
    let totals: Vec<CounterTotal> = (0..720).map(|i| total("f", "on", hour - i, 1)).collect();
    h.store
        .put_counters("node-a", &totals, RETENTION)
        .await
        .unwrap();
    let counting = Arc::new(Intercepted::new(
        h.store.kv().clone(),
        CountingReads::default(),
    ));
    let store = Store::new(counting.clone());
    let got = store
        .counters("env-a", None, hour - 23, hour + 1)
        .await
        .unwrap();
    assert_eq!(got.len(), 24);
    assert_eq!(*counting.hook().read.lock().unwrap(), 24);
}

pub async fn one_flags_counters_leave_out_the_others(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    s.put_counters(
        "node-a",
        &[
            total("f", "on", hour, 1),
            total("f2", "on", hour, 2),
            total("event:f", "count", hour, 3),
        ],
        RETENTION,
    )
    .await
    .unwrap();
    assert_eq!(
        rows(
            s.counters("env-a", Some("f"), hour, hour + 1)
                .await
                .unwrap()
        ),
        vec![("f".into(), "on".into(), hour, 1)]
    );
    assert_eq!(
        s.counters("env-a", None, hour, hour + 1)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        s.counters("env-b", None, hour, hour + 1)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn expired_counters_are_not_returned(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    // Kept for an hour after their hour: the one of three hours ago has expired.
    s.put_counters(
        "node-a",
        &[total("f", "on", hour - 3, 5), total("f", "on", hour, 1)],
        3600,
    )
    .await
    .unwrap();
    assert_eq!(
        rows(s.counters("env-a", None, hour - 5, hour + 1).await.unwrap()),
        vec![("f".into(), "on".into(), hour, 1)]
    );
}

pub async fn counters_that_cannot_be_stored_are_refused(h: Harness) {
    let s = &h.store;
    let hour = now_hour();
    for bad in [
        total("a#b", "on", hour, 1),
        total("f", "", hour, 1),
        total("f", "on", -1, 1),
    ] {
        assert!(matches!(
            s.put_counters("node-a", &[bad], RETENTION).await,
            Err(StoreError::Invalid(_))
        ));
    }
    assert!(matches!(
        s.put_counters("no#de", &[total("f", "on", hour, 1)], RETENTION)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(
        s.counters("env-a", None, hour - 2, hour + 1)
            .await
            .unwrap()
            .is_empty()
    );
}
