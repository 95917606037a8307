//! Login and signup limits (issue #16): shared through the store, keyed on the address the
//! infrastructure reports (never `X-Forwarded-For` from the client), delays that grow instead of
//! a lockout of the real user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, Reply, assert_error};
use serde_json::json;
use std::sync::Arc;
use switchyard_core::clock::FixedClock;
use switchyard_functions::auth::rate_limit::{Limits, LoginLimiter};

both_stores!(
    a_forwarded_for_header_does_not_escape_the_address_limit,
    guesses_from_another_address_do_not_delay_the_real_user,
    the_limit_is_shared_by_every_process,
    a_correct_password_clears_its_addresss_count,
    each_further_failure_doubles_the_wait,
    a_delayed_login_is_refused_even_with_the_right_password,
    signups_from_one_address_are_slowed,
);

const PASSWORD: &str = "correct horse battery";
const ATTACKER: &str = "198.51.100.7:40000";
const USER: &str = "192.0.2.10:50000";

async fn login(api: &Api, peer: &str, email: &str, password: &str) -> Reply {
    login_with(api, peer, email, password, &[]).await
}

async fn login_with(
    api: &Api,
    peer: &str,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> Reply {
    api.call_from(
        peer,
        "POST",
        "/api/v1/auth/login",
        json!({"email": email, "password": password}),
        headers,
    )
    .await
}

fn clocked(api: Api, limits: Limits) -> (Api, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at(switchyard_core::domain::now_ms()));
    let api = api.with_login_limiter(LoginLimiter::new(limits).with_clock(clock.clone()));
    (api, clock)
}

async fn a_forwarded_for_header_does_not_escape_the_address_limit(api: Api) {
    let limits = Limits {
        address_free: 6,
        ..Limits::default()
    };
    let (api, _) = clocked(api, limits);
    // Spraying: one guess per account, each claiming another address.
    for i in 0..6 {
        let xff = format!("203.0.113.{i}");
        let r = login_with(
            &api,
            ATTACKER,
            &format!("user{i}@example.com"),
            "Winter2026!",
            &[("x-forwarded-for", &xff)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = login_with(
        &api,
        ATTACKER,
        "user9@example.com",
        "Winter2026!",
        &[("x-forwarded-for", "203.0.113.99")],
    )
    .await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

async fn guesses_from_another_address_do_not_delay_the_real_user(api: Api) {
    api.signup("ada@example.com").await;
    let (api, _) = clocked(api, Limits::default());
    for _ in 0..5 {
        login(&api, ATTACKER, "ada@example.com", "guess guess guess").await;
    }
    let stopped = login(&api, ATTACKER, "ada@example.com", "guess guess guess").await;
    assert_eq!(stopped.status, StatusCode::TOO_MANY_REQUESTS);
    let r = login(&api, USER, "ada@example.com", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn the_limit_is_shared_by_every_process(api: Api) {
    let clock = Arc::new(FixedClock::at(switchyard_core::domain::now_ms()));
    let limiter = || LoginLimiter::new(Limits::default()).with_clock(clock.clone());
    let one = api.with_login_limiter(limiter());
    let two = one.twin(limiter());
    for i in 0..5 {
        let api = if i % 2 == 0 { &one } else { &two };
        login(api, ATTACKER, "ada@example.com", "guess guess guess").await;
    }
    let r = login(&two, ATTACKER, "ada@example.com", "guess guess guess").await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

async fn a_correct_password_clears_its_addresss_count(api: Api) {
    api.signup("ada@example.com").await;
    let (api, _) = clocked(api, Limits::default());
    for _ in 0..4 {
        login(&api, USER, "ada@example.com", "typo typo typo").await;
    }
    assert_eq!(
        login(&api, USER, "ada@example.com", PASSWORD).await.status,
        StatusCode::OK
    );
    for _ in 0..4 {
        let r = login(&api, USER, "ada@example.com", "typo typo typo").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
}

async fn each_further_failure_doubles_the_wait(api: Api) {
    let (api, clock) = clocked(api, Limits::default());
    let guess = || login(&api, ATTACKER, "ada@example.com", "guess guess guess");
    for _ in 0..5 {
        guess().await;
    }
    let mut waits = Vec::new();
    for _ in 0..3 {
        let r = guess().await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let wait: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        waits.push(wait);
        clock.advance(wait * 1000);
        assert_eq!(guess().await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(waits, vec![1, 2, 4]);
}

async fn a_delayed_login_is_refused_even_with_the_right_password(api: Api) {
    api.signup("ada@example.com").await;
    let (api, _) = clocked(api, Limits::default());
    for _ in 0..5 {
        login(&api, ATTACKER, "ada@example.com", "guess guess guess").await;
    }
    // Otherwise the delay would not stop a guess that happens to be right.
    let r = login(&api, ATTACKER, "ada@example.com", PASSWORD).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

async fn signups_from_one_address_are_slowed(api: Api) {
    let limits = Limits {
        signup_free: 3,
        ..Limits::default()
    };
    let (api, _) = clocked(api, limits);
    let signup = |i: usize| {
        api.call_from(
            ATTACKER,
            "POST",
            "/api/v1/auth/signup",
            json!({"email": format!("bot{i}@example.com"), "password": PASSWORD, "name": "Bot"}),
            &[],
        )
    };
    for i in 0..3 {
        assert_eq!(signup(i).await.status, StatusCode::CREATED);
    }
    let r = signup(3).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let other = api
        .call_from(
            USER,
            "POST",
            "/api/v1/auth/signup",
            json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada"}),
            &[],
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
}
