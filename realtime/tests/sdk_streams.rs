//! The WebSocket and SSE streams of docs/protocol.md against a real `switchyard serve`: one
//! behaviour per test, each with a server and a tenant of its own (`beta`: on for plan=pro).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use futures_util::SinkExt;
use harness::{Fixture, close_code, next_json, send_json, within};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

fn pro() -> Value {
    json!({"targetingKey": "u1", "plan": "pro"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_arrives_first_with_the_revision() {
    let f = Fixture::start().await;
    let (_ws, snap) = f.ws_hello(pro()).await;
    assert_eq!(snap["type"], "snapshot");
    assert!(snap["revision"].as_u64().unwrap() > 0);
    assert_eq!(
        snap["flags"]["beta"],
        json!({"value": true, "variant": "on", "reason": "TARGETING_MATCH"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flip_reaches_a_websocket_client_as_a_changes_message() {
    let f = Fixture::start().await;
    let (mut ws, snap) = f.ws_hello(pro()).await;
    let r0 = snap["revision"].as_u64().unwrap();
    f.flip().await;
    let change = next_json(&mut ws).await;
    assert_eq!(change["type"], "changes");
    assert_eq!(change["base"].as_u64(), Some(r0));
    assert!(change["revision"].as_u64().unwrap() > r0);
    assert_eq!(
        change["flags"],
        json!({"beta": {"value": false, "variant": "off", "reason": "STATIC"}})
    );
    assert_eq!(change["removed"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_hears_nothing_before_hello() {
    let f = Fixture::start().await;
    let mut ws = f.ws().await;
    f.flip_and_wait().await;
    send_json(&mut ws, json!({"type": "hello", "context": pro()})).await;
    let first = next_json(&mut ws).await;
    assert_eq!(
        (
            first["type"].as_str(),
            first["flags"]["beta"]["value"].as_bool()
        ),
        (Some("snapshot"), Some(false))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_carries_the_same_messages_as_websocket() {
    let f = Fixture::start().await;
    let (mut ws, ws_snap) = f.ws_hello(pro()).await;
    let mut sse = f.sse(&pro()).await;
    let snap = sse.next_message().await;
    assert_eq!(snap.event, "snapshot");
    assert_eq!(serde_json::from_str::<Value>(&snap.data).unwrap(), ws_snap);
    assert_eq!(snap.id, Some(ws_snap["revision"].to_string()));

    f.flip().await;
    let ws_change = next_json(&mut ws).await;
    let change = sse.next_message().await;
    assert_eq!(change.event, "changes");
    assert_eq!(
        serde_json::from_str::<Value>(&change.data).unwrap(),
        ws_change
    );
    assert_eq!(change.id, Some(ws_change["revision"].to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sse_context_must_be_base64url_json() {
    let f = Fixture::start().await;
    for ctx in ["%%%", "WzFd"] {
        // "%%%" is not base64url; "WzFd" is `[1]`.
        let r = f
            .http
            .get(f.url(&format!("/sdk/v1/sse?key={}&context={ctx}", f.t.client_key)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{ctx}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_is_answered_with_pong() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    send_json(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(next_json(&mut ws).await, json!({"type": "pong"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_message_gets_an_error_and_the_stream_goes_on() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    for text in ["{not json", "[]", "{}", r#"{"type":0}"#] {
        ws.send(Message::text(text)).await.unwrap();
        let e = next_json(&mut ws).await;
        assert_eq!(
            (e["type"].as_str(), e["code"].as_str()),
            (Some("error"), Some("invalid_message")),
            "{text}"
        );
        assert!(e["message"].is_string());
    }
    send_json(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(next_json(&mut ws).await["type"], "pong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_that_is_not_an_object_gets_invalid_context() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    send_json(&mut ws, json!({"type": "identify", "context": 7})).await;
    assert_eq!(next_json(&mut ws).await["code"], "invalid_context");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_frames_get_an_error() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    ws.send(Message::binary(b"{}".to_vec())).await.unwrap();
    assert_eq!(next_json(&mut ws).await["code"], "invalid_message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_message_types_are_ignored() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    send_json(&mut ws, json!({"type": "from-the-future", "x": 1})).await;
    send_json(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(
        next_json(&mut ws).await["type"],
        "pong",
        "no answer to the unknown type"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identify_answers_with_a_snapshot_for_the_new_context() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    send_json(
        &mut ws,
        json!({"type": "identify", "context": {"plan": "free"}}),
    )
    .await;
    let again = next_json(&mut ws).await;
    assert_eq!(
        (
            again["type"].as_str(),
            again["flags"]["beta"]["value"].as_bool()
        ),
        (Some("snapshot"), Some(false))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resync_answers_with_a_snapshot() {
    let f = Fixture::start().await;
    let (mut ws, snap) = f.ws_hello(pro()).await;
    send_json(&mut ws, json!({"type": "resync"})).await;
    assert_eq!(next_json(&mut ws).await, snap);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_message_closes_with_1009() {
    let f = Fixture::start().await;
    let mut ws = f.ws().await;
    ws.send(Message::text("x".repeat(64 * 1024))).await.unwrap();
    assert_eq!(close_code(&mut ws).await, 1009);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_flood_is_read_at_the_pace_then_closed_with_1008() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    // 600 a minute: a burst of 20, then one every 100 ms; 50 more found waiting is a flood.
    let started = std::time::Instant::now();
    for _ in 0..1000 {
        if ws.send(Message::text(r#"{"type":"ping"}"#)).await.is_err() {
            break;
        }
    }
    assert_eq!(close_code(&mut ws).await, 1008);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(4500),
        "the flood was read at the pace, not at once: closed after {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_is_refused_before_the_upgrade() {
    let f = Fixture::start().await;
    match tokio_tungstenite::connect_async(f.server.ws_url("sy_client_nope")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("expected a 401, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_is_refused_before_the_upgrade() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let f = Fixture::start().await;
    f.admin
        .allow_origins(&f.t, &["https://shop.example.com"])
        .await;
    let from = |origin: &'static str| {
        let mut req = f
            .server
            .ws_url(&f.t.client_key)
            .into_client_request()
            .unwrap();
        req.headers_mut().insert("origin", origin.parse().unwrap());
        req
    };
    // The allow-list reaches the server over the bus: wait for it to apply.
    within("the allow-list to apply", async {
        loop {
            match tokio_tungstenite::connect_async(from("https://evil.example.com")).await {
                Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 403 => break,
                _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
    })
    .await;
    assert!(
        tokio_tungstenite::connect_async(from("https://shop.example.com"))
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_key_ends_open_streams() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    let mut sse = f.sse(&pro()).await;
    assert_eq!(sse.next_message().await.event, "snapshot");
    f.admin.revoke_client_key(&f.t).await;
    assert_eq!(close_code(&mut ws).await, 1008);
    while let Some(e) = sse.next().await {
        assert_eq!(e.event, "ping", "nothing but pings before the end: {e:?}");
    }
    match tokio_tungstenite::connect_async(f.server.ws_url(&f.t.client_key)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("a revoked key cannot connect again: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_streams_with_1012() {
    let mut f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    let mut sse = f.sse(&pro()).await;
    assert_eq!(sse.next_message().await.event, "snapshot");
    f.server.terminate();
    assert_eq!(close_code(&mut ws).await, 1012);
    assert_eq!(sse.next().await, None, "the SSE stream ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connections_gauge_counts_open_streams() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    let mut sse = f.sse(&pro()).await;
    assert_eq!(sse.next_message().await.event, "snapshot");
    assert_eq!(f.metric("switchyard_connections").await, 2.0);
    ws.close(None).await.unwrap();
    drop(sse);
    within("the gauge to return to zero", async {
        while f.metric("switchyard_connections").await != 0.0 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
}
