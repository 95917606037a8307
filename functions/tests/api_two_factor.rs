//! Two-factor sign-in (issue #16), judged by a TOTP implementation nobody here wrote: every code
//! comes from PyPI's `pyotp` (in `.venv`), and the otpauth URL is read back by it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::pyotp::{code_now, next_code, pyotp};
use common::{Api, Reply, assert_error};
use serde_json::json;

both_stores!(
    a_code_from_an_authenticator_turns_two_factor_on,
    signing_in_asks_for_the_code_after_the_password,
    a_code_signs_in_once,
    a_wrong_code_turns_nothing_on,
    the_otpauth_url_is_what_authenticator_apps_read,
    a_code_turns_two_factor_off,
    turning_two_factor_on_hands_out_ten_recovery_codes,
    a_recovery_code_signs_in_once,
    new_recovery_codes_replace_the_old_ones,
    new_recovery_codes_need_a_second_factor,
    a_recovery_code_turns_two_factor_off,
    wrong_codes_wait_like_wrong_passwords,
);

const PASSWORD: &str = "correct horse battery";

async fn post(api: &Api, path: &str, token: Option<&str>, body: serde_json::Value) -> Reply {
    api.call("POST", path, token, Some(body)).await
}

/// Ada with two-factor sign-in on: (session token, secret, recovery codes).
async fn ada_with_codes(api: &Api) -> (String, String, Vec<String>) {
    let (token, _, _) = api.signup("ada@example.com").await;
    let setup = post(
        api,
        "/api/v1/auth/two-factor/setup",
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let secret = setup.body["secret"].as_str().unwrap().to_owned();
    let on = post(
        api,
        "/api/v1/auth/two-factor/enable",
        Some(&token),
        json!({"code": code_now(&secret)}),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let codes = on.body["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (token, secret, codes)
}

/// Ada with two-factor sign-in on: (session token, secret).
async fn ada_with_two_factor(api: &Api) -> (String, String) {
    let (token, secret, _) = ada_with_codes(api).await;
    (token, secret)
}

async fn login(api: &Api, code: Option<&str>) -> Reply {
    let mut body = json!({"email": "ada@example.com", "password": PASSWORD});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    post(api, "/api/v1/auth/login", None, body).await
}

async fn a_code_from_an_authenticator_turns_two_factor_on(api: Api) {
    let (token, _) = ada_with_two_factor(&api).await;
    let me = api.call("GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(me.body["user"]["twoFactor"], true, "{}", me.body);
}

async fn signing_in_asks_for_the_code_after_the_password(api: Api) {
    let (_, secret) = ada_with_two_factor(&api).await;
    // The enabling code's step is spent: wait for pyotp's next code by asking for the next one.
    let asked = login(&api, None).await;
    assert_error(&asked, StatusCode::UNAUTHORIZED, "two_factor_required");
    let wrong_password = post(
        &api,
        "/api/v1/auth/login",
        None,
        json!({"email": "ada@example.com", "password": "not the password"}),
    )
    .await;
    assert_error(&wrong_password, StatusCode::UNAUTHORIZED, "unauthorized");
    let next = next_code(&secret);
    let r = login(&api, Some(&next)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_code_signs_in_once(api: Api) {
    let (_, secret) = ada_with_two_factor(&api).await;
    let next = next_code(&secret);
    assert_eq!(login(&api, Some(&next)).await.status, StatusCode::OK);
    let replay = login(&api, Some(&next)).await;
    assert_error(&replay, StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn a_wrong_code_turns_nothing_on(api: Api) {
    let (token, _, _) = api.signup("ada@example.com").await;
    post(
        &api,
        "/api/v1/auth/two-factor/setup",
        Some(&token),
        json!({}),
    )
    .await;
    let other = pyotp("print(pyotp.TOTP(pyotp.random_base32()).now())", "");
    let r = post(
        &api,
        "/api/v1/auth/two-factor/enable",
        Some(&token),
        json!({"code": other}),
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(login(&api, None).await.status, StatusCode::OK);
}

async fn the_otpauth_url_is_what_authenticator_apps_read(api: Api) {
    let (token, _, _) = api.signup("ada@example.com").await;
    let setup = post(
        &api,
        "/api/v1/auth/two-factor/setup",
        Some(&token),
        json!({}),
    )
    .await;
    let url = setup.body["otpauthUrl"].as_str().unwrap();
    let read = pyotp(
        "t = pyotp.parse_uri(sys.argv[1])\nprint(t.secret, t.issuer, t.name, t.digits, t.interval)",
        url,
    );
    let secret = setup.body["secret"].as_str().unwrap();
    assert_eq!(read, format!("{secret} Switchyard ada@example.com 6 30"));
}

async fn a_code_turns_two_factor_off(api: Api) {
    let (token, secret) = ada_with_two_factor(&api).await;
    let next = next_code(&secret);
    let off = post(
        &api,
        "/api/v1/auth/two-factor/disable",
        Some(&token),
        json!({"code": next}),
    )
    .await;
    assert_eq!(off.status, StatusCode::NO_CONTENT, "{}", off.body);
    assert_eq!(login(&api, None).await.status, StatusCode::OK);
}

async fn turning_two_factor_on_hands_out_ten_recovery_codes(api: Api) {
    let (token, _, codes) = ada_with_codes(&api).await;
    assert_eq!(codes.len(), 10);
    let me = api.call("GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(me.body["user"]["recoveryCodesLeft"], 10, "{}", me.body);
}

async fn a_recovery_code_signs_in_once(api: Api) {
    let (_, _, codes) = ada_with_codes(&api).await;
    let r = login(&api, Some(&codes[0])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["user"]["recoveryCodesLeft"], 9, "{}", r.body);
    let replay = login(&api, Some(&codes[0])).await;
    assert_error(&replay, StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn renew(api: &Api, token: &str, code: &str) -> Reply {
    post(
        api,
        "/api/v1/auth/two-factor/recovery-codes",
        Some(token),
        json!({"code": code}),
    )
    .await
}

async fn new_recovery_codes_replace_the_old_ones(api: Api) {
    let (token, secret, old) = ada_with_codes(&api).await;
    let r = renew(&api, &token, &next_code(&secret)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh = r.body["recoveryCodes"][0].as_str().unwrap().to_owned();
    assert_error(
        &login(&api, Some(&old[1])).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_eq!(login(&api, Some(&fresh)).await.status, StatusCode::OK);
}

async fn new_recovery_codes_need_a_second_factor(api: Api) {
    let (token, _, old) = ada_with_codes(&api).await;
    let r = renew(&api, &token, "000000").await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(login(&api, Some(&old[0])).await.status, StatusCode::OK);
}

async fn a_recovery_code_turns_two_factor_off(api: Api) {
    let (token, _, codes) = ada_with_codes(&api).await;
    let off = post(
        &api,
        "/api/v1/auth/two-factor/disable",
        Some(&token),
        json!({"code": codes[4]}),
    )
    .await;
    assert_eq!(off.status, StatusCode::NO_CONTENT, "{}", off.body);
    let me = api.call("GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(me.body["user"]["recoveryCodesLeft"], 0, "{}", me.body);
    assert_eq!(login(&api, None).await.status, StatusCode::OK);
}

async fn wrong_codes_wait_like_wrong_passwords(api: Api) {
    let (token, _) = ada_with_two_factor(&api).await;
    let guess = || {
        post(
            &api,
            "/api/v1/auth/two-factor/disable",
            Some(&token),
            json!({"code": "000000"}),
        )
    };
    for _ in 0..5 {
        assert_error(&guess().await, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    assert_error(
        &guess().await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    let me = api.call("GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(me.body["user"]["twoFactor"], true, "{}", me.body);
}
