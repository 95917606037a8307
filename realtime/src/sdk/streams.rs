//! Stream slots: every open stream (WebSocket, SSE, OFREP events) holds one, counted per key, per
//! address and per node. A new stream over any cap, or while memory is past its high-water mark,
//! is refused (WebSocket: close 1013; SSE: 503 with Retry-After); open streams are never cut. A
//! slot is a guard: however its stream ends, dropping it frees the place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::SdkState;
use super::address::{AddrKey, ClientAddr};
use super::memory::Memory;

/// Concurrent streams allowed; 0 is no cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCaps {
    pub per_node: usize,
    pub per_key: usize,
    pub per_address: usize,
}

impl Default for StreamCaps {
    fn default() -> Self {
        StreamCaps {
            per_node: 20_000,
            per_key: 10_000,
            per_address: 1_000,
        }
    }
}

/// Why a new stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Node,
    Key,
    Address,
    Memory,
}

impl Refused {
    /// The `reason` label of `streams_refused`.
    pub fn reason(self) -> &'static str {
        match self {
            Refused::Node => "node",
            Refused::Key => "key",
            Refused::Address => "address",
            Refused::Memory => "memory",
        }
    }
}

#[derive(Debug)]
pub struct Streams {
    caps: StreamCaps,
    memory: Memory,
    counts: Arc<Mutex<Counts>>,
}

#[derive(Debug, Default)]
struct Counts {
    node: usize,
    /// By key hash.
    keys: HashMap<String, usize>,
    addresses: HashMap<AddrKey, usize>,
}

fn lock(counts: &Mutex<Counts>) -> std::sync::MutexGuard<'_, Counts> {
    // Every update is a whole one; a poisoned lock still holds good counts.
    counts.lock().unwrap_or_else(|e| e.into_inner())
}

fn over(count: usize, cap: usize) -> bool {
    cap != 0 && count >= cap
}

impl Streams {
    pub fn new(caps: StreamCaps, memory: Memory) -> Streams {
        Streams {
            caps,
            memory,
            counts: Arc::default(),
        }
    }

    /// Streams open on this node.
    pub fn open_now(&self) -> usize {
        lock(&self.counts).node
    }

    /// Waits (at most `limit`) until every stream has ended: at shutdown, streams close
    /// themselves (WebSocket 1012) in tasks of their own, after their HTTP connection is done.
    pub async fn closed(&self, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, async {
            while self.open_now() > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        })
        .await;
    }

    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// A slot for a new stream of the key (by its hash) from the address, if there is room.
    pub fn open(&self, key_hash: &str, addr: Option<AddrKey>) -> Result<StreamSlot, Refused> {
        if self.memory.over() {
            return Err(Refused::Memory);
        }
        let mut c = lock(&self.counts);
        if over(c.node, self.caps.per_node) {
            return Err(Refused::Node);
        }
        if over(
            c.keys.get(key_hash).copied().unwrap_or(0),
            self.caps.per_key,
        ) {
            return Err(Refused::Key);
        }
        if let Some(a) = addr
            && over(
                c.addresses.get(&a).copied().unwrap_or(0),
                self.caps.per_address,
            )
        {
            return Err(Refused::Address);
        }
        c.node += 1;
        *c.keys.entry(key_hash.to_owned()).or_default() += 1;
        if let Some(a) = addr {
            *c.addresses.entry(a).or_default() += 1;
        }
        Ok(StreamSlot {
            counts: self.counts.clone(),
            key_hash: key_hash.to_owned(),
            addr,
        })
    }

    #[cfg(test)]
    fn open_count(&self) -> (usize, usize, usize) {
        let c = lock(&self.counts);
        (c.node, c.keys.len(), c.addresses.len())
    }
}

