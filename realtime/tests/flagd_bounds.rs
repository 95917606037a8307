//! Every bound of the flagd listeners, each with a test that fails without it: connections,
//! streams per connection and per key, request size, context size and depth, the key rate and
//! failed authentications, a stream client that never reads, and documents near the
//! environment size limit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flagd;
mod harness;

use flagd::{Flagd, context, with_key};
use harness::within;
use serde_json::{Value, json};
use std::time::Duration;
use switchyard_realtime::flagd::proto::evaluation::ResolveBooleanRequest;
use switchyard_realtime::flagd::proto::sync::flag_sync_service_client::FlagSyncServiceClient;
use switchyard_realtime::flagd::proto::sync::{FetchAllFlagsRequest, SyncFlagsRequest};
use tonic::Code;
use tonic::transport::{Channel, Endpoint};

fn boolean(ctx: Value) -> ResolveBooleanRequest {
    ResolveBooleanRequest {
        flag_key: "bool-flag".into(),
        context: context(ctx),
    }
}

#[tokio::test]
async fn a_connection_over_the_flagd_cap_is_closed() {
    let f = Flagd::start(&["--flagd-max-connections", "1"]).await;
    let mut first = f.eval().await;
    let ok = first
        .resolve_boolean(with_key(boolean(json!({})), &f.t.server_key))
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let second = Endpoint::from_shared(f.grpc_url()).unwrap().connect().await;
    let refused = match second {
        Err(_) => true,
        Ok(ch) => {
            let mut c =
                switchyard_realtime::flagd::proto::evaluation::service_client::ServiceClient::new(
                    ch,
                );
            c.resolve_boolean(with_key(boolean(json!({})), &f.t.server_key))
                .await
                .is_err()
        }
    };
    assert!(refused, "a second connection was served");
}

