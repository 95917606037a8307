//! Account events (issue #16): a user's sign-ins, failed sign-ins, sign-outs, password and
//! two-factor changes appear in the audit log of each organization the user belongs to, with
//! the client's address, and nowhere else; and the organizations' retention settings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::pyotp::{code_now, next_code};
use common::{Api, Reply, assert_error};
use serde_json::{Value, json};

both_stores!(
    a_sign_in_is_recorded_in_each_of_the_users_organizations_and_nowhere_else,
    a_wrong_password_is_recorded_as_a_failed_sign_in,
    a_failed_sign_in_for_an_unknown_email_records_nothing,
    signing_out_and_a_new_password_are_recorded,
    two_factor_changes_and_recovery_codes_are_recorded,
    a_wrong_second_factor_is_recorded_as_a_failed_sign_in,
    account_events_move_no_revision,
    retention_settings_are_set_and_audited,
    retention_settings_out_of_range_are_refused_and_change_nothing,
    a_new_record_expires_after_the_audit_retention,
);

const PASSWORD: &str = "correct horse battery";
const FROM: &str = "203.0.113.7:40000";

/// Ada in two organizations of her own, Bob in a third: (ada's token, ada's id, her orgs,
/// bob's token, bob's org).
struct People {
    ada: String,
    ada_id: String,
    ada_orgs: [String; 2],
    bob: String,
    bob_org: String,
}