/// One open stream's place; freed on drop.
#[derive(Debug)]
#[must_use = "the stream holds its place only while the slot lives"]
pub struct StreamSlot {
    counts: Arc<Mutex<Counts>>,
    key_hash: String,
    addr: Option<AddrKey>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut c = lock(&self.counts);
        c.node = c.node.saturating_sub(1);
        if let Some(n) = c.keys.get_mut(&self.key_hash) {
            *n -= 1;
            if *n == 0 {
                c.keys.remove(&self.key_hash);
            }
        }
        if let Some(a) = self.addr
            && let Some(n) = c.addresses.get_mut(&a)
        {
            *n -= 1;
            if *n == 0 {
                c.addresses.remove(&a);
            }
        }
    }
}

impl SdkState {
    /// A slot for a new stream, or why not (counted in `streams_refused`).
    pub(crate) fn open_stream(&self, key: &str, addr: ClientAddr) -> Result<StreamSlot, Refused> {
        let hash = switchyard_core::domain::hash_secret(key);
        self.streams.open(&hash, addr.key()).inspect_err(|r| {
            self.metrics.stream_refused(r.reason());
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams(per_node: usize, per_key: usize, per_address: usize) -> Streams {
        let caps = StreamCaps {
            per_node,
            per_key,
            per_address,
        };
        Streams::new(caps, Memory::new(None))
    }

    fn addr(s: &str) -> Option<AddrKey> {
        Some(AddrKey::of(s.parse().unwrap()))
    }

    #[tokio::test]
    async fn closing_waits_for_the_last_stream_to_end() {
        let s = streams(0, 0, 0);
        let slot = s.open("k1", None).unwrap();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            drop(slot);
        });
        s.closed(std::time::Duration::from_secs(10)).await;
        assert_eq!(s.open_now(), 0);
    }

    #[test]
    fn a_key_over_its_cap_is_refused_and_other_keys_are_not() {
        let s = streams(0, 2, 0);
        let _a = s.open("k1", addr("203.0.113.1")).unwrap();
        let _b = s.open("k1", addr("203.0.113.2")).unwrap();
        assert_eq!(s.open("k1", addr("203.0.113.3")).unwrap_err(), Refused::Key);
        assert!(s.open("k2", addr("203.0.113.3")).is_ok());
    }

    #[test]
    fn an_address_over_its_cap_is_refused_and_unknown_addresses_are_not_counted() {
        let s = streams(0, 0, 1);
        let _a = s.open("k1", addr("203.0.113.1")).unwrap();
        assert_eq!(
            s.open("k2", addr("203.0.113.1")).unwrap_err(),
            Refused::Address
        );
        let _b = s.open("k1", None).unwrap();
        let _c = s.open("k1", None).unwrap();
    }

    #[test]
    fn the_node_cap_holds_across_keys_and_addresses() {
        let s = streams(2, 0, 0);
        let _a = s.open("k1", addr("203.0.113.1")).unwrap();
        let _b = s.open("k2", addr("203.0.113.2")).unwrap();
        assert_eq!(
            s.open("k3", addr("203.0.113.3")).unwrap_err(),
            Refused::Node
        );
    }

    #[test]
    fn dropping_a_slot_frees_every_count_it_held() {
        let s = streams(1, 1, 1);
        let a = s.open("k1", addr("203.0.113.1")).unwrap();
        assert_eq!(s.open_count(), (1, 1, 1));
        drop(a);
        assert_eq!(s.open_count(), (0, 0, 0));
        assert!(s.open("k1", addr("203.0.113.1")).is_ok());
    }

    #[test]
    fn past_the_memory_mark_new_streams_are_refused_and_open_ones_stay() {
        let s = Streams::new(StreamCaps::default(), Memory::new(Some(1 << 30)));
        s.memory().set_reading(1 << 20);
        let open = s.open("k1", addr("203.0.113.1")).unwrap();
        s.memory().set_reading(2 << 30);
        assert_eq!(
            s.open("k1", addr("203.0.113.2")).unwrap_err(),
            Refused::Memory
        );
        assert_eq!(s.open_count().0, 1, "the open stream keeps its slot");
        drop(open);
        s.memory().set_reading(1 << 20);
        assert!(s.open("k1", addr("203.0.113.2")).is_ok());
    }
}
