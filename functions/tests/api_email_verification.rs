//! Email verification (issue #16), through a real SMTP server on loopback (aiosmtpd): signing up
//! mails a one-time link that marks the email verified; until then the account cannot invite.
//! A server that sends no mail cannot verify, so its accounts start verified.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::support::SmtpSink;
use common::{Api, Reply, assert_error};
use serde_json::json;
use switchyard_core::domain::{hash_secret, now_ms};
use switchyard_core::store::EmailVerification;

both_stores!(
    signing_up_mails_a_link_that_verifies_the_email,
    a_verification_link_works_once,
    an_expired_verification_link_is_refused,
    a_link_for_an_email_since_changed_is_refused,
    an_unverified_account_cannot_invite,
    asking_again_mails_a_new_link,
    verification_mail_for_one_account_is_limited,
    a_password_reset_by_mail_verifies_the_email,
);

/// The token in the newest verification link mailed to `to`.
fn mailed_token(sink: &SmtpSink, to: &str) -> String {
    let message = sink.message_to_with(to, "/verify-email#token=");
    let link = message
        .split_whitespace()
        .find(|w| w.starts_with("https://dash.test/verify-email#token="))
        .unwrap_or_else(|| panic!("no verification link in:\n{message}"));
    link.rsplit('=').next().unwrap().to_owned()
}

async fn verify(api: &Api, token: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/auth/verify-email",
        None,
        Some(json!({ "token": token })),
    )
    .await
}

async fn verified(api: &Api, session: &str) -> bool {
    let me = api
        .call("GET", "/api/v1/auth/me", Some(session), None)
        .await;
    me.body["user"]["emailVerified"].as_bool().unwrap()
}

async fn invite(api: &Api, session: &str, org: &str) -> Reply {
    api.call(
        "POST",
        &format!("/api/v1/orgs/{org}/invitations"),
        Some(session),
        Some(json!({"email": "grace@example.com", "role": "viewer"})),
    )
    .await
}

async fn send_again(api: &Api, session: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/auth/verify-email/send",
        Some(session),
        None,
    )
    .await
}

async fn signing_up_mails_a_link_that_verifies_the_email(api: Api) {
    let (api, sink) = api.mailing();
    let (session, _, _) = api.signup("ada@example.com").await;
    assert!(!verified(&api, &session).await);
    let token = mailed_token(&sink, "ada@example.com");
    assert_eq!(verify(&api, &token).await.status, StatusCode::NO_CONTENT);
    assert!(verified(&api, &session).await);
}

async fn a_verification_link_works_once(api: Api) {
    let (api, sink) = api.mailing();
    api.signup("ada@example.com").await;
    let token = mailed_token(&sink, "ada@example.com");
    assert_eq!(verify(&api, &token).await.status, StatusCode::NO_CONTENT);
    assert_error(
        &verify(&api, &token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

async fn an_expired_verification_link_is_refused(api: Api) {
    let (api, _sink) = api.mailing();
    let (session, _, user_id) = api.signup("ada@example.com").await;
    api.store
        .create_email_verification(&EmailVerification {
            token_hash: hash_secret("sy_verify_expired"),
            user_id,
            email: "ada@example.com".into(),
            expires_at: now_ms() - 1,
        })
        .await
        .unwrap();
    let r = verify(&api, "sy_verify_expired").await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert!(!verified(&api, &session).await);
}

async fn a_link_for_an_email_since_changed_is_refused(api: Api) {
    let (api, _sink) = api.mailing();
    let (session, _, user_id) = api.signup("ada@example.com").await;
    api.store
        .create_email_verification(&EmailVerification {
            token_hash: hash_secret("sy_verify_other"),
            user_id,
            email: "old-address@example.com".into(),
            expires_at: now_ms() + 60_000,
        })
        .await
        .unwrap();
    let r = verify(&api, "sy_verify_other").await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    assert!(!verified(&api, &session).await);
}

async fn an_unverified_account_cannot_invite(api: Api) {
    let (api, sink) = api.mailing();
    let (session, org, _) = api.signup("ada@example.com").await;
    let refused = invite(&api, &session, &org).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "email_not_verified");
    let pending = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(pending.body, json!([]));
    verify(&api, &mailed_token(&sink, "ada@example.com")).await;
    assert_eq!(
        invite(&api, &session, &org).await.status,
        StatusCode::CREATED
    );
}

async fn asking_again_mails_a_new_link(api: Api) {
    let (api, sink) = api.mailing();
    let (session, _, _) = api.signup("ada@example.com").await;
    let first = mailed_token(&sink, "ada@example.com");
    assert_eq!(
        send_again(&api, &session).await.status,
        StatusCode::ACCEPTED
    );
    let links = sink
        .messages()
        .into_iter()
        .filter(|m| m.contains("/verify-email#token="))
        .count();
    assert_eq!(links, 2);
    assert_eq!(verify(&api, &first).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        send_again(&api, &session).await.status,
        StatusCode::NO_CONTENT
    );
}

async fn verification_mail_for_one_account_is_limited(api: Api) {
    let (api, _sink) = api.mailing();
    let (session, _, _) = api.signup("ada@example.com").await;
    for _ in 0..3 {
        assert_eq!(
            send_again(&api, &session).await.status,
            StatusCode::ACCEPTED
        );
    }
    let r = send_again(&api, &session).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_mail_starts_accounts_verified() {
    let api = Api::embedded();
    let (session, org, _) = api.signup("ada@example.com").await;
    assert!(verified(&api, &session).await);
    assert_eq!(
        invite(&api, &session, &org).await.status,
        StatusCode::CREATED
    );
}

async fn a_password_reset_by_mail_verifies_the_email(api: Api) {
    let (api, sink) = api.mailing();
    api.signup("ada@example.com").await;
    let asked = api
        .call(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"email": "ada@example.com"})),
        )
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED);
    let message = sink.message_to_with("ada@example.com", "/reset-password#token=");
    let link = message
        .split_whitespace()
        .find(|w| w.starts_with("https://dash.test/reset-password#token="))
        .unwrap();
    let token = link.rsplit('=').next().unwrap();
    let body = json!({"token": token, "password": "another horse entirely"});
    let reset = api
        .call(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(body),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.body);
    let login = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@example.com", "password": "another horse entirely"})),
        )
        .await;
    let session = login.body["token"].as_str().unwrap();
    assert!(verified(&api, session).await);
}
