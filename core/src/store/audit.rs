//! The change log (the audit log is a view of it) and change-log consumers' places.

use super::{
    After, Cond, KvError, MAX_PAGE, Op, Order, Page, Result, Store, StoreError, decode, item,
    layout,
};
use crate::domain::{AuditFilter, ChangeRecord, now_ms};

fn now_secs() -> i64 {
    now_ms().div_euclid(1000)
}

/// How many pages one filtered audit read goes through at most.
pub const MAX_PAGES_PER_READ: usize = 10;

/// Change record ids are 20 digits.
fn is_change_id(id: &str) -> bool {
    id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Store {
    /// Change records of an organization, filtered, newest first (or oldest first with
    /// [`Order::Asc`]), expired ones left out. Filtering on `target` reads the target's own
    /// index, on `actor` (without a target) the actor's; other filters are applied to each page
    /// read, at most [`MAX_PAGES_PER_READ`] pages per call: a filter that
    /// matches little answers with fewer items (even none) and the cursor to read on from.
    pub async fn list_audit(
        &self,
        org: &str,
        filter: &AuditFilter,
        cursor: Option<&str>,
        limit: usize,
        order: Order,
    ) -> Result<Page<ChangeRecord>> {
        let now = now_secs();
        let mut cursor = cursor.map(str::to_owned);
        let mut items = Vec::new();
        // Read pages until enough entries match, the log ends, or the read's budget is spent.
        for pages in 1.. {
            let page: Page<Stored> = match (&filter.target, &filter.actor) {
                (Some(t), _) => {
                    self.index_page(
                        &layout::audit_target(org, t),
                        "",
                        cursor.as_deref(),
                        limit,
                        order,
                    )
                    .await?
                }
                (None, Some(a)) => {
                    self.actor_page(org, a, cursor.as_deref(), limit, order)
                        .await?
                }
                (None, None) => {
                    self.page(&layout::changes(org), "", cursor.as_deref(), limit, order)
                        .await?
                }
            };
            let matching: Vec<Stored> = page
                .items
                .into_iter()
                .filter(|e| !e.record.expired(now) && filter.matches(&e.record))
                .collect();
            items.extend(self.hydrate(org, matching).await?);
            cursor = page.next;
            if items.len() >= limit || cursor.is_none() || pages >= MAX_PAGES_PER_READ {
                break;
            }
        }
        Ok(Page {
            items,
            next: cursor,
        })
    }

    /// A page of an actor's history: its index items, each read back as the record it names
    /// (a record swept meanwhile is left out).
    async fn actor_page(
        &self,
        org: &str,
        actor: &str,
        cursor: Option<&str>,
        limit: usize,
        order: Order,
    ) -> Result<Page<Stored>> {
        #[derive(serde::Deserialize)]
        struct Place {
            id: String,
        }
        let places: Page<Place> = self
            .page(&layout::audit_actor(org, actor), "", cursor, limit, order)
            .await?;
        let mut items = Vec::with_capacity(places.items.len());
        for p in places.items {
            if let Some(found) = self.get_doc(&layout::changes(org), &p.id).await? {
                items.push(found);
            }
        }
        Ok(Page {
            items,
            next: places.next,
        })
    }

    /// One change record by id (none: there is none, or it has expired).
    pub async fn get_change(&self, org: &str, id: &str) -> Result<Option<ChangeRecord>> {
        if !is_change_id(id) {
            return Ok(None);
        }
        let found: Option<Stored> = self.get_doc(&layout::changes(org), id).await?;
        let found = found.filter(|s| !s.record.expired(now_secs()));
        Ok(self.hydrate(org, found.into_iter().collect()).await?.pop())
    }

    /// The id of the organization's newest change record (none: it has none yet).
    pub async fn last_change_id(&self, org: &str) -> Result<Option<String>> {
        let seq = self.kv.get(&layout::org(org), layout::CHANGE_SEQ).await?;
        Ok(seq.map(|i| i.v).filter(|v| *v > 0).map(ChangeRecord::id_of))
    }

    /// The change records of an organization after `after` (a record id; `None`: from the
    /// first), oldest first, at most `limit`: what a consumer that keeps its place reads.
    /// Expired records are passed over (reading on past them, so a consumer that fell behind
    /// them is not stuck on an empty answer).
    pub async fn changes_after(
        &self,
        org: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>> {
        if after.is_some_and(|a| !is_change_id(a)) {
            return Err(StoreError::Invalid(
                "after must be the id of a change record".into(),
            ));
        }
        let pk = layout::changes(org);
        let now = now_secs();
        let limit = limit.clamp(1, MAX_PAGE);
        let mut after = after.map(|a| After {
            pk: pk.clone(),
            sk: a.to_owned(),
            g1: None,
        });
        loop {
            let items = self
                .kv
                .query(&pk, "", after.as_ref(), limit, Order::Asc)
                .await?;
            let full = items.len() == limit;
            after = items.last().map(After::of);
            let stored = items
                .iter()
                .map(decode)
                .collect::<Result<Vec<Stored>>>()?
                .into_iter()
                .filter(|s| !s.record.expired(now))
                .collect::<Vec<_>>();
            if !stored.is_empty() || !full {
                return self.hydrate(org, stored).await;
            }
        }
    }

    /// The records, with the before and after of those stored in parts read back.
    async fn hydrate(&self, org: &str, stored: Vec<Stored>) -> Result<Vec<ChangeRecord>> {
        let mut out = Vec::with_capacity(stored.len());
        for Stored {
            mut record,
            body_parts,
        } in stored
        {
            if body_parts > 0 {
                let parts = self
                    .kv
                    .query(
                        &layout::change_bodies(org),
                        &format!("{}#", record.id),
                        None,
                        body_parts,
                        Order::Asc,
                    )
                    .await?;
                let text: String = parts.iter().filter_map(|p| p.d["text"].as_str()).collect();
                let body: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                    StoreError::Backend(format!(
                        "the body of change {} is unreadable: {e}",
                        record.id
                    ))
                })?;
                record.before = Some(body["before"].clone()).filter(|v| !v.is_null());
                record.after = Some(body["after"].clone()).filter(|v| !v.is_null());
            }
            out.push(record);
        }
        Ok(out)
    }
}

