//! The bus suite: the in-process bus, and the Redis bus against a real redis-server started on a
//! free loopback port (killed and restarted to prove resync).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;
use switchyard_core::bus::{
    Bus, BusMessage, InProcessBus, RedisBus, ResyncReason, RevisionTracker, Seen, Subscription,
};
use switchyard_core::domain::ChangeEvent;
use tokio::time::timeout;

fn event(revision: u64) -> ChangeEvent {
    ChangeEvent {
        environment: "env-1".into(),
        revision,
    }
}

async fn next(sub: &mut Subscription) -> BusMessage {
    timeout(Duration::from_secs(20), sub.next())
        .await
        .expect("a message in time")
        .expect("bus open")
}

#[tokio::test]
async fn in_process_delivers_and_reports_lag() {
    let bus = InProcessBus::new(4);
    let mut sub = bus.subscribe();
    bus.publish(&event(1)).await.unwrap();
    assert_eq!(next(&mut sub).await, BusMessage::Change(event(1)));
    for r in 2..=11 {
        bus.publish(&event(r)).await.unwrap();
    }
    assert_eq!(
        next(&mut sub).await,
        BusMessage::Resync(ResyncReason::Lagged(6))
    );
    assert_eq!(next(&mut sub).await, BusMessage::Change(event(8)));
}

/// Publishes until the subscriber is listening (pub/sub drops what nobody hears yet).
async fn publish_until_heard(bus: &RedisBus, sub: &mut Subscription, ev: &ChangeEvent) {
    for _ in 0..200 {
        bus.publish(ev).await.unwrap();
        if let Ok(Some(msg)) = timeout(Duration::from_millis(100), sub.next()).await {
            assert_eq!(msg, BusMessage::Change(ev.clone()));
            return;
        }
    }
    panic!("the subscriber never heard {ev:?}");
}

#[tokio::test]
async fn redis_delivers_reports_malformed_and_resyncs_after_a_restart() {
    let server = support::redis_server(None);
    let port = server.port;
    let url = format!("redis://127.0.0.1:{port}");
    let bus = RedisBus::new(&url).unwrap();
    let mut sub = bus.subscribe();
    let mut tracker = RevisionTracker::default();

    publish_until_heard(&bus, &mut sub, &event(1)).await;
    assert_eq!(tracker.observe("env-1", 1), Seen::Apply);
    bus.publish(&event(2)).await.unwrap();
    assert_eq!(next(&mut sub).await, BusMessage::Change(event(2)));
    assert_eq!(tracker.observe("env-1", 2), Seen::Apply);

    // Something that is not a change event on the channel.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut raw = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("PUBLISH")
        .arg(switchyard_core::bus::redis_channel())
        .arg("{not json")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(
        next(&mut sub).await,
        BusMessage::Resync(ResyncReason::Malformed)
    );

    // Redis dies; revision 3 is published into the void; Redis comes back.
    drop(server);
    let _ = bus.publish(&event(3)).await;
    let _server = support::redis_server(Some(port));
    assert_eq!(
        next(&mut sub).await,
        BusMessage::Resync(ResyncReason::Reconnected)
    );
    // The publisher reconnects by itself too.
    let mut delivered = false;
    for _ in 0..100 {
        if bus.publish(&event(4)).await.is_ok() {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "the publisher reconnects");
    assert_eq!(next(&mut sub).await, BusMessage::Change(event(4)));
    assert_eq!(
        tracker.observe("env-1", 4),
        Seen::Gap {
            expected: 3,
            got: 4
        },
        "revision 3 was lost: a gap"
    );
}
