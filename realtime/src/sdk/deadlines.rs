//! A stream session's deadlines (the hello, the idle limit, key re-checks, pings, an asked-for
//! snapshot, the pace) kept by one timer. The timer is set to the earliest deadline and is moved
//! only when a deadline comes earlier than it: a deadline that moves later (a ping put off by a
//! message, the idle limit by a message heard) costs nothing, the timer wakes the session early
//! and finds nothing due. A change sent to every client then touches no timer at all.

use std::pin::Pin;
use tokio::time::{Instant, Sleep};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// The client never said hello.
    NoHello,
    /// The client has been silent too long.
    Idle,
    /// The snapshot the client asked for may go.
    Snapshot,
    /// Time to look the key up again.
    KeyCheck,
    /// Time to ping a quiet stream.
    Ping,
}

#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// Until the client says hello (two-way streams).
    pub hello_by: Option<Instant>,
    /// When silence ends the stream (two-way streams).
    pub idle_at: Option<Instant>,
    pub key_check_at: Instant,
    pub ping_at: Instant,
    /// A snapshot the client asked for and has not had yet: when it may go.
    pub snapshot_at: Option<Instant>,
    /// While the client's messages are held back by the pace: when the next may be read.
    pub paced_until: Option<Instant>,
}

impl Deadlines {
    /// The earliest deadline.
    pub fn next(&self) -> Instant {
        [
            self.hello_by,
            self.idle_at,
            self.snapshot_at,
            self.paced_until,
        ]
        .into_iter()
        .flatten()
        .fold(self.key_check_at.min(self.ping_at), Instant::min)
    }

    /// What is due at `now`, in the order it is served: what ends the stream first.
    pub fn due(self, now: Instant) -> impl Iterator<Item = Due> {
        let at = |d: Option<Instant>| d.is_some_and(|d| d <= now);
        [
            (at(self.hello_by), Due::NoHello),
            (at(self.idle_at), Due::Idle),
            (at(self.snapshot_at), Due::Snapshot),
            (self.key_check_at <= now, Due::KeyCheck),
            (self.ping_at <= now, Due::Ping),
        ]
        .into_iter()
        .filter_map(|(due, what)| due.then_some(what))
    }

    /// Sets `timer` for the next deadline if it would wake too late (or has gone off).
    pub fn arm(&self, timer: Pin<&mut Sleep>) {
        let next = self.next();
        if timer.is_elapsed() || next < timer.deadline() {
            timer.reset(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn deadlines(now: Instant) -> Deadlines {
        Deadlines {
            hello_by: None,
            idle_at: Some(now + Duration::from_secs(120)),
            key_check_at: now + Duration::from_secs(5),
            ping_at: now + Duration::from_secs(25),
            snapshot_at: None,
            paced_until: None,
        }
    }

    #[test]
    fn the_earliest_deadline_is_next() {
        let now = Instant::now();
        let mut d = deadlines(now);
        assert_eq!(d.next(), now + Duration::from_secs(5));
        d.snapshot_at = Some(now + Duration::from_millis(10));
        assert_eq!(d.next(), now + Duration::from_millis(10));
    }

    #[test]
    fn nothing_is_due_before_its_time() {
        let now = Instant::now();
        assert_eq!(deadlines(now).due(now).count(), 0);
    }

    #[test]
    fn every_passed_deadline_is_due_ending_ones_first() {
        let now = Instant::now();
        let mut d = deadlines(now);
        d.hello_by = Some(now);
        let due: Vec<Due> = d.due(now + Duration::from_secs(30)).collect();
        assert_eq!(due, [Due::NoHello, Due::KeyCheck, Due::Ping]);
    }

    #[tokio::test]
    async fn a_deadline_moved_later_leaves_the_timer_alone() {
        let now = Instant::now();
        let mut d = deadlines(now);
        let mut timer = Box::pin(tokio::time::sleep_until(now + Duration::from_secs(60)));
        d.arm(timer.as_mut());
        assert_eq!(timer.deadline(), now + Duration::from_secs(5));
        d.key_check_at = now + Duration::from_secs(10);
        d.arm(timer.as_mut());
        assert_eq!(timer.deadline(), now + Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_timer_that_went_off_is_set_for_the_next_deadline() {
        let now = Instant::now();
        let mut d = deadlines(now);
        let mut timer = Box::pin(tokio::time::sleep_until(now));
        timer.as_mut().await;
        d.key_check_at = now + Duration::from_secs(10);
        d.arm(timer.as_mut());
        assert_eq!(timer.deadline(), now + Duration::from_secs(10));
    }
}
