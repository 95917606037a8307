//! Webhook endpoints (where an organization's changes are sent), their filters and event types,
//! and deliveries (one message to one endpoint, with its attempts).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ChangeRecord;

/// What an endpoint receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WebhookKind {
    /// Signed JSON (Standard Webhooks).
    Standard,
    /// A Slack incoming-webhook URL: a Block Kit message.
    Slack,
    /// A Microsoft Teams incoming-webhook (Workflows) URL: an Adaptive Card.
    Teams,
}

/// The event types an endpoint can choose, in the order the dashboard lists them.
pub const EVENT_TYPES: [&str; 22] = [
    "flag.changed",
    "segment.changed",
    "state.changed",
    "key.created",
    "key.rotated",
    "key.revoked",
    "member.changed",
    "project.changed",
    "environment.changed",
    "organization.changed",
    "webhook.changed",
    "change_request.opened",
    "change_request.approved",
    "change_request.applied",
    "change_request.rejected",
    "change_request.conflicted",
    "change_request.updated",
    "schedule.applied",
    "schedule.failed",
    "webhook.test",
    "change.other",
    ACCOUNT_ACTIVITY,
];

/// Account events (sign-ins, password and two-factor changes): an endpoint receives them only
/// when its filter names this type; an empty list of event types ("all") leaves them out.
pub const ACCOUNT_ACTIVITY: &str = "account.activity";

/// The event type of a change log action (`flag_state.update` → `state.changed`).
pub fn event_type(action: &str) -> &'static str {
    let (entity, verb) = action.split_once('.').unwrap_or((action, ""));
    match (entity, verb) {
        ("flag", _) => "flag.changed",
        ("segment", _) => "segment.changed",
        ("flag_state", _) | ("environment", "import") => "state.changed",
        ("sdk_key" | "api_token", "create") => "key.created",
        ("sdk_key" | "api_token", "rotate") => "key.rotated",
        ("sdk_key" | "api_token", "revoke") => "key.revoked",
        ("member" | "invitation", _) => "member.changed",
        ("project", _) => "project.changed",
        ("environment", _) => "environment.changed",
        ("organization", _) => "organization.changed",
        ("webhook", _) => "webhook.changed",
        ("change_request", "open") => "change_request.opened",
        ("change_request", "approve") => "change_request.approved",
        ("change_request", "apply") => "change_request.applied",
        ("change_request", "reject") => "change_request.rejected",
        ("change_request", "conflict") => "change_request.conflicted",
        ("change_request", _) => "change_request.updated",
        ("schedule", "apply") => "schedule.applied",
        ("schedule", "fail") => "schedule.failed",
        ("account", _) => ACCOUNT_ACTIVITY,
        _ => "change.other",
    }
}

/// Which changes an endpoint receives; an empty list means every one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookFilter {
    /// Project ids.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Environment ids (a change to a flag's definition reaches every environment of its
    /// project, and matches any of them).
    #[serde(default)]
    pub environments: Vec<String>,
    /// Flag tags: changes that touched a flag with one of them.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Event types ([`EVENT_TYPES`]); empty: every one but `account.activity`.
    #[serde(default)]
    pub events: Vec<String>,
}

impl WebhookFilter {
    /// Whether a change passes every part but the tags (which need the flags: see
    /// [`WebhookFilter::tags`]).
    pub fn matches_without_tags(&self, record: &ChangeRecord) -> bool {
        let event = event_type(&record.action);
        let chosen = if self.events.is_empty() {
            event != ACCOUNT_ACTIVITY
        } else {
            self.events.iter().any(|e| e == event)
        };
        chosen
            && (self.projects.is_empty()
                || record
                    .project_id
                    .as_ref()
                    .is_some_and(|p| self.projects.contains(p)))
            && (self.environments.is_empty()
                || record
                    .environment_id
                    .iter()
                    .chain(record.revisions.keys())
                    .any(|e| self.environments.contains(e)))
    }
}

/// A signing secret, sealed (encrypted) at rest: only the dispatcher opens it to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSecret {
    /// The secret (`whsec_…`), encrypted.
    pub sealed: String,
    /// Its first characters, to tell secrets apart.
    pub prefix: String,
    pub created_at: i64,
    /// A rotated-out secret signs until then (receivers move over meanwhile).
    pub expires_at: Option<i64>,
}

/// An endpoint, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: String,
    pub org_id: String,
    pub kind: WebhookKind,
    /// The URL as shown: the whole URL of a standard endpoint; a chat URL (a credential)
    /// redacted.
    pub url: String,
    /// A chat endpoint's URL, encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_url: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub filter: WebhookFilter,
    pub enabled: bool,
    pub disabled_at: Option<i64>,
    pub disabled_reason: Option<String>,
    /// Newest first; a standard endpoint's current secret and any rotated out that still sign.
    #[serde(default)]
    pub secrets: Vec<WebhookSecret>,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub version: u64,
}

impl Webhook {
    /// What a change record and the API show: no sealed material.
    pub fn public(&self) -> Value {
        json!({
            "id": self.id,
            "orgId": self.org_id,
            "kind": self.kind,
            "url": self.url,
            "description": self.description,
            "filter": self.filter,
            "enabled": self.enabled,
            "disabledAt": self.disabled_at,
            "disabledReason": self.disabled_reason,
            "secrets": self.secrets.iter().map(|s| json!({
                "prefix": s.prefix, "createdAt": s.created_at, "expiresAt": s.expires_at,
            })).collect::<Vec<_>>(),
            "createdAt": self.created_at,
            "createdBy": self.created_by,
            "updatedAt": self.updated_at,
            "version": self.version,
        })
    }

