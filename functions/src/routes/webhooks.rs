//! Webhook endpoints of an organization (admins; API tokens with `write-projects`): create, edit,
//! rotate the signing secret, send a test event, read the delivery log, redeliver. See
//! docs/webhooks.md.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchyard_core::domain::{
    Delivery, Webhook, WebhookFilter, WebhookKind, WebhookSecret, new_id,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Json, Query};
use crate::state::AppState;
use crate::validate::field_error;
use crate::webhooks::{Setup, guard, queue, sign};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_secret))
        .routes(routes!(send_test))
        .routes(routes!(list_deliveries))
        .routes(routes!(redeliver))
}

/// The longest a rotated-out secret keeps signing (7 days).
pub const MAX_OVERLAP_SECS: u64 = 7 * 86_400;

/// A signing secret as shown: never the secret itself.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretView {
    /// The first characters, to tell secrets apart.
    prefix: String,
    created_at: i64,
    /// A rotated-out secret still signs until then.
    expires_at: Option<i64>,
}

/// An endpoint as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    id: String,
    org_id: String,
    kind: WebhookKind,
    /// The URL; a Slack or Teams URL (a credential) redacted.
    url: String,
    description: String,
    filter: WebhookFilter,
    enabled: bool,
    disabled_at: Option<i64>,
    /// Why the endpoint was disabled (after a day of failures).
    disabled_reason: Option<String>,
    /// When its oldest queued delivery first failed, while it keeps failing.
    failing_since: Option<i64>,
    secrets: Vec<SecretView>,
    created_at: i64,
    created_by: String,
    updated_at: i64,
    version: u64,
}

async fn view(st: &AppState, w: Webhook) -> Result<WebhookView, ApiError> {
    let head = st.store.queued_deliveries(&w.org_id, &w.id, 1).await?;
    let failing_since = head
        .first()
        .filter(|d| !d.attempts.is_empty())
        .and_then(|d| d.first_attempt_at)
        .map(|at| at.max(w.updated_at));
    let now = st.changes.now();
    Ok(WebhookView {
        secrets: w
            .signing_secrets(now)
            .map(|s| SecretView {
                prefix: s.prefix.clone(),
                created_at: s.created_at,
                expires_at: s.expires_at,
            })
            .collect(),
        id: w.id,
        org_id: w.org_id,
        kind: w.kind,
        url: w.url,
        description: w.description,
        filter: w.filter,
        enabled: w.enabled,
        disabled_at: w.disabled_at,
        disabled_reason: w.disabled_reason,
        failing_since,
        created_at: w.created_at,
        created_by: w.created_by,
        updated_at: w.updated_at,
        version: w.version,
    })
}

fn setup(st: &AppState) -> Result<&Setup, ApiError> {
    st.webhooks
        .as_ref()
        .ok_or_else(|| ApiError::Internal("webhooks are not set up in this function".into()))
}

async fn find(st: &AppState, org: &str, id: &str) -> Result<Webhook, ApiError> {
    st.store
        .get_webhook(org, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("webhook".into()))
}

/// A chat URL as shown: its scheme, host and the start of its path.
fn redacted(url: &url::Url) -> String {
    let path: String = url.path().chars().take(12).collect();
    format!(
        "{}://{}{path}…",
        url.scheme(),
        url.host_str().unwrap_or_default()
    )
}

/// Where an endpoint points, checked, as stored: (shown URL, sealed URL for chat kinds).
async fn place_url(
    setup: &Setup,
    kind: WebhookKind,
    raw: &str,
) -> Result<(String, Option<String>), ApiError> {
    let url = guard::check_reachable(&setup.egress, raw)
        .await
        .map_err(|e| field_error("url", &e))?;
    Ok(match kind {
        WebhookKind::Standard => (url.to_string(), None),
        WebhookKind::Slack | WebhookKind::Teams => {
            (redacted(&url), Some(setup.sealer.seal(url.as_str())))
        }
    })
}

fn new_signing_secret(setup: &Setup, now: i64) -> (String, WebhookSecret) {
    let secret = sign::new_secret();
    let sealed = WebhookSecret {
        sealed: setup.sealer.seal(&secret),
        prefix: secret.chars().take(10).collect(),
        created_at: now,
        expires_at: None,
    };
    (secret, sealed)
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/webhooks", tag = "webhooks", security(("bearer" = [])),
    params(("org" = String, Path)), responses((status = 200, body = WebhookList)))]
