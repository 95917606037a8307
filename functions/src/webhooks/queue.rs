//! Deliveries put in an endpoint's queue: a change, a test event, a redelivery.

use switchyard_core::domain::{ChangeRecord, Delivery, DeliveryState, Webhook, new_id};
use switchyard_core::store::Store;

use super::dispatch::{CONSUMER, event_of};
use super::message;

fn delivery(hook: &Webhook, id: String, message_id: String, event: String, now: i64) -> Delivery {
    Delivery {
        id,
        message_id,
        webhook_id: hook.id.clone(),
        org_id: hook.org_id.clone(),
        event,
        change_id: None,
        state: DeliveryState::Pending,
        attempts: Vec::new(),
        attempt_count: 0,
        first_attempt_at: None,
        next_attempt_at: None,
        leased_until: None,
        created_at: now,
        delivered_at: None,
        body: None,
        version: 1,
    }
}

/// A change for an endpoint: queued under the change's id, so the queue keeps the log's order.
pub fn for_change(hook: &Webhook, record: &ChangeRecord, now: i64) -> Delivery {
    Delivery {
        change_id: Some(record.id.clone()),
        ..delivery(
            hook,
            record.id.clone(),
            format!("msg_{}_{}", record.org_id, record.seq),
            event_of(record),
            now,
        )
    }
}

/// Where a delivery made now goes in the queue: after every change queued so far.
async fn place(store: &Store, org: &str) -> Result<String, String> {
    let place = store
        .consumer_place(org, CONSUMER)
        .await
        .map_err(|e| e.to_string())?;
    Ok(place.unwrap_or_else(|| ChangeRecord::id_of(0)))
}

/// Queues a `webhook.test` event for an endpoint.
pub async fn test_event(
    store: &Store,
    hook: &Webhook,
    dashboard: &str,
    now: i64,
) -> Result<Delivery, String> {
    let at = place(store, &hook.org_id).await?;
    let mut d = delivery(
        hook,
        format!("{at}.t{now}"),
        format!("msg_test_{}", new_id()),
        "webhook.test".to_owned(),
        now,
    );
    d.body = Some(message::for_test(
        hook.kind,
        &hook.org_id,
        &hook.id,
        now,
        dashboard,
    ));
    store.queue_delivery(&d).await.map_err(|e| e.to_string())?;
    Ok(d)
}

/// Queues a delivery again, with its message id (receivers that saw it drop it).
pub async fn redeliver(store: &Store, old: &Delivery, now: i64) -> Result<Delivery, String> {
    let at = place(store, &old.org_id).await?;
    let d = Delivery {
        id: format!("{at}.r{now}"),
        message_id: old.message_id.clone(),
        webhook_id: old.webhook_id.clone(),
        org_id: old.org_id.clone(),
        event: old.event.clone(),
        change_id: old.change_id.clone(),
        body: if old.change_id.is_some() {
            None
        } else {
            old.body.clone()
        },
        state: DeliveryState::Pending,
        attempts: Vec::new(),
        attempt_count: 0,
        first_attempt_at: None,
        next_attempt_at: None,
        leased_until: None,
        created_at: now,
        delivered_at: None,
        version: 1,
    };
    store.queue_delivery(&d).await.map_err(|e| e.to_string())?;
    Ok(d)
}