async fn people(api: &Api) -> People {
    let (ada, first, ada_id) = api.signup("ada@example.com").await;
    let second = api
        .call(
            "POST",
            "/api/v1/orgs",
            Some(&ada),
            Some(json!({"name": "Ada's second"})),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let (bob, bob_org, _) = api.signup("bob@example.com").await;
    People {
        ada,
        ada_id,
        ada_orgs: [first, second.body["id"].as_str().unwrap().to_owned()],
        bob,
        bob_org,
    }
}

async fn login_from(api: &Api, email: &str, password: &str, code: Option<&str>) -> Reply {
    let mut body = json!({"email": email, "password": password});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    api.call_from(FROM, "POST", "/api/v1/auth/login", body, &[])
        .await
}

/// The account events of user `user` in `org`'s audit log (read with `token`), newest first.
async fn events(api: &Api, token: &str, org: &str, user: &str) -> Vec<Value> {
    let r = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit?actor=user:{user}&limit=100"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("account."))
        .cloned()
        .collect()
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

async fn a_sign_in_is_recorded_in_each_of_the_users_organizations_and_nowhere_else(api: Api) {
    let p = people(&api).await;
    let ok = login_from(&api, "ada@example.com", PASSWORD, None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    for org in &p.ada_orgs {
        let got = events(&api, &p.ada, org, &p.ada_id).await;
        assert_eq!(actions(&got), ["account.login"], "{org}");
        assert_eq!(got[0]["after"]["address"], "203.0.113.7");
        assert_eq!(got[0]["target"], format!("user:{}", p.ada_id));
        assert_eq!(got[0]["actorName"], "Ada");
    }
    let elsewhere = events(&api, &p.bob, &p.bob_org, &p.ada_id).await;
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
}

async fn a_wrong_password_is_recorded_as_a_failed_sign_in(api: Api) {
    let p = people(&api).await;
    let wrong = login_from(&api, "ada@example.com", "not the password", None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    for org in &p.ada_orgs {
        let got = events(&api, &p.ada, org, &p.ada_id).await;
        assert_eq!(actions(&got), ["account.login_failed"]);
        assert_eq!(got[0]["after"]["reason"], "password");
        assert_eq!(got[0]["after"]["address"], "203.0.113.7");
    }
}

async fn a_failed_sign_in_for_an_unknown_email_records_nothing(api: Api) {
    let p = people(&api).await;
    let before = last_change(&api, &p.bob, &p.bob_org).await;
    let ada_before = last_change(&api, &p.ada, &p.ada_orgs[0]).await;
    let wrong = login_from(&api, "nobody@example.com", PASSWORD, None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(last_change(&api, &p.bob, &p.bob_org).await, before);
    assert_eq!(last_change(&api, &p.ada, &p.ada_orgs[0]).await, ada_before);
}

/// The id of the newest record of `org`'s log.
async fn last_change(api: &Api, token: &str, org: &str) -> Value {
    let r = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit?limit=1"),
            Some(token),
            None,
        )
        .await;
    r.body["items"][0]["id"].clone()
}

async fn signing_out_and_a_new_password_are_recorded(api: Api) {
    let p = people(&api).await;
    let changed = api
        .call_from(
            FROM,
            "POST",
            "/api/v1/auth/password",
            json!({"currentPassword": PASSWORD, "newPassword": "a much newer password"}),
            &[("authorization", &format!("Bearer {}", p.ada))],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let token = changed.body["token"].as_str().unwrap().to_owned();
    let out = api
        .call_from(
            FROM,
            "POST",
            "/api/v1/auth/logout",
            json!({}),
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    let again = login_from(&api, "ada@example.com", "a much newer password", None).await;
    let token = again.body["token"].as_str().unwrap().to_owned();
    for org in &p.ada_orgs {
        let got = events(&api, &token, org, &p.ada_id).await;
        assert_eq!(
            actions(&got),
            ["account.login", "account.logout", "account.password_change"]
        );
        assert!(got.iter().all(|e| e["after"]["address"] == "203.0.113.7"));
    }
}

/// Turns two-factor sign-in on for the holder of `token`: (secret, recovery codes).
async fn two_factor_on(api: &Api, token: &str) -> (String, Vec<String>) {
    let setup = api
        .call(
            "POST",
            "/api/v1/auth/two-factor/setup",
            Some(token),
            Some(json!({})),
        )
        .await;
    let secret = setup.body["secret"].as_str().unwrap().to_owned();
    let on = api
        .call(
            "POST",
            "/api/v1/auth/two-factor/enable",
            Some(token),
            Some(json!({"code": code_now(&secret)})),
        )
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let codes = on.body["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

async fn two_factor_changes_and_recovery_codes_are_recorded(api: Api) {
    let p = people(&api).await;
    let (secret, _) = two_factor_on(&api, &p.ada).await;
    let renewed = api
        .call(
            "POST",
            "/api/v1/auth/two-factor/recovery-codes",
            Some(&p.ada),
            Some(json!({"code": next_code(&secret)})),
        )
        .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let code = renewed.body["recoveryCodes"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let signed_in = login_from(&api, "ada@example.com", PASSWORD, Some(&code)).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    let token = signed_in.body["token"].as_str().unwrap().to_owned();
    let second = renewed.body["recoveryCodes"][1]
        .as_str()
        .unwrap()
        .to_owned();
    let off = api
        .call(
            "POST",
            "/api/v1/auth/two-factor/disable",
            Some(&token),
            Some(json!({"code": second})),
        )
        .await;
    assert_eq!(off.status, StatusCode::NO_CONTENT, "{}", off.body);
    for org in &p.ada_orgs {
        let got = events(&api, &token, org, &p.ada_id).await;
        assert_eq!(
            actions(&got),
            [
                "account.recovery_code_use",
                "account.two_factor_disable",
                "account.recovery_code_use",
                "account.login",
                "account.recovery_codes_regenerate",
                "account.two_factor_enable",
            ]
        );
        assert_eq!(got[3]["after"]["secondFactor"], "recovery_code");
    }
}

async fn a_wrong_second_factor_is_recorded_as_a_failed_sign_in(api: Api) {
    let p = people(&api).await;
    two_factor_on(&api, &p.ada).await;
    let wrong = login_from(&api, "ada@example.com", PASSWORD, Some("zzzzz-zzzzz")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let got = events(&api, &p.ada, &p.ada_orgs[1], &p.ada_id).await;
    assert_eq!(actions(&got)[0], "account.login_failed");
    assert_eq!(got[0]["after"]["reason"], "second_factor");
}

async fn account_events_move_no_revision(api: Api) {
    let p = people(&api).await;
    login_from(&api, "ada@example.com", PASSWORD, None).await;
    let got = events(&api, &p.ada, &p.ada_orgs[0], &p.ada_id).await;
    assert_eq!(got[0]["revisions"], json!({}));
    assert_eq!(got[0]["projectId"], Value::Null);
    assert_eq!(got[0]["keys"], json!([]));
}

async fn patch_org(api: &Api, token: &str, org: &str, body: Value) -> Reply {
    api.call(
        "PATCH",
        &format!("/api/v1/orgs/{org}"),
        Some(token),
        Some(body),
    )
    .await
}

async fn retention_settings_are_set_and_audited(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    let got = api
        .call("GET", &format!("/api/v1/orgs/{org}"), Some(&token), None)
        .await;
    assert_eq!(got.body["auditRetentionDays"], 365);
    assert_eq!(got.body["analyticsRetentionDays"], 90);
    let set = patch_org(
        &api,
        &token,
        &org,
        json!({"auditRetentionDays": 30, "analyticsRetentionDays": 14}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body["auditRetentionDays"], 30);
    assert_eq!(set.body["analyticsRetentionDays"], 14);
    let audit = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit?target=organization:{org}&limit=1"),
            Some(&token),
            None,
        )
        .await;
    let entry = &audit.body["items"][0];
    assert_eq!(entry["action"], "organization.update");
    assert_eq!(entry["before"]["auditRetentionDays"], 365);
    assert_eq!(entry["after"]["auditRetentionDays"], 30);
}

async fn retention_settings_out_of_range_are_refused_and_change_nothing(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    for body in [
        json!({"auditRetentionDays": 6}),
        json!({"auditRetentionDays": 3651}),
        json!({"auditRetentionDays": -1}),
        json!({"analyticsRetentionDays": 6}),
        json!({"analyticsRetentionDays": 731}),
        json!({"analyticsRetentionDays": 99_999_999_999_i64}),
        json!({"name": "Renamed", "auditRetentionDays": 0}),
    ] {
        let r = patch_org(&api, &token, &org, body.clone()).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    let got = api
        .call("GET", &format!("/api/v1/orgs/{org}"), Some(&token), None)
        .await;
    assert_eq!(got.body["auditRetentionDays"], 365);
    assert_eq!(got.body["analyticsRetentionDays"], 90);
    assert_ne!(got.body["name"], "Renamed");
}

async fn a_new_record_expires_after_the_audit_retention(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    patch_org(&api, &token, &org, json!({"auditRetentionDays": 30})).await;
    patch_org(&api, &token, &org, json!({"name": "Renamed"})).await;
    let audit = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit?limit=1"),
            Some(&token),
            None,
        )
        .await;
    let entry = &audit.body["items"][0];
    assert_eq!(entry["after"]["name"], "Renamed");
    let at = entry["at"].as_i64().unwrap();
    assert_eq!(entry["expiresAt"], at / 1000 + 30 * 86_400);
}
