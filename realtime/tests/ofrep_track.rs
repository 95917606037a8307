//! `POST /ofrep/v1/track` (open-feature/protocol#71) against a real `switchyard serve`: it feeds
//! the analytics intake with its rules and drops, authenticates like OFREP, and bounds what it
//! reads. One behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::Fixture;
use serde_json::{Value, json};

impl Fixture {
    async fn track(&self, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url("/ofrep/v1/track"))
            .header("x-api-key", &self.t.client_key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn count_custom_events(&self) {
        let path = format!(
            "/api/v1/projects/{}/environments/{}",
            self.t.project, self.t.env
        );
        let (s, b) = self
            .admin
            .call(
                reqwest::Method::PATCH,
                &path,
                Some(json!({"customEvents": true})),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }

    async fn metrics_text(&self) -> String {
        let r = self.http.get(self.url("/metrics")).send().await.unwrap();
        r.text().await.unwrap()
    }
}

fn one(name: &str) -> Value {
    json!({"events": [{"trackingEventName": name, "context": {"targetingKey": "u1"},
        "trackingEventDetails": {"value": 9.99, "currency": "EUR"}}]})
}

/// The error body of a refused batch.
async fn refused(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracked_event_counts_as_a_custom_event() {
    let f = Fixture::start().await;
    f.count_custom_events().await;
    assert_eq!(f.track(&one("checkout")).await.status(), 202);
    assert_eq!(f.metric("switchyard_analytics_counters").await, 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracked_events_are_dropped_and_counted_where_custom_events_are_off() {
    let f = Fixture::start().await;
    assert_eq!(f.track(&one("checkout")).await.status(), 202);
    assert!(
        f.metrics_text()
            .await
            .contains(r#"switchyard_analytics_dropped_total{reason="custom_events_off"} 1"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_without_a_key_is_401_and_a_key_in_the_url_is_no_key() {
    let f = Fixture::start().await;
    let r = f
        .http
        .post(f.url(&format!("/ofrep/v1/track?key={}", f.t.client_key)))
        .json(&one("checkout"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_server_key_may_track() {
    let f = Fixture::start().await;
    let r = f
        .http
        .post(f.url("/ofrep/v1/track"))
        .bearer_auth(&f.t.server_key)
        .json(&one("checkout"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_is_not_one_is_400_in_the_error_shape() {
    let f = Fixture::start().await;
    let b = refused(f.track(&json!({"trackingEventName": "x"})).await, 400).await;
    assert_eq!(b["errorCode"], "GENERAL");
    assert!(
        b["errorDetails"].as_str().unwrap().contains("events"),
        "{b}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_thousand_events_are_400() {
    let f = Fixture::start().await;
    let events: Vec<Value> = (0..1001)
        .map(|_| json!({"trackingEventName": "e"}))
        .collect();
    let b = refused(f.track(&json!({"events": events})).await, 400).await;
    assert!(b["errorDetails"].as_str().unwrap().contains("1000"), "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_name_over_128_characters_is_400() {
    let f = Fixture::start().await;
    let b = refused(f.track(&one(&"n".repeat(129))).await, 400).await;
    assert!(
        b["errorDetails"]
            .as_str()
            .unwrap()
            .contains("trackingEventName"),
        "{b}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_over_the_limit_is_400_invalid_context() {
    let f = Fixture::start().await;
    let big = "x".repeat(9 * 1024);
    let body = json!({"events": [{"trackingEventName": "e", "context": {"blob": big}}]});
    let b = refused(f.track(&body).await, 400).await;
    assert_eq!(b["errorCode"], "INVALID_CONTEXT", "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_that_is_not_a_number_is_400() {
    let f = Fixture::start().await;
    let body =
        json!({"events": [{"trackingEventName": "e", "trackingEventDetails": {"value": "9.99"}}]});
    let b = refused(f.track(&body).await, 400).await;
    assert!(b["errorDetails"].as_str().unwrap().contains("value"), "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_size_limit_is_413() {
    let f = Fixture::start().await;
    let body = json!({"events": [{"trackingEventName": "e",
        "trackingEventDetails": {"note": "x".repeat(40 * 1024)}}]});
    assert_eq!(f.track(&body).await.status(), 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_event_counts_nothing_of_its_batch() {
    let f = Fixture::start().await;
    f.count_custom_events().await;
    let body = json!({"events": [{"trackingEventName": "good"}, {"trackingEventName": ""}]});
    assert_eq!(f.track(&body).await.status(), 400);
    assert_eq!(f.metric("switchyard_analytics_counters").await, 0.0);
}
