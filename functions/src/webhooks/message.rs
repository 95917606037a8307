//! What a delivery sends: the Standard Webhooks JSON body, and for chat endpoints a readable
//! message (Slack Block Kit, a Teams Adaptive Card) with a one-line summary and the before → after
//! diff.

use serde_json::{Value, json};
use switchyard_core::domain::{ChangeRecord, WebhookKind, event_type};

use crate::diff::{Change, diff};

/// The names a message shows instead of ids.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub actor: String,
    pub project: Option<String>,
    pub environment: Option<String>,
}

/// The most diff lines a chat message shows.
const MAX_LINES: usize = 20;
/// The longest value a diff line shows.
const MAX_VALUE: usize = 160;

/// "Ada turned on `checkout` in Production (Web shop)".
pub fn summary(record: &ChangeRecord, names: &Names) -> String {
    let (entity, verb) = record
        .action
        .split_once('.')
        .unwrap_or((&record.action, ""));
    let key = record
        .target
        .split_once(':')
        .map_or(record.target.as_str(), |(_, k)| k);
    let what = match entity {
        "flag" | "flag_state" => format!("`{key}`"),
        "segment" => format!("segment `{key}`"),
        "sdk_key" => "an SDK key".to_owned(),
        "api_token" => "an API token".to_owned(),
        "member" => "a member".to_owned(),
        "invitation" => "an invitation".to_owned(),
        "webhook" => "a webhook endpoint".to_owned(),
        "environment" if verb == "import" => "a flagd document".to_owned(),
        "environment" => format!(
            "environment {}",
            names.environment.as_deref().unwrap_or(key)
        ),
        "project" => format!("project {}", names.project.as_deref().unwrap_or(key)),
        "change_request" | "schedule" => {
            let title = record.after.as_ref().and_then(|a| a["title"].as_str());
            let scheduled = if entity == "schedule" {
                "scheduled "
            } else {
                ""
            };
            format!("{scheduled}change request “{}”", title.unwrap_or(key))
        }
        _ => format!("`{}`", record.target),
    };
    let toggled = entity == "flag_state" && verb == "update" && {
        let changes = readable(diff(record.before.as_ref(), record.after.as_ref()));
        changes.len() == 1 && changes[0].path == "/enabled"
    };
    let did = if toggled {
        match record.after.as_ref().and_then(|a| a["enabled"].as_bool()) {
            Some(true) => "turned on".to_owned(),
            _ => "turned off".to_owned(),
        }
    } else {
        past(verb, entity == "flag" && verb == "create")
    };
    let place = match (&names.environment, &names.project, entity) {
        (_, _, "environment" | "project") => String::new(),
        (Some(env), Some(project), _) => format!(" in {env} ({project})"),
        (None, Some(project), _) => format!(" in {project}"),
        _ => String::new(),
    };
    let via = record
        .request
        .as_ref()
        .filter(|_| !matches!(entity, "change_request" | "schedule"))
        .map(|r| format!(", through change request “{}”", r.title))
        .unwrap_or_default();
    format!("{} {did} {what}{place}{via}", names.actor)
}

fn past(verb: &str, new_flag: bool) -> String {
    match verb {
        "create" if new_flag => "created flag",
        "create" => "created",
        "update" => "changed",
        "delete" => "deleted",
        "archive" => "archived",
        "restore" => "restored",
        "revoke" => "revoked",
        "rotate" => "rotated",
        "import" => "imported",
        "copy" => "copied",
        "remove" => "removed",
        "disable" => "disabled",
        "accept" => "accepted",
        "open" => "opened",
        "edit" => "edited",
        "approve" => "approved",
        "reject" => "rejected",
        "apply" => "applied",
        "withdraw" => "withdrew",
        "comment" => "commented on",
        "refresh" => "refreshed",
        "conflict" | "fail" => "could not apply",
        other => return format!("did {other} on"),
    }
    .to_owned()
}

/// Bookkeeping that every change moves (versions, who and when): not worth a line.
const BOOKKEEPING: [&str; 4] = ["/version", "/updatedAt", "/updatedBy", "/revision"];

/// The differences a reader cares about.
fn readable(changes: Vec<Change>) -> Vec<Change> {
    changes
        .into_iter()
        .filter(|c| !BOOKKEEPING.contains(&c.path.as_str()))
        .collect()
}

