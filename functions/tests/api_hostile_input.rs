//! Hostile input: malformed, mistyped, oversized and unknown requests are refused with the API's
//! error shape, and write nothing. On both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Api, Reply, assert_error};
use serde_json::json;

both_stores!(
    truncated_json_answers_400,
    a_form_body_answers_400,
    an_unknown_field_answers_422,
    a_field_of_the_wrong_type_answers_422,
    deeply_nested_json_answers_an_error,
    a_body_over_the_limit_answers_413,
    a_blank_name_answers_422,
    an_unknown_route_answers_404,
);

/// POSTs a project with `body` as a signed-up owner, and checks that nothing was written.
async fn refused_project(api: &Api, body: impl Into<Body>, content_type: &str) -> Reply {
    let (t, org, _) = api.signup("ada@example.com").await;
    let url = format!("/api/v1/orgs/{org}/projects");
    let r = api
        .raw(
            Request::builder()
                .method("POST")
                .uri(&url)
                .header("authorization", format!("Bearer {t}"))
                .header("content-type", content_type)
                .body(body.into())
                .unwrap(),
        )
        .await;
    let projects = api.call("GET", &url, Some(&t), None).await;
    assert_eq!(
        projects.body["items"].as_array().unwrap().len(),
        0,
        "nothing was written: {}",
        r.body
    );
    r
}

async fn truncated_json_answers_400(api: Api) {
    let r = refused_project(&api, "{\"name\": ", "application/json").await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
}

async fn a_form_body_answers_400(api: Api) {
    let r = refused_project(&api, "name=x", "application/x-www-form-urlencoded").await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
}

async fn an_unknown_field_answers_422(api: Api) {
    let body = json!({"name": "X", "admin": true}).to_string();
    let r = refused_project(&api, body, "application/json").await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn a_field_of_the_wrong_type_answers_422(api: Api) {
    let body = json!({"name": 7}).to_string();
    let r = refused_project(&api, body, "application/json").await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn deeply_nested_json_answers_an_error(api: Api) {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let r = refused_project(&api, deep, "application/json").await;
    assert!(
        matches!(
            r.status,
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
        ),
        "{}",
        r.status
    );
    assert!(r.body["error"]["code"].is_string(), "{}", r.body);
}

async fn a_body_over_the_limit_answers_413(api: Api) {
    let huge = json!({"name": "x".repeat(2 << 20)}).to_string();
    let r = refused_project(&api, huge, "application/json").await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
}

async fn a_blank_name_answers_422(api: Api) {
    let body = json!({"name": "  "}).to_string();
    let r = refused_project(&api, body, "application/json").await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

async fn an_unknown_route_answers_404(api: Api) {
    let (t, _, _) = api.signup("ada@example.com").await;
    assert_error(
        &api.call("GET", "/api/v1/no/such/route", Some(&t), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}