#[tokio::test]
async fn a_request_message_over_the_cap_is_refused() {
    let f = Flagd::start(&[]).await;
    let big = "x".repeat(100 * 1024);
    let e = f
        .eval()
        .await
        .resolve_boolean(with_key(boolean(json!({"blob": big})), &f.t.server_key))
        .await
        .unwrap_err();
    assert!(
        matches!(e.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_context_over_the_sdk_limit_is_invalid_argument() {
    let f = Flagd::start(&[]).await;
    let big = "x".repeat(9 * 1024);
    let e = f
        .eval()
        .await
        .resolve_boolean(with_key(boolean(json!({"blob": big})), &f.t.server_key))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
}

#[tokio::test]
async fn a_context_nested_too_deep_is_invalid_argument() {
    let f = Flagd::start(&[]).await;
    let mut v = json!(1);
    for _ in 0..20 {
        v = json!({ "a": v });
    }
    let e = f
        .eval()
        .await
        .resolve_boolean(with_key(boolean(v), &f.t.server_key))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
}

#[tokio::test]
async fn a_key_over_its_stream_cap_is_refused_another_sync_stream() {
    let f = Flagd::start(&["--max-streams-per-key", "1"]).await;
    let mut c = f.sync().await;
    let _open = c
        .sync_flags(with_key(SyncFlagsRequest::default(), &f.t.server_key))
        .await
        .unwrap();
    let e = c
        .sync_flags(with_key(SyncFlagsRequest::default(), &f.t.server_key))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
}

#[tokio::test]
async fn a_connection_holds_no_more_streams_than_its_cap() {
    let f = Flagd::start(&["--flagd-streams-per-connection", "1"]).await;
    let ch = f.channel().await;
    let mut c = FlagSyncServiceClient::new(ch.clone());
    let _open = c
        .sync_flags(with_key(SyncFlagsRequest::default(), &f.t.server_key))
        .await
        .unwrap();
    let mut req = with_key(FetchAllFlagsRequest::default(), &f.t.server_key);
    req.set_timeout(Duration::from_secs(1));
    let waited = FlagSyncServiceClient::new(ch).fetch_all_flags(req).await;
    assert!(waited.is_err(), "a second call ran beside the stream");
    let fresh = f
        .sync()
        .await
        .fetch_all_flags(with_key(FetchAllFlagsRequest::default(), &f.t.server_key))
        .await;
    assert!(fresh.is_ok(), "{fresh:?}");
}

#[tokio::test]
async fn a_key_over_its_rate_is_resource_exhausted() {
    let f = Flagd::start(&["--rate-limit", "1"]).await;
    let mut c = f.eval().await;
    let mut codes = Vec::new();
    for _ in 0..6 {
        let r = c
            .resolve_boolean(with_key(boolean(json!({})), &f.t.server_key))
            .await;
        codes.push(r.err().map(|e| e.code()));
    }
    assert!(codes.contains(&Some(Code::ResourceExhausted)), "{codes:?}");
}

#[tokio::test]
async fn an_address_past_its_failed_authentications_is_refused_even_a_good_key() {
    let f = Flagd::start(&["--failed-auth-per-minute", "2"]).await;
    let mut c = f.eval().await;
    let wrong = format!("sy_server_{}", "2".repeat(64));
    for _ in 0..3 {
        let _ = c
            .resolve_boolean(with_key(boolean(json!({})), &wrong))
            .await;
    }
    let e = c
        .resolve_boolean(with_key(boolean(json!({})), &f.t.server_key))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
}

/// A flag whose targeting is about `bytes` long.
fn heavy_flag(bytes: usize) -> Value {
    let ids: Vec<String> = (0..bytes / 12).map(|i| format!("user-{i:05}")).collect();
    json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
        "targeting": {"if": [{"in": [{"var": "targetingKey"}, ids]}, "on", null]}})
}

#[tokio::test]
async fn a_sync_stream_that_never_reads_gets_only_the_latest_document_when_it_does() {
    let f = Flagd::start(&[]).await;
    let mut doc = flagd::document();
    doc["flags"]["heavy"] = heavy_flag(200 * 1024);
    f.import(doc).await;
    // A client with small flow-control windows: the server can send it little at a time.
    let ch: Channel = Endpoint::from_shared(f.grpc_url())
        .unwrap()
        .initial_stream_window_size(Some(65_535))
        .initial_connection_window_size(Some(65_535))
        .connect()
        .await
        .unwrap();
    let mut s = FlagSyncServiceClient::new(ch)
        .max_decoding_message_size(16 << 20)
        .sync_flags(with_key(SyncFlagsRequest::default(), &f.t.server_key))
        .await
        .unwrap()
        .into_inner();
    let changes = 20;
    for i in 0..changes {
        f.set_enabled("bool-flag", i % 2 == 1).await;
    }
    // Last change: bool-flag enabled (i = 19 is odd).
    let mut received = 0;
    loop {
        let m = within("a document", s.message()).await.unwrap().unwrap();
        received += 1;
        let d: Value = serde_json::from_str(&m.flag_configuration).unwrap();
        if d["flags"]["bool-flag"]["state"] == "ENABLED"
            && d["metadata"]["revision"].as_u64() >= Some(changes)
        {
            break;
        }
        assert!(received <= changes as usize + 1, "never saw the latest");
    }
    assert!(
        received < 6,
        "{received} documents queued for a client that did not read (changes coalesce)"
    );
}

#[tokio::test]
async fn a_document_near_the_environment_size_limit_arrives_whole() {
    let f = Flagd::start(&[]).await;
    // Two imports: one request body is capped at 1 MiB, the environment at 2 MiB.
    for half in 0..2 {
        let mut doc = json!({"flags": {}});
        for i in 0..4 {
            doc["flags"][format!("heavy-{half}-{i}")] = heavy_flag(225 * 1024);
        }
        f.import(doc).await;
    }
    let r = f
        .sync()
        .await
        .fetch_all_flags(with_key(FetchAllFlagsRequest::default(), &f.t.server_key))
        .await
        .unwrap()
        .into_inner();
    assert!(
        r.flag_configuration.len() > 1_700_000,
        "{}",
        r.flag_configuration.len()
    );
    let d: Value = serde_json::from_str(&r.flag_configuration).unwrap();
    assert_eq!(d["flags"].as_object().unwrap().len(), 18);
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    use tokio::io::AsyncReadExt;
    let f = Flagd::start(&["--header-read-timeout-secs", "1"]).await;
    let mut idle = tokio::net::TcpStream::connect(("127.0.0.1", f.grpc_port))
        .await
        .unwrap();
    // The server's own SETTINGS frame may come first; then the connection must end.
    let mut buf = Vec::new();
    let read = within("the idle connection is closed", idle.read_to_end(&mut buf)).await;
    assert!(buf.len() < 100, "{read:?}: {} bytes", buf.len());
}
