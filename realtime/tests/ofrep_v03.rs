//! OFREP 0.3.0 against a real `switchyard serve`: event streams given as a request URI, notices
//! with ids and `Last-Event-ID` resume, refetches with `flagConfigEtag`, and the code-default
//! result (ADR-0006) of a flag without a default variant. One behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, Sse};
use serde_json::{Value, json};

impl Fixture {
    /// A bulk evaluation with the client key, a query, and perhaps an `If-None-Match`.
    async fn bulk_with(&self, query: &str, etag: Option<&str>) -> reqwest::Response {
        let mut r = self
            .http
            .post(self.url(&format!("/ofrep/v1/evaluate/flags{query}")))
            .header("x-api-key", &self.t.client_key)
            .json(&json!({"context": {"plan": "pro"}}));
        if let Some(tag) = etag {
            r = r.header("if-none-match", tag);
        }
        r.send().await.unwrap()
    }

    /// The current revision and bulk ETag.
    async fn current(&self) -> (u64, String) {
        let r = self.bulk_with("", None).await;
        let tag = r.headers()["etag"].to_str().unwrap().to_owned();
        let b: Value = r.json().await.unwrap();
        (b["metadata"]["revision"].as_u64().unwrap(), tag)
    }

    /// The OFREP event stream, with `Last-Event-ID` when given.
    async fn ofrep_events(&self, last_event_id: Option<&str>) -> Sse {
        let mut r = self
            .http
            .get(self.url(&format!("/ofrep/v1/events?key={}", self.t.client_key)));
        if let Some(id) = last_event_id {
            r = r.header("last-event-id", id);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200);
        Sse::new(r)
    }

