//! Login rate limits, per account and per client address (GCRA, via `governor`). A refused
//! attempt says how long to wait, for the `Retry-After` header.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug)]
pub struct LoginLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
}

impl LoginLimiter {
    /// `account_per_minute` attempts a minute for one account, `address_per_minute` for one
    /// client address; each may be spent in a burst.
    pub fn new(account_per_minute: u32, address_per_minute: u32) -> Self {
        let quota =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            per_account: RateLimiter::keyed(quota(account_per_minute)),
            per_address: RateLimiter::keyed(quota(address_per_minute)),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one attempt; `Err(seconds)` when it must wait.
    pub fn check(&self, account: &str, address: &str) -> Result<(), u64> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.per_account.retain_recent();
            self.per_address.retain_recent();
        }
        let now = DefaultClock::default().now();
        for (limiter, key) in [
            (&self.per_address, address),
            (&self.per_account, &account.to_lowercase()),
        ] {
            if let Err(not_until) = limiter.check_key(&key.to_owned()) {
                return Err(not_until.wait_time_from(now).as_secs().max(1));
            }
        }
        Ok(())
    }
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(5, 30)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_account_and_each_address() {
        let l = LoginLimiter::new(3, 5);
        for _ in 0..3 {
            assert!(l.check("ada@example.com", "10.0.0.1").is_ok());
        }
        let wait = l.check("ADA@example.com", "10.0.0.2").unwrap_err();
        assert!(wait >= 1);
        // Another account from the first address still has address budget left: 2 more.
        assert!(l.check("bob@example.com", "10.0.0.1").is_ok());
        assert!(l.check("eve@example.com", "10.0.0.1").is_ok());
        assert!(l.check("joe@example.com", "10.0.0.1").is_err());
    }
}
