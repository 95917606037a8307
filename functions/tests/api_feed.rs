//! The dashboard's change feed (`GET /api/v1/orgs/{org}/events`): what it sends, from where,
//! to whom, and how many streams one caller may hold. Embedded store: the feed reads the change
//! log through the same `Store` calls on both (their contract suite covers the stores).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use common::Api;
use common::fixtures::{FLAG, Project};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use switchyard_functions::feed::DEFAULT_STREAMS_PER_CALLER;
use tower::ServiceExt;

/// An open feed: reads its `change` events one at a time.
struct Feed {
    body: Body,
    buf: String,
}

impl Feed {
    async fn open(p: &Project, last_event_id: Option<&str>) -> Result<Feed, StatusCode> {
        let mut req = Request::get(format!("/api/v1/orgs/{}/events", p.org))
            .header("authorization", format!("Bearer {}", p.token));
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let resp = p
            .api
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        if resp.status() != StatusCode::OK {
            return Err(resp.status());
        }
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        Ok(Feed {
            body: resp.into_body(),
            buf: String::new(),
        })
    }

    /// The next `change` event's id and data (within 10 s).
    async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
                };
                if field("event").as_deref() == Some("change") {
                    let data = serde_json::from_str(&field("data").unwrap()).unwrap();
                    return (field("id").unwrap(), data);
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(10), self.body.frame())
                .await
                .expect("an event within 10 s")
                .expect("the stream is open")
                .unwrap();
            if let Ok(data) = frame.into_data() {
                let data: Bytes = data;
                self.buf.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }
}

async fn toggle(p: &Project, enabled: bool, version: u64) {
    let r = p
        .call(
            "PATCH",
            &p.state_url(&p.prod),
            Some(json!({"enabled": enabled, "version": version})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn the_feed_sends_a_change_committed_after_it_opened() {
    let p = Project::new(Api::embedded()).await;
    p.flag().await;
    let mut feed = Feed::open(&p, None).await.unwrap();
    toggle(&p, true, 0).await;
    let (id, change) = feed.next().await;
    assert_eq!(change["id"], id.as_str());
    assert_eq!(change["action"], "flag_state.update");
    assert_eq!(change["environmentId"], p.prod.as_str());
    assert_eq!(change["keys"], json!([FLAG]));
    assert_eq!(change["actorName"], "Ada");
}

#[tokio::test]
async fn the_feed_starts_now_without_a_last_event_id() {
    let p = Project::new(Api::embedded()).await;
    p.flag().await;
    let mut feed = Feed::open(&p, None).await.unwrap();
    toggle(&p, true, 0).await;
    // The first event is the toggle, not the project or flag made before the feed opened.
    assert_eq!(feed.next().await.1["action"], "flag_state.update");
}

#[tokio::test]
async fn the_feed_resumes_after_its_last_event_id() {
    let p = Project::new(Api::embedded()).await;
    p.flag().await;
    let mut first = Feed::open(&p, None).await.unwrap();
    toggle(&p, true, 0).await;
    let (seen, _) = first.next().await;
    drop(first);
    toggle(&p, false, 1).await;
    let mut again = Feed::open(&p, Some(&seen)).await.unwrap();
    let (_, missed) = again.next().await;
    assert_eq!(missed["action"], "flag_state.update");
    assert!(missed["id"].as_str().unwrap() > seen.as_str());
}

#[tokio::test]
async fn a_malformed_last_event_id_is_refused_before_the_stream_opens() {
    let p = Project::new(Api::embedded()).await;
    let refused = Feed::open(&p, Some("not-an-id")).await.err();
    assert!(refused.is_some_and(|s| s.is_client_error()), "{refused:?}");
}

#[tokio::test]
async fn another_organizations_feed_is_not_found() {
    let p = Project::new(Api::embedded()).await;
    let (eve, _, _) = p.api.signup("eve@example.com").await;
    let r = p
        .api
        .call(
            "GET",
            &format!("/api/v1/orgs/{}/events", p.org),
            Some(&eve),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn the_feed_caps_the_streams_one_caller_holds() {
    let p = Project::new(Api::embedded()).await;
    let mut open = Vec::new();
    for _ in 0..DEFAULT_STREAMS_PER_CALLER {
        open.push(Feed::open(&p, None).await.unwrap());
    }
    assert_eq!(
        Feed::open(&p, None).await.err(),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
    open.pop();
    assert!(
        Feed::open(&p, None).await.is_ok(),
        "a closed stream frees its slot"
    );
}

#[tokio::test]
async fn a_feed_with_a_lifetime_ends_its_streams_when_it_is_over() {
    use switchyard_functions::feed::Feed as Hub;
    let api =
        Api::embedded().with_feed(Hub::default().with_max_lifetime(Duration::from_millis(300)));
    let p = Project::new(api).await;
    let feed = Feed::open(&p, None).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), async move {
        let mut body = feed.body;
        while let Some(frame) = body.frame().await {
            frame.unwrap();
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ended at its lifetime");
}
