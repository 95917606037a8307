//! Webhook delivery end to end: the real routers, a real store (embedded and DynamoDB via moto),
//! the dispatcher, and receivers on 127.0.0.1: order, retries, restarts, slow and huge receivers,
//! egress at send time, disabling, leases, messages and filters. Signatures are judged by the
//! official Standard Webhooks library (PyPI `standardwebhooks`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::Api;
use common::fixtures::Project;
use common::hooks::*;
use common::receiver::Receiver;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use switchyard_functions::webhooks::{Dispatcher, Egress, RetryPolicy};

async fn a_change_reaches_a_standard_endpoint_with_its_diff(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    standard(&p, &rx).await;
    flip(&p, true, 0).await;
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let got = rx.received();
    assert_eq!(types(&got), ["flag.changed", "state.changed"]);
    let state = got[1].json();
    assert_eq!(state["data"]["change"]["action"], "flag_state.update");
    assert_eq!(
        state["data"]["summary"],
        "Ada turned on `new-checkout` in production (Web)"
    );
    assert!(
        state["data"]["diff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "/enabled")
    );
    assert!(got[1].header("webhook-id").starts_with("msg_"));
}

async fn every_signature_verifies_with_the_official_library_and_fails_after_tampering(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (_, secret) = standard(&p, &rx).await;
    flip(&p, true, 0).await;
    flip(&p, false, 1).await;
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let requests: Vec<(String, Value)> = rx.received().iter().map(signed).collect();
    assert_eq!(requests.len(), 3);
    assert_eq!(verify_officially(&secret, &requests), ["ok", "ok", "ok"]);
    let tampered: Vec<(String, Value)> = requests
        .iter()
        .map(|(body, headers)| (body.replace("true", "false "), headers.clone()))
        .collect();
    assert!(
        verify_officially(&secret, &tampered)
            .iter()
            .all(|r| r == "WebhookVerificationError"),
    );
}

async fn a_receiver_that_was_down_gets_every_event_in_order_once_back(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    standard(&p, &rx).await;
    rx.behaviour.down.store(true, Ordering::SeqCst);
    flip(&p, true, 0).await;
    flip(&p, false, 1).await;
    flip(&p, true, 2).await;
    let clock = Arc::new(Later::default());
    let d = dispatcher(&p, clock.clone());
    settle(&d, &clock).await;
    assert!(rx.received().is_empty());
    assert!(rx.arrived.load(Ordering::SeqCst) > 1, "it was retried");
    rx.behaviour.down.store(false, Ordering::SeqCst);
    settle(&d, &clock).await;
    let seqs: Vec<u64> = rx
        .received()
        .iter()
        .map(|r| r.json()["data"]["change"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 4);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
}

async fn a_restarted_dispatcher_loses_nothing_mid_retry(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    standard(&p, &rx).await;
    rx.behaviour.fail_first.store(2, Ordering::SeqCst);
    flip(&p, true, 0).await;
    let clock = Arc::new(Later::default());
    let first = dispatcher(&p, clock.clone());
    first.run(None, true).await.unwrap();
    assert!(rx.received().is_empty());
    drop(first);
    flip(&p, false, 1).await;
    let second = dispatcher(&p, clock.clone());
    settle(&second, &clock).await;
    let got = rx.received();
    let ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 3, "nothing twice: {ids:?}");
}

async fn a_slow_receiver_does_not_hold_up_another(api: Api) {
    let p = Project::new(api).await;
    let (slow, fast) = (Receiver::start().await, Receiver::start().await);
    standard(&p, &slow).await;
    standard(&p, &fast).await;
    slow.behaviour.hold.store(true, Ordering::SeqCst);
    flip(&p, true, 0).await;
    let d = dispatcher(&p, Arc::new(Later::default()));
    d.run(None, false).await.unwrap();
    // The fast endpoint gets both changes while the slow one still holds its first request.
    fast.wait_for(2).await;
    assert_eq!(slow.arrived.load(Ordering::SeqCst), 1);
    assert!(slow.received().is_empty());
    slow.behaviour.hold.store(false, Ordering::SeqCst);
    slow.behaviour.released.notify_waiters();
}

async fn a_huge_answer_is_read_only_up_to_a_limit(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    rx.behaviour.huge.store(64 << 20, Ordering::SeqCst);
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let log = p
        .call("GET", &format!("{}/{id}/deliveries", hooks_url(&p)), None)
        .await;
    let d = &log.body["items"][0];
    assert_eq!(d["state"], "delivered", "{}", log.body);
    assert_eq!(d["attempts"][0]["status"], 200);
    assert_eq!(d["attempts"][0]["response"].as_str().unwrap().len(), 1024);
}

async fn an_endpoint_that_never_answers_times_out(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    rx.behaviour.hold.store(true, Ordering::SeqCst);
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    let impatient = RetryPolicy {
        timeout: Duration::from_millis(300),
        ..QUICK
    };
    Dispatcher::with_clock(
        p.api.state.changes.clone(),
        common::webhook_setup(common::LOOPBACK),
        impatient,
        Arc::new(Later::default()),
    )
    .unwrap()
    .run(None, true)
    .await
    .unwrap();
    let log = p
        .call("GET", &format!("{}/{id}/deliveries", hooks_url(&p)), None)
        .await;
    let d = &log.body["items"][0];
    assert_eq!(d["state"], "pending");
    let error = d["attempts"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("timed out"), "{error}");
    rx.behaviour.hold.store(false, Ordering::SeqCst);
    rx.behaviour.released.notify_waiters();
}

async fn the_delivery_log_keeps_only_the_newest(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    for _ in 0..4 {
        p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
            .await;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    assert_eq!(rx.received().len(), 4);
    let newest: Vec<Value> = delivery_ids(&p, &id).await.into_iter().take(2).collect();
    assert_eq!(
        p.api.store.trim_delivery_log(&p.org, &id, 2).await.unwrap(),
        2
    );
    let kept = delivery_ids(&p, &id).await;
    assert_eq!(kept, newest);
}

async fn a_redirect_is_not_followed(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    *rx.behaviour.redirect_to.lock().unwrap() = Some("http://169.254.169.254/latest".into());
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    let clock = Arc::new(Later::default());
    dispatcher(&p, clock.clone()).run(None, true).await.unwrap();
    let log = p
        .call("GET", &format!("{}/{id}/deliveries", hooks_url(&p)), None)
        .await;
    let d = &log.body["items"][0];
    assert_eq!(d["state"], "pending");
    let error = d["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("redirects are not followed"), "{error}");
    assert_eq!(rx.arrived.load(Ordering::SeqCst), 1);
}

async fn a_name_that_resolves_to_loopback_is_refused_at_send_time(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    // Saved while loopback was allowed, sent by a dispatcher that allows nothing private.
    let local = rx.url.replace("127.0.0.1", "localhost");
    let (id, _) = endpoint(&p, json!({"kind": "standard", "url": local})).await;
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    let strict = Egress {
        allow_http: true,
        allow_private: false,
    };
    dispatcher_with(&p, Arc::new(Later::default()), strict)
        .run(None, true)
        .await
        .unwrap();
    assert_eq!(rx.arrived.load(Ordering::SeqCst), 0);
    let log = p
        .call("GET", &format!("{}/{id}/deliveries", hooks_url(&p)), None)
        .await;
    let error = log.body["items"][0]["attempts"][0]["error"]
        .as_str()
        .unwrap();
    assert!(error.contains("resolves to"), "{error}");
}

async fn a_day_of_failures_disables_the_endpoint_and_keeps_its_queue(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    rx.behaviour.down.store(true, Ordering::SeqCst);
    flip(&p, true, 0).await;
    let clock = Arc::new(Later::default());
    let d = dispatcher(&p, clock.clone());
    d.run(None, true).await.unwrap();
    clock.advance(25 * 3_600_000);
    d.run(None, true).await.unwrap();
    let hook = p
        .call("GET", &format!("{}/{id}", hooks_url(&p)), None)
        .await;
    assert_eq!(hook.body["enabled"], false);
    assert!(
        hook.body["disabledReason"]
            .as_str()
            .unwrap()
            .contains("answered 500")
    );
    let audit = p
        .call("GET", &p.audit_url(&format!("target=webhook:{id}")), None)
        .await;
    assert_eq!(audit.body["items"][0]["action"], "webhook.disable");
    assert_eq!(audit.body["items"][0]["actor"], "system:webhooks");
    // Enabled again (and the receiver back), the kept queue goes out in order.
    rx.behaviour.down.store(false, Ordering::SeqCst);
    let version = hook.body["version"].as_u64().unwrap();
    let r = p
        .call(
            "PATCH",
            &format!("{}/{id}", hooks_url(&p)),
            Some(json!({"version": version, "enabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    settle(&d, &clock).await;
    assert_eq!(types(&rx.received()), ["flag.changed", "state.changed"]);
}

async fn two_dispatchers_never_send_one_delivery_at_once(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    rx.behaviour.hold.store(true, Ordering::SeqCst);
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    let clock = Arc::new(Later::default());
    let (a, b) = (dispatcher(&p, clock.clone()), dispatcher(&p, clock.clone()));
    a.run(None, false).await.unwrap();
    while rx.arrived.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    b.run(None, true).await.unwrap();
    assert_eq!(rx.arrived.load(Ordering::SeqCst), 1);
    rx.behaviour.hold.store(false, Ordering::SeqCst);
    rx.behaviour.released.notify_waiters();
    rx.wait_for(1).await;
}

async fn a_test_event_and_its_redelivery_carry_one_message_id(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    let sent = p
        .call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    let clock = Arc::new(Later::default());
    let d = dispatcher(&p, clock.clone());
    settle(&d, &clock).await;
    let delivery = sent.body["id"].as_str().unwrap();
    let again = p
        .call(
            "POST",
            &format!("{}/{id}/deliveries/{delivery}/redeliver", hooks_url(&p)),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);
    settle(&d, &clock).await;
    let got = rx.received();
    assert_eq!(types(&got), ["webhook.test", "webhook.test"]);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
}

async fn a_rotated_secret_keeps_signing_for_its_overlap(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, old) = standard(&p, &rx).await;
    let r = p
        .call(
            "POST",
            &format!("{}/{id}/rotate", hooks_url(&p)),
            Some(json!({"overlapSeconds": 3600})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let new = r.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(r.body["webhook"]["secrets"].as_array().unwrap().len(), 2);
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let requests: Vec<(String, Value)> = rx.received().iter().map(signed).collect();
    assert_eq!(verify_officially(&old, &requests), ["ok"]);
    assert_eq!(verify_officially(&new, &requests), ["ok"]);
    // Rotated again with no overlap, only the newest signs.
    let r = p
        .call(
            "POST",
            &format!("{}/{id}/rotate", hooks_url(&p)),
            Some(json!({"overlapSeconds": 0})),
        )
        .await;
    let newest = r.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(r.body["webhook"]["secrets"].as_array().unwrap().len(), 1);
    p.call("POST", &format!("{}/{id}/test", hooks_url(&p)), None)
        .await;
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let late = signed(&rx.received()[1]);
    assert_eq!(
        verify_officially(&new, std::slice::from_ref(&late)),
        ["WebhookVerificationError"]
    );
    assert_eq!(verify_officially(&newest, &[late]), ["ok"]);
}

async fn a_slack_endpoint_gets_a_readable_message_and_its_url_stays_sealed(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, created) = endpoint(&p, json!({"kind": "slack", "url": rx.url})).await;
    assert!(created.body["secret"].is_null());
    assert!(
        created.body["webhook"]["url"]
            .as_str()
            .unwrap()
            .ends_with('…')
    );
    let stored = p.api.store.get_webhook(&p.org, &id).await.unwrap().unwrap();
    assert!(!serde_json::to_string(&stored).unwrap().contains(&rx.url));
    flip(&p, true, 0).await;
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let got = rx.received();
    let message = got[1].json();
    assert_eq!(
        message["text"],
        "Ada turned on `new-checkout` in production (Web)"
    );
    assert!(
        message["blocks"][1]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("/enabled: false → true")
    );
    assert_eq!(got[1].header("webhook-signature"), "");
}

async fn filters_choose_what_an_endpoint_receives(api: Api) {
    let p = Project::new(api).await;
    let (by_env, by_event, by_tag, other_tag) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    for (rx, filter) in [
        (&by_env, json!({"environments": [p.dev]})),
        (&by_event, json!({"events": ["state.changed"]})),
        (&by_tag, json!({"tags": ["checkout"]})),
        (&other_tag, json!({"tags": ["billing"]})),
    ] {
        endpoint(
            &p,
            json!({"kind": "standard", "url": rx.url, "filter": filter}),
        )
        .await;
    }
    flip(&p, true, 0).await; // a flag created (every environment), then production's state
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    assert_eq!(types(&by_env.received()), ["flag.changed"]);
    assert_eq!(types(&by_event.received()), ["state.changed"]);
    assert_eq!(types(&by_tag.received()), ["flag.changed", "state.changed"]);
    assert!(other_tag.received().is_empty());
}

async fn changes_before_an_endpoint_existed_are_not_sent(api: Api) {
    let p = Project::new(api).await;
    flip(&p, true, 0).await;
    let rx = Receiver::start().await;
    standard(&p, &rx).await;
    flip(&p, false, 1).await;
    let clock = Arc::new(Later::default());
    settle(&dispatcher(&p, clock.clone()), &clock).await;
    let got = rx.received();
    assert_eq!(types(&got), ["state.changed"]);
    assert_eq!(got[0].json()["data"]["change"]["after"]["enabled"], false);
}

both_stores!(
    a_change_reaches_a_standard_endpoint_with_its_diff,
    every_signature_verifies_with_the_official_library_and_fails_after_tampering,
    a_receiver_that_was_down_gets_every_event_in_order_once_back,
    a_restarted_dispatcher_loses_nothing_mid_retry,
    a_slow_receiver_does_not_hold_up_another,
    a_huge_answer_is_read_only_up_to_a_limit,
    an_endpoint_that_never_answers_times_out,
    the_delivery_log_keeps_only_the_newest,
    a_redirect_is_not_followed,
    a_name_that_resolves_to_loopback_is_refused_at_send_time,
    a_day_of_failures_disables_the_endpoint_and_keeps_its_queue,
    two_dispatchers_never_send_one_delivery_at_once,
    a_test_event_and_its_redelivery_carry_one_message_id,
    a_rotated_secret_keeps_signing_for_its_overlap,
    a_slack_endpoint_gets_a_readable_message_and_its_url_stays_sealed,
    filters_choose_what_an_endpoint_receives,
    changes_before_an_endpoint_existed_are_not_sent,
);
