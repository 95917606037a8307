//! `flagd.evaluation.v1.Service` against a running `switchyard serve`: typed resolves with every
//! reason, flagd's error statuses, `ResolveAll`, and `EventStream` (ready, changes with the
//! changed keys, only for connections that proved a key).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flagd;
mod harness;

use flagd::{Flagd, context, with_key};
use harness::within;
use serde_json::json;
use switchyard_realtime::flagd::proto::evaluation::service_client::ServiceClient;
use switchyard_realtime::flagd::proto::evaluation::{
    EventStreamRequest, EventStreamResponse, ResolveAllRequest, ResolveBooleanRequest,
    ResolveFloatRequest, ResolveIntRequest, ResolveObjectRequest, ResolveStringRequest,
};
use switchyard_realtime::flagd::structs;
use tonic::Code;
use tonic::transport::Channel;

fn boolean(key: &str) -> ResolveBooleanRequest {
    ResolveBooleanRequest {
        flag_key: key.into(),
        context: None,
    }
}

async fn resolve_bool(
    c: &mut ServiceClient<Channel>,
    key: &str,
    api_key: &str,
) -> Result<(bool, String, String), tonic::Status> {
    let r = c.resolve_boolean(with_key(boolean(key), api_key)).await?;
    let r = r.into_inner();
    Ok((r.value, r.variant, r.reason))
}

