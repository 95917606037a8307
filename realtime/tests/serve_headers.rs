//! `serve`'s security headers (issue #16): the dashboard it serves may talk only to its own
//! origin and never be framed, on the page and on the API alike.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::Fixture;
use switchyard_realtime::security_headers::DASHBOARD_CSP;

async fn headers(f: &Fixture, path: &str) -> reqwest::header::HeaderMap {
    reqwest::get(f.url(path)).await.unwrap().headers().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_page_carries_a_same_origin_csp_that_forbids_framing() {
    let f = Fixture::start().await;
    let h = headers(&f, "/").await;
    assert_eq!(h["content-security-policy"], DASHBOARD_CSP);
    assert!(DASHBOARD_CSP.contains("frame-ancestors 'none'"));
    assert!(DASHBOARD_CSP.contains("connect-src 'self';"));
    assert_eq!(h["x-frame-options"], "DENY");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_answers_carry_nosniff_hsts_and_no_referrer() {
    let f = Fixture::start().await;
    let h = headers(&f, "/api/openapi.json").await;
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["strict-transport-security"], "max-age=31536000");
    assert_eq!(h["referrer-policy"], "no-referrer");
}
