//! `switchyard serve` end to end: a real process, real HTTP, WebSocket and SSE clients.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use futures_util::{SinkExt, StreamExt};
use harness::{Client, Switchyard, within};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Ws) -> Value {
    loop {
        match within("a websocket message", ws.next()).await {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] != "ping" {
                    return v;
                }
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a text message, got {other:?}"),
        }
    }
}

fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ofrep_flagd_document_events_and_health() {
    let dir = data_dir();
    let server = Switchyard::serve(&["--data-dir", dir.path().to_str().unwrap()], &[]);
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;
    let http = reqwest::Client::new();
    let ofrep = |path: &str| format!("{}/ofrep/v1/evaluate/flags{path}", server.base);

    let r = http
        .post(ofrep("/beta"))
        .header("x-api-key", &t.client_key)
        .json(&json!({"context": {"plan": "pro"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        (
            b["key"].as_str(),
            b["value"].as_bool(),
            b["variant"].as_str(),
            b["reason"].as_str()
        ),
        (
            Some("beta"),
            Some(true),
            Some("on"),
            Some("TARGETING_MATCH")
        )
    );
    let r = http
        .post(ofrep("/nope"))
        .bearer_auth(&t.client_key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        (b["key"].as_str(), b["errorCode"].as_str()),
        (Some("nope"), Some("FLAG_NOT_FOUND"))
    );
    let r = http
        .post(ofrep("/beta"))
        .header("x-api-key", &t.client_key)
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "PARSE_ERROR");
    let r = http
        .post(ofrep("/beta"))
        .header("x-api-key", &t.client_key)
        .json(&json!({"context": [1]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["errorCode"],
        "INVALID_CONTEXT"
    );
    assert_eq!(
        http.post(ofrep("/beta"))
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        http.post(ofrep("/beta"))
            .header("x-api-key", "sy_client_wrong")
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Bulk, ETag and 304, eventStreams with the public key.
    let r = http
        .post(ofrep(""))
        .header("x-api-key", &t.client_key)
        .json(&json!({"context": {"plan": "free"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["flags"][0]["value"], false);
    let stream_url = b["eventStreams"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(b["eventStreams"][0]["type"], "sse");
    let r = http
        .post(ofrep(""))
        .header("x-api-key", &t.client_key)
        .header("if-none-match", &etag)
        .json(&json!({"context": {"plan": "free"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = http
        .post(ofrep(""))
        .header("x-api-key", &t.client_key)
        .header("if-none-match", &etag)
        .json(&json!({"context": {"plan": "pro"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "another context, another answer");

    // CORS: a browser may read the ETag.
    let pre = http
        .request(reqwest::Method::OPTIONS, ofrep(""))
        .header("origin", "https://shop.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-api-key,if-none-match",
        )
        .send()
        .await
        .unwrap();
    assert!(pre.status().is_success());
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "https://shop.example.com"
    );
    let r = http
        .post(ofrep(""))
        .header("origin", "https://shop.example.com")
        .header("x-api-key", &t.client_key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_lowercase()
            .contains("etag")
    );

    // The OFREP event stream says "refetch" when the environment changes.
    let mut events = http.get(&stream_url).send().await.unwrap().bytes_stream();
    admin.set_beta(&t, false, 1).await;
    let mut seen = String::new();
    while !seen.contains("refetchEvaluation") {
        let chunk = within("refetchEvaluation", events.next())
            .await
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: message"), "{seen}");
    let after: Value = http
        .post(ofrep(""))
        .header("x-api-key", &t.client_key)
        .header("if-none-match", &etag)
        .json(&json!({"context": {"plan": "free"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["flags"][0]["reason"], "STATIC");

    // The flagd document, for server keys only.
    let r = http
        .get(format!("{}/sdk/v1/flagd.json", server.base))
        .header("x-api-key", &t.server_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc_tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        r.json::<Value>().await.unwrap()["flags"]["beta"]["state"],
        "ENABLED"
    );
    assert_eq!(
        http.get(format!("{}/sdk/v1/flagd.json", server.base))
            .header("x-api-key", &t.server_key)
            .header("if-none-match", doc_tag)
            .send()
            .await
            .unwrap()
            .status(),
        304
    );
    assert_eq!(
        http.get(format!("{}/sdk/v1/flagd.json", server.base))
            .header("x-api-key", &t.client_key)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // Analytics intake.
    let ev = |b: Value| {
        http.post(format!("{}/sdk/v1/events", server.base))
            .header("x-api-key", &t.client_key)
            .json(&b)
            .send()
    };
    assert_eq!(ev(json!({"evaluations": [{"flag": "beta", "variant": "on", "count": 3}], "events": [{"name": "checkout"}]})).await.unwrap().status(), 202);
    assert_eq!(
        ev(json!({"evaluations": [{"flag": "beta", "count": 0}]}))
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(ev(json!({"nonsense": true})).await.unwrap().status(), 400);

    for (path, want) in [("/healthz", "ok"), ("/readyz", "ready")] {
        assert_eq!(
            http.get(format!("{}{path}", server.base))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            want
        );
    }
    let metrics = http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("switchyard_evaluations_total")
            && metrics.contains("switchyard_connections"),
        "{metrics}"
    );
    let home = http
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Switchyard"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_and_sse_receive_changes() {
    let dir = data_dir();
    let mut server = Switchyard::serve(&["--data-dir", dir.path().to_str().unwrap()], &[]);
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;

    let (mut ws, _) = tokio_tungstenite::connect_async(server.ws_url(&t.client_key))
        .await
        .unwrap();
    ws.send(Message::text(
        json!({"type": "hello", "context": {"targetingKey": "u1", "plan": "pro"}}).to_string(),
    ))
    .await
    .unwrap();
    let snap = next_json(&mut ws).await;
    assert_eq!(snap["type"], "snapshot");
    assert_eq!(snap["flags"]["beta"]["value"], true);
    let r0 = snap["revision"].as_u64().unwrap();

    // SSE with the same context.
    use base64::Engine;
    let ctx =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json!({"plan": "pro"}).to_string());
    let mut sse = reqwest::get(format!(
        "{}/sdk/v1/sse?key={}&context={ctx}",
        server.base, t.client_key
    ))
    .await
    .unwrap()
    .bytes_stream();
    let mut sse_text = String::new();
    while !sse_text.contains("event: snapshot") {
        sse_text.push_str(&String::from_utf8_lossy(
            &within("an SSE snapshot", sse.next())
                .await
                .unwrap()
                .unwrap(),
        ));
    }

    // A change through the API arrives as the changed value only, with its revision.
    admin.set_beta(&t, false, 1).await;
    let change = next_json(&mut ws).await;
    assert_eq!(change["type"], "changes");
    assert_eq!(change["flags"]["beta"]["value"], false);
    assert_eq!(change["base"].as_u64(), Some(r0));
    assert!(change["revision"].as_u64().unwrap() > r0);
    while !sse_text.contains("event: changes") {
        sse_text.push_str(&String::from_utf8_lossy(
            &within("an SSE change", sse.next()).await.unwrap().unwrap(),
        ));
    }
    assert!(sse_text.contains("\"value\":false"), "{sse_text}");

    // identify, ping, malformed, unknown.
    ws.send(Message::text(json!({"type": "ping"}).to_string()))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "pong");
    ws.send(Message::text("{not json")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["code"], "invalid_message");
    ws.send(Message::text(
        json!({"type": "from-the-future"}).to_string(),
    ))
    .await
    .unwrap();
    admin.set_beta(&t, true, 2).await;
    let back = next_json(&mut ws).await;
    assert_eq!(
        (
            back["type"].as_str(),
            back["flags"]["beta"]["value"].as_bool()
        ),
        (Some("changes"), Some(true)),
        "unknown types are ignored"
    );
    ws.send(Message::text(
        json!({"type": "identify", "context": {"plan": "free"}}).to_string(),
    ))
    .await
    .unwrap();
    let again = next_json(&mut ws).await;
    assert_eq!(
        (
            again["type"].as_str(),
            again["flags"]["beta"]["value"].as_bool()
        ),
        (Some("snapshot"), Some(false))
    );

    // An oversized message closes the socket with 1009.
    let (mut big, _) = tokio_tungstenite::connect_async(server.ws_url(&t.client_key))
        .await
        .unwrap();
    big.send(Message::text("x".repeat(64 * 1024)))
        .await
        .unwrap();
    loop {
        match within("a close frame", big.next()).await {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Size);
                break;
            }
            Some(Ok(_)) => continue,
            other => panic!("expected close 1009, got {other:?}"),
        }
    }
    // A bad key is refused before the upgrade.
    assert!(
        tokio_tungstenite::connect_async(server.ws_url("sy_client_nope"))
            .await
            .is_err()
    );

    // Graceful shutdown closes streams with 1012.
    server.terminate();
    loop {
        match within("the shutdown close frame", ws.next()).await {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Restart);
                break;
            }
            Some(Ok(_)) => continue,
            other => panic!("expected close 1012, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origins_rate_limits_and_the_bundle() {
    let dir = data_dir();
    let bundle = dir.path().join("switchyard.min.js");
    std::fs::write(&bundle, "window.Switchyard={};").unwrap();
    let server = Switchyard::serve(
        &[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--rate-limit",
            "3",
            "--sdk-bundle",
            bundle.to_str().unwrap(),
        ],
        &[],
    );
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;
    let http = reqwest::Client::new();
    let url = format!("{}/ofrep/v1/evaluate/flags", server.base);

    // An environment with an origin allow-list refuses other origins.
    let (s, _) = admin
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/projects/{}/environments/{}", t.project, t.env),
            Some(json!({"allowedOrigins": ["https://shop.example.com"]})),
        )
        .await;
    assert_eq!(s, 200);
    let mut statuses = Vec::new();
    for origin in ["https://evil.example.com", "https://shop.example.com"] {
        // The environment is reloaded from the bus; wait for the allow-list to apply.
        let mut status = 0;
        for _ in 0..50 {
            status = http
                .post(&url)
                .header("origin", origin)
                .header("x-api-key", &t.client_key)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if (origin.contains("evil") && status == 403)
                || (origin.contains("shop") && status == 200)
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        statuses.push(status);
    }
    assert_eq!(statuses, [403, 200]);

    // Past the per-key rate, 429 with Retry-After.
    let mut limited = None;
    for _ in 0..20 {
        let r = http
            .post(&url)
            .header("x-api-key", &t.server_key)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the per-key rate limit applies");
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );

    // The SDK bundle, with caching headers and an ETag.
    let r = http
        .get(format!("{}/sdk/v1/switchyard.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/javascript")
    );
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(r.text().await.unwrap(), "window.Switchyard={};");
    assert_eq!(
        http.get(format!("{}/sdk/v1/switchyard.js", server.base))
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap()
            .status(),
        304
    );
}
