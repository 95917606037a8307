//! The dispatcher: follows each organization's change log (consumer `webhooks`), queues every
//! change for each endpoint whose filter it passes, and sends each endpoint's queue in order.
//!
//! - At least once: a change is queued before the consumer's place moves past it, and a delivery
//!   leaves its queue only after a 2xx answer. A crash in between sends it again, with the same
//!   `webhook-id`.
//! - In order per endpoint: only an endpoint's oldest queued delivery is sent; while it fails, the
//!   ones behind it wait.
//! - One sender per delivery: a runner leases the delivery (a conditional write) before sending,
//!   so two runners (two Lambda invocations, a restarted server) never send it at once.
//! - Retries back off exponentially with jitter; an endpoint whose oldest delivery has failed for
//!   a day (since the endpoint was last saved) is disabled, its owner told in the dashboard, and
//!   its queue kept for when it is enabled again.
//! - Each endpoint is sent to by a task of its own with a short timeout and a bounded read of the
//!   answer, so a slow or huge receiver holds up only itself.

use futures_util::StreamExt;
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchyard_core::changes::Changes;
use switchyard_core::changes::feed::{self, Drained};
use switchyard_core::clock::{Clock, SystemClock};
use switchyard_core::domain::{
    Attempt, ChangeRecord, Delivery, DeliveryState, Webhook, WebhookKind, event_type,
};
use switchyard_core::store::{Store, StoreError};

use super::guard::GuardedResolver;
use super::lookups::{NameCache, TagCache};
use super::message;
use super::sign;
use super::{Setup, queue};

/// The change-log consumer's name.
pub const CONSUMER: &str = "webhooks";
/// Sent deliveries kept per endpoint.
pub const KEPT_LOG: usize = 1000;
/// The most of an answer read (the rest is dropped with the connection).
const RESPONSE_READ: usize = 64 * 1024;
/// The start of an answer kept in the delivery log.
const RESPONSE_KEPT: usize = 1024;
/// The most of a body the delivery log keeps.
const BODY_KEPT: usize = 64 * 1024;

/// When attempts are made and given up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles with each failure after…
    pub first: Duration,
    /// …up to this.
    pub max: Duration,
    /// An endpoint failing this long is disabled.
    pub give_up_after: Duration,
    /// One attempt's whole time (connect, send, answer).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// How many endpoints are sent to at once.
    pub concurrency: usize,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            first: Duration::from_secs(5),
            max: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            concurrency: 64,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `n + 1` after `n` failures: exponential, with "equal jitter"
    /// (half fixed, half random), so that endpoints failing together do not retry together.
    pub fn backoff(&self, failures: u32) -> Duration {
        let exp = self
            .first
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20))
            .min(self.max);
        let half = exp / 2;
        half + half.mul_f64(rand::random::<f64>())
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub queued: usize,
    pub delivered: usize,
    pub failed: usize,
}

#[derive(Debug)]
pub struct Dispatcher {
    changes: Changes,
    setup: Setup,
    client: reqwest::Client,
    policy: RetryPolicy,
    clock: Arc<dyn Clock>,
    /// Endpoints a task of this process is sending to now.
    busy: Mutex<HashSet<String>>,
    report: Mutex<Report>,
}

type Result<T> = std::result::Result<T, String>;

fn store_error(e: impl std::fmt::Display) -> String {
    format!("storage: {e}")
}

impl Dispatcher {
    pub fn new(changes: Changes, setup: Setup, policy: RetryPolicy) -> Result<Arc<Dispatcher>> {
        Dispatcher::with_clock(changes, setup, policy, Arc::new(SystemClock))
    }

