//! Attempt counts every process shares (the login and signup limits of the dashboard API): per
//! key, how many attempts were counted since the key last went quiet, and when the last one was.
//! A key goes quiet `quiet_secs` after its last attempt: its count then starts again from zero.
//!
//! Keys are stored hashed (`ATTEMPT#{sha256}`), so the table holds no email or address in clear.
//! The count is one atomic counter ([`super::Kv::add_counter`]: concurrent attempts in other
//! processes are never lost); the last attempt's time is a plain counter whose last writer wins,
//! which is all a delay needs.

use super::{Counter, Result, Store, layout};
use crate::domain::hash_secret;

/// What is counted under one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    pub count: u64,
    /// Unix ms of the last attempt counted (0 when none).
    pub last_ms: i64,
}

const COUNT: &str = "n";
const LAST: &str = "last";

fn partition(key: &str) -> String {
    format!("{}{}", layout::ATTEMPT_PREFIX, hash_secret(key))
}

impl Store {
    /// What is counted under `key` at `now_ms` (nothing once it went quiet).
    pub async fn attempts(&self, key: &str, now_ms: i64) -> Result<Attempts> {
        let now = now_ms.div_euclid(1000);
        let found = self
            .kv()
            .counter_range(&partition(key), LAST, COUNT, None, 2)
            .await?;
        let mut out = Attempts::default();
        for c in found.into_iter().filter(|c| c.ttl > now) {
            match c.sk.as_str() {
                COUNT => out.count = c.count,
                LAST => out.last_ms = i64::try_from(c.count).unwrap_or(i64::MAX),
                _ => {}
            }
        }
        if out.last_ms == 0 {
            out.count = 0;
        }
        Ok(out)
    }

    /// Counts one attempt under `key` at `now_ms`; the key goes quiet `quiet_secs` later unless
    /// another comes. Returns the count after.
    pub async fn add_attempt(&self, key: &str, now_ms: i64, quiet_secs: i64) -> Result<u64> {
        let pk = partition(key);
        let now = now_ms.div_euclid(1000);
        let ttl = now.saturating_add(quiet_secs.max(1));
        let count = self.kv().add_counter(&pk, COUNT, 1, now, ttl).await?;
        self.kv()
            .put_counters(vec![Counter {
                pk,
                sk: LAST.into(),
                count: u64::try_from(now_ms).unwrap_or(0),
                ttl,
            }])
            .await?;
        Ok(count)
    }

    /// Forgets what is counted under `key` (a correct password from this address).
    pub async fn clear_attempts(&self, key: &str, now_ms: i64) -> Result<()> {
        let pk = partition(key);
        let expired = now_ms.div_euclid(1000);
        self.kv()
            .put_counters(
                [COUNT, LAST]
                    .into_iter()
                    .map(|sk| Counter {
                        pk: pk.clone(),
                        sk: sk.into(),
                        count: 0,
                        ttl: expired,
                    })
                    .collect(),
            )
            .await?;
        Ok(())
    }
}
