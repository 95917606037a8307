//! The stream publisher against a real redis-server: new revisions publish once, replays and old
//! revisions publish nothing, other items are ignored, a broken record is reported alone. Stream
//! events are built from the `aws_lambda_events` crate's DynamoDB fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::support;
use serde_json::{Value, json};
use std::time::Duration;
use switchyard_core::bus::{Bus, BusMessage, RedisBus};

/// A stream batch whose records carry the given new images.
fn batch(images: &[Value]) -> Value {
    let mut event = common::fixture("example-dynamodb-event.json");
    let template = event["Records"][0].clone();
    event["Records"] = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let mut r = template.clone();
            r["dynamodb"]["NewImage"] = image.clone();
            r["dynamodb"]["SequenceNumber"] = json!(format!("seq-{i}"));
            r
        })
        .collect();
    event
}

fn env_item(id: &str, revision: u64) -> Value {
    json!({"pk": {"S": format!("ENV#{id}")}, "sk": {"S": "ENV"}, "v": {"N": revision.to_string()}, "d": {"S": "{}"}})
}

#[tokio::test]
async fn publishes_each_revision_once() {
    let server = support::redis_server(None);
    let url = format!("redis://127.0.0.1:{}", server.port);
    let bus = RedisBus::new(&url).unwrap();
    let mut sub = bus.subscribe();
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    // Wait until the subscriber listens: publish a warm-up revision of another environment.
    let mut warm = 1;
    loop {
        switchyard_functions::publisher::handle(&mut conn, &batch(&[env_item("warmup", warm)]))
            .await;
        if let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(200), sub.next()).await {
            break;
        }
        warm += 1;
    }

    let flag_item = json!({"pk": {"S": "PROJECT#p"}, "sk": {"S": "FLAG#beta"}, "v": {"N": "3"}, "d": {"S": "{}"}});
    let broken = json!({"pk": {"S": "ENV#e1"}, "sk": {"S": "ENV"}, "v": {"S": "not a number"}});
    let out = switchyard_functions::publisher::handle(
        &mut conn,
        &batch(&[
            env_item("e1", 5),
            flag_item,
            broken,
            env_item("e1", 5),
            env_item("e1", 4),
        ]),
    )
    .await;
    assert_eq!(
        out,
        json!({"batchItemFailures": [{"itemIdentifier": "seq-2"}]})
    );
    let got = tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .unwrap()
        .unwrap();
    let BusMessage::Change(ev) = got else {
        panic!("{got:?}")
    };
    assert_eq!((ev.environment.as_str(), ev.revision), ("e1", 5));
    // The replay and the older revision published nothing.
    assert!(
        tokio::time::timeout(Duration::from_millis(500), sub.next())
            .await
            .is_err()
    );
    // A record replayed in a later batch publishes nothing either; a newer one does.
    switchyard_functions::publisher::handle(
        &mut conn,
        &batch(&[env_item("e1", 5), env_item("e1", 6)]),
    )
    .await;
    let BusMessage::Change(ev) = tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .unwrap()
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(ev.revision, 6);
    assert!(
        tokio::time::timeout(Duration::from_millis(300), sub.next())
            .await
            .is_err()
    );
}
