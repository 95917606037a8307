//! Webhook endpoints: created, edited, rotated, disabled (by the dispatcher after a day of
//! failures) and deleted, each audited like any other change. The API seals secrets and chat URLs
//! before they reach here; this layer checks the rest.

use super::error::{ChangeError, Result};
use super::quotas::Quota;
use super::{Changes, Scope};
use crate::domain::{Actor, EVENT_TYPES, Webhook, WebhookFilter};
use crate::store::Batch;

/// The longest URL an endpoint may have.
pub const MAX_WEBHOOK_URL: usize = 2048;
/// The longest description.
pub const MAX_WEBHOOK_DESCRIPTION: usize = 500;
/// The most entries one filter list may hold.
pub const MAX_FILTER_ENTRIES: usize = 100;

/// Checks what an endpoint holds (its URL's reachability is the API's concern).
pub fn check_webhook(w: &Webhook) -> Result<()> {
    if w.url.is_empty() || w.url.len() > MAX_WEBHOOK_URL {
        return Err(ChangeError::field(
            "url",
            format!("must be 1 to {MAX_WEBHOOK_URL} characters"),
        ));
    }
    if w.description.chars().count() > MAX_WEBHOOK_DESCRIPTION {
        return Err(ChangeError::field(
            "description",
            format!("may be at most {MAX_WEBHOOK_DESCRIPTION} characters"),
        ));
    }
    check_filter(&w.filter)
}

fn check_filter(f: &WebhookFilter) -> Result<()> {
    for (name, list) in [
        ("projects", &f.projects),
        ("environments", &f.environments),
        ("tags", &f.tags),
        ("events", &f.events),
    ] {
        if list.len() > MAX_FILTER_ENTRIES {
            return Err(ChangeError::field(
                &format!("filter/{name}"),
                format!("may hold at most {MAX_FILTER_ENTRIES} entries"),
            ));
        }
        if let Some(i) = list.iter().position(|e| e.is_empty() || e.len() > 200) {
            return Err(ChangeError::field(
                &format!("filter/{name}/{i}"),
                "must be 1 to 200 characters",
            ));
        }
    }
    if let Some(i) = f
        .events
        .iter()
        .position(|e| !EVENT_TYPES.contains(&e.as_str()))
    {
        return Err(ChangeError::field(
            &format!("filter/events/{i}"),
            format!("is not an event type (one of {})", EVENT_TYPES.join(", ")),
        ));
    }
    Ok(())
}

impl Changes {
    /// Creates an endpoint (its `version` 1), within the organization's quota.
    pub async fn create_webhook(&self, actor: &Actor, webhook: Webhook) -> Result<Webhook> {
        check_webhook(&webhook)?;
        let used = self
            .store
            .count_webhooks(
                &webhook.org_id,
                self.count_to(Quota::WebhooksPerOrganization),
            )
            .await?;
        self.within(Quota::WebhooksPerOrganization, used, 1)?;
        let webhook = Webhook {
            version: 1,
            ..webhook
        };
        let mut batch = Batch::new();
        batch.put_webhook(&webhook)?;
        self.commit_webhook(batch, actor, "webhook.create", None, Some(&webhook))
            .await?;
        Ok(webhook)
    }

    /// Saves an edited endpoint over `current` (which the caller read); a conflict if it changed
    /// since.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        current: &Webhook,
        next: Webhook,
        action: &str,
    ) -> Result<Webhook> {
        check_webhook(&next)?;
        let next = Webhook {
            id: current.id.clone(),
            org_id: current.org_id.clone(),
            version: current.version + 1,
            updated_at: self.now(),
            ..next
        };
        let mut batch = Batch::new();
        batch.put_webhook(&next)?;
        self.commit_webhook(batch, actor, action, Some(current), Some(&next))
            .await
            .map_err(|e| stale_webhook(e, current.version))?;
        Ok(next)
    }

    /// Deletes an endpoint stored at `current.version`; its deliveries go with it.
    pub async fn delete_webhook(&self, actor: &Actor, current: &Webhook) -> Result<()> {
        let mut batch = Batch::new();
        batch.delete_webhook(&current.org_id, &current.id, current.version);
        self.commit_webhook(batch, actor, "webhook.delete", Some(current), None)
            .await
            .map_err(|e| stale_webhook(e, current.version))?;
        if let Err(e) = self
            .store
            .drop_deliveries(&current.org_id, &current.id)
            .await
        {
            // The dispatcher drops the queue of an endpoint that is gone when it meets it.
            tracing::warn!(webhook = %current.id, error = %e, "dropping deliveries failed");
        }
        Ok(())
    }

    /// Disables an endpoint that failed for too long (the dispatcher, `system:webhooks`).
    pub async fn disable_webhook(&self, current: &Webhook, reason: String) -> Result<Webhook> {
        let next = Webhook {
            enabled: false,
            disabled_at: Some(self.now()),
            disabled_reason: Some(reason),
            ..current.clone()
        };
        self.update_webhook(
            &Actor::System("webhooks".into()),
            current,
            next,
            "webhook.disable",
        )
        .await
    }

    async fn commit_webhook(
        &self,
        batch: Batch,
        actor: &Actor,
        action: &str,
        before: Option<&Webhook>,
        after: Option<&Webhook>,
    ) -> Result<()> {
        let id = after.or(before).map(|w| w.id.clone()).unwrap_or_default();
        let org = after
            .or(before)
            .map(|w| w.org_id.clone())
            .unwrap_or_default();
        let record = self.record(
            actor,
            Scope::org(&org),
            action,
            format!("webhook:{id}"),
            before.map(Webhook::public).as_ref(),
            after.map(Webhook::public).as_ref(),
        );
        self.commit(batch, record).await?;
        Ok(())
    }
}

fn stale_webhook(e: ChangeError, version: u64) -> ChangeError {
    match e {
        ChangeError::Store(crate::store::StoreError::Conflict { .. }) => {
            ChangeError::stale("the webhook", version)
        }
        ChangeError::Conflict { .. } => ChangeError::stale("the webhook", version),
        other => other,
    }
}
