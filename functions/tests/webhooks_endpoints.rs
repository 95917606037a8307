//! Webhook endpoints through the API: where they may point, what is refused, secrets at rest,
//! conflicts, deletion, tenancy and the quota; on both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::fixtures::Project;
use common::hooks::*;
use common::receiver::Receiver;
use common::{Api, assert_error};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use switchyard_functions::webhooks::Egress;

async fn private_addresses_are_refused_when_not_allowed(api: Api) {
    let p = Project::new(api.with_egress(Egress::default())).await;
    for url in [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost/hook",
        "https://[::1]/",
        "http://example.com/",
    ] {
        let r = p
            .call(
                "POST",
                &hooks_url(&p),
                Some(json!({"kind": "standard", "url": url})),
            )
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    let list = p.call("GET", &hooks_url(&p), None).await;
    assert_eq!(list.body["items"], json!([]));
}

async fn the_secret_is_shown_once_and_never_stored_in_the_clear(api: Api) {
    let p = Project::new(api).await;
    let (id, created) = endpoint(
        &p,
        json!({"kind": "standard", "url": "https://example.com/h"}),
    )
    .await;
    let secret = created.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let shown = p
        .call("GET", &format!("{}/{id}", hooks_url(&p)), None)
        .await;
    assert!(!shown.body.to_string().contains(&secret[6..]));
    let stored = p.api.store.get_webhook(&p.org, &id).await.unwrap().unwrap();
    assert!(
        !serde_json::to_string(&stored)
            .unwrap()
            .contains(&secret[6..])
    );
    let audit = p
        .call("GET", &p.audit_url(&format!("target=webhook:{id}")), None)
        .await;
    assert!(!audit.body.to_string().contains("sealed"));
}

async fn bad_endpoints_are_refused_and_change_nothing(api: Api) {
    let p = Project::new(api).await;
    for body in [
        json!({"kind": "standard", "url": "not a url"}),
        json!({"kind": "standard", "url": "ftp://example.com/"}),
        json!({"kind": "pager", "url": "https://example.com/"}),
        json!({"kind": "standard", "url": "https://example.com/", "filter": {"events": ["flag.exploded"]}}),
        json!({"kind": "standard", "url": format!("https://example.com/{}", "a".repeat(2100))}),
        json!({"kind": "standard", "url": "https://example.com/", "secret": "mine"}),
        json!({"kind": "standard", "url": "https://example.com/", "description": "d".repeat(501)}),
        json!({"kind": "standard", "url": "https://example.com/", "filter": {"tags": vec!["t"; 101]}}),
    ] {
        let r = p.call("POST", &hooks_url(&p), Some(body.clone())).await;
        assert!(
            r.status == StatusCode::UNPROCESSABLE_ENTITY || r.status == StatusCode::BAD_REQUEST,
            "{body}: {} {}",
            r.status,
            r.body
        );
    }
    let list = p.call("GET", &hooks_url(&p), None).await;
    assert_eq!(list.body["items"], json!([]));
}

async fn a_stale_edit_is_a_conflict(api: Api) {
    let p = Project::new(api).await;
    let (id, _) = endpoint(
        &p,
        json!({"kind": "standard", "url": "https://example.com/h"}),
    )
    .await;
    let url = format!("{}/{id}", hooks_url(&p));
    let first = p
        .call(
            "PATCH",
            &url,
            Some(json!({"version": 1, "description": "a"})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let stale = p
        .call(
            "PATCH",
            &url,
            Some(json!({"version": 1, "description": "b"})),
        )
        .await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
}

async fn deleting_an_endpoint_drops_its_queue(api: Api) {
    let p = Project::new(api).await;
    let rx = Receiver::start().await;
    let (id, _) = standard(&p, &rx).await;
    flip(&p, true, 0).await;
    let d = dispatcher(&p, Arc::new(Later::default()));
    rx.behaviour.down.store(true, Ordering::SeqCst);
    d.run(None, true).await.unwrap();
    assert!(
        !p.api
            .store
            .queued_deliveries(&p.org, &id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let r = p
        .call("DELETE", &format!("{}/{id}", hooks_url(&p)), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        p.api
            .store
            .queued_deliveries(&p.org, &id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let gone = p
        .call("GET", &format!("{}/{id}", hooks_url(&p)), None)
        .await;
    assert_error(&gone, StatusCode::NOT_FOUND, "not_found");
}

async fn another_organization_cannot_see_or_touch_an_endpoint(api: Api) {
    let p = Project::new(api).await;
    let (id, _) = endpoint(
        &p,
        json!({"kind": "standard", "url": "https://example.com/h"}),
    )
    .await;
    let (other, other_org, _) = p.api.signup("eve@example.com").await;
    let theirs = format!("/api/v1/orgs/{other_org}/webhooks/{id}");
    let r = p.api.call("GET", &theirs, Some(&other), None).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let ours = format!("{}/{id}", hooks_url(&p));
    let r = p.api.call("DELETE", &ours, Some(&other), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn the_webhook_quota_holds(api: Api) {
    let p = Project::new(api.with_quotas(switchyard_core::changes::Quotas {
        webhooks_per_organization: 1,
        ..Default::default()
    }))
    .await;
    endpoint(
        &p,
        json!({"kind": "standard", "url": "https://example.com/1"}),
    )
    .await;
    let r = p
        .call(
            "POST",
            &hooks_url(&p),
            Some(json!({"kind": "standard", "url": "https://example.com/2"})),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "quota_exceeded");
    assert_eq!(
        r.body["error"]["details"]["quota"],
        "webhooks_per_organization"
    );
}

both_stores!(
    private_addresses_are_refused_when_not_allowed,
    the_secret_is_shown_once_and_never_stored_in_the_clear,
    bad_endpoints_are_refused_and_change_nothing,
    a_stale_edit_is_a_conflict,
    deleting_an_endpoint_drops_its_queue,
    another_organization_cannot_see_or_touch_an_endpoint,
    the_webhook_quota_holds,
);
