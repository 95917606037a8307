//! The embedded backend: the same items as DynamoDB, kept in a redb database file (ACID, durable,
//! no server). Keys are `pk NUL sk`; the `gsi1` index is a second table keyed
//! `g1pk NUL g1sk NUL pk NUL sk`. Counters have a table of their own (`pk NUL sk` → count, ttl)
//! and an expiry index (`ttl NUL pk NUL sk`) that [`Kv::sweep_counters`] deletes from; items with
//! a `ttl` (change records, their index items) have an expiry index of their own, `item_expiry`,
//! that [`Kv::sweep_expired`] deletes from.

use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

use super::kv::{After, Cond, Counter, Item, Kv, KvError, Op, Order, check_key, check_transaction};

pub(super) const ITEMS: TableDefinition<&str, &[u8]> = TableDefinition::new("items");
pub(super) const INDEX: TableDefinition<&str, &str> = TableDefinition::new("gsi1");
/// Counters (`pk NUL sk` → count, ttl), and their expiry index (`ttl NUL pk NUL sk`).
pub(super) const COUNTERS: TableDefinition<&str, (u64, i64)> = TableDefinition::new("counters");
pub(super) const EXPIRY: TableDefinition<&str, ()> = TableDefinition::new("counter_expiry");
/// Items that expire, by expiry (`ttl NUL pk NUL sk`).
pub(super) const ITEM_EXPIRY: TableDefinition<&str, ()> = TableDefinition::new("item_expiry");

#[derive(Debug, Clone)]
pub struct Embedded {
    pub(super) db: Arc<Database>,
}

pub(super) fn backend(e: impl std::fmt::Display) -> KvError {
    KvError::Backend(e.to_string())
}

impl Embedded {
    /// Opens (or creates) the database file `switchyard.redb` in `dir`.
    pub fn open(dir: &Path) -> Result<Embedded, KvError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| backend(format!("cannot create {}: {e}", dir.display())))?;
        let db =
            Database::create(dir.join(super::embedded_backup::DATABASE_FILE)).map_err(backend)?;
        let tx = db.begin_write().map_err(backend)?;
        tx.open_table(ITEMS).map_err(backend)?;
        tx.open_table(INDEX).map_err(backend)?;
        tx.open_table(COUNTERS).map_err(backend)?;
        tx.open_table(EXPIRY).map_err(backend)?;
        tx.open_table(ITEM_EXPIRY).map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(Embedded { db: Arc::new(db) })
    }

    pub(super) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, KvError> + Send + 'static,
    ) -> Result<T, KvError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(backend)?
    }
}

pub(super) fn item_key(pk: &str, sk: &str) -> String {
    format!("{pk}\0{sk}")
}

fn index_key(item: &Item) -> Option<String> {
    item.g1
        .as_ref()
        .map(|(g, s)| format!("{g}\0{s}\0{}\0{}", item.pk, item.sk))
}

/// The entries whose keys start with `prefix`, in `order`, strictly after `after` (in that order).
fn scan<'t, V: redb::Value + 'static>(
    table: &'t impl ReadableTable<&'static str, V>,
    prefix: &str,
    after: Option<&str>,
    order: Order,
) -> Result<Entries<'t, V>, KvError> {
    // Every key with this prefix sorts below the prefix followed by the highest character.
    let end = format!("{prefix}\u{10FFFF}");
    Ok(match (order, after) {
        (Order::Asc, None) => Box::new(table.range(prefix..end.as_str()).map_err(backend)?),
        (Order::Asc, Some(a)) => Box::new(
            table
                .range::<&str>((Bound::Excluded(a), Bound::Excluded(end.as_str())))
                .map_err(backend)?,
        ),
        (Order::Desc, None) => Box::new(table.range(prefix..end.as_str()).map_err(backend)?.rev()),
        (Order::Desc, Some(a)) => Box::new(table.range(prefix..a).map_err(backend)?.rev()),
    })
}

