//! Storage: the [`Kv`] contract that backends implement, the single-table [`layout`], and
//! [`Store`], the entity operations written once over any backend.
//!
//! Every change to flags or segments is one transaction that writes the new state, an audit entry
//! and the revision bump of every environment it affects; a write against a stale version fails
//! with [`StoreError::Conflict`] and writes nothing.
//!
//! Backends: [`embedded`] (redb, feature `embedded`) and [`dynamodb`] (feature `dynamodb`).
//!
//! Fault injection: [`intercept::Intercepted`] wraps any backend and forwards every call through
//! a hook that can fail it, delay it or watch it (lost races, an unreachable or throttled store,
//! slow reads, counting what a read brings back), for tests of what the layers above do then.

mod account_audit;
mod accounts;
mod attempts;
mod audit;
mod batch;
#[cfg(feature = "tokio")]
pub mod counter_writes;
mod counters;
mod counts;
#[cfg(feature = "dynamodb")]
pub mod dynamodb;
#[cfg(feature = "dynamodb")]
mod dynamodb_counters;
#[cfg(feature = "dynamodb")]
mod dynamodb_retry;
#[cfg(feature = "dynamodb")]
mod dynamodb_scan;
#[cfg(feature = "dynamodb")]
mod dynamodb_table;
#[cfg(feature = "embedded")]
pub mod embedded;
#[cfg(feature = "embedded")]
mod embedded_backup;
mod flags;
pub mod intercept;
mod kv;
pub mod layout;
mod projects;
mod ramps;
mod requests;
mod resets;
mod revisions;
mod sso;
mod verifications;
mod webhooks;

pub use account_audit::ORGS_PER_WRITE;
pub use attempts::Attempts;
pub use audit::MAX_PAGES_PER_READ;
pub use batch::{Batch, Committed, CommittedAll, MAX_ATTEMPTS};
pub use counters::{DEFAULT_RETENTION_DAYS, counter_ttl};
pub use flags::{EnvironmentSnapshot, MAX_ENVIRONMENTS, default_state, definition};
pub use kv::{
    After, Cond, Counter, Item, Kv, KvError, MAX_ITEM_BYTES, MAX_TRANSACTION_BYTES,
    MAX_TRANSACTION_OPS, Op, Order, check_key, check_transaction, item_bytes, json_len,
};
pub use requests::{DueItem, DueKind};
pub use resets::PasswordReset;
pub use revisions::revision_floor;
pub use sso::{SsoConfig, SsoLogin, SsoTicket};
pub use verifications::EmailVerification;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// A stale version: nothing was written. `current` is the version now stored, if any.
    #[error("{what} was changed by someone else (now at version {current:?})")]
    Conflict { what: String, current: Option<u64> },
    #[error("{0}")]
    Invalid(String),
    #[error("storage: {0}")]
    Backend(String),
    /// The store kept refusing the write as busy (contention, throttling); nothing was written.
    #[error("storage busy: {0}")]
    Busy(String),
}