    /// The secrets that sign at `now`.
    pub fn signing_secrets(&self, now: i64) -> impl Iterator<Item = &WebhookSecret> {
        self.secrets
            .iter()
            .filter(move |s| s.expires_at.is_none_or(|at| at > now))
    }
}

/// Where a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its turn, or for its next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
}

/// One try at sending a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub at: i64,
    /// The answer's status, if one came.
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// Why it failed without an answer (refused address, timeout, redirect not followed…).
    pub error: Option<String>,
    /// The start of the answer's body.
    pub response: Option<String>,
}

/// How many attempts a delivery keeps (the latest).
pub const KEPT_ATTEMPTS: usize = 10;

/// One message to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Its place in the endpoint's queue: the change record's id, or for a test event or a
    /// redelivery the place it was queued at with a suffix (`….t{ms}`, `….r{ms}`).
    pub id: String,
    /// The `webhook-id` receivers dedupe on (a redelivery keeps it).
    pub message_id: String,
    pub webhook_id: String,
    #[serde(skip)]
    pub org_id: String,
    pub event: String,
    /// The change record it carries (none for a test event).
    pub change_id: Option<String>,
    pub state: DeliveryState,
    pub attempts: Vec<Attempt>,
    /// How many attempts were made in all (`attempts` keeps the latest).
    #[serde(default)]
    pub attempt_count: u32,
    /// When the first attempt was made.
    #[serde(default)]
    pub first_attempt_at: Option<i64>,
    pub next_attempt_at: Option<i64>,
    /// While a runner sends it, no other takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub leased_until: Option<i64>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    /// The body sent (a test event's, or once sent, what was sent; capped).
    pub body: Option<String>,
    /// The stored item's version.
    #[serde(skip)]
    pub version: u64,
}

impl Delivery {
    /// Keeps an attempt (the latest [`KEPT_ATTEMPTS`]).
    pub fn record(&mut self, attempt: Attempt) {
        self.first_attempt_at.get_or_insert(attempt.at);
        self.attempts.push(attempt);
        self.attempt_count += 1;
        let excess = self.attempts.len().saturating_sub(KEPT_ATTEMPTS);
        self.attempts.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Actor;

    fn record(action: &str, project: Option<&str>, env: Option<&str>) -> ChangeRecord {
        ChangeRecord {
            id: ChangeRecord::id_of(1),
            seq: 1,
            org_id: "o".into(),
            project_id: project.map(Into::into),
            environment_id: env.map(Into::into),
            actor: Actor::User("u".into()),
            action: action.into(),
            target: "flag:a".into(),
            keys: vec!["a".into()],
            revisions: Default::default(),
            before: None,
            after: None,
            at: 0,
            request: None,
            expires_at: None,
        }
    }

    #[test]
    fn every_action_has_one_of_the_listed_event_types() {
        for action in [
            "flag.create",
            "flag_state.restore",
            "environment.import",
            "environment.update",
            "sdk_key.rotate",
            "api_token.revoke",
            "invitation.create",
            "webhook.disable",
            "something.new",
        ] {
            assert!(EVENT_TYPES.contains(&event_type(action)), "{action}");
        }
        assert_eq!(event_type("environment.import"), "state.changed");
    }

    #[test]
    fn an_empty_filter_passes_every_change() {
        let f = WebhookFilter::default();
        assert!(f.matches_without_tags(&record("member.remove", None, None)));
    }

    #[test]
    fn account_events_reach_only_endpoints_that_name_their_type() {
        let login = record("account.login", None, None);
        assert_eq!(event_type("account.login_failed"), ACCOUNT_ACTIVITY);
        assert!(!WebhookFilter::default().matches_without_tags(&login));
        let chosen = WebhookFilter {
            events: vec![ACCOUNT_ACTIVITY.into()],
            ..Default::default()
        };
        assert!(chosen.matches_without_tags(&login));
    }

    #[test]
    fn an_environment_filter_matches_the_revisions_a_definition_change_moved() {
        let f = WebhookFilter {
            environments: vec!["e2".into()],
            ..Default::default()
        };
        let mut r = record("flag.update", Some("p"), None);
        assert!(!f.matches_without_tags(&r));
        r.revisions.insert("e2".into(), 3);
        assert!(f.matches_without_tags(&r));
    }

    #[test]
    fn event_and_project_filters_must_both_pass() {
        let f = WebhookFilter {
            projects: vec!["p".into()],
            events: vec!["state.changed".into()],
            ..Default::default()
        };
        assert!(f.matches_without_tags(&record("flag_state.update", Some("p"), Some("e"))));
        assert!(!f.matches_without_tags(&record("flag.update", Some("p"), None)));
        assert!(!f.matches_without_tags(&record("flag_state.update", Some("q"), Some("e"))));
    }

    #[test]
    fn a_delivery_keeps_only_its_latest_attempts() {
        let mut d = Delivery {
            id: "1".into(),
            message_id: "m".into(),
            webhook_id: "w".into(),
            org_id: "o".into(),
            event: "webhook.test".into(),
            change_id: None,
            state: DeliveryState::Pending,
            attempts: vec![],
            attempt_count: 0,
            first_attempt_at: None,
            next_attempt_at: None,
            leased_until: None,
            created_at: 0,
            delivered_at: None,
            body: None,
            version: 1,
        };
        for at in 0..15 {
            d.record(Attempt {
                at,
                status: Some(500),
                duration_ms: 1,
                error: None,
                response: None,
            });
        }
        assert_eq!(d.attempts.len(), KEPT_ATTEMPTS);
        assert_eq!(d.attempts[0].at, 5);
        assert_eq!(d.attempt_count, 15);
    }
}
