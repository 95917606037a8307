//! Two `switchyard serve` instances on one DynamoDB-compatible store (moto) and one real Redis: a
//! change written through one reaches WebSocket clients of the other, and clients still converge
//! when Redis is killed and restarted mid-stream.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use futures_util::{SinkExt, StreamExt};
use harness::{Client, Switchyard, support, within};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads until the client's `beta` value is `want`, following snapshots and changes.
async fn until_beta(ws: &mut Ws, want: bool) {
    loop {
        let msg = within("beta to converge", ws.next()).await;
        let Some(Ok(Message::Text(t))) = msg else {
            continue;
        };
        let v: Value = serde_json::from_str(&t).unwrap();
        if v["flags"]["beta"]["value"].as_bool() == Some(want) {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_one_redis_and_a_redis_restart() {
    let (endpoint, _moto) = support::dynamodb_endpoint();
    let redis = support::redis_server(None);
    let redis_port = redis.port;
    let redis_url = format!("redis://127.0.0.1:{redis_port}");
    let table = format!("e2e-{}", std::process::id());
    let args = [
        "--store",
        "dynamodb",
        "--table",
        table.as_str(),
        "--bus",
        "redis",
        "--redis-url",
        redis_url.as_str(),
        "--revision-check-secs",
        "2",
    ];
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ];
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    // Both instances sign tokens with the same key, as one deployment would.
    std::fs::write(dir_b.path().join("jwt.key"), "00".repeat(32)).unwrap();
    std::fs::write(dir_a.path().join("jwt.key"), "00".repeat(32)).unwrap();
    let mut a_args = args.to_vec();
    a_args.extend(["--data-dir", dir_a.path().to_str().unwrap()]);
    let mut b_args = args.to_vec();
    b_args.extend(["--data-dir", dir_b.path().to_str().unwrap()]);
    let a = Switchyard::serve(&a_args, &env);
    let b = Switchyard::serve(&b_args, &env);

    let admin = Client::signup(&a.base, "ada@example.com").await;
    let t = admin.tenant().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(b.ws_url(&t.client_key))
        .await
        .unwrap();
    ws.send(Message::text(
        json!({"type": "hello", "context": {"plan": "pro"}}).to_string(),
    ))
    .await
    .unwrap();
    until_beta(&mut ws, true).await;

    // Written through A, seen by B's client (over Redis).
    admin.set_beta(&t, false, 1).await;
    until_beta(&mut ws, false).await;

    // Redis dies; a change is written (its publish is lost); Redis returns: B resyncs from the store.
    drop(redis);
    admin.set_beta(&t, true, 2).await;
    let _redis = support::redis_server(Some(redis_port));
    until_beta(&mut ws, true).await;
    admin.set_beta(&t, false, 3).await;
    until_beta(&mut ws, false).await;
}
