//! What one client or tenant may hold of the shared delivery path, against a real `switchyard
//! serve`: stream caps per key, address and node, memory shedding, snapshots charged to the key's
//! rate with a minimum interval, the context size limit, the hello and idle deadlines, failed
//! authentications per address, and the client address behind a trusted proxy. One behaviour per
//! test, each with a server of its own and the bound set small.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, close_code, next_json, send_json, within};
use serde_json::{Value, json};
use std::time::Duration;

fn pro() -> Value {
    json!({"targetingKey": "u1", "plan": "pro"})
}

impl Fixture {
    /// `GET /sdk/v1/sse` with `key`, from the address `xff` says (when the server trusts it).
    async fn sse_from(&self, key: &str, xff: Option<&str>) -> reqwest::Response {
        let mut r = self
            .http
            .get(self.url("/sdk/v1/sse"))
            .header("x-api-key", key);
        if let Some(x) = xff {
            r = r.header("x-forwarded-for", x);
        }
        r.send().await.unwrap()
    }

    async fn ofrep_events(&self, key: &str) -> reqwest::Response {
        self.http
            .get(self.url("/ofrep/v1/events"))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap()
    }

    async fn ofrep_from(&self, key: &str, xff: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.url("/ofrep/v1/evaluate/flags"))
            .header("x-api-key", key)
            .header("x-forwarded-for", xff)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A WebSocket with `key`; the close code it ends with, or `None` if it was let in (its
    /// hello answered with a snapshot).
    async fn ws_outcome(&self, key: &str) -> (Option<harness::Ws>, Option<u16>) {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let mut ws = tokio_tungstenite::connect_async(self.server.ws_request(key))
            .await
            .unwrap()
            .0;
        send_json(&mut ws, json!({"type": "hello", "context": pro()})).await;
        loop {
            match within("a snapshot or a close", ws.next()).await {
                Some(Ok(Message::Text(t))) if t.contains("\"snapshot\"") => {
                    return (Some(ws), None);
                }
                Some(Ok(Message::Close(Some(frame)))) => return (None, Some(frame.code.into())),
                Some(Ok(_)) => continue,
                other => panic!("expected a snapshot or a close frame, got {other:?}"),
            }
        }
    }

    async fn labelled_metric(&self, line_prefix: &str) -> f64 {
        let text = self
            .http
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(line_prefix)?.trim().parse().ok())
            .unwrap_or(0.0)
    }
}

