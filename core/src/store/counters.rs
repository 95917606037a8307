//! Analytics counters: each realtime node's absolute totals per environment, hour, flag and
//! variant (see [`super::counter_writes`] for why), read back as one range read of a time window
//! and summed over nodes; every counter expires after the retention (`ttl`).

use std::collections::{BTreeMap, HashMap};

use super::{Counter, MAX_PAGE, Result, Store, StoreError, layout};
use crate::domain::{CounterRow, CounterTotal, now_ms};

/// How long counters are kept by default.
pub const DEFAULT_RETENTION_DAYS: u64 = 90;

/// When a counter of `hour` expires: `retention_secs` after the hour ends (epoch seconds).
pub fn counter_ttl(hour: i64, retention_secs: i64) -> i64 {
    hour.saturating_add(1)
        .saturating_mul(3600)
        .saturating_add(retention_secs)
}

/// How many expired counters one sweep deletes at most (one write transaction each).
const SWEEP_BATCH: usize = 5000;

impl Store {
    /// Writes node `node`'s totals (each replaces the node's earlier total of that counter);
    /// they expire `retention_secs` after their hour.
    pub async fn put_counters(
        &self,
        node: &str,
        totals: &[CounterTotal],
        retention_secs: i64,
    ) -> Result<()> {
        if node.is_empty() || node.contains('#') {
            return Err(StoreError::Invalid(format!("{node:?} is not a node name")));
        }
        // One item per key (the last total wins): a batch may not write one item twice.
        let mut items: BTreeMap<(String, String), Counter> = BTreeMap::new();
        for t in totals {
            if t.hour < 0
                || [&t.flag_key, &t.variant]
                    .iter()
                    .any(|p| p.is_empty() || p.contains('#'))
            {
                return Err(StoreError::Invalid(format!(
                    "counter {}/{} at hour {} cannot be stored",
                    t.flag_key, t.variant, t.hour
                )));
            }
            let c = Counter {
                pk: layout::stats(&t.environment_id),
                sk: layout::counter(t.hour, &t.flag_key, &t.variant, node),
                count: t.count,
                ttl: counter_ttl(t.hour, retention_secs),
            };
            items.insert((c.pk.clone(), c.sk.clone()), c);
        }
        if items.is_empty() {
            return Ok(());
        }
        Ok(self.kv.put_counters(items.into_values().collect()).await?)
    }

    /// Counters of one environment for hours `from..to`, summed over nodes: of one flag (or
    /// custom event, `event:{name}`), or of all (`flag: None`). One range read; expired counters
    /// (which DynamoDB deletes only within a day or two of their `ttl`) are left out.
    pub async fn counters(
        &self,
        env: &str,
        flag: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<CounterRow>> {
        if to <= from {
            return Ok(Vec::new());
        }
        let now = now_ms().div_euclid(1000);
        let pk = layout::stats(env);
        let (low, high) = layout::counter_window(from, to);
        let mut sums: HashMap<(String, String, i64), u64> = HashMap::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .kv
                .counter_range(&pk, &low, &high, after.as_deref(), MAX_PAGE)
                .await?;
            let full = page.len() == MAX_PAGE;
            after = page.last().map(|c| c.sk.clone());
            for c in page {
                let Some((hour, f, variant, _node)) = layout::parse_counter(&c.sk) else {
                    continue;
                };
                if c.ttl <= now || flag.is_some_and(|want| want != f) {
                    continue;
                }
                let sum = sums
                    .entry((f.to_owned(), variant.to_owned(), hour))
                    .or_default();
                *sum = sum.saturating_add(c.count);
            }
            if !full {
                break;
            }
        }
        let mut rows: Vec<CounterRow> = sums
            .into_iter()
            .map(|((flag_key, variant, hour), count)| CounterRow {
                flag_key,
                variant,
                hour,
                count,
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.hour, &a.flag_key, &a.variant).cmp(&(b.hour, &b.flag_key, &b.variant))
        });
        Ok(rows)
    }

    /// Deletes counters expired at `now` (epoch seconds), in batches, and says how many. Only
    /// the embedded backend has any to delete: DynamoDB's TTL deletes them itself.
    pub async fn sweep_counters(&self, now: i64) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.kv.sweep_counters(now, SWEEP_BATCH).await?;
            total += n;
            if n < SWEEP_BATCH {
                return Ok(total);
            }
        }
    }
}