    /// Adds flag `quiet` (on / off) with no default variant: on for plan=pro, nothing otherwise.
    async fn flag_without_default(&self) {
        let (project, env) = (&self.t.project, &self.t.env);
        let (s, b) = self.admin.call(reqwest::Method::POST, &format!("/api/v1/projects/{project}/flags"),
            Some(json!({"key": "quiet", "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]}))).await;
        assert_eq!(s, 201, "{b}");
        let targeting = json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on", null]});
        let (s, b) = self.admin.call(reqwest::Method::PUT, &format!("/api/v1/projects/{project}/environments/{env}/flags/quiet"),
            Some(json!({"enabled": true, "defaultVariant": null, "targeting": targeting, "version": 0}))).await;
        assert_eq!(s, 200, "{b}");
    }
}

/// The data of the next notice, and its id.
async fn next_notice(events: &mut Sse) -> (Option<String>, Value) {
    let e = events.next_message().await;
    assert_eq!(e.event, "message");
    (e.id, serde_json::from_str(&e.data).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_is_given_as_a_request_uri_with_an_inactivity_delay() {
    let f = Fixture::start().await;
    let b: Value = f.bulk_with("", None).await.json().await.unwrap();
    let stream = &b["eventStreams"][0];
    assert_eq!(stream["type"], "sse");
    assert_eq!(
        stream["endpoint"]["requestUri"],
        format!("/ofrep/v1/events?key={}", f.t.client_key)
    );
    assert!(stream["endpoint"].get("origin").is_none(), "{stream}");
    assert!(
        stream.get("url").is_none(),
        "clients take url first: {stream}"
    );
    assert_eq!(stream["inactivityDelaySec"], 120);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_notice_carries_the_revision_as_its_id_and_its_config_etag() {
    let f = Fixture::start().await;
    let (revision, _) = f.current().await;
    let mut events = f.ofrep_events(None).await;
    f.flip().await;
    let (id, data) = next_notice(&mut events).await;
    let next = revision + 1;
    assert_eq!(id, Some(next.to_string()));
    assert_eq!(
        data,
        json!({"type": "refetchEvaluation", "etag": format!("\"{next}\"")})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_with_an_older_last_event_id_gets_a_notice_at_once() {
    let f = Fixture::start().await;
    let (revision, _) = f.current().await;
    let mut events = f.ofrep_events(Some(&(revision - 1).to_string())).await;
    let (id, data) = next_notice(&mut events).await;
    assert_eq!(id, Some(revision.to_string()));
    assert_eq!(data["type"], "refetchEvaluation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_with_the_current_last_event_id_gets_nothing_until_a_change() {
    let f = Fixture::start().await;
    let (revision, _) = f.current().await;
    let mut events = f.ofrep_events(Some(&revision.to_string())).await;
    f.flip().await;
    let (id, _) = next_notice(&mut events).await;
    assert_eq!(
        id,
        Some((revision + 1).to_string()),
        "the first notice is the change"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_last_event_id_we_cannot_read_gets_a_notice_at_once() {
    let f = Fixture::start().await;
    let (revision, _) = f.current().await;
    let mut events = f.ofrep_events(Some("evt-from-elsewhere")).await;
    let (id, _) = next_notice(&mut events).await;
    assert_eq!(id, Some(revision.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refetch_naming_the_current_config_keeps_conditional_requests() {
    let f = Fixture::start().await;
    let (revision, tag) = f.current().await;
    let q = format!("?flagConfigEtag=%22{revision}%22&flagConfigLastModified=1771622898");
    let r = f.bulk_with(&q, Some(&tag)).await;
    assert_eq!(r.status(), 304);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refetch_naming_another_config_is_answered_in_full_despite_a_matching_etag() {
    let f = Fixture::start().await;
    let (revision, tag) = f.current().await;
    let q = format!("?flagConfigEtag=%22{}%22", revision + 5);
    let r = f.bulk_with(&q, Some(&tag)).await;
    assert_eq!(r.status(), 200, "a 304 would confirm what the client had");
    assert_eq!(
        r.headers()["etag"].to_str().unwrap(),
        tag,
        "the current config"
    );
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["metadata"]["revision"], revision);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refetch_metadata_from_another_server_is_ignored() {
    let f = Fixture::start().await;
    let (_, tag) = f.current().await;
    let q = "?flagConfigEtag=abc123&flagConfigLastModified=Thu,%2020%20Feb%202026%2021:28:18%20GMT";
    assert_eq!(f.bulk_with(q, Some(&tag)).await.status(), 304);
    assert_eq!(f.bulk_with(q, None).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_refetch_query_is_400_in_the_error_shape() {
    let f = Fixture::start().await;
    let r = f
        .bulk_with("?flagConfigEtag=1&flagConfigEtag=2", None)
        .await;
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errorCode"], "GENERAL", "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisions_a_client_names_read_the_store_at_most_once_per_period() {
    let f = Fixture::start().await;
    for _ in 0..20 {
        let r = f.bulk_with("?flagConfigEtag=%22999999%22", None).await;
        assert_eq!(r.status(), 200);
    }
    let reads = f.metric("switchyard_ofrep_catch_ups_total").await;
    assert!(
        (1.0..=3.0).contains(&reads),
        "{reads} store reads for 20 refetches"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_without_a_default_variant_that_matched_nothing_answers_without_a_value() {
    let f = Fixture::start().await;
    f.flag_without_default().await;
    let r = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags/quiet"))
        .header("x-api-key", &f.t.server_key)
        .json(&json!({"context": {"plan": "free"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["key"], "quiet");
    assert_eq!(b["reason"], "DEFAULT");
    for absent in ["value", "variant", "errorCode"] {
        assert!(b.get(absent).is_none(), "{absent} in {b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_lists_a_flag_without_a_default_variant_without_a_value() {
    let f = Fixture::start().await;
    f.flag_without_default().await;
    let r = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags"))
        .header("x-api-key", &f.t.client_key)
        .json(&json!({"context": {"plan": "free"}}))
        .send()
        .await
        .unwrap();
    let b: Value = r.json().await.unwrap();
    let quiet = b["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "quiet")
        .unwrap();
    assert_eq!(quiet["reason"], "DEFAULT");
    assert!(quiet.get("value").is_none(), "{quiet}");
}
