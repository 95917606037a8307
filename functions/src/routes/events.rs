//! `GET /api/v1/orgs/{org}/events`: the organization's change log as Server-Sent Events, for
//! the dashboard to refetch only what changed. One event per committed change, its id the change
//! record's id; `Last-Event-ID` (or `?after=`) resumes after it, else the stream starts now.

use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use switchyard_core::domain::{ChangeRecord, now_ms};
use tokio::sync::watch;
use tokio::time::Instant;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::access::{self, Need};
use crate::error::ApiError;
use crate::extract::{Caller, Query, bearer_of};
use crate::feed::{FALLBACK_POLL, Refused, Slot};
use crate::state::AppState;

/// How often an open stream checks that its caller may still read the organization.
const RECHECK: Duration = Duration::from_secs(30);
/// Records read from the log at a time.
const BATCH: usize = 100;
/// Comment lines that keep proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// Resume after this change record id (the `Last-Event-ID` header does the same).
    #[param(pattern = "^[0-9]{20}$")]
    after: Option<String>,
}

/// One committed change, as the `data` of a `change` event.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeNotice {
    id: String,
    project_id: Option<String>,
    environment_id: Option<String>,
    /// `user:ID`, `token:ID` or `system:NAME`.
    actor: String,
    /// The member's or token's name (null for the system and for those since removed).
    actor_name: Option<String>,
    /// Such as `flag_state.update`.
    action: String,
    /// Such as `flag:checkout`.
    target: String,
    keys: Vec<String>,
    revisions: BTreeMap<String, u64>,
    /// Unix ms.
    at: i64,
}

/// One `change` event as it travels (OpenAPI's Server-Sent Events item): `event` is `change`,
/// `id` the change record id, and `data` a [`ChangeNotice`] as JSON.
#[derive(Debug)]
pub struct ChangeEvent;

impl utoipa::PartialSchema for ChangeEvent {
    fn schema() -> RefOr<Schema> {
        let text = |pattern: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(pattern))
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "One `change` event: `data` is a ChangeNotice as JSON; `id` resumes the stream.",
            ))
            .property("event", text("^change$"))
            .property("id", text("^[0-9]{20}$"))
            .property(
                "data",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .content_media_type("application/json")
                    .content_schema(Some(Ref::from_schema_name("ChangeNotice"))),
            )
            .required("event")
            .required("id")
            .required("data")
            .into()
    }
}

impl ToSchema for ChangeEvent {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push(("ChangeNotice".into(), ChangeNotice::schema()));
        ChangeNotice::schemas(schemas);
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org}/events", tag = "audit", security(("bearer" = [])),
    params(("org" = String, Path), FeedQuery),
    responses((status = 200, content_type = "text/event-stream", body = ChangeEvent, description = "`change` events, one per committed change; `: keep-alive` comments"),
        (status = 429, description = "too many open streams")))]
