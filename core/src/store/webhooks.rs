//! Webhook endpoints, their queues of deliveries to send (in order) and their delivery logs.

use super::batch::{Batch, next_version};
use super::{Cond, Item, KvError, MAX_TRANSACTION_OPS, Op, Order, Page, Result, Store, StoreError};
use super::{decode, item, layout};
use crate::domain::{Delivery, Webhook};

impl Batch {
    /// Writes an endpoint at `webhook.version` (1: creates it).
    pub fn put_webhook(&mut self, webhook: &Webhook) -> Result<()> {
        let put = item(
            layout::org(&webhook.org_id),
            layout::webhook(&webhook.id),
            Some((
                layout::WEBHOOKS.to_owned(),
                layout::webhook_index(&webhook.org_id, &webhook.id),
            )),
            webhook.version,
            webhook,
        )?;
        self.push(put, next_version(webhook.version)?);
        Ok(())
    }

    /// Deletes an endpoint stored at `version`.
    pub fn delete_webhook(&mut self, org: &str, id: &str, version: u64) {
        self.delete(
            layout::org(org),
            layout::webhook(id),
            Cond::Version(version),
        );
    }
}

fn delivery_of(item: &Item, org: &str) -> Result<Delivery> {
    let mut d: Delivery = decode(item)?;
    d.org_id = org.to_owned();
    d.version = item.v;
    Ok(d)
}

fn delivery_item(pk: String, d: &Delivery) -> Result<Item> {
    item(pk, d.id.clone(), None, d.version, d)
}

impl Store {
    pub async fn get_webhook(&self, org: &str, id: &str) -> Result<Option<Webhook>> {
        self.get_doc(&layout::org(org), &layout::webhook(id)).await
    }

    /// An organization's endpoints, oldest first.
    pub async fn list_webhooks(&self, org: &str) -> Result<Vec<Webhook>> {
        self.all(&layout::org(org), "WEBHOOK#").await
    }

    /// Every endpoint of every organization (the dispatcher's sweep).
    pub async fn all_webhooks(&self) -> Result<Vec<Webhook>> {
        self.all_index(layout::WEBHOOKS, "").await
    }

    /// How many endpoints an organization has, counting no further than `at_most`.
    pub async fn count_webhooks(&self, org: &str, at_most: usize) -> Result<usize> {
        Ok(self
            .kv
            .count(&layout::org(org), "WEBHOOK#", at_most)
            .await?)
    }

