//! The storage contract every backend implements: a small item store with conditional,
//! all-or-nothing transactions. The entity logic ([`super::Store`]) is written once on top of it,
//! so both backends share one layout and one behaviour.
//!
//! An [`Item`] has a partition key `pk`, a sort key `sk`, an optional secondary key `g1`
//! (`g1pk`, `g1sk`, the `gsi1` index), a version `v` and a JSON document. This is the DynamoDB
//! single-table design of [`super::layout`] exactly; the embedded backend keeps the same items.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt::Debug;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub pk: String,
    pub sk: String,
    /// The `gsi1` index key, when the item is looked up another way.
    pub g1: Option<(String, String)>,
    /// The item's version (for counters: the count).
    pub v: u64,
    pub d: Value,
    /// When the item expires (epoch seconds; DynamoDB's TTL attribute `ttl`): DynamoDB deletes it
    /// by itself some time after, the embedded backend when it sweeps ([`Kv::sweep_expired`]).
    /// Reads that care (the audit log) hide items already past it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

/// A condition on the item an operation writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// Write whatever is there.
    Any,
    /// The item must not exist.
    Absent,
    /// The item must exist with this version.
    Version(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Put { item: Item, cond: Cond },
    Delete { pk: String, sk: String, cond: Cond },
}

impl Op {
    pub fn key(&self) -> (&str, &str) {
        match self {
            Op::Put { item, .. } => (&item.pk, &item.sk),
            Op::Delete { pk, sk, .. } => (pk, sk),
        }
    }
}

/// The order a query reads in: by sort key, ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Asc,
    Desc,
}

/// Where a page ended: the last item's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct After {
    pub pk: String,
    pub sk: String,
    pub g1: Option<(String, String)>,
}