#[tokio::test]
async fn every_type_resolves_with_its_value_variant_and_reason() {
    let f = Flagd::start(&[]).await;
    let mut c = f.eval().await;
    let k = &f.t.server_key;
    let b = resolve_bool(&mut c, "bool-flag", k).await.unwrap();
    assert_eq!(b, (true, "on".into(), "STATIC".into()));
    let s = c
        .resolve_string(with_key(
            ResolveStringRequest {
                flag_key: "string-flag".into(),
                context: None,
            },
            k,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((s.value.as_str(), s.variant.as_str()), ("hi", "greeting"));
    let i = c
        .resolve_int(with_key(
            ResolveIntRequest {
                flag_key: "int-flag".into(),
                context: None,
            },
            k,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((i.value, i.variant.as_str()), (10, "ten"));
    let fl = c
        .resolve_float(with_key(
            ResolveFloatRequest {
                flag_key: "float-flag".into(),
                context: None,
            },
            k,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fl.value, 0.5);
    let o = c
        .resolve_object(with_key(
            ResolveObjectRequest {
                flag_key: "object-flag".into(),
                context: None,
            },
            k,
        ))
        .await
        .unwrap()
        .into_inner();
    let o = structs::to_json(&o.value.unwrap()).unwrap();
    assert_eq!(serde_json::Value::Object(o), json!({"color": "red"}));
}

#[tokio::test]
async fn targeting_resolves_with_the_request_context() {
    let f = Flagd::start(&[]).await;
    let req = ResolveStringRequest {
        flag_key: "targeted-flag".into(),
        context: context(json!({"plan": "pro"})),
    };
    let r = f
        .eval()
        .await
        .resolve_string(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    let r = r.into_inner();
    assert_eq!(
        (r.value.as_str(), r.reason.as_str()),
        ("yes", "TARGETING_MATCH")
    );
}

#[tokio::test]
async fn a_fractional_split_resolves_with_reason_split() {
    let f = Flagd::start(&[]).await;
    let req = ResolveStringRequest {
        flag_key: "split-flag".into(),
        context: context(json!({"targetingKey": "user-1"})),
    };
    let r = f
        .eval()
        .await
        .resolve_string(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    assert_eq!(r.into_inner().reason, "SPLIT");
}

#[tokio::test]
async fn the_static_context_is_merged_under_the_request_context() {
    let f = Flagd::start(&["--flagd-context-value", "plan=pro"]).await;
    let mut c = f.eval().await;
    let req = ResolveStringRequest {
        flag_key: "targeted-flag".into(),
        context: None,
    };
    let r = c
        .resolve_string(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    assert_eq!(r.into_inner().value, "yes");
    let req = ResolveStringRequest {
        flag_key: "targeted-flag".into(),
        context: context(json!({"plan": "free"})),
    };
    let r = c
        .resolve_string(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    assert_eq!(r.into_inner().value, "no", "the request's context wins");
}

#[tokio::test]
async fn a_disabled_flag_answers_reason_disabled_and_no_variant() {
    let f = Flagd::start(&[]).await;
    let r = resolve_bool(&mut f.eval().await, "disabled-flag", &f.t.server_key).await;
    assert_eq!(r.unwrap(), (false, String::new(), "DISABLED".into()));
}

#[tokio::test]
async fn a_flag_without_a_default_variant_answers_the_code_default() {
    let f = Flagd::start(&[]).await;
    let r = resolve_bool(&mut f.eval().await, "no-default-flag", &f.t.server_key).await;
    assert_eq!(r.unwrap(), (false, String::new(), "DEFAULT".into()));
}

#[tokio::test]
async fn an_unknown_flag_is_not_found() {
    let f = Flagd::start(&[]).await;
    let e = resolve_bool(&mut f.eval().await, "nope", &f.t.server_key).await;
    assert_eq!(e.unwrap_err().code(), Code::NotFound);
}

#[tokio::test]
async fn the_wrong_type_is_invalid_argument() {
    let f = Flagd::start(&[]).await;
    let e = resolve_bool(&mut f.eval().await, "string-flag", &f.t.server_key).await;
    let e = e.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("TYPE_MISMATCH"), "{e:?}");
}

#[tokio::test]
async fn a_resolve_with_a_wrong_key_is_unauthenticated() {
    let f = Flagd::start(&[]).await;
    let wrong = format!("sy_server_{}", "1".repeat(64));
    let e = resolve_bool(&mut f.eval().await, "bool-flag", &wrong).await;
    assert_eq!(e.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn resolve_all_answers_every_flag_with_a_value() {
    let f = Flagd::start(&[]).await;
    let req = ResolveAllRequest {
        context: context(json!({"targetingKey": "u"})),
    };
    let r = f
        .eval()
        .await
        .resolve_all(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    let r = r.into_inner();
    assert_eq!(r.flags["int-flag"].reason, "STATIC");
    assert!(r.flags.contains_key("object-flag"));
    assert!(!r.flags.contains_key("disabled-flag"), "no value, left out");
    assert!(
        !r.flags.contains_key("no-default-flag"),
        "the code default, left out"
    );
    let meta = structs::to_json(&r.metadata.unwrap()).unwrap();
    assert_eq!(meta["flagSetId"], f.t.env.as_str());
}

async fn event(s: &mut tonic::Streaming<EventStreamResponse>) -> EventStreamResponse {
    within("an event", s.message()).await.unwrap().unwrap()
}

#[tokio::test]
async fn event_stream_sends_provider_ready_at_once() {
    let f = Flagd::start(&[]).await;
    let mut s = f
        .eval()
        .await
        .event_stream(EventStreamRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(event(&mut s).await.r#type, "provider_ready");
}

#[tokio::test]
async fn event_stream_names_the_changed_flag_once_its_connection_proved_a_key() {
    let f = Flagd::start(&[]).await;
    let mut c = f.eval().await;
    // As the official providers do: the stream carries no metadata; the resolves do.
    let mut s = c
        .event_stream(EventStreamRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(event(&mut s).await.r#type, "provider_ready");
    resolve_bool(&mut c, "bool-flag", &f.t.server_key)
        .await
        .unwrap();
    f.set_enabled("bool-flag", false).await;
    let e = event(&mut s).await;
    assert_eq!(e.r#type, "configuration_change");
    let data = structs::to_json(&e.data.unwrap()).unwrap();
    assert_eq!(data["flags"]["bool-flag"]["type"], "update", "{data:?}");
    assert_eq!(data["flags"].as_object().unwrap().len(), 1, "{data:?}");
}

#[tokio::test]
async fn an_event_stream_whose_connection_proved_no_key_learns_of_no_change() {
    let f = Flagd::start(&["--flagd-keep-alive-secs", "1"]).await;
    let mut s = f
        .eval()
        .await
        .event_stream(EventStreamRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(event(&mut s).await.r#type, "provider_ready");
    // Another connection proves the key and the environment changes.
    resolve_bool(&mut f.eval().await, "bool-flag", &f.t.server_key)
        .await
        .unwrap();
    f.set_enabled("bool-flag", false).await;
    for _ in 0..2 {
        assert_eq!(event(&mut s).await.r#type, "keep_alive");
    }
}

#[tokio::test]
async fn an_event_stream_with_its_own_key_follows_its_environment() {
    let f = Flagd::start(&[]).await;
    let mut s = f
        .eval()
        .await
        .event_stream(with_key(EventStreamRequest {}, &f.t.server_key))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(event(&mut s).await.r#type, "provider_ready");
    f.set_enabled("int-flag", false).await;
    let e = event(&mut s).await;
    assert_eq!(e.r#type, "configuration_change");
}

#[tokio::test]
async fn a_revoked_key_ends_its_event_stream() {
    let f = Flagd::start(&[]).await;
    let (key, id) = f.server_key().await;
    let mut s = f
        .eval()
        .await
        .event_stream(with_key(EventStreamRequest {}, &key))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(event(&mut s).await.r#type, "provider_ready");
    f.revoke(&id).await;
    let end = within("the stream ends", s.message()).await;
    assert_eq!(end.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn v2_says_use_the_code_default_with_no_value_and_no_variant() {
    use switchyard_realtime::flagd::proto::evaluation_v2 as v2;
    let f = Flagd::start(&[]).await;
    let mut c = v2::service_client::ServiceClient::new(f.channel().await);
    let req = v2::ResolveBooleanRequest {
        flag_key: "disabled-flag".into(),
        context: None,
    };
    let r = c
        .resolve_boolean(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    let r = r.into_inner();
    assert_eq!(
        (r.value, r.variant, r.reason.as_str()),
        (None, None, "DISABLED")
    );
    let req = v2::ResolveBooleanRequest {
        flag_key: "bool-flag".into(),
        context: None,
    };
    let r = c
        .resolve_boolean(with_key(req, &f.t.server_key))
        .await
        .unwrap();
    assert_eq!(r.into_inner().value, Some(true));
}
