//! The flagd document, analytics intake, the SDK bundle, health and metrics, against a real
//! `switchyard serve`; one behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::Fixture;
use serde_json::{Value, json};

impl Fixture {
    async fn flagd(&self, key: &str, etag: Option<&str>) -> reqwest::Response {
        let mut r = self
            .http
            .get(self.url("/sdk/v1/flagd.json"))
            .header("x-api-key", key);
        if let Some(tag) = etag {
            r = r.header("if-none-match", tag);
        }
        r.send().await.unwrap()
    }

    async fn events(&self, body: Value) -> u16 {
        self.http
            .post(self.url("/sdk/v1/events"))
            .header("x-api-key", &self.t.client_key)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn text(&self, path: &str) -> String {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flagd_document_is_served_to_server_keys_with_an_etag() {
    let f = Fixture::start().await;
    let r = f.flagd(&f.t.server_key, None).await;
    assert_eq!(r.status(), 200);
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        r.json::<Value>().await.unwrap()["flags"]["beta"]["state"],
        "ENABLED"
    );
    assert_eq!(f.flagd(&f.t.server_key, Some(&tag)).await.status(), 304);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flagd_document_is_403_for_client_keys() {
    let f = Fixture::start().await;
    let r = f.flagd(&f.t.client_key, None).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.bytes().await.unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_batches_are_accepted() {
    let f = Fixture::start().await;
    let batch = json!({"evaluations": [{"flag": "beta", "variant": "on", "count": 3}], "events": [{"name": "checkout"}]});
    assert_eq!(f.events(batch.clone()).await, 202);
    // sendBeacon cannot set headers: the key comes in the URL.
    let r = f
        .http
        .post(f.url(&format!("/sdk/v1/events?key={}", f.t.client_key)))
        .header("content-type", "text/plain")
        .body(batch.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_analytics_batch_is_400() {
    let f = Fixture::start().await;
    assert_eq!(
        f.events(json!({"evaluations": [{"flag": "beta", "count": 0}]}))
            .await,
        400
    );
    assert_eq!(f.events(json!({"nonsense": true})).await, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_need_a_key() {
    let f = Fixture::start().await;
    let r = f
        .http
        .post(f.url("/sdk/v1/events"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer() {
    let f = Fixture::start().await;
    assert_eq!(f.text("/healthz").await, "ok");
    let ready: serde_json::Value = serde_json::from_str(&f.text("/readyz").await).unwrap();
    assert_eq!(ready["ready"], true, "{ready}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_prometheus_text() {
    let f = Fixture::start().await;
    f.http
        .post(f.url("/ofrep/v1/evaluate/flags"))
        .header("x-api-key", &f.t.client_key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(f.metric("switchyard_evaluations_total").await >= 1.0);
    assert_eq!(f.metric("switchyard_connections").await, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_says_what_it_is() {
    let f = Fixture::start().await;
    assert!(f.text("/").await.contains("Switchyard"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_bundle_is_served_with_caching_and_an_etag() {
    let f = Fixture::with_args(&["--sdk-bundle", "{dir}/switchyard.min.js"]).await;
    let bundle = f.url("/sdk/v1/switchyard.js");
    assert_eq!(
        f.http.get(&bundle).send().await.unwrap().status(),
        404,
        "not built yet"
    );
    let dir = f.data_dir();
    std::fs::write(dir.join("switchyard.min.js"), "window.Switchyard={};").unwrap();
    let r = f.http.get(&bundle).send().await.unwrap();
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
    let again = f
        .http
        .get(&bundle)
        .header("if-none-match", tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}
