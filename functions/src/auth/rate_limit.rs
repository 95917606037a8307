//! Login and signup limits, shared by every process through the store ([`Store::attempts`]), so
//! a hundred Lambda instances count one attempt once. Addresses come from the infrastructure
//! ([`SourceAddress`]), never from a header the client writes.
//!
//! Failed logins are counted three ways, each with a number of free failures and then a delay that
//! doubles with every further failure (1 s, 2 s, 4 s … up to `max_delay_secs`):
//! - one account from one address (`pair_free`): an attacker guessing a password is slowed, while
//!   the real user, from their own address, is not;
//! - one address over all accounts (`address_free`): password spraying;
//! - one account from everywhere (`account_free`, much higher): a distributed guess.
//!
//! A correct password clears its account-and-address count only (so an attacker cannot reset the
//! spraying count by signing in to an account of their own). Counts go quiet `quiet_secs` after
//! their last failure. Signups are counted per address (`signup_free`).

use std::sync::Arc;
use switchyard_core::clock::{Clock, SystemClock};
use switchyard_core::store::Store;

use super::address::SourceAddress;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failed logins to one account from one address before delays start.
    pub pair_free: u64,
    /// Failed logins from one address, over every account.
    pub address_free: u64,
    /// Failed logins to one account from every address together.
    pub account_free: u64,
    /// Signups from one address.
    pub signup_free: u64,
    /// The longest delay.
    pub max_delay_secs: u64,
    /// How long a count lasts after its last attempt.
    pub quiet_secs: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pair_free: 5,
            address_free: 30,
            account_free: 100,
            signup_free: 10,
            max_delay_secs: 900,
            quiet_secs: 3600,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoginLimiter {
    pub limits: Limits,
    /// Proxies in front of `serve` whose `X-Forwarded-For` entries are believed (0: the TCP peer
    /// is the caller). Not used in AWS, where the gateway says.
    pub trusted_proxy_hops: usize,
    clock: Arc<dyn Clock>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Limits::default())
    }
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> LoginLimiter {
        LoginLimiter {
            limits,
            trusted_proxy_hops: 0,
            clock: Arc::new(SystemClock),
        }
    }

    pub fn with_trusted_proxy_hops(mut self, hops: usize) -> LoginLimiter {
        self.trusted_proxy_hops = hops;
        self
    }

    /// The same limits on another clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> LoginLimiter {
        self.clock = clock;
        self
    }

    /// The counts a login for `email` from `from` is judged by, with their free failures.
    fn login_keys(&self, email: &str, from: SourceAddress) -> Vec<(String, u64)> {
        let email = email.to_lowercase();
        let l = &self.limits;
        let addr = from.key();
        let mut keys = vec![
            (
                format!("login:pair:{email}\n{}", addr.as_deref().unwrap_or("?")),
                l.pair_free,
            ),
            (format!("login:account:{email}"), l.account_free),
        ];
        if let Some(a) = addr {
            keys.push((format!("login:address:{a}"), l.address_free));
        }
        keys
    }

    /// `Err(RateLimited)` while any of `keys` must still wait.
    async fn check(&self, store: &Store, keys: &[(String, u64)]) -> Result<(), ApiError> {
        let now = self.clock.now_ms();
        let reads = keys.iter().map(|(k, _)| store.attempts(k, now));
        let counts = futures_util::future::try_join_all(reads).await?;
        let wait_ms = keys
            .iter()
            .zip(counts)
            .map(|((_, free), a)| {
                let delay = delay_secs(a.count, *free, self.limits.max_delay_secs);
                let until = a.last_ms.saturating_add(
                    i64::try_from(delay)
                        .unwrap_or(i64::MAX)
                        .saturating_mul(1000),
                );
                if delay == 0 {
                    0
                } else {
                    until.saturating_sub(now)
                }
            })
            .max()
            .unwrap_or(0);
        if wait_ms > 0 {
            let secs = u64::try_from(wait_ms.saturating_add(999) / 1000).unwrap_or(1);
            return Err(ApiError::RateLimited(secs.max(1)));
        }
        Ok(())
    }

    async fn count(&self, store: &Store, keys: &[(String, u64)]) -> Result<(), ApiError> {
        let now = self.clock.now_ms();
        let adds = keys
            .iter()
            .map(|(k, _)| store.add_attempt(k, now, self.limits.quiet_secs));
        futures_util::future::try_join_all(adds).await?;
        Ok(())
    }

    /// Before checking a password: `Err(RateLimited)` while this login must wait.
    pub async fn before_login(
        &self,
        store: &Store,
        email: &str,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        self.check(store, &self.login_keys(email, from)).await
    }

    /// After a wrong password (or an unknown email).
    pub async fn login_failed(
        &self,
        store: &Store,
        email: &str,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        self.count(store, &self.login_keys(email, from)).await
    }

    /// After a correct password: this account-and-address count is forgotten.
    pub async fn login_succeeded(
        &self,
        store: &Store,
        email: &str,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        let keys = self.login_keys(email, from);
        store
            .clear_attempts(&keys[0].0, self.clock.now_ms())
            .await?;
        Ok(())
    }

    /// Before mailing a password reset link for `email` asked from `from`: refused while the
    /// address (10 free, like signups) or the account (3 free: no mail bombing) must wait,
    /// counted otherwise.
    pub async fn password_reset(
        &self,
        store: &Store,
        email: &str,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        let mut keys = vec![(format!("reset:account:{}", email.to_lowercase()), 3)];
        if let Some(a) = from.key() {
            keys.push((format!("reset:address:{a}"), self.limits.signup_free));
        }
        self.check(store, &keys).await?;
        self.count(store, &keys).await
    }

    /// Before mailing `email` another verification link: 3 per account, and the address's
    /// signup allowance, before waits start.
    pub async fn verification_mail(
        &self,
        store: &Store,
        email: &str,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        let mut keys = vec![(format!("verify:account:{}", email.to_lowercase()), 3)];
        if let Some(a) = from.key() {
            keys.push((format!("verify:address:{a}"), self.limits.signup_free));
        }
        self.check(store, &keys).await?;
        self.count(store, &keys).await
    }

    /// Before a signup from `from`: refused while the address must wait, counted otherwise.
    /// Without a known address nothing is counted.
    pub async fn signup(&self, store: &Store, from: SourceAddress) -> Result<(), ApiError> {
        let Some(a) = from.key() else {
            return Ok(());
        };
        let keys = [(format!("signup:address:{a}"), self.limits.signup_free)];
        self.check(store, &keys).await?;
        self.count(store, &keys).await
    }
}

