//! OFREP (single and bulk evaluation, ETags, CORS, event streams) and the key checks every SDK
//! request goes through, against a real `switchyard serve`; one behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Client, Fixture, Sse, within};
use serde_json::{Value, json};

impl Fixture {
    async fn ofrep(&self, path: &str, key: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/ofrep/v1/evaluate/flags{path}")))
            .header("x-api-key", key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn bulk(&self, context: Value, etag: Option<&str>) -> reqwest::Response {
        let mut r = self
            .http
            .post(self.url("/ofrep/v1/evaluate/flags"))
            .header("x-api-key", &self.t.client_key)
            .json(&json!({"context": context}));
        if let Some(tag) = etag {
            r = r.header("if-none-match", tag);
        }
        r.send().await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_flag_is_evaluated_for_a_context() {
    let f = Fixture::start().await;
    let r = f
        .ofrep(
            "/beta",
            &f.t.client_key,
            json!({"context": {"plan": "pro"}}),
        )
        .await;
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
    assert!(b["metadata"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_key_works_and_an_unknown_flag_is_404() {
    let f = Fixture::start().await;
    let r = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags/nope"))
        .bearer_auth(&f.t.client_key)
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_is_400_parse_error() {
    let f = Fixture::start().await;
    for path in ["/beta", ""] {
        let r = f
            .http
            .post(f.url(&format!("/ofrep/v1/evaluate/flags{path}")))
            .header("x-api-key", &f.t.client_key)
            .body("{oops")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], "PARSE_ERROR");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_that_is_not_an_object_is_400_invalid_context() {
    let f = Fixture::start().await;
    let r = f
        .ofrep("/beta", &f.t.client_key, json!({"context": [1]}))
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errorCode"],
        "INVALID_CONTEXT"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_wrong_key_is_401_without_a_body() {
    let f = Fixture::start().await;
    let none = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags/beta"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let wrong = f.ofrep("/beta", "sy_client_wrong", json!({})).await;
    for r in [none, wrong] {
        assert_eq!(r.status(), 401);
        assert_eq!(r.bytes().await.unwrap().len(), 0, "OFREP: 401 has no body");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_evaluates_every_flag_with_an_etag() {
    let f = Fixture::start().await;
    let r = f.bulk(json!({"plan": "free"}), None).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("etag"));
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["flags"][0]["key"], "beta");
    assert_eq!(b["flags"][0]["value"], false);
    assert!(b["metadata"]["revision"].as_u64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_answers_304_for_the_same_context_and_revision() {
    let f = Fixture::start().await;
    let r = f.bulk(json!({"plan": "free"}), None).await;
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let again = f.bulk(json!({"plan": "free"}), Some(&tag)).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
    let other = f.bulk(json!({"plan": "pro"}), Some(&tag)).await;
    assert_eq!(other.status(), 200, "another context, another answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_makes_the_old_etag_stale() {
    let f = Fixture::start().await;
    let r = f.bulk(json!({"plan": "free"}), None).await;
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    f.flip().await;
    harness::within("the change to apply", async {
        loop {
            let r = f.bulk(json!({"plan": "free"}), Some(&tag)).await;
            if r.status() == 200 {
                let b: Value = r.json().await.unwrap();
                assert_eq!(b["flags"][0]["reason"], "STATIC");
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_key_is_offered_the_event_stream() {
    let f = Fixture::start().await;
    let b: Value = f.bulk(json!({}), None).await.json().await.unwrap();
    assert_eq!(b["eventStreams"][0]["type"], "sse");
    let uri = b["eventStreams"][0]["endpoint"]["requestUri"]
        .as_str()
        .unwrap();
    assert_eq!(uri, format!("/ofrep/v1/events?key={}", f.t.client_key));
    let server: Value = f
        .ofrep("", &f.t.server_key, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        server.get("eventStreams").is_none(),
        "server keys stay out of URLs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ofrep_event_stream_says_refetch_on_a_change() {
    let f = Fixture::start().await;
    let b: Value = f.bulk(json!({}), None).await.json().await.unwrap();
    let uri = b["eventStreams"][0]["endpoint"]["requestUri"]
        .as_str()
        .unwrap();
    let mut events = Sse::new(f.http.get(f.url(uri)).send().await.unwrap());
    f.flip().await;
    let e = events.next_message().await;
    assert_eq!(e.event, "message");
    let notice: Value = serde_json::from_str(&e.data).unwrap();
    assert_eq!(notice["type"], "refetchEvaluation");
    let revision = b["metadata"]["revision"].as_u64().unwrap();
    assert_eq!(notice["etag"], format!("\"{}\"", revision + 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_may_ask_from_any_origin_and_read_the_etag() {
    let f = Fixture::start().await;
    let pre = f
        .http
        .request(reqwest::Method::OPTIONS, f.url("/ofrep/v1/evaluate/flags"))
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
    let r = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags"))
        .header("origin", "https://shop.example.com")
        .header("x-api-key", &f.t.client_key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("etag"), "{exposed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_outside_the_allow_list_is_403() {
    let f = Fixture::start().await;
    f.admin
        .allow_origins(&f.t, &["https://shop.example.com"])
        .await;
    let f = &f;
    let from = |origin: &'static str| async move {
        f.http
            .post(f.url("/ofrep/v1/evaluate/flags"))
            .header("origin", origin)
            .header("x-api-key", &f.t.client_key)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status()
    };
    // The allow-list reaches the server over the bus: wait for it to apply.
    harness::within("the allow-list to apply", async {
        while from("https://evil.example.com").await != 403 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(from("https://shop.example.com").await, 200);
    // Server keys are not browser keys: no origin check.
    let server = f
        .http
        .post(f.url("/ofrep/v1/evaluate/flags"))
        .header("origin", "https://evil.example.com")
        .header("x-api-key", &f.t.server_key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(server.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_rate_limit_is_429_with_retry_after() {
    let f = Fixture::with_args(&["--rate-limit", "3"]).await;
    let mut limited = None;
    for _ in 0..20 {
        let r = f.ofrep("", &f.t.server_key, json!({})).await;
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the per-key rate limit applies");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
}

/// A rule the API accepts (cheap on its dry run) that runs out of the evaluation budget for a
/// context with a long `xs`: 33 steps per element.
fn budget_bomb() -> Value {
    let mut sum = vec![json!({"var": ""})];
    sum.extend((1..=30).map(|i| json!(i)));
    json!({"if": [{"some": [{"var": "xs"}, {"==": [{"+": sum}, -1]}]}, "on", "off"]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evaluation_over_budget_is_error_general_and_a_neighbour_still_answers() {
    let f = Fixture::start().await;
    let neighbour = Client::signup(&f.server.base, "grace@example.com").await;
    let n = neighbour.tenant().await;
    let path = format!(
        "/api/v1/projects/{}/environments/{}/flags/beta",
        f.t.project, f.t.env
    );
    let (s, b) = f
        .admin
        .call(
            reqwest::Method::PUT,
            &path,
            Some(json!({"enabled": true, "defaultVariant": "off",
                "targeting": budget_bomb(), "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // 3,500 elements: 7 KB of context (under the 8 KiB context limit), 115,500 steps.
    let context = json!({"context": {"xs": vec![0; 3500]}});
    let answer = within("the bomb to be served", async {
        loop {
            let r = f.ofrep("/beta", &f.t.client_key, context.clone()).await;
            let b: Value = r.json().await.unwrap();
            if b["errorCode"].is_string() {
                return b;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_eq!(answer["errorCode"], "GENERAL", "{answer}");
    assert!(
        answer["errorDetails"]
            .as_str()
            .unwrap()
            .starts_with("evaluation budget exceeded"),
        "{answer}"
    );
    let bulk: Value = f
        .bulk(context["context"].clone(), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bulk["flags"][0]["errorCode"], "GENERAL", "{bulk}");
    let theirs = f
        .ofrep("/beta", &n.client_key, json!({"context": {"plan": "pro"}}))
        .await;
    assert_eq!(theirs.status(), 200);
    let theirs: Value = theirs.json().await.unwrap();
    assert_eq!(theirs["value"], true, "{theirs}");
    assert!(
        f.metric("switchyard_evaluation_budget_exceeded_total")
            .await
            >= 2.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_origin_reads_why_through_cors() {
    let f = Fixture::start().await;
    f.admin
        .allow_origins(&f.t, &["https://shop.example.com"])
        .await;
    let refused = harness::within("the allow-list to apply", async {
        loop {
            let r = f
                .http
                .post(f.url("/ofrep/v1/evaluate/flags"))
                .header("origin", "https://evil.example.com")
                .header("x-api-key", &f.t.client_key)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            if r.status() == 403 {
                return r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(
        refused.headers()["access-control-allow-origin"],
        "https://evil.example.com"
    );
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["errorCode"], "ORIGIN_NOT_ALLOWED");
    let details = body["errorDetails"].as_str().unwrap();
    assert!(details.contains("https://evil.example.com"), "{details}");
    assert!(details.contains("allowed origins"), "{details}");
}