/// How many expired items one sweep write deletes at most.
const SWEEP_BATCH: usize = 1000;

impl Store {
    /// Deletes items expired at `now` (epoch seconds: change records past their organization's
    /// retention, their index and body items), in writes of at most a thousand, and says how
    /// many. Only the embedded backend has any to delete: DynamoDB's TTL deletes them itself.
    pub async fn sweep_expired(&self, now: i64) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.kv.sweep_expired(now, SWEEP_BATCH).await?;
            total += n;
            if n < SWEEP_BATCH {
                return Ok(total);
            }
        }
    }
}

/// A change record as stored: with `bodyParts` when its before and after are stored apart.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    #[serde(flatten)]
    record: ChangeRecord,
    #[serde(default)]
    body_parts: usize,
}

impl Store {
    /// The id of the last change record `consumer` finished in `org` (none: it has not started).
    pub async fn consumer_place(&self, org: &str, consumer: &str) -> Result<Option<String>> {
        check_consumer(consumer)?;
        Ok(self
            .kv
            .get(&layout::org(org), &layout::consumer(consumer))
            .await?
            .filter(|i| i.v > 0)
            .map(|i| ChangeRecord::id_of(i.v)))
    }

    /// Moves `consumer`'s place from `from` (what it read) to `to`. Another worker that moved it
    /// meanwhile makes this a [`StoreError::Conflict`], and nothing moves.
    pub async fn move_consumer_place(
        &self,
        org: &str,
        consumer: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<()> {
        check_consumer(consumer)?;
        let seq = |id: &str| {
            id.parse::<u64>()
                .ok()
                .filter(|_| is_change_id(id))
                .ok_or_else(|| StoreError::Invalid(format!("{id:?} is not a change record id")))
        };
        let to_seq = seq(to)?;
        let cond = match from {
            Some(f) => Cond::Version(seq(f)?),
            None => Cond::Absent,
        };
        let put = item(
            layout::org(org),
            layout::consumer(consumer),
            None,
            to_seq,
            &serde_json::json!({"consumer": consumer}),
        )?;
        match self.kv.transact(vec![Op::Put { item: put, cond }]).await {
            Err(KvError::Condition { .. }) => Err(StoreError::Conflict {
                what: format!("the place of consumer {consumer}"),
                current: self
                    .kv
                    .get(&layout::org(org), &layout::consumer(consumer))
                    .await?
                    .map(|i| i.v),
            }),
            other => Ok(other?),
        }
    }
}

/// Consumer names: 1–64 of `a-z 0-9 . _ -`.
fn check_consumer(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{name:?} is not a consumer name (1 to 64 of a-z, 0-9, '.', '_', '-')"
        )))
    }
}