impl After {
    pub fn of(item: &Item) -> After {
        After {
            pk: item.pk.clone(),
            sk: item.sk.clone(),
            g1: item.g1.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KvError {
    /// The condition of operation `index` of a transaction did not hold; nothing was written.
    #[error("condition failed on operation {index}")]
    Condition { index: usize },
    /// The request cannot be stored as it is (a key with a NUL byte, an item too large).
    #[error("invalid item: {0}")]
    Invalid(String),
    #[error("storage backend: {0}")]
    Backend(String),
    /// The backend could not take the write now (contention, throttling) and kept refusing it
    /// through every retry; nothing was written. Worth trying again later.
    #[error("storage busy: {0}")]
    Busy(String),
}

#[async_trait]
pub trait Kv: Send + Sync + Debug {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError>;

    /// Items of partition `pk` whose sort key starts with `prefix`, in sort-key `order`, after
    /// `after` (in that order), at most `limit`.
    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError>;

    /// The same over the `gsi1` index: items whose `g1` partition is `g1pk` and whose `g1` sort
    /// key starts with `prefix`.
    async fn query_index(
        &self,
        g1pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError>;

    /// How many items of partition `pk` have a sort key starting with `prefix`, counting no
    /// further than `at_most` (for quotas). Backends that can count without reading the items
    /// back (DynamoDB's `Select=COUNT`) override this.
    async fn count(&self, pk: &str, prefix: &str, at_most: usize) -> Result<usize, KvError> {
        Ok(self
            .query(pk, prefix, None, at_most, Order::Asc)
            .await?
            .len())
    }

    /// Every item whose partition key starts with `pk_prefix` and whose sort key is `sk`, across
    /// the whole table: for maintenance after a restore ([`super::Store::lift_revisions`]), never
    /// on a request's path.
    async fn scan(&self, pk_prefix: &str, sk: &str) -> Result<Vec<Item>, KvError>;

    /// Writes a consistent copy of everything to the new file `to` while the store stays in use.
    /// Backends with backups of their own (DynamoDB's point-in-time recovery) refuse.
    async fn backup(
        &self,
        _to: &std::path::Path,
        _files: Vec<(String, Vec<u8>)>,
    ) -> Result<(), KvError> {
        Err(KvError::Backend(
            "this store is backed up by its own service (DynamoDB: point-in-time recovery)".into(),
        ))
    }

    /// Applies every operation or none. At most [`MAX_TRANSACTION_OPS`] operations, each on a
    /// different item.
    async fn transact(&self, ops: Vec<Op>) -> Result<(), KvError>;

    /// Adds `by` to the counter at (`pk`, `sk`) in one atomic step and sets its expiry to `ttl`
    /// (epoch seconds); a counter that is missing, or whose expiry is at or before `now`, starts
    /// from zero. Returns the count after. For counts several processes share (attempt limits),
    /// where [`Kv::put_counters`]'s absolute totals would lose concurrent increments.
    async fn add_counter(
        &self,
        pk: &str,
        sk: &str,
        by: u64,
        now: i64,
        ttl: i64,
    ) -> Result<u64, KvError>;

    /// Writes counter items, each replacing what is stored under its key: they hold absolute
    /// totals, so writing one again (a retry) changes nothing. Not transactional: a failure may
    /// leave some written, and writing them all again is harmless.
    async fn put_counters(&self, counters: Vec<Counter>) -> Result<(), KvError>;

    /// Counter items of partition `pk` whose sort keys lie from `from` to `to` (both included),
    /// in sort-key order, strictly after sort key `after`, at most `limit`: one range read.
    async fn counter_range(
        &self,
        pk: &str,
        from: &str,
        to: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Counter>, KvError>;

    /// Deletes up to `limit` counters whose `ttl` is `now` (epoch seconds) or earlier and says how
    /// many it deleted. Backends that expire items themselves (DynamoDB's TTL) delete nothing.
    async fn sweep_counters(&self, _now: i64, _limit: usize) -> Result<usize, KvError> {
        Ok(0)
    }

    /// Deletes up to `limit` items whose `ttl` is `now` (epoch seconds) or earlier, with their
    /// index entries, in one write, and says how many it deleted. Backends that expire items
    /// themselves (DynamoDB's TTL) delete nothing.
    async fn sweep_expired(&self, _now: i64, _limit: usize) -> Result<usize, KvError> {
        Ok(0)
    }
}

/// A counter item (partition `STATS#{env}`): a count, and when it expires (`ttl`, epoch seconds;
/// DynamoDB's TTL attribute).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    pub pk: String,
    pub sk: String,
    pub count: u64,
    pub ttl: i64,
}

/// DynamoDB's limit on one item (attribute names and values), which both backends enforce.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;
/// DynamoDB's limit on the items of one `TransactWriteItems` together, which both backends
/// enforce.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

/// An item's size as DynamoDB counts it: attribute names and values (`d` is stored as JSON text,
/// `v` as a number of at most 21 bytes).
pub fn item_bytes(item: &Item) -> usize {
    let g1 = item
        .g1
        .as_ref()
        .map_or(0, |(g, gs)| 4 + g.len() + 4 + gs.len());
    let ttl = if item.ttl.is_some() { 3 + 21 } else { 0 };
    2 + item.pk.len() + 2 + item.sk.len() + g1 + 1 + 21 + 1 + json_len(&item.d) + ttl
}

/// The length of `v` as compact JSON text, without building the text.
pub fn json_len<T: Serialize + ?Sized>(v: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    match serde_json::to_writer(&mut c, v) {
        Ok(()) => c.0,
        Err(_) => usize::MAX,
    }
}

/// DynamoDB's limit on one `TransactWriteItems`, which both backends enforce.
pub const MAX_TRANSACTION_OPS: usize = 100;

/// Checks what both backends require of a transaction.
pub fn check_transaction(ops: &[Op]) -> Result<(), KvError> {
    if ops.len() > MAX_TRANSACTION_OPS {
        return Err(KvError::Invalid(format!(
            "a transaction may write at most {MAX_TRANSACTION_OPS} items, not {}",
            ops.len()
        )));
    }
    let mut total = 0usize;
    for op in ops {
        let bytes = match op {
            Op::Put { item, .. } => item_bytes(item),
            Op::Delete { pk, sk, .. } => pk.len() + sk.len() + 4,
        };
        if bytes > MAX_ITEM_BYTES {
            return Err(KvError::Invalid(format!(
                "an item of {bytes} bytes is larger than the {MAX_ITEM_BYTES} bytes one item may hold"
            )));
        }
        total += bytes;
    }
    if total > MAX_TRANSACTION_BYTES {
        return Err(KvError::Invalid(format!(
            "this change writes {total} bytes; at most {MAX_TRANSACTION_BYTES} fit in one transaction"
        )));
    }
    let mut keys: Vec<(&str, &str)> = ops.iter().map(Op::key).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(KvError::Invalid(
            "a transaction may not write one item twice".into(),
        ));
    }
    for (pk, sk) in keys {
        check_key(pk)?;
        check_key(sk)?;
    }
    Ok(())
}

/// Keys may not be empty or hold NUL (the embedded backend's separator).
pub fn check_key(k: &str) -> Result<(), KvError> {
    if k.is_empty() || k.contains('\0') || k.len() > 1024 {
        Err(KvError::Invalid(format!("unusable key {k:?}")))
    } else {
        Ok(())
    }
}