/// A scan's entries, in the order asked.
type Entries<'t, V> = Box<dyn Iterator<Item = Result<Entry<'t, V>, redb::StorageError>> + 't>;

type Entry<'t, V> = (
    redb::AccessGuard<'t, &'static str>,
    redb::AccessGuard<'t, V>,
);

pub(super) fn parse(bytes: &[u8]) -> Result<Item, KvError> {
    serde_json::from_slice(bytes).map_err(backend)
}

#[async_trait]
impl Kv for Embedded {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError> {
        let key = item_key(pk, sk);
        self.blocking(move |db| {
            let tx = db.begin_read().map_err(backend)?;
            let t = tx.open_table(ITEMS).map_err(backend)?;
            let found = t.get(key.as_str()).map_err(backend)?;
            found.map(|v| parse(v.value())).transpose()
        })
        .await
    }

    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        let bound = item_key(pk, prefix);
        let after = after.map(|a| item_key(pk, &a.sk));
        self.blocking(move |db| {
            let tx = db.begin_read().map_err(backend)?;
            let t = tx.open_table(ITEMS).map_err(backend)?;
            let mut out = Vec::new();
            for entry in scan(&t, &bound, after.as_deref(), order)? {
                let (_, v) = entry.map_err(backend)?;
                if out.len() >= limit {
                    break;
                }
                out.push(parse(v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn query_index(
        &self,
        g1pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        let bound = format!("{g1pk}\0{prefix}");
        let after = after.and_then(|a| {
            a.g1.as_ref()
                .map(|(g, s)| format!("{g}\0{s}\0{}\0{}", a.pk, a.sk))
        });
        self.blocking(move |db| {
            let tx = db.begin_read().map_err(backend)?;
            let index = tx.open_table(INDEX).map_err(backend)?;
            let items = tx.open_table(ITEMS).map_err(backend)?;
            let mut out = Vec::new();
            for entry in scan(&index, &bound, after.as_deref(), order)? {
                let (_, target) = entry.map_err(backend)?;
                if out.len() >= limit {
                    break;
                }
                if let Some(v) = items.get(target.value()).map_err(backend)? {
                    out.push(parse(v.value())?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn scan(&self, pk_prefix: &str, sk: &str) -> Result<Vec<Item>, KvError> {
        let (prefix, suffix) = (pk_prefix.to_owned(), format!("\0{sk}"));
        self.blocking(move |db| {
            let tx = db.begin_read().map_err(backend)?;
            let t = tx.open_table(ITEMS).map_err(backend)?;
            let mut out = Vec::new();
            for entry in scan(&t, &prefix, None, Order::Asc)? {
                let (k, v) = entry.map_err(backend)?;
                if k.value().ends_with(&suffix) {
                    out.push(parse(v.value())?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn backup(&self, to: &Path, files: Vec<(String, Vec<u8>)>) -> Result<(), KvError> {
        self.backup_to(to, files).await
    }

    /// Counts keys; no item is parsed.
    async fn count(&self, pk: &str, prefix: &str, at_most: usize) -> Result<usize, KvError> {
        let bound = item_key(pk, prefix);
        self.blocking(move |db| {
            let tx = db.begin_read().map_err(backend)?;
            let t = tx.open_table(ITEMS).map_err(backend)?;
            let mut n = 0;
            for entry in scan(&t, &bound, None, Order::Asc)? {
                entry.map_err(backend)?;
                if n >= at_most {
                    break;
                }
                n += 1;
            }
            Ok(n)
        })
        .await
    }

    async fn transact(&self, ops: Vec<Op>) -> Result<(), KvError> {
        check_transaction(&ops)?;
        self.blocking(move |db| {
            let tx = db.begin_write().map_err(backend)?;
            {
                let mut items = tx.open_table(ITEMS).map_err(backend)?;
                let mut index = tx.open_table(INDEX).map_err(backend)?;
                let mut expiry = tx.open_table(ITEM_EXPIRY).map_err(backend)?;
                // Check every condition first: a failure leaves the transaction uncommitted.
                let mut old = Vec::with_capacity(ops.len());
                for (i, op) in ops.iter().enumerate() {
                    let (pk, sk) = op.key();
                    let existing = items
                        .get(item_key(pk, sk).as_str())
                        .map_err(backend)?
                        .map(|v| parse(v.value()))
                        .transpose()?;
                    let cond = match op {
                        Op::Put { cond, .. } | Op::Delete { cond, .. } => *cond,
                    };
                    let holds = match cond {
                        Cond::Any => true,
                        Cond::Absent => existing.is_none(),
                        Cond::Version(v) => existing.as_ref().is_some_and(|e| e.v == v),
                    };
                    if !holds {
                        return Err(KvError::Condition { index: i });
                    }
                    old.push(existing);
                }
                for (op, existing) in ops.iter().zip(old) {
                    if let Some(k) = existing.as_ref().and_then(index_key) {
                        index.remove(k.as_str()).map_err(backend)?;
                    }
                    if let Some(old) = &existing
                        && let Some(ttl) = old.ttl
                    {
                        let k = expiry_key(ttl, &item_key(&old.pk, &old.sk));
                        expiry.remove(k.as_str()).map_err(backend)?;
                    }
                    match op {
                        Op::Put { item, .. } => {
                            let key = item_key(&item.pk, &item.sk);
                            let bytes = serde_json::to_vec(item).map_err(backend)?;
                            items
                                .insert(key.as_str(), bytes.as_slice())
                                .map_err(backend)?;
                            if let Some(k) = index_key(item) {
                                index.insert(k.as_str(), key.as_str()).map_err(backend)?;
                            }
                            if let Some(ttl) = item.ttl {
                                expiry
                                    .insert(expiry_key(ttl, &key).as_str(), ())
                                    .map_err(backend)?;
                            }
                        }
                        Op::Delete { pk, sk, .. } => {
                            items.remove(item_key(pk, sk).as_str()).map_err(backend)?;
                        }
                    }
                }
            }
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn put_counters(&self, counters: Vec<Counter>) -> Result<(), KvError> {
        for c in &counters {
            check_key(&c.pk)?;
            check_key(&c.sk)?;
        }
        self.blocking(move |db| {
            let tx = db.begin_write().map_err(backend)?;
            {
                let mut table = tx.open_table(COUNTERS).map_err(backend)?;
                let mut expiry = tx.open_table(EXPIRY).map_err(backend)?;
                for c in counters {
                    let key = item_key(&c.pk, &c.sk);
                    let old = table
                        .insert(key.as_str(), (c.count, c.ttl))
                        .map_err(backend)?
                        .map(|v| v.value().1);
                    if let Some(old_ttl) = old.filter(|t| *t != c.ttl) {
                        expiry
                            .remove(expiry_key(old_ttl, &key).as_str())
                            .map_err(backend)?;
                    }
                    expiry
                        .insert(expiry_key(c.ttl, &key).as_str(), ())
                        .map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn add_counter(
        &self,
        pk: &str,
        sk: &str,
        by: u64,
        now: i64,
        ttl: i64,
    ) -> Result<u64, KvError> {
        check_key(pk)?;
        check_key(sk)?;
        let key = item_key(pk, sk);
        self.blocking(move |db| {
            let tx = db.begin_write().map_err(backend)?;
            let count;
            {
                let mut table = tx.open_table(COUNTERS).map_err(backend)?;
                let mut expiry = tx.open_table(EXPIRY).map_err(backend)?;
                let old = table.get(key.as_str()).map_err(backend)?.map(|v| v.value());
                let base = match old {
                    Some((n, at)) if at > now => n,
                    _ => 0,
                };
                count = base.saturating_add(by);
                table.insert(key.as_str(), (count, ttl)).map_err(backend)?;
                if let Some((_, old_ttl)) = old.filter(|(_, t)| *t != ttl) {
                    expiry
                        .remove(expiry_key(old_ttl, &key).as_str())
                        .map_err(backend)?;
                }
                expiry
                    .insert(expiry_key(ttl, &key).as_str(), ())
                    .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(count)
        })
        .await
    }

    async fn counter_range(
        &self,
        pk: &str,
        from: &str,
        to: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Counter>, KvError> {
        let low = match after {
            Some(a) if a >= from => Bound::Excluded(item_key(pk, a)),
            _ => Bound::Included(item_key(pk, from)),
        };
        let high = Bound::Included(item_key(pk, to));
        self.blocking(move |db| {
            let tx = db.begin_read().map_err(backend)?;
            let table = tx.open_table(COUNTERS).map_err(backend)?;
            let mut out = Vec::new();
            let range = (
                low.as_ref().map(String::as_str),
                high.as_ref().map(String::as_str),
            );
            for entry in table.range::<&str>(range).map_err(backend)? {
                if out.len() >= limit {
                    break;
                }
                let (k, v) = entry.map_err(backend)?;
                let Some((pk, sk)) = k.value().split_once('\0') else {
                    continue;
                };
                let (count, ttl) = v.value();
                out.push(Counter {
                    pk: pk.to_owned(),
                    sk: sk.to_owned(),
                    count,
                    ttl,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn sweep_counters(&self, now: i64, limit: usize) -> Result<usize, KvError> {
        self.blocking(move |db| {
            let tx = db.begin_write().map_err(backend)?;
            let swept;
            {
                let mut table = tx.open_table(COUNTERS).map_err(backend)?;
                let mut expiry = tx.open_table(EXPIRY).map_err(backend)?;
                let due = due_keys(&expiry, now, limit)?;
                for k in &due {
                    expiry.remove(k.as_str()).map_err(backend)?;
                    if let Some((_, item)) = k.split_once('\0') {
                        table.remove(item).map_err(backend)?;
                    }
                }
                swept = due.len();
            }
            tx.commit().map_err(backend)?;
            Ok(swept)
        })
        .await
    }

    async fn sweep_expired(&self, now: i64, limit: usize) -> Result<usize, KvError> {
        self.blocking(move |db| {
            let tx = db.begin_write().map_err(backend)?;
            let swept;
            {
                let mut items = tx.open_table(ITEMS).map_err(backend)?;
                let mut index = tx.open_table(INDEX).map_err(backend)?;
                let mut expiry = tx.open_table(ITEM_EXPIRY).map_err(backend)?;
                let due = due_keys(&expiry, now, limit)?;
                for k in &due {
                    expiry.remove(k.as_str()).map_err(backend)?;
                    let Some((_, key)) = k.split_once('\0') else {
                        continue;
                    };
                    let old = items
                        .remove(key)
                        .map_err(backend)?
                        .map(|v| parse(v.value()))
                        .transpose()?;
                    if let Some(i) = old.as_ref().and_then(index_key) {
                        index.remove(i.as_str()).map_err(backend)?;
                    }
                }
                swept = due.len();
            }
            tx.commit().map_err(backend)?;
            Ok(swept)
        })
        .await
    }
}

/// The first `limit` keys of an expiry index whose ttl is `now` or earlier (every such key sorts
/// below that of `now + 1`).
fn due_keys(
    expiry: &impl ReadableTable<&'static str, ()>,
    now: i64,
    limit: usize,
) -> Result<Vec<String>, KvError> {
    let end = expiry_key(now.saturating_add(1), "");
    let mut due = Vec::new();
    for entry in expiry.range::<&str>(..end.as_str()).map_err(backend)? {
        if due.len() >= limit {
            break;
        }
        due.push(entry.map_err(backend)?.0.value().to_owned());
    }
    Ok(due)
}

/// The expiry indexes' key: the ttl (zero-padded, so key order is time order), then the item's
/// (`pk NUL sk`).
pub(super) fn expiry_key(ttl: i64, item: &str) -> String {
    format!("{:012}\0{item}", ttl.max(0))
}
