//! Password reset by mail (issue #16), through a real SMTP server on loopback (aiosmtpd): the
//! link mailed sets a new password once, ends every session, and says nothing about who has an
//! account.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::support::SmtpSink;
use common::{Api, Reply, assert_error};
use serde_json::json;
use switchyard_core::domain::{hash_secret, now_ms};
use switchyard_core::store::PasswordReset;

both_stores!(
    a_mailed_link_sets_a_new_password_and_ends_every_session,
    a_link_works_once,
    an_unknown_email_gets_the_same_answer_and_no_mail,
    an_expired_link_is_refused,
    reset_mail_for_one_account_is_limited,
);

const OLD: &str = "correct horse battery";
const NEW: &str = "another horse entirely";

async fn ask(api: &Api, email: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/auth/password-reset",
        None,
        Some(json!({ "email": email })),
    )
    .await
}

async fn confirm(api: &Api, token: &str, password: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(json!({ "token": token, "password": password })),
    )
    .await
}

async fn login(api: &Api, password: &str) -> StatusCode {
    api.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "ada@example.com", "password": password})),
    )
    .await
    .status
}

/// The token in the link of the mail to `to`.
fn mailed_token(sink: &SmtpSink, to: &str) -> String {
    let message = sink.message_to_with(to, "/reset-password#token=");
    let link = message
        .split_whitespace()
        .find(|w| w.starts_with("https://dash.test/reset-password#token="))
        .unwrap_or_else(|| panic!("no reset link in:\n{message}"));
    link.rsplit('=').next().unwrap().to_owned()
}

async fn a_mailed_link_sets_a_new_password_and_ends_every_session(api: Api) {
    let (api, sink) = api.mailing();
    let (session, _, _) = api.signup("ada@example.com").await;
    assert_eq!(
        ask(&api, "ADA@example.com").await.status,
        StatusCode::ACCEPTED
    );
    let token = mailed_token(&sink, "ada@example.com");
    let r = confirm(&api, &token, NEW).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(login(&api, OLD).await, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&api, NEW).await, StatusCode::OK);
    let me = api
        .call("GET", "/api/v1/auth/me", Some(&session), None)
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
}

async fn a_link_works_once(api: Api) {
    let (api, sink) = api.mailing();
    api.signup("ada@example.com").await;
    ask(&api, "ada@example.com").await;
    let token = mailed_token(&sink, "ada@example.com");
    assert_eq!(
        confirm(&api, &token, NEW).await.status,
        StatusCode::NO_CONTENT
    );
    let again = confirm(&api, &token, "a third password here").await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(login(&api, NEW).await, StatusCode::OK);
}

async fn an_unknown_email_gets_the_same_answer_and_no_mail(api: Api) {
    let (api, sink) = api.mailing();
    api.signup("ada@example.com").await;
    let unknown = ask(&api, "nobody@example.com").await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    ask(&api, "ada@example.com").await;
    sink.message_to_with("ada@example.com", "/reset-password#token=");
    let resets = sink
        .messages()
        .into_iter()
        .filter(|m| m.contains("/reset-password#token="))
        .count();
    assert_eq!(resets, 1, "only the account's owner got a reset link");
}

async fn an_expired_link_is_refused(api: Api) {
    let (_, _, user_id) = api.signup("ada@example.com").await;
    api.store
        .create_password_reset(&PasswordReset {
            token_hash: hash_secret("sy_reset_expired"),
            user_id,
            expires_at: now_ms() - 1,
        })
        .await
        .unwrap();
    let r = confirm(&api, "sy_reset_expired", NEW).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(login(&api, OLD).await, StatusCode::OK);
}

async fn reset_mail_for_one_account_is_limited(api: Api) {
    let (api, _sink) = api.mailing();
    api.signup("ada@example.com").await;
    for _ in 0..3 {
        assert_eq!(
            ask(&api, "ada@example.com").await.status,
            StatusCode::ACCEPTED
        );
    }
    let r = ask(&api, "ada@example.com").await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_mail_says_so() {
    let api = Api::embedded();
    api.signup("ada@example.com").await;
    let r = ask(&api, "ada@example.com").await;
    assert_error(&r, StatusCode::NOT_IMPLEMENTED, "not_configured");
}
