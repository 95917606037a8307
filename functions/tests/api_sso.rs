//! Single sign-on with OpenID Connect (issue #16), against a real OpenID provider (the certified
//! `oidc-provider`, tests/oidc/provider.mjs) on loopback: the browser's part is driven over HTTP
//! through the provider's own login form, Switchyard's callback and exchange through the API.
//! The settings themselves: api_sso_settings.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::oidc::{CALLBACK, OidcProvider, sign_in};
use common::sso::*;
use common::{Api, assert_error};
use serde_json::json;

both_stores!(
    a_first_sign_in_creates_the_user_and_membership_with_the_default_role,
    an_existing_member_signs_in_and_keeps_their_role,
    an_account_the_sso_did_not_make_is_refused_until_its_user_links_it,
    a_replayed_state_is_refused,
    a_ticket_works_once,
    the_tampering_provider_left_honest_signs_in,
    a_wrong_nonce_is_refused_and_nothing_is_created,
    a_wrong_issuer_is_refused,
    a_wrong_audience_is_refused,
    an_expired_id_token_is_refused,
    a_token_signed_by_another_key_is_refused,
    an_unverified_email_is_refused,
    an_email_outside_the_domains_is_refused,
    a_disabled_configuration_is_refused,
    the_provider_saying_no_is_refused,
    a_two_factor_account_gives_its_code_at_the_exchange,
    starts_and_exchanges_are_rate_limited_per_address,
    an_owner_pointing_sso_at_a_domain_cannot_sign_in_as_its_accounts,
    a_linked_account_keeps_its_password,
    a_link_signs_in_only_the_accounts_own_email,
);

async fn a_first_sign_in_creates_the_user_and_membership_with_the_default_role(api: Api) {
    let idp = OidcProvider::start();
    let (_, org) = org_with_sso(&api, &idp.issuer, "acme.test", "editor").await;
    let fragment = sign_in_as(&api, "new.person@acme.test").await;
    let r = exchange(&api, &fragment).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["user"]["email"], "new.person@acme.test");
    assert_eq!(r.body["organization"]["id"], org.as_str());
    let token = r.body["token"].as_str().unwrap();
    assert_eq!(role_of(&api, token, &org).await, "editor");
    // No password signs in to an account single sign-on made.
    let login = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "new.person@acme.test", "password": "!sso"})),
        )
        .await;
    assert_error(&login, StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn an_existing_member_signs_in_and_keeps_their_role(api: Api) {
    let idp = OidcProvider::start();
    let (token, org, _) = api.signup("boss@acme.test").await;
    assert_eq!(
        put(
            &api,
            &token,
            &org,
            settings(&idp.issuer, "acme.test", "viewer")
        )
        .await
        .status,
        StatusCode::OK
    );
    let linked = exchange(&api, &link_as(&api, &token, &org, "boss@acme.test").await).await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.body);
    let r = exchange(&api, &sign_in_as(&api, "boss@acme.test").await).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        role_of(&api, r.body["token"].as_str().unwrap(), &org).await,
        "owner"
    );
}

async fn an_account_the_sso_did_not_make_is_refused_until_its_user_links_it(api: Api) {
    let idp = OidcProvider::start();
    let (owner, org) = org_with_sso(&api, &idp.issuer, "acme.test", "viewer").await;
    let (session, _, _) = api.signup("already@acme.test").await;
    let before = members(&api, &owner, &org).await;
    let fragment = sign_in_as(&api, "already@acme.test").await;
    assert_eq!(fragment, "error=sso_account_exists");
    assert_eq!(members(&api, &owner, &org).await, before);
    let r = exchange(
        &api,
        &link_as(&api, &session, &org, "already@acme.test").await,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        role_of(&api, r.body["token"].as_str().unwrap(), &org).await,
        "viewer"
    );
    assert_eq!(members(&api, &owner, &org).await, before + 1);
    let again = exchange(&api, &sign_in_as(&api, "already@acme.test").await).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    // The join is in the organization's audit log.
    let audit = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit"),
            Some(&owner),
            None,
        )
        .await;
    assert!(
        audit.body.to_string().contains("member.join"),
        "{}",
        audit.body
    );
}

async fn a_replayed_state_is_refused(api: Api) {
    let idp = OidcProvider::start();
    org_with_sso(&api, &idp.issuer, "acme.test", "viewer").await;
    let url = start(&api, "replay@acme.test").await;
    let back = sign_in(&url, "replay@acme.test", CALLBACK).await;
    let first = callback(&api, &back).await;
    assert!(first.contains("#ticket="), "{first}");
    let again = callback(&api, &back).await;
    assert!(again.ends_with("#error=sso_state_invalid"), "{again}");
    // A made-up state too.
    let made_up = callback(&api, "x?code=abc&state=made-up").await;
    assert!(made_up.ends_with("#error=sso_state_invalid"), "{made_up}");
}