async fn list_webhooks(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> Result<axum::Json<WebhookList>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let mut items = Vec::new();
    for w in st.store.list_webhooks(&org).await? {
        items.push(view(&st, w).await?);
    }
    Ok(axum::Json(WebhookList { items }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    items: Vec<WebhookView>,
}

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    kind: WebhookKind,
    /// https (plain http and private addresses only where the operator allows them).
    #[schema(max_length = 2048)]
    url: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    description: String,
    #[serde(default)]
    filter: WebhookFilter,
}

/// An endpoint and its signing secret (standard endpoints), shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    webhook: WebhookView,
    /// `whsec_…`: verify signatures with it. Shown once.
    secret: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/webhooks", tag = "webhooks", request_body = NewWebhook,
    security(("bearer" = [])), params(("org" = String, Path)), responses((status = 201, body = WebhookCreated)))]
async fn create_webhook(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Json(b): Json<NewWebhook>,
) -> Result<(StatusCode, axum::Json<WebhookCreated>), ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let setup = setup(&st)?;
    let (url, sealed_url) = place_url(setup, b.kind, &b.url).await?;
    let now = st.changes.now();
    let (secret, secrets) = match b.kind {
        WebhookKind::Standard => {
            let (secret, sealed) = new_signing_secret(setup, now);
            (Some(secret), vec![sealed])
        }
        WebhookKind::Slack | WebhookKind::Teams => (None, vec![]),
    };
    let webhook = Webhook {
        id: new_id(),
        org_id: org,
        kind: b.kind,
        url,
        sealed_url,
        description: b.description.trim().to_owned(),
        filter: b.filter,
        enabled: true,
        disabled_at: None,
        disabled_reason: None,
        secrets,
        created_at: now,
        created_by: caller.actor().to_string(),
        updated_at: now,
        version: 1,
    };
    let webhook = st.changes.create_webhook(&caller.actor(), webhook).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(WebhookCreated {
            webhook: view(&st, webhook).await?,
            secret,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/webhooks/{webhook}", tag = "webhooks", security(("bearer" = [])),
    params(("org" = String, Path), ("webhook" = String, Path)), responses((status = 200, body = WebhookView)))]
async fn get_webhook(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<axum::Json<WebhookView>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let w = find(&st, &org, &id).await?;
    Ok(axum::Json(view(&st, w).await?))
}

/// What to change; `version` is the one the change was made on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[schema(minimum = 1)]
    version: u64,
    #[schema(max_length = 2048)]
    url: Option<String>,
    #[schema(max_length = 500)]
    description: Option<String>,
    filter: Option<WebhookFilter>,
    /// `true` enables a disabled endpoint again (its queue is sent, in order).
    enabled: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org}/webhooks/{webhook}", tag = "webhooks", request_body = WebhookPatch,
    security(("bearer" = [])), params(("org" = String, Path), ("webhook" = String, Path)),
    responses((status = 200, body = WebhookView), (status = 409, description = "stale version; details.currentVersion"), (status = 422)))]
async fn update_webhook(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
    Json(b): Json<WebhookPatch>,
) -> Result<axum::Json<WebhookView>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let setup = setup(&st)?;
    let current = find(&st, &org, &id).await?;
    if b.version != current.version {
        return Err(
            switchyard_core::changes::ChangeError::stale("the webhook", current.version).into(),
        );
    }
    let mut next = current.clone();
    if let Some(url) = &b.url {
        (next.url, next.sealed_url) = place_url(setup, current.kind, url).await?;
    }
    if let Some(d) = b.description {
        next.description = d.trim().to_owned();
    }
    if let Some(f) = b.filter {
        next.filter = f;
    }
    match b.enabled {
        Some(true) => {
            next.enabled = true;
            next.disabled_at = None;
            next.disabled_reason = None;
        }
        Some(false) => {
            next.enabled = false;
            next.disabled_at = Some(st.changes.now());
            next.disabled_reason = Some(format!("disabled by {}", caller.actor()));
        }
        None => {}
    }
    let saved = st
        .changes
        .update_webhook(&caller.actor(), &current, next, "webhook.update")
        .await?;
    st.webhook_nudge.notify_one();
    Ok(axum::Json(view(&st, saved).await?))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org}/webhooks/{webhook}", tag = "webhooks", security(("bearer" = [])),
    params(("org" = String, Path), ("webhook" = String, Path)), responses((status = 204)))]