/// The diff as lines: `/enabled: false → true`.
pub fn diff_lines(changes: &[Change]) -> Vec<String> {
    let mut lines: Vec<String> = changes
        .iter()
        .take(MAX_LINES)
        .map(|c| {
            let path = if c.path.is_empty() { "/" } else { &c.path };
            format!(
                "{path}: {} → {}",
                shown(c.before.as_ref()),
                shown(c.after.as_ref())
            )
        })
        .collect();
    if changes.len() > MAX_LINES {
        lines.push(format!("…and {} more", changes.len() - MAX_LINES));
    }
    lines
}

fn shown(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(none)".to_owned();
    };
    let text = v.to_string();
    if text.chars().count() > MAX_VALUE {
        let cut: String = text.chars().take(MAX_VALUE).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// An RFC 3339 time (UTC, milliseconds).
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The link to a change in the dashboard.
pub fn change_link(dashboard: &str, record: &ChangeRecord) -> String {
    format!(
        "{}/orgs/{}/audit?change={}",
        dashboard.trim_end_matches('/'),
        record.org_id,
        record.id
    )
}

/// What an endpoint of `kind` is sent for a change.
pub fn for_change(
    kind: WebhookKind,
    record: &ChangeRecord,
    names: &Names,
    dashboard: &str,
) -> String {
    let changes = diff(record.before.as_ref(), record.after.as_ref());
    let summary = summary(record, names);
    let link = change_link(dashboard, record);
    match kind {
        WebhookKind::Standard => json!({
            "type": event_type(&record.action),
            "timestamp": rfc3339(record.at),
            "data": {
                "change": record,
                "diff": changes,
                "summary": summary,
                "url": link,
            },
        })
        .to_string(),
        WebhookKind::Slack => slack(&summary, &diff_lines(&readable(changes)), &link),
        WebhookKind::Teams => teams(&summary, &diff_lines(&readable(changes)), &link),
    }
}

/// What the "send test event" button sends.
pub fn for_test(kind: WebhookKind, org: &str, webhook: &str, at: i64, dashboard: &str) -> String {
    let summary = "A test event from Switchyard: this endpoint is set up.";
    let link = format!(
        "{}/orgs/{org}/webhooks/{webhook}",
        dashboard.trim_end_matches('/')
    );
    match kind {
        WebhookKind::Standard => json!({
            "type": "webhook.test",
            "timestamp": rfc3339(at),
            "data": {"orgId": org, "webhookId": webhook, "summary": summary, "url": link},
        })
        .to_string(),
        WebhookKind::Slack => slack(summary, &[], &link),
        WebhookKind::Teams => teams(summary, &[], &link),
    }
}

/// Slack's limit on the text of one section block.
const SLACK_SECTION: usize = 3000;

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

fn slack(summary: &str, lines: &[String], link: &str) -> String {
    let mut blocks = vec![json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(summary, SLACK_SECTION)},
    })];
    if !lines.is_empty() {
        let body = clip(&lines.join("\n"), SLACK_SECTION - 8);
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": format!("```{body}```")},
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": format!("<{link}|View in Switchyard>")}],
    }));
    json!({"text": summary, "blocks": blocks}).to_string()
}