async fn a_ticket_works_once(api: Api) {
    let idp = OidcProvider::start();
    org_with_sso(&api, &idp.issuer, "acme.test", "viewer").await;
    let fragment = sign_in_as(&api, "once@acme.test").await;
    assert_eq!(exchange(&api, &fragment).await.status, StatusCode::OK);
    assert_error(
        &exchange(&api, &fragment).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_error(
        &exchange(&api, "ticket=made-up").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

async fn tampered(api: Api, mode: &str) {
    let idp = OidcProvider::start_for(&[CALLBACK]);
    let (owner, org) = org_with_sso(&api, &idp.tampering(mode), "acme.test", "editor").await;
    refused(
        &api,
        &owner,
        &org,
        &format!("{mode}@acme.test"),
        "sso_token_rejected",
    )
    .await;
}

/// The control of the refusals below: the same re-signing provider, changing nothing else.
async fn the_tampering_provider_left_honest_signs_in(api: Api) {
    let idp = OidcProvider::start();
    let (_, org) = org_with_sso(&api, &idp.tampering("honest"), "acme.test", "editor").await;
    let r = exchange(&api, &sign_in_as(&api, "honest@acme.test").await).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["organization"]["id"], org.as_str());
}

async fn a_wrong_nonce_is_refused_and_nothing_is_created(api: Api) {
    tampered(api, "wrong-nonce").await;
}

async fn a_wrong_issuer_is_refused(api: Api) {
    tampered(api, "wrong-issuer").await;
}

async fn a_wrong_audience_is_refused(api: Api) {
    tampered(api, "wrong-audience").await;
}

async fn an_expired_id_token_is_refused(api: Api) {
    tampered(api, "expired").await;
}

async fn a_token_signed_by_another_key_is_refused(api: Api) {
    tampered(api, "bad-signature").await;
}

async fn an_unverified_email_is_refused(api: Api) {
    let idp = OidcProvider::start();
    let (owner, org) = org_with_sso(&api, &idp.issuer, "acme.test", "editor").await;
    refused(
        &api,
        &owner,
        &org,
        "someone+unverified@acme.test",
        "sso_email_unverified",
    )
    .await;
}

async fn an_email_outside_the_domains_is_refused(api: Api) {
    let idp = OidcProvider::start();
    let (owner, org) = org_with_sso(&api, &idp.issuer, "acme.test", "editor").await;
    // Started for an acme.test address, but the provider signs in someone elsewhere.
    let url = start(&api, "someone@acme.test").await;
    let back = sign_in(&url, "intruder@elsewhere.test", CALLBACK).await;
    assert!(
        callback(&api, &back)
            .await
            .ends_with("#error=sso_domain_not_allowed")
    );
    assert!(
        api.store
            .get_user_by_email("intruder@elsewhere.test")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(members(&api, &owner, &org).await, 1);
}

async fn a_disabled_configuration_is_refused(api: Api) {
    let idp = OidcProvider::start();
    let (owner, org) = org_with_sso(&api, &idp.issuer, "acme.test", "editor").await;
    // Turned off while a sign-in is at the provider: the callback refuses it.
    let url = start(&api, "late@acme.test").await;
    let mut off = settings(&idp.issuer, "acme.test", "editor");
    off["enabled"] = json!(false);
    assert_eq!(put(&api, &owner, &org, off).await.status, StatusCode::OK);
    let back = sign_in(&url, "late@acme.test", CALLBACK).await;
    assert!(callback(&api, &back).await.ends_with("#error=sso_disabled"));
    assert!(
        api.store
            .get_user_by_email("late@acme.test")
            .await
            .unwrap()
            .is_none()
    );
    // And no new sign-in starts.
    let r = api
        .call(
            "POST",
            "/api/v1/auth/sso/start",
            None,
            Some(json!({"email": "late@acme.test"})),
        )
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
}

async fn the_provider_saying_no_is_refused(api: Api) {
    let idp = OidcProvider::start();
    org_with_sso(&api, &idp.issuer, "acme.test", "editor").await;
    let url = start(&api, "no@acme.test").await;
    let state = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let back = format!("{CALLBACK}?error=access_denied&state={state}");
    assert!(callback(&api, &back).await.ends_with("#error=sso_denied"));
}

async fn a_two_factor_account_gives_its_code_at_the_exchange(api: Api) {
    let idp = OidcProvider::start();
    let (token, org, _) = api.signup("careful@acme.test").await;
    assert_eq!(
        put(
            &api,
            &token,
            &org,
            settings(&idp.issuer, "acme.test", "viewer")
        )
        .await
        .status,
        StatusCode::OK
    );
    let setup = api
        .call("POST", "/api/v1/auth/two-factor/setup", Some(&token), None)
        .await;
    let secret = setup.body["secret"].as_str().unwrap().to_owned();
    let on = api
        .call(
            "POST",
            "/api/v1/auth/two-factor/enable",
            Some(&token),
            Some(json!({"code": common::pyotp::code_now(&secret)})),
        )
        .await;
    assert!(on.status.is_success(), "{}", on.body);
    let fragment = link_as(&api, &token, &org, "careful@acme.test").await;
    let ticket = fragment.strip_prefix("ticket=").unwrap();
    let ask = api
        .call(
            "POST",
            "/api/v1/auth/sso/exchange",
            None,
            Some(json!({"ticket": ticket})),
        )
        .await;
    assert_error(&ask, StatusCode::UNAUTHORIZED, "two_factor_required");
    let wrong = api
        .call(
            "POST",
            "/api/v1/auth/sso/exchange",
            None,
            Some(json!({"ticket": ticket, "code": "000000"})),
        )
        .await;
    assert_error(&wrong, StatusCode::UNAUTHORIZED, "unauthorized");
    let recovery = on.body["recoveryCodes"][0].as_str().unwrap();
    let ok = api
        .call(
            "POST",
            "/api/v1/auth/sso/exchange",
            None,
            Some(json!({"ticket": ticket, "code": recovery})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

async fn starts_and_exchanges_are_rate_limited_per_address(api: Api) {
    use switchyard_functions::auth::rate_limit::{Limits, LoginLimiter};
    let limits = Limits {
        address_free: 2,
        ..Limits::default()
    };
    let limited = switchyard_functions::AppState::with_limiter(
        api.store.clone(),
        api.bus.clone(),
        switchyard_functions::auth::jwt::JwtKeys::from_secret(common::SECRET).unwrap(),
        LoginLimiter::new(limits),
    )
    .with_webhooks(common::webhook_setup(common::LOOPBACK));
    let mut api = api;
    api.router = switchyard_functions::router(limited.clone(), &switchyard_functions::Group::ALL);
    api.state = limited;
    let (token, org, _) = api.signup("owner@acme.test").await;
    // A provider nobody listens for (no sign-in gets far; starts still count).
    let body = settings("http://127.0.0.1:9", "acme.test", "viewer");
    assert_eq!(put(&api, &token, &org, body).await.status, StatusCode::OK);
    let from = "203.0.113.9:5000";
    let mut starts = Vec::new();
    let mut exchanges = Vec::new();
    for _ in 0..6 {
        let r = api
            .call_from(
                from,
                "POST",
                "/api/v1/auth/sso/start",
                json!({"org": org}),
                &[],
            )
            .await;
        starts.push(r.status);
        let r = api
            .call_from(
                from,
                "POST",
                "/api/v1/auth/sso/exchange",
                json!({"ticket": "made-up"}),
                &[],
            )
            .await;
        exchanges.push(r.status);
    }
    // The provider is unreachable (503) until the address must wait.
    assert_eq!(starts[0], StatusCode::SERVICE_UNAVAILABLE, "{starts:?}");
    assert_eq!(starts[5], StatusCode::TOO_MANY_REQUESTS, "{starts:?}");
    assert_eq!(exchanges[0], StatusCode::UNAUTHORIZED, "{exchanges:?}");
    assert_eq!(exchanges[5], StatusCode::TOO_MANY_REQUESTS, "{exchanges:?}");
}

async fn an_owner_pointing_sso_at_a_domain_cannot_sign_in_as_its_accounts(api: Api) {
    let idp = OidcProvider::start();
    let (_, _, victim_id) = api.signup("victim@mail.test").await;
    // Anyone can make an organization and list a domain they do not own.
    let (owner, org) = org_with_sso(&api, &idp.issuer, "mail.test", "editor").await;
    let before = members(&api, &owner, &org).await;
    assert_eq!(
        sign_in_as(&api, "victim@mail.test").await,
        "error=sso_account_exists"
    );
    assert_eq!(members(&api, &owner, &org).await, before);
    let victim = api.store.get_user(&victim_id).await.unwrap().unwrap();
    assert_eq!(victim.sso_org, None);
    assert_eq!(
        password_login(&api, "victim@mail.test").await,
        StatusCode::OK
    );
}

async fn a_linked_account_keeps_its_password(api: Api) {
    let idp = OidcProvider::start();
    let (_, org) = org_with_sso(&api, &idp.issuer, "acme.test", "viewer").await;
    let (session, _, _) = api.signup("already@acme.test").await;
    let r = exchange(
        &api,
        &link_as(&api, &session, &org, "already@acme.test").await,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = api
        .call("GET", "/api/v1/auth/me", Some(&session), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        password_login(&api, "already@acme.test").await,
        StatusCode::OK
    );
}

async fn a_link_signs_in_only_the_accounts_own_email(api: Api) {
    let idp = OidcProvider::start();
    let (owner, org) = org_with_sso(&api, &idp.issuer, "acme.test", "viewer").await;
    let (session, _, user_id) = api.signup("ada@acme.test").await;
    let before = members(&api, &owner, &org).await;
    assert_eq!(
        link_as(&api, &session, &org, "someone.else@acme.test").await,
        "error=sso_link_mismatch"
    );
    assert!(
        api.store
            .get_user_by_email("someone.else@acme.test")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(members(&api, &owner, &org).await, before);
    let ada = api.store.get_user(&user_id).await.unwrap().unwrap();
    assert_eq!(ada.sso_org, None);
}
