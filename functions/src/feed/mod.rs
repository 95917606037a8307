//! The dashboard's change feed: what wakes its streams, and how many may be open.
//!
//! A stream reads its organization's change log from where it is; it waits for a wake-up
//! ([`Feed::changed`]) or [`FALLBACK_POLL`], whichever comes first. Commits in this process wake
//! it at once (the change layer's commit hook: `serve`); in AWS the `feed` function serves it
//! behind a streaming function URL and the bus's change events wake it ([`Feed::follow`]), and
//! each stream ends a little before the function's timeout ([`Feed::with_max_lifetime`]) so the
//! dashboard reconnects cleanly with `Last-Event-ID`. Changes that publish nothing on the bus
//! (members, tokens) are read on the fallback poll.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchyard_core::bus::Bus;
use tokio::sync::watch;

/// How often a stream reads the log when nothing woke it.
pub const FALLBACK_POLL: Duration = Duration::from_secs(5);
/// Streams one user (or API token) may hold open at once.
pub const DEFAULT_STREAMS_PER_CALLER: usize = 8;
/// Streams this process holds at most.
pub const DEFAULT_MAX_STREAMS: usize = 5_000;

#[derive(Debug)]
pub struct Feed {
    changed: watch::Sender<u64>,
    open: Mutex<HashMap<String, usize>>,
    per_caller: usize,
    total: usize,
    max_lifetime: Option<Duration>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed::new(DEFAULT_STREAMS_PER_CALLER, DEFAULT_MAX_STREAMS)
    }
}

/// Why a stream was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The caller holds as many streams as one may.
    Caller,
    /// The process holds as many as it may.
    Server,
}

impl Feed {
    pub fn new(per_caller: usize, total: usize) -> Feed {
        Feed {
            changed: watch::channel(0).0,
            open: Mutex::new(HashMap::new()),
            per_caller,
            total,
            max_lifetime: None,
        }
    }

    /// The same feed, ending every stream after `d` at the latest.
    pub fn with_max_lifetime(mut self, d: Duration) -> Feed {
        self.max_lifetime = Some(d);
        self
    }

    /// How long a stream may stay open at most (none: until its session ends).
    pub fn max_lifetime(&self) -> Option<Duration> {
        self.max_lifetime
    }

    /// Something was committed: wake every stream.
    pub fn wake(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// What a stream waits on.
    pub fn changed(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Wakes the streams on every bus message until the bus closes.
    pub async fn follow(self: Arc<Self>, bus: Arc<dyn Bus>) {
        let mut sub = bus.subscribe();
        while sub.next().await.is_some() {
            self.wake();
        }
    }

    /// A stream slot for `caller`, given back when the slot drops.
    pub fn admit(self: &Arc<Self>, caller: &str) -> Result<Slot, Refused> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.values().sum::<usize>() >= self.total {
            return Err(Refused::Server);
        }
        let mine = open.entry(caller.to_owned()).or_default();
        if *mine >= self.per_caller {
            return Err(Refused::Caller);
        }
        *mine += 1;
        Ok(Slot {
            feed: self.clone(),
            caller: caller.to_owned(),
        })
    }

    /// Streams open now.
    pub fn open(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.values().sum()
    }
}

/// One open stream; dropping it frees the slot.
#[derive(Debug)]
pub struct Slot {
    feed: Arc<Feed>,
    caller: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.feed.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.caller) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.caller);
            }
        }
    }
}