/// Single sign-on: starting one (every start counts, per address, with as many free as failed
/// logins per address) and exchanging its ticket (unknown tickets count like failed logins).
impl LoginLimiter {
    fn sso_keys(&self, what: &str, from: SourceAddress) -> Vec<(String, u64)> {
        from.key()
            .map(|a| (format!("sso:{what}:{a}"), self.limits.address_free))
            .into_iter()
            .collect()
    }

    /// Before a single sign-on starts: refused while the address must wait, counted otherwise.
    pub async fn sso_start(&self, store: &Store, from: SourceAddress) -> Result<(), ApiError> {
        let keys = self.sso_keys("start", from);
        self.check(store, &keys).await?;
        self.count(store, &keys).await
    }

    /// Before a ticket exchange: refused while the address must wait.
    pub async fn before_sso_exchange(
        &self,
        store: &Store,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        self.check(store, &self.sso_keys("exchange", from)).await
    }

    /// After an exchange with an unknown, used or expired ticket.
    pub async fn sso_exchange_failed(
        &self,
        store: &Store,
        from: SourceAddress,
    ) -> Result<(), ApiError> {
        self.count(store, &self.sso_keys("exchange", from)).await
    }
}

/// How long after the last failure the next attempt must wait: nothing for the first `free`
/// failures, then 1 s doubling with each one, at most `max`.
fn delay_secs(failures: u64, free: u64, max: u64) -> u64 {
    match failures.checked_sub(free) {
        None => 0,
        Some(over) => 1u64
            .checked_shl(u32::try_from(over).unwrap_or(63).min(63))
            .unwrap_or(max)
            .min(max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        let d: Vec<u64> = (3..=9).map(|n| delay_secs(n, 5, 10)).collect();
        assert_eq!(d, vec![0, 0, 1, 2, 4, 8, 10]);
        assert_eq!(delay_secs(u64::MAX, 5, 900), 900);
    }
}