    pub fn with_clock(
        changes: Changes,
        setup: Setup,
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Dispatcher>> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver(setup.egress)))
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.timeout)
            .user_agent(concat!("Switchyard-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Arc::new(Dispatcher {
            changes,
            setup,
            client,
            policy,
            clock,
            busy: Mutex::new(HashSet::new()),
            report: Mutex::new(Report::default()),
        }))
    }

    fn store(&self) -> &Store {
        self.changes.store()
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// What was queued, delivered and failed since the last call.
    pub fn take_report(&self) -> Report {
        std::mem::take(&mut *self.report.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn count(&self, f: impl FnOnce(&mut Report)) {
        f(&mut self.report.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// One run over every organization with an endpoint (`org`: only that one): queues new
    /// changes, then starts a sending task for each endpoint with something due that no task of
    /// this process is sending to. `wait`: returns once those tasks are done (a Lambda, tests);
    /// otherwise they go on after it returns (`serve`).
    pub async fn run(self: &Arc<Self>, org: Option<&str>, wait: bool) -> Result<()> {
        let orgs: BTreeSet<String> = match org {
            Some(org) => BTreeSet::from([org.to_owned()]),
            None => self
                .store()
                .all_webhooks()
                .await
                .map_err(store_error)?
                .into_iter()
                .map(|h| h.org_id)
                .collect(),
        };
        let mut hooks = Vec::new();
        // One organization's trouble stops only its own queueing; the first error is returned
        // after every organization had its turn.
        let mut first_error = None;
        for org in &orgs {
            // The organization's own partition, read consistently: the index that listed it may
            // not show an endpoint created a moment ago, and the changes queued now are not
            // queued again for it.
            let found = match self.store().list_webhooks(org).await {
                Ok(found) => found,
                Err(e) => {
                    first_error.get_or_insert(store_error(e));
                    continue;
                }
            };
            let refs: Vec<&Webhook> = found.iter().collect();
            if let Err(e) = self.queue_changes(org, &refs).await {
                tracing::warn!(org = %org, error = %e, "queueing webhook deliveries failed");
                first_error.get_or_insert(e);
            }
            hooks.extend(found);
        }
        let mut tasks = Vec::new();
        for hook in hooks.into_iter().filter(|h| h.enabled) {
            if !self.claim(&hook.id) {
                continue;
            }
            let this = self.clone();
            let task = async move {
                let id = hook.id.clone();
                if let Err(e) = this.send_queue(hook).await {
                    tracing::warn!(webhook = %id, error = %e, "webhook delivery stopped");
                }
                this.release(&id);
            };
            if wait {
                tasks.push(task);
            } else {
                tokio::spawn(task);
            }
        }
        futures_util::stream::iter(tasks)
            .for_each_concurrent(self.policy.concurrency, |t| t)
            .await;
        first_error.map_or(Ok(()), Err)
    }

    fn claim(&self, id: &str) -> bool {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        busy.len() < self.policy.concurrency && busy.insert(id.to_owned())
    }

    fn release(&self, id: &str) {
        self.busy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Queues every change of `org` after the consumer's place for each endpoint it matches.
    async fn queue_changes(&self, org: &str, hooks: &[&Webhook]) -> Result<()> {
        let tags = tokio::sync::Mutex::new(TagCache::default());
        let outcome = feed::drain(self.store(), org, CONSUMER, |record| {
            let tags = &tags;
            async move {
                let mut batch = Vec::new();
                for hook in hooks.iter().filter(|h| h.enabled) {
                    if self.wants(hook, &record, &mut *tags.lock().await).await? {
                        batch.push(queue::for_change(hook, &record, self.now()));
                    }
                }
                let queued = self
                    .store()
                    .queue_deliveries(&batch)
                    .await
                    .map_err(store_error)?;
                self.count(|r| r.queued += queued);
                Ok(())
            }
        })
        .await
        .map_err(store_error)?;
        match outcome {
            Drained::Failed { id, reason, .. } => {
                Err(format!("queueing change {id} of {org}: {reason}"))
            }
            Drained::Done(_) | Drained::Overtaken(_) => Ok(()),
        }
    }

    /// Whether an endpoint receives a change: made after the endpoint was, not to the endpoint
    /// itself, and through its filter.
    async fn wants(
        &self,
        hook: &Webhook,
        record: &ChangeRecord,
        tags: &mut TagCache,
    ) -> Result<bool> {
        if record.at < hook.created_at
            || record.target.strip_prefix("webhook:") == Some(hook.id.as_str())
            || !hook.filter.matches_without_tags(record)
        {
            return Ok(false);
        }
        if hook.filter.tags.is_empty() {
            return Ok(true);
        }
        let found = tags.of(self.store(), record).await?;
        Ok(hook.filter.tags.iter().any(|t| found.contains(t)))
    }

    /// Sends an endpoint's queue, oldest first, until it is empty, a delivery fails, or the next
    /// one is not due.
    async fn send_queue(&self, hook: Webhook) -> Result<()> {
        let (org, id) = (hook.org_id.clone(), hook.id.clone());
        let mut names = NameCache::default();
        loop {
            let Some(head) = self
                .store()
                .queued_deliveries(&org, &id, 1)
                .await
                .map_err(store_error)?
                .pop()
            else {
                return Ok(());
            };
            let now = self.now();
            if head.next_attempt_at.is_some_and(|at| at > now)
                || head.leased_until.is_some_and(|at| at > now)
            {
                return Ok(());
            }
            let mut d = head;
            d.version += 1;
            d.leased_until =
                Some(now + i64::try_from(self.policy.timeout.as_millis()).unwrap_or(10_000) * 3);
            match self.store().save_queued(&d).await {
                Ok(()) => {}
                Err(StoreError::Conflict { .. }) => return Ok(()),
                Err(e) => return Err(store_error(e)),
            }
            let body = self.body_of(&hook, &d, &mut names).await?;
            let attempt = self.send(&hook, &d.message_id, &body).await;
            let ok = attempt.status.is_some_and(|s| (200..300).contains(&s));
            d.record(attempt);
            d.leased_until = None;
            d.body = Some(clip(&body, BODY_KEPT));
            let now = self.now();
            if ok {
                d.state = DeliveryState::Delivered;
                d.delivered_at = Some(now);
                d.next_attempt_at = None;
                match self.store().finish_delivery(&d).await {
                    Ok(()) => {}
                    Err(StoreError::Conflict { .. }) => return Ok(()),
                    Err(e) => return Err(store_error(e)),
                }
                self.count(|r| r.delivered += 1);
                if rand::random::<u8>() < 8 {
                    self.store()
                        .trim_delivery_log(&org, &id, KEPT_LOG)
                        .await
                        .map_err(store_error)?;
                }
                continue;
            }
            self.count(|r| r.failed += 1);
            let since = d.first_attempt_at.unwrap_or(now).max(hook.updated_at);
            let give_up = i64::try_from(self.policy.give_up_after.as_millis()).unwrap_or(i64::MAX);
            let retry_in = self.policy.backoff(d.attempt_count);
            d.next_attempt_at =
                Some(now + i64::try_from(retry_in.as_millis()).unwrap_or(i64::MAX / 2));
            d.version += 1;
            match self.store().save_queued(&d).await {
                Ok(()) | Err(StoreError::Conflict { .. }) => {}
                Err(e) => return Err(store_error(e)),
            }
            if now - since >= give_up {
                let reason = format!(
                    "disabled after failing for {} hours: the last attempt {}",
                    give_up / 3_600_000,
                    describe(d.attempts.last())
                );
                if let Err(e) = self.changes.disable_webhook(&hook, reason).await {
                    tracing::warn!(webhook = %id, error = %e, "disabling a failing webhook failed");
                }
            }
            return Ok(());
        }
    }

    /// The body of a delivery: a test event's own, or built from its change record.
    async fn body_of(&self, hook: &Webhook, d: &Delivery, names: &mut NameCache) -> Result<String> {
        let Some(change) = &d.change_id else {
            return Ok(d.body.clone().unwrap_or_default());
        };
        let record = self
            .store()
            .get_change(&hook.org_id, change)
            .await
            .map_err(store_error)?
            .ok_or_else(|| format!("change {change} is gone"))?;
        let names = names.of(self.store(), &record).await?;
        Ok(message::for_change(
            hook.kind,
            &record,
            &names,
            &self.setup.dashboard,
        ))
    }

    /// One attempt.
    async fn send(&self, hook: &Webhook, message_id: &str, body: &str) -> Attempt {
        let at = self.now();
        let started = Instant::now();
        let result = self.post(hook, message_id, body, at).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match result {
            Ok((status, response)) => Attempt {
                at,
                status: Some(status),
                duration_ms,
                error: None,
                response: Some(response),
            },
            Err(error) => Attempt {
                at,
                status: None,
                duration_ms,
                error: Some(error),
                response: None,
            },
        }
    }

    async fn post(
        &self,
        hook: &Webhook,
        message_id: &str,
        body: &str,
        at: i64,
    ) -> Result<(u16, String)> {
        let url = match (&hook.kind, &hook.sealed_url) {
            (WebhookKind::Standard, _) => hook.url.clone(),
            (_, Some(sealed)) => self.setup.sealer.open(sealed)?,
            (_, None) => return Err("the endpoint has no URL".into()),
        };
        let url = self
            .setup
            .egress
            .check_url(&url)
            .map_err(|e| format!("the URL {e}"))?;
        let mut request = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if hook.kind == WebhookKind::Standard {
            let timestamp = at.div_euclid(1000);
            let mut secrets = Vec::new();
            for s in hook.signing_secrets(at) {
                secrets.push(self.setup.sealer.open(&s.sealed)?);
            }
            let signature = sign::signature(
                secrets.iter().map(String::as_str),
                message_id,
                timestamp,
                body,
            )?;
            request = request
                .header("webhook-id", message_id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature);
        }
        let mut response = request.send().await.map_err(describe_reqwest)?;
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("?")
                .to_owned();
            return Err(format!(
                "answered {status} to {to}: redirects are not followed"
            ));
        }
        let mut read = Vec::new();
        while read.len() < RESPONSE_READ {
            match response.chunk().await {
                Ok(Some(chunk)) => read.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        read.truncate(RESPONSE_KEPT);
        Ok((status.as_u16(), String::from_utf8_lossy(&read).into_owned()))
    }
}

fn describe_reqwest(e: reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        format!("timed out: {text}")
    } else {
        text
    }
}

fn describe(attempt: Option<&Attempt>) -> String {
    match attempt {
        Some(Attempt {
            status: Some(s), ..
        }) => format!("answered {s}"),
        Some(Attempt { error: Some(e), .. }) => format!("failed: {e}"),
        _ => "failed".to_owned(),
    }
}

pub(super) fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// The event type of a change, for a delivery.
pub(super) fn event_of(record: &ChangeRecord) -> String {
    event_type(&record.action).to_owned()
}