fn teams(summary: &str, lines: &[String], link: &str) -> String {
    let mut body = vec![json!({
        "type": "TextBlock", "text": summary, "wrap": true, "weight": "Bolder",
    })];
    if !lines.is_empty() {
        body.push(json!({
            "type": "TextBlock", "text": lines.join("\n\n"), "wrap": true, "fontType": "Monospace",
        }));
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": [{"type": "Action.OpenUrl", "title": "View in Switchyard", "url": link}],
            },
        }],
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_core::domain::Actor;

    fn state_change(before: Value, after: Value) -> ChangeRecord {
        ChangeRecord {
            id: ChangeRecord::id_of(42),
            seq: 42,
            org_id: "o1".into(),
            project_id: Some("p1".into()),
            environment_id: Some("e1".into()),
            actor: Actor::User("u1".into()),
            action: "flag_state.update".into(),
            target: "flag:checkout".into(),
            keys: vec!["checkout".into()],
            revisions: Default::default(),
            before: Some(before),
            after: Some(after),
            at: 1_764_756_000_000,
            request: None,
            expires_at: None,
        }
    }

    fn names() -> Names {
        Names {
            actor: "Ada".into(),
            project: Some("Web shop".into()),
            environment: Some("Production".into()),
        }
    }

    #[test]
    fn a_toggle_reads_as_a_sentence() {
        let r = state_change(json!({"enabled": false}), json!({"enabled": true}));
        assert_eq!(
            summary(&r, &names()),
            "Ada turned on `checkout` in Production (Web shop)"
        );
    }

    #[test]
    fn an_approval_names_the_request_by_its_title() {
        let mut r = state_change(json!({}), json!({"title": "Launch checkout"}));
        r.action = "change_request.approve".into();
        r.target = "change_request:r1".into();
        assert_eq!(
            summary(&r, &names()),
            "Ada approved change request “Launch checkout” in Production (Web shop)"
        );
    }

    #[test]
    fn a_change_a_request_applied_says_which_request() {
        let mut r = state_change(json!({"enabled": false}), json!({"enabled": true}));
        r.request = Some(switchyard_core::domain::RequestRef {
            id: "r1".into(),
            title: "Launch checkout".into(),
            author: "user:u2".into(),
            approvers: vec!["user:u3".into()],
            bypass: None,
            scheduled_at: None,
            late_by_ms: None,
        });
        assert_eq!(
            summary(&r, &names()),
            "Ada turned on `checkout` in Production (Web shop), through change request “Launch checkout”"
        );
    }

    #[test]
    fn a_rule_change_reads_as_changed_with_its_diff() {
        let r = state_change(
            json!({"enabled": true, "defaultVariant": "off"}),
            json!({"enabled": true, "defaultVariant": "on"}),
        );
        assert_eq!(
            summary(&r, &names()),
            "Ada changed `checkout` in Production (Web shop)"
        );
        let changes = diff(r.before.as_ref(), r.after.as_ref());
        assert_eq!(diff_lines(&changes), ["/defaultVariant: \"off\" → \"on\""]);
    }

    #[test]
    fn the_standard_body_carries_the_change_its_diff_and_a_link() {
        let r = state_change(json!({"enabled": false}), json!({"enabled": true}));
        let body: Value = serde_json::from_str(&for_change(
            WebhookKind::Standard,
            &r,
            &names(),
            "https://sy.example/",
        ))
        .unwrap();
        assert_eq!(body["type"], "state.changed");
        assert_eq!(body["timestamp"], "2025-12-03T10:00:00.000Z");
        assert_eq!(body["data"]["change"]["seq"], 42);
        assert_eq!(body["data"]["diff"][0]["path"], "/enabled");
        assert_eq!(
            body["data"]["url"],
            "https://sy.example/orgs/o1/audit?change=00000000000000000042"
        );
    }

    #[test]
    fn a_slack_message_has_the_summary_the_diff_and_the_link() {
        let r = state_change(json!({"enabled": false}), json!({"enabled": true}));
        let body: Value =
            serde_json::from_str(&for_change(WebhookKind::Slack, &r, &names(), "https://s"))
                .unwrap();
        assert_eq!(
            body["text"],
            "Ada turned on `checkout` in Production (Web shop)"
        );
        assert_eq!(
            body["blocks"][1]["text"]["text"],
            "```/enabled: false → true```"
        );
        assert!(
            body["blocks"][2]["elements"][0]["text"]
                .as_str()
                .unwrap()
                .contains("|View in Switchyard>")
        );
    }

    #[test]
    fn a_teams_message_is_an_adaptive_card() {
        let r = state_change(json!({"enabled": true}), json!({"enabled": false}));
        let body: Value =
            serde_json::from_str(&for_change(WebhookKind::Teams, &r, &names(), "https://s"))
                .unwrap();
        let card = &body["attachments"][0];
        assert_eq!(
            card["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        assert_eq!(card["content"]["type"], "AdaptiveCard");
        assert_eq!(
            card["content"]["body"][0]["text"],
            "Ada turned off `checkout` in Production (Web shop)"
        );
        assert_eq!(card["content"]["actions"][0]["type"], "Action.OpenUrl");
    }

    #[test]
    fn long_diffs_are_cut_to_what_a_chat_message_holds() {
        let before: serde_json::Map<String, Value> = (0..30)
            .map(|i| (format!("k{i:02}"), json!("x".repeat(500))))
            .collect();
        let r = state_change(Value::Object(before), json!({}));
        let body: Value =
            serde_json::from_str(&for_change(WebhookKind::Slack, &r, &names(), "https://s"))
                .unwrap();
        let text = body["blocks"][1]["text"]["text"].as_str().unwrap();
        assert!(text.chars().count() <= SLACK_SECTION);
        assert!(text.contains('…'));
    }
}
