//! How the webhook dispatcher runs: a change handed over again is queued once, one
//! organization's broken change log stops only its own queueing, and the Lambda reads which
//! organizations a stream batch names (or runs them all on its schedule).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::Api;
use common::fixtures::Project;
use common::hooks::*;
use common::receiver::Receiver;
use serde_json::{Value, json};
use std::sync::Arc;

async fn a_change_handed_over_again_is_not_queued_twice(api: Api) {
    let p = Project::new(api).await;
    let (a, _) = endpoint(
        &p,
        json!({"kind": "standard", "url": "https://example.com/a"}),
    )
    .await;
    let (b, _) = endpoint(
        &p,
        json!({"kind": "standard", "url": "https://example.com/b"}),
    )
    .await;
    flip(&p, true, 0).await;
    let record = p
        .api
        .store
        .changes_after(&p.org, None, 100)
        .await
        .unwrap()
        .pop()
        .unwrap();
    let hook = |id: &str| {
        let store = p.api.store.clone();
        let (org, id) = (p.org.clone(), id.to_owned());
        async move { store.get_webhook(&org, &id).await.unwrap().unwrap() }
    };
    let (ha, hb) = (hook(&a).await, hook(&b).await);
    let now = 0;
    let first = switchyard_functions::webhooks::queue::for_change(&ha, &record, now);
    assert_eq!(
        p.api
            .store
            .queue_deliveries(std::slice::from_ref(&first))
            .await
            .unwrap(),
        1
    );
    let both = [
        first,
        switchyard_functions::webhooks::queue::for_change(&hb, &record, now),
    ];
    assert_eq!(p.api.store.queue_deliveries(&both).await.unwrap(), 1);
    for id in [&a, &b] {
        assert_eq!(
            p.api
                .store
                .queued_deliveries(&p.org, id, 10)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

/// Fails every read of one organization's change log while set.
#[derive(Debug, Default)]
struct BrokenLog(std::sync::Mutex<Option<String>>);

#[async_trait::async_trait]
impl switchyard_core::store::intercept::Hook for BrokenLog {
    async fn before(
        &self,
        call: &switchyard_core::store::intercept::Call<'_>,
    ) -> Result<(), switchyard_core::store::KvError> {
        if let switchyard_core::store::intercept::Call::Query { pk, .. } = call
            && self.0.lock().unwrap().as_deref() == Some(*pk)
        {
            return Err(switchyard_core::store::KvError::Backend(
                "unreachable".into(),
            ));
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_organizations_broken_log_does_not_stop_another() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    let kv = Arc::new(switchyard_core::store::intercept::Intercepted::new(
        Arc::new(embedded),
        BrokenLog::default(),
    ));
    let store = switchyard_core::store::Store::new(kv.clone());
    let p = Project::new(Api::build(store, Box::new(dir))).await;
    let (ours, theirs) = (Receiver::start().await, Receiver::start().await);
    standard(&p, &ours).await;
    let (token, org, _) = p.api.signup("bob@example.com").await;
    let r = p
        .api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/webhooks"),
            Some(&token),
            Some(json!({"kind": "standard", "url": theirs.url})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    flip(&p, true, 0).await;
    p.api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&token),
            Some(json!({"name": "ci", "scopes": ["read"]})),
        )
        .await;
    *kv.hook().0.lock().unwrap() = Some(format!("CHANGE#{}", p.org));
    let clock = Arc::new(Later::default());
    let d = dispatcher(&p, clock.clone());
    assert!(
        d.run(None, true).await.is_err(),
        "the broken log is reported"
    );
    assert_eq!(types(&theirs.received()), ["key.created"]);
    assert!(ours.received().is_empty());
    *kv.hook().0.lock().unwrap() = None;
    settle(&d, &clock).await;
    assert_eq!(types(&ours.received()), ["flag.changed", "state.changed"]);
}

/// A stream batch (the `aws_lambda_events` DynamoDB fixture) whose records have these keys.
fn stream_batch(pks: &[&str]) -> Value {
    let mut event = common::fixture("example-dynamodb-event.json");
    let template = event["Records"][0].clone();
    event["Records"] = pks
        .iter()
        .map(|pk| {
            let mut r = template.clone();
            r["dynamodb"]["Keys"] = json!({"pk": {"S": pk}, "sk": {"S": "x"}});
            r
        })
        .collect();
    event
}

#[test]
fn the_lambda_runs_the_organizations_a_stream_batch_names() {
    let orgs = switchyard_functions::webhooks::stream_orgs(&stream_batch(&[
        "CHANGE#o1",
        "WHQ#o2#w1",
        "CHANGE#o1",
        "ENV#e1",
    ]))
    .unwrap();
    assert_eq!(orgs.into_iter().collect::<Vec<_>>(), ["o1", "o2"]);
}

#[test]
fn a_scheduled_event_runs_every_organization() {
    let scheduled = json!({"version": "0", "source": "aws.scheduler", "detail-type": "Scheduled Event", "detail": {}});
    assert_eq!(
        switchyard_functions::webhooks::stream_orgs(&scheduled),
        None
    );
}

both_stores!(a_change_handed_over_again_is_not_queued_twice,);
