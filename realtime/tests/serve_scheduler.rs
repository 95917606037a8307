//! `switchyard serve`'s scheduler: a scheduled change request applies at its time, and one that
//! came due while the server was down applies once when it starts again, saying how late.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Client, Switchyard, Tenant, within};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn serve(dir: &tempfile::TempDir) -> Switchyard {
    Switchyard::serve(&["--data-dir", dir.path().to_str().unwrap()], &[])
}

/// Schedules turning `beta` off for everyone at `at`: the request's id.
async fn schedule_off(admin: &Client, t: &Tenant, at: i64) -> String {
    let body = json!({
        "title": "Turn beta off",
        "scheduledAt": at,
        "changes": [{"kind": "state", "environmentId": t.env, "flag": "beta", "baseVersion": 1,
                     "enabled": true, "defaultVariant": "off", "targeting": null}]
    });
    let path = format!("/api/v1/projects/{}/change-requests", t.project);
    let (s, r) = admin.call(Method::POST, &path, Some(body)).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["status"], "approved", "{r}");
    r["id"].as_str().unwrap().to_owned()
}

async fn request(admin: &Client, t: &Tenant, id: &str) -> Value {
    let path = format!("/api/v1/projects/{}/change-requests/{id}", t.project);
    admin.call(Method::GET, &path, None).await.1
}

/// Waits until the request is no longer waiting for its time; what it became.
async fn until_ran(admin: &Client, t: &Tenant, id: &str) -> Value {
    within("the scheduled request to run", async {
        loop {
            let r = request(admin, t, id).await;
            if r["status"] != "approved" {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
}

/// The records of the change the request applied to `beta`.
async fn applied_records(admin: &Client, id: &str) -> Vec<Value> {
    let (_, me) = admin.call(Method::GET, "/api/v1/auth/me", None).await;
    let org = me["memberships"][0]["organization"]["id"].as_str().unwrap();
    let (_, log) = admin
        .call(
            Method::GET,
            &format!("/api/v1/orgs/{org}/audit?target=flag:beta"),
            None,
        )
        .await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["request"]["id"] == id)
        .cloned()
        .collect()
}

#[tokio::test]
async fn serve_applies_a_scheduled_request_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&dir);
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;
    let id = schedule_off(&admin, &t, now_ms() + 1_000).await;
    let r = until_ran(&admin, &t, &id).await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(r["appliedBy"], "system:scheduler");
    let records = applied_records(&admin, &id).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["actor"], "system:scheduler");
}

#[tokio::test]
async fn a_request_due_while_serve_was_down_applies_once_on_start_and_says_how_late() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(&dir);
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;
    let at = now_ms() + 1_000;
    let id = schedule_off(&admin, &t, at).await;
    server.terminate();
    // Down past its time, by more than the 5 s after which an application counts as late.
    tokio::time::sleep(Duration::from_millis((at + 6_500 - now_ms()).max(0) as u64)).await;
    let server = serve(&dir);
    let admin = Client {
        base: server.base.clone(),
        ..admin
    };
    let r = until_ran(&admin, &t, &id).await;
    assert_eq!(r["status"], "applied", "{r}");
    let records = applied_records(&admin, &id).await;
    assert_eq!(records.len(), 1, "{records:?}");
    let late = records[0]["request"]["lateByMs"].as_i64().unwrap();
    assert!(late >= 5_000, "late by {late} ms");
}