async fn events(
    State(st): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access::check(&st, &caller, &org, Need::Read).await?;
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let cursor = match last.or(q.after) {
        Some(after) => {
            // A malformed cursor is the caller's error, answered before the stream opens.
            st.store.changes_after(&org, Some(&after), 1).await?;
            Some(after)
        }
        None => st.store.last_change_id(&org).await?,
    };
    let slot = st
        .feed
        .admit(&caller.actor().to_string())
        .map_err(|r| match r {
            Refused::Caller => ApiError::RateLimited(FALLBACK_POLL.as_secs()),
            Refused::Server => ApiError::RateLimited(FALLBACK_POLL.as_secs()),
        })?;
    let ends_at = match (session_end(&st, &caller, &headers), st.feed.max_lifetime()) {
        (Some(end), Some(max)) => Some(end.min(Instant::now() + max)),
        (end, max) => end.or_else(|| max.map(|m| Instant::now() + m)),
    };
    let tail = Tail {
        changed: st.feed.changed(),
        st,
        caller,
        org,
        cursor,
        pending: VecDeque::new(),
        checked: Instant::now(),
        ends_at,
        _slot: slot,
    };
    let stream = futures_util::stream::unfold(tail, |mut t| async move {
        let event = t.next().await?;
        Some((Ok::<_, Infallible>(event), t))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response())
}

/// When the stream must end: the session token's expiry (the client reconnects with a fresh
/// one), an API token's, or never.
fn session_end(st: &AppState, caller: &Caller, headers: &HeaderMap) -> Option<Instant> {
    let at_ms = match caller {
        Caller::User(_) => bearer_of(headers)
            .and_then(|t| st.jwt.verify(t).ok())
            .map(|c| {
                i64::try_from(c.exp)
                    .unwrap_or(i64::MAX)
                    .saturating_mul(1000)
            }),
        Caller::Token(t) => t.expires_at,
    }?;
    let left = u64::try_from(at_ms.saturating_sub(now_ms())).unwrap_or(0);
    Some(Instant::now() + Duration::from_millis(left))
}

/// One open stream's place in the log.
struct Tail {
    st: AppState,
    caller: Caller,
    org: String,
    cursor: Option<String>,
    changed: watch::Receiver<u64>,
    pending: VecDeque<Event>,
    checked: Instant,
    ends_at: Option<Instant>,
    _slot: Slot,
}

impl Tail {
    /// The next event, or `None` when the stream ends (session over, access gone, store failing).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            if self.ends_at.is_some_and(|end| Instant::now() >= end) {
                return None;
            }
            if self.checked.elapsed() >= RECHECK {
                if !self.still_allowed().await {
                    return None;
                }
                self.checked = Instant::now();
            }
            self.changed.mark_unchanged();
            let records = self
                .st
                .store
                .changes_after(&self.org, self.cursor.as_deref(), BATCH)
                .await
                .ok()?;
            if let Some(last) = records.last() {
                self.cursor = Some(last.id.clone());
                self.queue(records).await?;
                continue;
            }
            let end = self.ends_at.unwrap_or_else(|| Instant::now() + RECHECK);
            tokio::select! {
                _ = self.changed.changed() => {}
                _ = tokio::time::sleep(FALLBACK_POLL) => {}
                _ = tokio::time::sleep_until(end) => {}
            }
        }
    }

    async fn queue(&mut self, records: Vec<ChangeRecord>) -> Option<()> {
        let actors = records.iter().map(|r| r.actor.to_string()).collect();
        let names = crate::names::of(&self.st, &self.org, actors).await.ok()?;
        for r in records {
            let actor = r.actor.to_string();
            let notice = ChangeNotice {
                actor_name: names.get(&actor).cloned(),
                id: r.id,
                project_id: r.project_id,
                environment_id: r.environment_id,
                actor,
                action: r.action,
                target: r.target,
                keys: r.keys,
                revisions: r.revisions,
                at: r.at,
            };
            let event = Event::default()
                .id(notice.id.clone())
                .event("change")
                .json_data(&notice)
                .ok()?;
            self.pending.push_back(event);
        }
        Some(())
    }

    /// The caller still reads the organization: a member whose session was not ended (sign-out,
    /// password change), or an API token not revoked.
    async fn still_allowed(&self) -> bool {
        let current = match &self.caller {
            Caller::User(u) => match self.st.store.get_user(&u.id).await {
                Ok(Some(now)) if now.session_generation == u.session_generation => {
                    Caller::User(now)
                }
                _ => return false,
            },
            Caller::Token(t) => match self.st.store.get_api_token(&self.org, &t.id).await {
                Ok(Some(now))
                    if now.revoked_at.is_none() && now.expires_at.is_none_or(|e| e > now_ms()) =>
                {
                    Caller::Token(now)
                }
                _ => return false,
            },
        };
        access::check(&self.st, &current, &self.org, Need::Read)
            .await
            .is_ok()
    }
}
