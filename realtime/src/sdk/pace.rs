//! How fast a WebSocket's messages are read: bursts of `per_minute / 30` at once, then one every
//! `60 s / per_minute` (a GCRA). A client that sends faster is simply read slower: its messages
//! wait in the socket's buffers, TCP pushes back on the sender, and the server spends nothing on
//! the excess. One that keeps up the full pace for [`HOLD_LIMIT`] reads in a row (five seconds at
//! 600 a minute) is flooding, and is closed.

use std::time::Duration;
use tokio::time::Instant;

/// Reads in a row at the pace's full rate that make a flood.
pub const HOLD_LIMIT: u32 = 50;

#[derive(Debug)]
pub struct Pace {
    interval: Duration,
    burst: Duration,
    /// The theoretical arrival time of the next message.
    tat: Instant,
    held: u32,
}

impl Pace {
    pub fn new(per_minute: u32, now: Instant) -> Pace {
        let per_minute = per_minute.max(1);
        let interval = Duration::from_secs(60) / per_minute;
        Pace {
            interval,
            // GCRA: a tolerance of n - 1 intervals lets n messages through at once.
            burst: interval * ((per_minute / 30).max(1) - 1),
            tat: now,
            held: 0,
        }
    }

    /// The next message may be read from then on.
    pub fn ready_at(&self) -> Instant {
        self.tat.checked_sub(self.burst).unwrap_or(self.tat)
    }

    /// A message was read at `now`; true when the client is flooding: this read, and the
    /// [`HOLD_LIMIT`] before it, each came less than an interval after the pace allowed it.
    pub fn read(&mut self, now: Instant) -> bool {
        let slack = now.saturating_duration_since(self.ready_at());
        self.held = if slack < self.interval {
            self.held + 1
        } else {
            0
        };
        self.tat = self.tat.max(now) + self.interval;
        self.held >= HOLD_LIMIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: Duration = Duration::from_millis(100);

    fn start() -> (Pace, Instant) {
        let now = Instant::now();
        (Pace::new(600, now), now)
    }

    #[test]
    fn a_burst_of_a_thirtieth_of_the_minute_is_read_at_once() {
        let (mut pace, now) = start();
        for _ in 0..20 {
            assert!(pace.ready_at() <= now, "within the burst");
            assert!(!pace.read(now));
        }
        assert_eq!(pace.ready_at(), now + STEP);
    }

    #[test]
    fn beyond_the_burst_messages_are_read_at_the_pace() {
        let (mut pace, now) = start();
        for _ in 0..20 {
            pace.read(now);
        }
        let next = pace.ready_at();
        assert!(!pace.read(next));
        assert_eq!(pace.ready_at(), next + STEP);
    }

    /// Reads at the full pace after a burst until one is a flood: how many.
    fn paced_reads_to_a_flood(pace: &mut Pace) -> Option<u32> {
        (1..=2 * HOLD_LIMIT).find(|_| pace.read(pace.ready_at()))
    }

    #[test]
    fn a_client_that_keeps_up_the_full_pace_is_flooding() {
        let (mut pace, now) = start();
        for _ in 0..20 {
            assert!(!pace.read(now));
        }
        // The burst's last read came at the pace's edge too.
        assert_eq!(paced_reads_to_a_flood(&mut pace), Some(HOLD_LIMIT - 1));
    }

    #[test]
    fn a_client_slower_than_the_pace_is_not_flooding() {
        let (mut pace, now) = start();
        for i in 1..=1000 {
            assert!(!pace.read(now + STEP * i + STEP / 10 * i));
        }
    }

    #[test]
    fn a_pause_in_the_client_clears_the_count() {
        let (mut pace, now) = start();
        for _ in 0..20 {
            pace.read(now);
        }
        for _ in 0..HOLD_LIMIT - 2 {
            assert!(!pace.read(pace.ready_at()));
        }
        // A message a whole interval later than the pace allowed.
        assert!(!pace.read(pace.ready_at() + STEP));
        assert_eq!(paced_reads_to_a_flood(&mut pace), Some(HOLD_LIMIT));
    }
}
