//! Failed authentications, limited per address: an address that presents more than `per_minute`
//! unknown or malformed keys within a minute is refused (429) before any key lookup until that
//! minute is over. Real keys from other addresses are never affected; the table of addresses is
//! bounded, and expired entries are dropped.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::address::AddrKey;

/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(60);
/// Addresses tracked at once; past it, new ones are not tracked until old windows expire.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug)]
pub struct FailedAuth {
    /// Failures allowed per address per minute; 0 turns the limit off.
    per_minute: u32,
    windows: Mutex<HashMap<AddrKey, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl FailedAuth {
    pub fn new(per_minute: u32) -> FailedAuth {
        FailedAuth {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until the address may try again, if it is over its limit.
    pub fn blocked(&self, addr: AddrKey) -> Option<u64> {
        self.blocked_at(addr, Instant::now())
    }

    /// Counts one failed authentication from the address.
    pub fn failed(&self, addr: AddrKey) {
        self.failed_at(addr, Instant::now());
    }

    /// Drops the windows that are over.
    pub fn forget_expired(&self) {
        let now = Instant::now();
        self.lock()
            .retain(|_, w| now.duration_since(w.started) < WINDOW);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<AddrKey, Window>> {
        // A panic elsewhere cannot leave a window half-written: the map is still good.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn blocked_at(&self, addr: AddrKey, now: Instant) -> Option<u64> {
        if self.per_minute == 0 {
            return None;
        }
        let w = *self.lock().get(&addr)?;
        let left = WINDOW
            .checked_sub(now.duration_since(w.started))
            .filter(|left| !left.is_zero())?;
        (w.failures >= self.per_minute).then(|| left.as_secs().max(1))
    }

    fn failed_at(&self, addr: AddrKey, now: Instant) {
        if self.per_minute == 0 {
            return;
        }
        let mut windows = self.lock();
        if windows.len() >= MAX_TRACKED && !windows.contains_key(&addr) {
            windows.retain(|_, w| now.duration_since(w.started) < WINDOW);
            if windows.len() >= MAX_TRACKED {
                return;
            }
        }
        let w = windows.entry(addr).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(w.started) >= WINDOW {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> AddrKey {
        AddrKey::of(s.parse().unwrap())
    }

    #[test]
    fn an_address_is_blocked_after_its_failures_and_others_are_not() {
        let f = FailedAuth::new(3);
        let (a, b, now) = (addr("203.0.113.1"), addr("203.0.113.2"), Instant::now());
        for _ in 0..2 {
            f.failed_at(a, now);
        }
        assert_eq!(f.blocked_at(a, now), None);
        f.failed_at(a, now);
        assert_eq!(f.blocked_at(a, now), Some(60));
        assert_eq!(f.blocked_at(b, now), None);
    }

    #[test]
    fn the_block_ends_with_its_minute() {
        let f = FailedAuth::new(1);
        let (a, now) = (addr("203.0.113.1"), Instant::now());
        f.failed_at(a, now);
        assert_eq!(f.blocked_at(a, now + Duration::from_secs(59)), Some(1));
        assert_eq!(f.blocked_at(a, now + WINDOW), None);
        f.failed_at(a, now + WINDOW);
        assert_eq!(f.blocked_at(a, now + WINDOW), Some(60), "a new window");
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let f = FailedAuth::new(0);
        let a = addr("203.0.113.1");
        for _ in 0..100 {
            f.failed(a);
        }
        assert_eq!(f.blocked(a), None);
        assert_eq!(f.tracked(), 0);
    }

    #[test]
    fn expired_windows_are_forgotten() {
        let f = FailedAuth::new(5);
        let long_ago = Instant::now() - WINDOW;
        f.failed_at(addr("203.0.113.1"), long_ago);
        f.failed(addr("203.0.113.2"));
        f.forget_expired();
        assert_eq!(f.tracked(), 1);
    }
}
