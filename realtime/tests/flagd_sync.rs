//! `flagd.sync.v1.FlagSyncService` against a running `switchyard serve`, through a client
//! generated from flagd's protos: the document at connect and after every change, the static
//! sync context, and authentication by a server key carried as the flagd selector.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flagd;
mod harness;

use flagd::{Flagd, with_key};
use harness::within;
use serde_json::Value;
use switchyard_realtime::flagd::proto::sync::{
    FetchAllFlagsRequest, GetMetadataRequest, SyncFlagsRequest, SyncFlagsResponse,
};
use tonic::{Code, Streaming};

fn doc(r: &SyncFlagsResponse) -> Value {
    serde_json::from_str(&r.flag_configuration).unwrap()
}

async fn open(f: &Flagd, key: &str) -> Streaming<SyncFlagsResponse> {
    f.sync()
        .await
        .sync_flags(with_key(SyncFlagsRequest::default(), key))
        .await
        .expect("the stream opens")
        .into_inner()
}

async fn next(s: &mut Streaming<SyncFlagsResponse>) -> SyncFlagsResponse {
    within("a sync message", s.message())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn sync_flags_sends_the_environment_document_at_connect() {
    let f = Flagd::start(&[]).await;
    let mut s = open(&f, &f.t.server_key).await;
    let d = doc(&next(&mut s).await);
    assert_eq!(d["flags"]["bool-flag"]["defaultVariant"], "on", "{d}");
    assert_eq!(d["flags"]["disabled-flag"]["state"], "DISABLED");
    assert_eq!(d["metadata"]["flagSetId"], f.t.env.as_str(), "{d}");
}

#[tokio::test]
async fn sync_flags_sends_the_new_document_after_a_change() {
    let f = Flagd::start(&[]).await;
    let mut s = open(&f, &f.t.server_key).await;
    next(&mut s).await;
    f.set_enabled("bool-flag", false).await;
    let d = doc(&next(&mut s).await);
    assert_eq!(d["flags"]["bool-flag"]["state"], "DISABLED", "{d}");
}

#[tokio::test]
async fn sync_flags_carries_the_static_context_as_sync_context() {
    let f = Flagd::start(&["--flagd-context-value", "region=eu"]).await;
    let mut s = open(&f, &f.t.server_key).await;
    let ctx = next(&mut s).await.sync_context.unwrap();
    let ctx = switchyard_realtime::flagd::structs::to_json(&ctx).unwrap();
    assert_eq!(ctx["region"], "eu");
}

#[tokio::test]
async fn sync_flags_refuses_a_wrong_key_as_unauthenticated() {
    let f = Flagd::start(&[]).await;
    let wrong = format!("sy_server_{}", "0".repeat(64));
    let e = f
        .sync()
        .await
        .sync_flags(with_key(SyncFlagsRequest::default(), &wrong))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Unauthenticated, "{e:?}");
}

#[tokio::test]
async fn sync_flags_without_a_key_is_unauthenticated() {
    let f = Flagd::start(&[]).await;
    let e = f
        .sync()
        .await
        .sync_flags(SyncFlagsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Unauthenticated, "{e:?}");
}

#[tokio::test]
async fn sync_flags_refuses_a_client_key_as_permission_denied() {
    let f = Flagd::start(&[]).await;
    let e = f
        .sync()
        .await
        .sync_flags(with_key(SyncFlagsRequest::default(), &f.t.client_key))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied, "{e:?}");
}

#[tokio::test]
async fn the_deprecated_selector_field_carries_the_key_too() {
    let f = Flagd::start(&[]).await;
    let req = SyncFlagsRequest {
        provider_id: String::new(),
        selector: f.t.server_key.clone(),
    };
    let mut s = f.sync().await.sync_flags(req).await.unwrap().into_inner();
    assert!(doc(&next(&mut s).await)["flags"]["bool-flag"].is_object());
}

#[tokio::test]
async fn bearer_metadata_carries_the_key_too() {
    let f = Flagd::start(&[]).await;
    let mut req = tonic::Request::new(FetchAllFlagsRequest::default());
    req.metadata_mut().insert(
        "authorization",
        format!("Bearer {}", f.t.server_key).parse().unwrap(),
    );
    let r = f.sync().await.fetch_all_flags(req).await.unwrap();
    let d: Value = serde_json::from_str(&r.into_inner().flag_configuration).unwrap();
    assert!(d["flags"]["int-flag"].is_object(), "{d}");
}

#[tokio::test]
async fn a_revoked_key_ends_an_open_sync_stream() {
    let f = Flagd::start(&[]).await;
    let (key, id) = f.server_key().await;
    let mut s = open(&f, &key).await;
    next(&mut s).await;
    f.revoke(&id).await;
    let end = within("the stream ends", s.message()).await;
    assert_eq!(end.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn fetch_all_flags_answers_the_document() {
    let f = Flagd::start(&[]).await;
    let r = f
        .sync()
        .await
        .fetch_all_flags(with_key(FetchAllFlagsRequest::default(), &f.t.server_key))
        .await
        .unwrap();
    let d: Value = serde_json::from_str(&r.into_inner().flag_configuration).unwrap();
    assert_eq!(
        d["flags"]["string-flag"]["variants"]["greeting"], "hi",
        "{d}"
    );
}

#[tokio::test]
async fn get_metadata_answers_the_static_context_without_a_key() {
    let f = Flagd::start(&["--flagd-context-value", "region=eu"]).await;
    let r = f
        .sync()
        .await
        .get_metadata(GetMetadataRequest {})
        .await
        .unwrap();
    let m = switchyard_realtime::flagd::structs::to_json(&r.into_inner().metadata.unwrap());
    assert_eq!(m.unwrap()["region"], "eu");
}

#[tokio::test]
async fn a_sync_stream_outlives_the_request_timeout() {
    let f = Flagd::start(&["--request-timeout-secs", "1"]).await;
    let mut s = open(&f, &f.t.server_key).await;
    next(&mut s).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    f.set_enabled("bool-flag", false).await;
    let d = doc(&next(&mut s).await);
    assert_eq!(d["flags"]["bool-flag"]["state"], "DISABLED", "{d}");
}