fn assert_overloaded(r: &reqwest::Response, what: &str) {
    assert_eq!(r.status(), 503, "{what}");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_past_its_stream_cap_gets_1013_and_503_while_other_keys_connect() {
    let f = Fixture::with_args(&["--max-streams-per-key", "2"]).await;
    let (a, _) = f.ws_outcome(&f.t.client_key).await;
    let (b, _) = f.ws_outcome(&f.t.client_key).await;
    assert!(a.is_some() && b.is_some());
    assert_eq!(f.ws_outcome(&f.t.client_key).await.1, Some(1013));
    assert_overloaded(&f.sse_from(&f.t.client_key, None).await, "sse");
    assert_overloaded(&f.ofrep_events(&f.t.client_key).await, "ofrep events");
    assert_eq!(f.sse_from(&f.t.server_key, None).await.status(), 200);
    assert_eq!(
        f.labelled_metric("switchyard_streams_refused_total{reason=\"key\"}")
            .await,
        3.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_past_its_stream_cap_gets_1013_and_503_whatever_the_key() {
    let f = Fixture::with_args(&["--max-streams-per-address", "2"]).await;
    let (_a, _) = f.ws_outcome(&f.t.client_key).await;
    let _b = f.sse_from(&f.t.client_key, None).await;
    assert_eq!(f.ws_outcome(&f.t.server_key).await.1, Some(1013));
    assert_overloaded(&f.sse_from(&f.t.server_key, None).await, "sse");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_past_its_stream_cap_gets_1013_and_503_for_everyone() {
    let f = Fixture::with_args(&["--max-streams", "2"]).await;
    let (_a, _) = f.ws_outcome(&f.t.client_key).await;
    let _b = f.ofrep_events(&f.t.client_key).await;
    assert_eq!(f.ws_outcome(&f.t.server_key).await.1, Some(1013));
    assert_overloaded(&f.sse_from(&f.t.server_key, None).await, "sse");
    assert_overloaded(&f.ofrep_events(&f.t.server_key).await, "ofrep events");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stream_frees_its_slot() {
    let f = Fixture::with_args(&["--max-streams", "1"]).await;
    let (ws, _) = f.ws_outcome(&f.t.client_key).await;
    ws.unwrap().close(None).await.unwrap();
    within("the websocket's slot to be free", async {
        loop {
            let r = f.sse_from(&f.t.client_key, None).await;
            if r.status() == 200 {
                drop(r);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    within("the SSE stream's slot to be free", async {
        while f.ws_outcome(&f.t.client_key).await.0.is_none() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_memory_mark_new_streams_are_refused_and_requests_still_answered() {
    let f = Fixture::with_args(&["--memory-high-water-mb", "1"]).await;
    assert_eq!(f.ws_outcome(&f.t.client_key).await.1, Some(1013));
    assert_overloaded(&f.sse_from(&f.t.client_key, None).await, "sse");
    assert_overloaded(&f.ofrep_events(&f.t.client_key).await, "ofrep events");
    let r = f
        .ofrep_from(&f.t.client_key, "203.0.113.1", json!({"context": pro()}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        f.labelled_metric("switchyard_streams_refused_total{reason=\"memory\"}")
            .await,
        3.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hello_flood_is_charged_to_the_keys_rate() {
    // Burst 10 at 5 a second; no interval, so that only the key's rate holds snapshots back.
    let f = Fixture::with_args(&["--rate-limit", "5", "--snapshot-interval-ms", "0"]).await;
    let (ws, _) = f.ws_outcome(&f.t.server_key).await;
    let mut ws = ws.unwrap();
    for _ in 0..30 {
        send_json(&mut ws, json!({"type": "hello", "context": pro()})).await;
    }
    send_json(&mut ws, json!({"type": "ping"})).await;
    while next_json(&mut ws).await["type"] != "pong" {}
    let r = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags"))
        .header("x-api-key", &f.t.server_key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the hellos spent the key's requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resyncs_within_the_interval_coalesce_into_one_snapshot() {
    let f = Fixture::with_args(&["--snapshot-interval-ms", "1000"]).await;
    let (mut ws, snap) = f.ws_hello(pro()).await;
    for _ in 0..20 {
        send_json(&mut ws, json!({"type": "resync"})).await;
    }
    send_json(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(
        next_json(&mut ws).await["type"],
        "pong",
        "no snapshot within the interval"
    );
    assert_eq!(next_json(&mut ws).await, snap, "then one snapshot");
    send_json(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(next_json(&mut ws).await["type"], "pong", "and only one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_context_over_the_limit_is_invalid_context() {
    use base64::Engine;
    let f = Fixture::with_args(&["--max-context-bytes", "1024"]).await;
    let big = json!({"targetingKey": "u1", "blob": "x".repeat(1100)});
    let mut ws = f.ws().await;
    send_json(&mut ws, json!({"type": "hello", "context": big})).await;
    assert_eq!(next_json(&mut ws).await["code"], "invalid_context");
    let ctx = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(big.to_string());
    let r = f
        .http
        .get(f.url(&format!("/sdk/v1/sse?key={}&context={ctx}", f.t.client_key)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errorCode"],
        "INVALID_CONTEXT"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ofrep_context_over_the_limit_is_400_invalid_context() {
    let f = Fixture::with_args(&["--max-context-bytes", "1024"]).await;
    let big = json!({"context": {"targetingKey": "u1", "blob": "x".repeat(1100)}});
    for path in ["/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/beta"] {
        let r = f
            .http
            .post(f.url(path))
            .header("x-api-key", &f.t.server_key)
            .json(&big)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["errorCode"],
            "INVALID_CONTEXT",
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_that_never_says_hello_is_closed() {
    let f = Fixture::with_args(&["--hello-timeout-secs", "1"]).await;
    let mut ws = f.ws().await;
    assert_eq!(close_code(&mut ws).await, 1001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_websocket_is_closed_after_the_idle_timeout() {
    let f = Fixture::with_args(&["--stream-idle-timeout-secs", "1"]).await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    assert_eq!(close_code(&mut ws).await, 1001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ping_within_the_idle_timeout_keeps_a_websocket_open() {
    let f = Fixture::with_args(&["--stream-idle-timeout-secs", "4"]).await;
    let (mut ws, _) = f.ws_hello(pro()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    send_json(&mut ws, json!({"type": "ping"})).await;
    // Past the first deadline (4 s after hello), within the one the ping set (6 s): a second
    // of margin either side for a busy machine.
    tokio::time::sleep(Duration::from_secs(3)).await;
    send_json(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(next_json(&mut ws).await["type"], "pong", "the first ping's");
    assert_eq!(
        next_json(&mut ws).await["type"],
        "pong",
        "the stream is still open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_that_fails_authentication_too_often_gets_429_even_with_a_real_key() {
    let f =
        Fixture::with_args(&["--failed-auth-per-minute", "5", "--trusted-proxy-hops", "1"]).await;
    let attacker = "203.0.113.66";
    for i in 0..5 {
        let r = f
            .ofrep_from(&format!("sy_client_random{i}"), attacker, json!({}))
            .await;
        assert_eq!(r.status(), 401);
    }
    let r = f.ofrep_from("sy_client_random5", attacker, json!({})).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let r = f.ofrep_from(&f.t.server_key, attacker, json!({})).await;
    assert_eq!(r.status(), 429, "refused before any key lookup");
    let r = f
        .ofrep_from(&f.t.server_key, "198.51.100.7", json!({}))
        .await;
    assert_eq!(r.status(), 200, "other addresses are not affected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_last_forwarded_hop_is_the_address_and_the_first_is_ignored() {
    let f = Fixture::with_args(&[
        "--trusted-proxy-hops",
        "1",
        "--max-streams-per-address",
        "1",
    ])
    .await;
    let key = &f.t.client_key;
    let _held = f.sse_from(key, Some("6.6.6.6, 203.0.113.1")).await;
    assert_eq!(_held.status(), 200);
    let spoofed = f.sse_from(key, Some("7.7.7.7, 203.0.113.1")).await;
    assert_eq!(
        spoofed.status(),
        503,
        "another first entry is the same client"
    );
    let other = f.sse_from(key, Some("6.6.6.6, 203.0.113.2")).await;
    assert_eq!(other.status(), 200, "another last hop is another client");
}