    /// Queues a delivery (at version 1). `false` if it is queued already (a change handed over
    /// again after a crash).
    pub async fn queue_delivery(&self, d: &Delivery) -> Result<bool> {
        let mut d = d.clone();
        d.version = 1;
        let put = delivery_item(layout::webhook_queue(&d.org_id, &d.webhook_id), &d)?;
        match self
            .kv
            .transact(vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }])
            .await
        {
            Ok(()) => Ok(true),
            Err(KvError::Condition { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Queues deliveries (each at version 1) in as few transactions as fit; how many were new.
    /// A delivery queued already (a change handed over again after a crash) is skipped.
    pub async fn queue_deliveries(&self, deliveries: &[Delivery]) -> Result<usize> {
        let mut queued = 0;
        for chunk in deliveries.chunks(MAX_TRANSACTION_OPS) {
            let mut ops = Vec::with_capacity(chunk.len());
            for d in chunk {
                let d = Delivery {
                    version: 1,
                    ..d.clone()
                };
                ops.push(Op::Put {
                    item: delivery_item(layout::webhook_queue(&d.org_id, &d.webhook_id), &d)?,
                    cond: Cond::Absent,
                });
            }
            match self.kv.transact(ops).await {
                Ok(()) => queued += chunk.len(),
                // Some were queued before: queue the rest one by one.
                Err(KvError::Condition { .. }) => {
                    for d in chunk {
                        if self.queue_delivery(d).await? {
                            queued += 1;
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(queued)
    }

    /// The first `limit` deliveries of an endpoint's queue, in the order they go.
    pub async fn queued_deliveries(
        &self,
        org: &str,
        webhook: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>> {
        let items = self
            .kv
            .query(
                &layout::webhook_queue(org, webhook),
                "",
                None,
                limit,
                Order::Asc,
            )
            .await?;
        items.iter().map(|i| delivery_of(i, org)).collect()
    }

    /// Saves a queued delivery at `d.version` (its stored version plus one); a conflict if another
    /// runner changed or finished it meanwhile.
    pub async fn save_queued(&self, d: &Delivery) -> Result<()> {
        let put = delivery_item(layout::webhook_queue(&d.org_id, &d.webhook_id), d)?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: next_version(d.version)?,
            }],
            || StoreError::Conflict {
                what: "the delivery".into(),
                current: None,
            },
        )
        .await
    }

    /// Moves a sent delivery (stored at `d.version`) from the queue to the delivery log.
    pub async fn finish_delivery(&self, d: &Delivery) -> Result<()> {
        let logged = delivery_item(layout::webhook_log(&d.org_id, &d.webhook_id), d)?;
        self.write(
            vec![
                Op::Delete {
                    pk: layout::webhook_queue(&d.org_id, &d.webhook_id),
                    sk: d.id.clone(),
                    cond: Cond::Version(d.version),
                },
                Op::Put {
                    item: logged,
                    cond: Cond::Any,
                },
            ],
            || StoreError::Conflict {
                what: "the delivery".into(),
                current: None,
            },
        )
        .await
    }

    /// One delivery, queued or sent.
    pub async fn get_delivery(
        &self,
        org: &str,
        webhook: &str,
        id: &str,
    ) -> Result<Option<Delivery>> {
        for pk in [
            layout::webhook_queue(org, webhook),
            layout::webhook_log(org, webhook),
        ] {
            if let Some(item) = self.kv.get(&pk, id).await? {
                return Ok(Some(delivery_of(&item, org)?));
            }
        }
        Ok(None)
    }

    /// A page of an endpoint's sent deliveries, newest first.
    pub async fn delivery_log(
        &self,
        org: &str,
        webhook: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Delivery>> {
        let mut page: Page<Delivery> = self
            .page(
                &layout::webhook_log(org, webhook),
                "",
                cursor,
                limit,
                Order::Desc,
            )
            .await?;
        for d in &mut page.items {
            d.org_id = org.to_owned();
        }
        Ok(page)
    }

    /// Deletes the oldest sent deliveries beyond the newest `keep`.
    pub async fn trim_delivery_log(&self, org: &str, webhook: &str, keep: usize) -> Result<usize> {
        let pk = layout::webhook_log(org, webhook);
        let total = self.kv.count(&pk, "", keep + MAX_TRANSACTION_OPS).await?;
        let excess = total.saturating_sub(keep);
        if excess == 0 {
            return Ok(0);
        }
        let oldest = self.kv.query(&pk, "", None, excess, Order::Asc).await?;
        self.delete_items(oldest).await
    }

    /// Deletes an endpoint's queue and delivery log (after the endpoint itself is gone).
    pub async fn drop_deliveries(&self, org: &str, webhook: &str) -> Result<usize> {
        let mut dropped = 0;
        for pk in [
            layout::webhook_queue(org, webhook),
            layout::webhook_log(org, webhook),
        ] {
            loop {
                let items = self
                    .kv
                    .query(&pk, "", None, MAX_TRANSACTION_OPS, Order::Asc)
                    .await?;
                if items.is_empty() {
                    break;
                }
                dropped += self.delete_items(items).await?;
            }
        }
        Ok(dropped)
    }

    async fn delete_items(&self, items: Vec<Item>) -> Result<usize> {
        let n = items.len();
        for chunk in items.chunks(MAX_TRANSACTION_OPS) {
            let ops = chunk
                .iter()
                .map(|i| Op::Delete {
                    pk: i.pk.clone(),
                    sk: i.sk.clone(),
                    cond: Cond::Any,
                })
                .collect();
            self.kv.transact(ops).await?;
        }
        Ok(n)
    }
}