async fn delete_webhook(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let current = find(&st, &org, &id).await?;
    st.changes.delete_webhook(&caller.actor(), &current).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How long the secret being replaced keeps signing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookRotation {
    /// Seconds (default 86400, at most 604800; 0 ends the old secret now).
    #[schema(maximum = 604800)]
    overlap_seconds: Option<u64>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/webhooks/{webhook}/rotate", tag = "webhooks", request_body = WebhookRotation,
    security(("bearer" = [])), params(("org" = String, Path), ("webhook" = String, Path)),
    responses((status = 200, body = WebhookCreated)))]
async fn rotate_secret(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
    Json(b): Json<WebhookRotation>,
) -> Result<axum::Json<WebhookCreated>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let setup = setup(&st)?;
    let overlap = b.overlap_seconds.unwrap_or(86_400);
    if overlap > MAX_OVERLAP_SECS {
        return Err(field_error(
            "overlapSeconds",
            &format!("may be at most {MAX_OVERLAP_SECS}"),
        ));
    }
    let current = find(&st, &org, &id).await?;
    if current.kind != WebhookKind::Standard {
        return Err(field_error(
            "kind",
            "Slack and Teams endpoints have no signing secret (change their URL instead)",
        ));
    }
    let now = st.changes.now();
    let ends = now + i64::try_from(overlap).unwrap_or(0) * 1000;
    let (secret, sealed) = new_signing_secret(setup, now);
    let mut next = current.clone();
    next.secrets = std::iter::once(sealed)
        .chain(current.signing_secrets(now).map(|s| WebhookSecret {
            expires_at: Some(s.expires_at.map_or(ends, |at| at.min(ends))),
            ..s.clone()
        }))
        .filter(|s| s.expires_at.is_none_or(|at| at > now))
        .collect();
    let saved = st
        .changes
        .update_webhook(&caller.actor(), &current, next, "webhook.rotate")
        .await?;
    Ok(axum::Json(WebhookCreated {
        webhook: view(&st, saved).await?,
        secret: Some(secret),
    }))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/webhooks/{webhook}/test", tag = "webhooks", security(("bearer" = [])),
    params(("org" = String, Path), ("webhook" = String, Path)), responses((status = 202, body = Delivery)))]
async fn send_test(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<(StatusCode, axum::Json<Delivery>), ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    let setup = setup(&st)?;
    let hook = find(&st, &org, &id).await?;
    let d = queue::test_event(&st.store, &hook, &setup.dashboard, st.changes.now())
        .await
        .map_err(ApiError::Internal)?;
    st.webhook_nudge.notify_one();
    Ok((StatusCode::ACCEPTED, axum::Json(d)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveryQuery {
    /// The `next` cursor of the previous page.
    cursor: Option<String>,
    /// At most this many sent deliveries (1–500, default 50).
    limit: Option<i32>,
}

/// Deliveries: the queued ones (on the first page, oldest first), then the sent ones, newest
/// first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    items: Vec<Delivery>,
    next: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/webhooks/{webhook}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("org" = String, Path), ("webhook" = String, Path), DeliveryQuery), responses((status = 200, body = DeliveryPage)))]
async fn list_deliveries(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<DeliveryQuery>,
) -> Result<axum::Json<DeliveryPage>, ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    find(&st, &org, &id).await?;
    let limit = q.limit.map_or(50, |l| l.max(1) as usize).clamp(1, 500);
    let mut items = if q.cursor.is_none() {
        st.store.queued_deliveries(&org, &id, 100).await?
    } else {
        Vec::new()
    };
    let sent = st
        .store
        .delivery_log(&org, &id, q.cursor.as_deref(), limit)
        .await?;
    items.extend(sent.items);
    Ok(axum::Json(DeliveryPage {
        items,
        next: sent.next,
    }))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org}/webhooks/{webhook}/deliveries/{delivery}/redeliver", tag = "webhooks",
    security(("bearer" = [])), params(("org" = String, Path), ("webhook" = String, Path), ("delivery" = String, Path)),
    responses((status = 202, body = Delivery)))]
async fn redeliver(
    State(st): State<AppState>,
    caller: Caller,
    Path((org, id, delivery)): Path<(String, String, String)>,
) -> Result<(StatusCode, axum::Json<Delivery>), ApiError> {
    access::check(&st, &caller, &org, Need::ManageProjects).await?;
    find(&st, &org, &id).await?;
    let old = st
        .store
        .get_delivery(&org, &id, &delivery)
        .await?
        .ok_or_else(|| ApiError::NotFound("delivery".into()))?;
    let d = queue::redeliver(&st.store, &old, st.changes.now())
        .await
        .map_err(ApiError::Internal)?;
    st.webhook_nudge.notify_one();
    Ok((StatusCode::ACCEPTED, axum::Json(d)))
}