impl From<KvError> for StoreError {
    fn from(e: KvError) -> Self {
        match e {
            KvError::Invalid(m) => StoreError::Invalid(m),
            KvError::Busy(m) => StoreError::Busy(m),
            other => StoreError::Backend(other.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One page of a list and the cursor of the next (`None` at the end).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The largest page a list returns.
pub const MAX_PAGE: usize = 500;

/// The entity operations, over any backend.
#[derive(Debug, Clone)]
pub struct Store {
    kv: Arc<dyn Kv>,
}

impl Store {
    pub fn new(kv: Arc<dyn Kv>) -> Store {
        Store { kv }
    }

    pub fn kv(&self) -> &Arc<dyn Kv> {
        &self.kv
    }

    async fn get_doc<T: DeserializeOwned>(&self, pk: &str, sk: &str) -> Result<Option<T>> {
        match self.kv.get(pk, sk).await? {
            Some(item) => Ok(Some(decode(&item)?)),
            None => Ok(None),
        }
    }

    /// A page of a partition, decoded.
    async fn page<T: DeserializeOwned>(
        &self,
        pk: &str,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
        order: Order,
    ) -> Result<Page<T>> {
        let after = decode_cursor(cursor)?;
        let limit = limit.clamp(1, MAX_PAGE);
        let items = self
            .kv
            .query(pk, prefix, after.as_ref(), limit + 1, order)
            .await?;
        finish_page(items, limit)
    }

    /// A page of the index, decoded.
    async fn index_page<T: DeserializeOwned>(
        &self,
        g1pk: &str,
        prefix: &str,
        cursor: Option<&str>,
        limit: usize,
        order: Order,
    ) -> Result<Page<T>> {
        let after = decode_cursor(cursor)?;
        let limit = limit.clamp(1, MAX_PAGE);
        let items = self
            .kv
            .query_index(g1pk, prefix, after.as_ref(), limit + 1, order)
            .await?;
        finish_page(items, limit)
    }

    /// The item a secret's hash names (an SDK key, an API token, an invitation), found through
    /// the index and then read again from the table with a strongly consistent read. DynamoDB's
    /// index is eventually consistent: for a moment after a revocation it can still list the
    /// revoked item, and after an edit its old copy; the second read answers what the table holds
    /// now, so a revoked secret is refused at once.
    async fn find_by_secret<T: DeserializeOwned>(
        &self,
        hash: &str,
        kind: &str,
    ) -> Result<Option<T>> {
        let hits = self
            .kv
            .query_index(&layout::secret(hash), kind, None, 1, Order::Asc)
            .await?;
        let Some(hit) = hits.into_iter().next() else {
            return Ok(None);
        };
        match self.kv.get(&hit.pk, &hit.sk).await? {
            Some(now) => Ok(Some(decode(&now)?)),
            None => Ok(None),
        }
    }

    /// Runs a transaction; a failed condition becomes the error `on_condition` makes.
    async fn write(&self, ops: Vec<Op>, on_condition: impl FnOnce() -> StoreError) -> Result<()> {
        match self.kv.transact(ops).await {
            Err(KvError::Condition { .. }) => Err(on_condition()),
            other => Ok(other?),
        }
    }

    /// Every item of an index partition (following pages).
    async fn all_index<T: DeserializeOwned>(&self, g1pk: &str, prefix: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page: Page<T> = self
                .index_page(g1pk, prefix, cursor.as_deref(), MAX_PAGE, Order::Asc)
                .await?;
            out.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// Every item of a partition (following pages).
    async fn all<T: DeserializeOwned>(&self, pk: &str, prefix: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page: Page<T> = self
                .page(pk, prefix, cursor.as_deref(), MAX_PAGE, Order::Asc)
                .await?;
            out.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }
}

fn finish_page<T: DeserializeOwned>(mut items: Vec<Item>, limit: usize) -> Result<Page<T>> {
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| encode_cursor(&After::of(last)))
    } else {
        None
    };
    Ok(Page {
        items: items.iter().map(decode).collect::<Result<_>>()?,
        next,
    })
}

pub(crate) fn decode<T: DeserializeOwned>(item: &Item) -> Result<T> {
    serde_json::from_value(item.d.clone()).map_err(|e| {
        StoreError::Backend(format!(
            "stored item {}/{} is unreadable: {e}",
            item.pk, item.sk
        ))
    })
}

pub(crate) fn item<T: Serialize>(
    pk: String,
    sk: String,
    g1: Option<(String, String)>,
    v: u64,
    doc: &T,
) -> Result<Item> {
    let d = serde_json::to_value(doc).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(Item {
        pk,
        sk,
        g1,
        v,
        d,
        ttl: None,
    })
}

fn encode_cursor(after: &After) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(after).unwrap_or_default())
}

fn decode_cursor(cursor: Option<&str>) -> Result<Option<After>> {
    let Some(c) = cursor else { return Ok(None) };
    let bytes = URL_SAFE_NO_PAD
        .decode(c)
        .map_err(|_| StoreError::Invalid("the page cursor is not valid".into()))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| StoreError::Invalid("the page cursor is not valid".into()))
}
