//! Projects, environments, keys, flags, segments, flagd documents and the audit log, through the
//! real routers, on both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_error};
use serde_json::json;
use switchyard_core::bus::BusMessage;

both_stores!(flags_from_creation_to_deletion);

async fn next_change(
    sub: &mut switchyard_core::bus::Subscription,
) -> switchyard_core::domain::ChangeEvent {
    match tokio::time::timeout(std::time::Duration::from_secs(5), sub.next())
        .await
        .unwrap()
    {
        Some(BusMessage::Change(ev)) => ev,
        other => panic!("expected a change event, got {other:?}"),
    }
}

async fn flags_from_creation_to_deletion(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    let t = Some(token.as_str());
    let mut sub = api.subscribe();
    let created = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            t,
            Some(json!({"name": "Web"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let project = created.body["project"]["id"].as_str().unwrap().to_owned();
    let dev = created.body["environments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let prod = created.body["environments"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created.body["environments"][1]["key"], "production");
    let p = format!("/api/v1/projects/{project}");
    assert_eq!(
        api.call("GET", &p, t, None).await.body["id"],
        project.as_str()
    );
    assert_eq!(
        api.call("GET", &format!("/api/v1/orgs/{org}/projects"), t, None)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let staging = api
        .call(
            "POST",
            &format!("{p}/environments"),
            t,
            Some(json!({"key": "staging", "allowedOrigins": ["https://app.example.com"]})),
        )
        .await;
    assert_eq!(staging.status, StatusCode::CREATED, "{}", staging.body);
    assert_error(
        &api.call(
            "POST",
            &format!("{p}/environments"),
            t,
            Some(json!({"key": "staging"})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_eq!(
        api.call("GET", &format!("{p}/environments"), t, None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let renamed = api
        .call(
            "PATCH",
            &format!("{p}/environments/{dev}"),
            t,
            Some(json!({"name": "Dev"})),
        )
        .await;
    assert_eq!(
        (renamed.status, renamed.body["name"].as_str()),
        (StatusCode::OK, Some("Dev"))
    );
    assert_eq!(next_change(&mut sub).await.environment, dev);
    assert_error(
        &api.call(
            "PATCH",
            &format!("{p}/environments/{dev}"),
            t,
            Some(json!({"allowedOrigins": ["ftp://x"]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );

    // SDK keys: the secret is shown once, rotation revokes the old key.
    let key = api
        .call(
            "POST",
            &format!("{p}/environments/{prod}/keys"),
            t,
            Some(json!({"kind": "client"})),
        )
        .await;
    assert_eq!(key.status, StatusCode::CREATED, "{}", key.body);
    assert!(
        key.body["secret"]
            .as_str()
            .unwrap()
            .starts_with("sy_client_")
    );
    let key_id = key.body["key"]["id"].as_str().unwrap().to_owned();
    let listed = api
        .call("GET", &format!("{p}/environments/{prod}/keys"), t, None)
        .await;
    assert!(
        !listed
            .body
            .to_string()
            .contains(key.body["secret"].as_str().unwrap()),
        "a secret is never listed"
    );
    let hash = switchyard_core::domain::hash_secret(key.body["secret"].as_str().unwrap());
    for shown in [&listed.body, &key.body] {
        assert!(!shown.to_string().contains(&hash), "nor its hash: {shown}");
    }
    let rotated = api
        .call(
            "POST",
            &format!("{p}/environments/{prod}/keys/{key_id}/rotate"),
            t,
            None,
        )
        .await;
    assert_eq!(rotated.status, StatusCode::CREATED);
    assert_ne!(rotated.body["secret"], key.body["secret"]);
    assert_error(
        &api.call(
            "POST",
            &format!("{p}/environments/{prod}/keys/{key_id}/rotate"),
            t,
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let new_id = rotated.body["key"]["id"].as_str().unwrap();
    assert_eq!(
        api.call(
            "DELETE",
            &format!("{p}/environments/{prod}/keys/{new_id}"),
            t,
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );

    // A segment and a flag.
    let seg = api
        .call(
            "POST",
            &format!("{p}/segments"),
            t,
            Some(json!({"key": "beta-users", "rule": {"in": [{"var": "plan"}, ["beta", "team"]]}})),
        )
        .await;
    assert_eq!(seg.status, StatusCode::CREATED, "{}", seg.body);
    let bad_seg = api
        .call(
            "POST",
            &format!("{p}/segments"),
            t,
            Some(json!({"key": "bad", "rule": {"nope": [1]}})),
        )
        .await;
    assert_error(&bad_seg, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(bad_seg.body["error"]["details"][0]["path"], "/rule/nope");
    let flag = api
        .call(
            "POST",
            &format!("{p}/flags"),
            t,
            Some(
                json!({"key": "new-checkout", "type": "boolean", "tags": ["checkout"],
        "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]}),
            ),
        )
        .await;
    assert_eq!(flag.status, StatusCode::CREATED, "{}", flag.body);
    let bad_flag = api.call("POST", &format!("{p}/flags"), t, Some(json!({"key": "x", "type": "boolean", "variants": [{"name": "on", "value": "yes"}]}))).await;
    assert_eq!(
        bad_flag.body["error"]["details"][0]["path"],
        "/variants/0/value"
    );
    assert_error(&api.call("POST", &format!("{p}/flags"), t, Some(json!({"key": "new-checkout", "type": "boolean", "variants": [{"name": "on", "value": true}]}))).await, StatusCode::CONFLICT, "conflict");
    assert_eq!(
        api.call("GET", &format!("{p}/flags"), t, None).await.body["items"][0]["key"],
        "new-checkout"
    );

    let state_url = format!("{p}/environments/{prod}/flags/new-checkout");
    let initial = api.call("GET", &state_url, t, None).await;
    assert_eq!(
        (
            initial.body["enabled"].as_bool(),
            initial.body["version"].as_u64()
        ),
        (Some(false), Some(0))
    );
    let targeting =
        json!({"if": [{"$ref": "beta-users"}, "on", {"fractional": [["on", 10], ["off", 90]]}]});
    let put = api.call("PUT", &state_url, t, Some(json!({"enabled": true, "defaultVariant": "off", "targeting": targeting, "version": 0}))).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.headers["etag"], "\"1\"");
    // The flag's creation, the segment's and this change each moved production on.
    let mut last = None;
    while let Ok(Some(BusMessage::Change(ev))) =
        tokio::time::timeout(std::time::Duration::from_millis(200), sub.next()).await
    {
        if ev.environment == prod {
            last = Some(ev);
        }
    }
    let last = last.expect("a change event for production");
    assert_eq!(last.changed_keys, ["new-checkout"]);
    let stale = api
        .call(
            "PUT",
            &state_url,
            t,
            Some(json!({"enabled": false, "version": 0})),
        )
        .await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
    assert_eq!(stale.body["error"]["details"]["currentVersion"], 1);
    let invalid = api.call("PUT", &state_url, t, Some(json!({"enabled": true, "defaultVariant": "off", "targeting": {"if": [{"sem_ver": [{"var": "v"}, "=~", "1.0"]}, "on"]}, "version": 1}))).await;
    assert_error(&invalid, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        invalid.body["error"]["details"][0]["path"],
        "/targeting/if/0/sem_ver/1"
    );
    let wrong_default = api
        .call(
            "PUT",
            &state_url,
            t,
            Some(json!({"enabled": true, "defaultVariant": "maybe", "version": 1})),
        )
        .await;
    assert_eq!(
        wrong_default.body["error"]["details"][0]["path"],
        "/defaultVariant"
    );
    let via_if_match = api
        .raw(
            axum::http::Request::builder()
                .method("PUT")
                .uri(&state_url)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("if-match", "\"7\"")
                .body(axum::body::Body::from(json!({"enabled": true}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(via_if_match.body["error"]["details"]["currentVersion"], 1);

    // The playground explains.
    let ev = api
        .call(
            "POST",
            &format!("{state_url}/evaluate"),
            t,
            Some(json!({"context": {"targetingKey": "u1", "plan": "beta"}})),
        )
        .await;
    assert_eq!(
        (
            ev.body["value"].as_bool(),
            ev.body["matchedRule"].as_u64(),
            ev.body["reason"].as_str()
        ),
        (Some(true), Some(0), Some("TARGETING_MATCH")),
        "{}",
        ev.body
    );
    let ev = api
        .call(
            "POST",
            &format!("{state_url}/evaluate"),
            t,
            Some(json!({"context": {"targetingKey": "u1", "plan": "free"}})),
        )
        .await;
    assert_eq!(ev.body["reason"], "SPLIT");
    assert_eq!(ev.body["split"]["bucketingKey"], "new-checkoutu1");

    // Copy to development, export, import into staging.
    let copied = api
        .call(
            "POST",
            &format!("{state_url}/copy"),
            t,
            Some(json!({"toEnvironment": dev, "targetVersion": 0})),
        )
        .await;
    assert_eq!(
        (copied.status, copied.body["enabled"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{}",
        copied.body
    );
    let exported = api
        .call("GET", &format!("{p}/environments/{prod}/flagd"), t, None)
        .await;
    assert_eq!(exported.body["flags"]["new-checkout"]["state"], "ENABLED");
    assert_eq!(
        exported.body["$evaluators"]["beta-users"],
        json!({"in": [{"var": "plan"}, ["beta", "team"]]})
    );
    let staging_id = staging.body["id"].as_str().unwrap();
    let mut doc = exported.body.clone();
    doc["flags"]["banner"] =
        json!({"state": "ENABLED", "variants": {"a": "A", "b": "B"}, "defaultVariant": "b"});
    let imported = api
        .call(
            "PUT",
            &format!("{p}/environments/{staging_id}/flagd"),
            t,
            Some(doc),
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(
        imported.body,
        json!({"flagsCreated": 1, "flagsUpdated": 0, "statesUpdated": 2, "segmentsWritten": 0})
    );
    let broken = api
        .call(
            "PUT",
            &format!("{p}/environments/{staging_id}/flagd"),
            t,
            Some(json!({"flags": {"x": {"state": "ON", "variants": {}}}})),
        )
        .await;
    assert_error(&broken, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(broken.body["error"]["details"].as_array().unwrap().len(), 2);
    assert_eq!(
        api.call("GET", &format!("{p}/flags"), t, None).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "a broken import writes nothing"
    );

    // History, with diffs, and restore.
    let hist = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit?target=flag:new-checkout"),
            t,
            None,
        )
        .await;
    let items = hist.body["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "flag.create",
            "flag_state.update",
            "flag_state.copy",
            "flag_state.import"
        ]
    );
    let update = &items[1];
    assert!(
        update["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "/enabled" && c["after"] == true)
    );
    let one = api
        .call(
            "GET",
            &format!(
                "/api/v1/orgs/{org}/audit/{}",
                update["id"].as_str().unwrap()
            ),
            t,
            None,
        )
        .await;
    assert_eq!(one.body["action"], "flag_state.update");
    let off = api
        .call(
            "PUT",
            &state_url,
            t,
            Some(json!({"enabled": false, "version": 1})),
        )
        .await;
    assert_eq!(off.body["version"], 2);
    let restored = api
        .call(
            "POST",
            &format!("{state_url}/restore"),
            t,
            Some(json!({"auditId": update["id"], "version": 2})),
        )
        .await;
    assert_eq!(
        (
            restored.status,
            restored.body["enabled"].as_bool(),
            restored.body["version"].as_u64()
        ),
        (StatusCode::OK, Some(true), Some(3)),
        "{}",
        restored.body
    );
    let paged = api
        .call("GET", &format!("/api/v1/orgs/{org}/audit?limit=2"), t, None)
        .await;
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 2);
    let next = paged.body["next"].as_str().unwrap();
    let page2 = api
        .call(
            "GET",
            &format!("/api/v1/orgs/{org}/audit?limit=2&cursor={next}"),
            t,
            None,
        )
        .await;
    assert_ne!(page2.body["items"][0]["id"], paged.body["items"][0]["id"]);

    // Segment in use cannot go; flag patch, archive, delete.
    let seg_url = format!("{p}/segments/beta-users");
    assert_error(
        &api.call("DELETE", &format!("{seg_url}?version=1"), t, None)
            .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let seg_put = api
        .call(
            "PUT",
            &seg_url,
            t,
            Some(json!({"rule": {"in": [{"var": "plan"}, ["beta"]]}, "version": 1})),
        )
        .await;
    assert_eq!(seg_put.body["version"], 2, "{}", seg_put.body);
    let flag_url = format!("{p}/flags/new-checkout");
    let got = api.call("GET", &flag_url, t, None).await;
    assert_eq!(got.headers["etag"], "\"1\"");
    let keep_default = api
        .call(
            "PATCH",
            &flag_url,
            t,
            Some(json!({"variants": [{"name": "on", "value": true}], "version": 1})),
        )
        .await;
    assert_eq!(
        keep_default.body["error"]["details"][0]["path"],
        "/variants"
    );
    let patched = api
        .call(
            "PATCH",
            &flag_url,
            t,
            Some(json!({"name": "New checkout", "archived": true, "version": 1})),
        )
        .await;
    assert_eq!(
        (
            patched.body["archived"].as_bool(),
            patched.body["version"].as_u64()
        ),
        (Some(true), Some(2))
    );
    assert_error(
        &api.call(
            "PATCH",
            &flag_url,
            t,
            Some(json!({"name": "x", "version": 1})),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_error(
        &api.call("DELETE", &flag_url, t, None).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_eq!(
        api.call("DELETE", &format!("{flag_url}?version=2"), t, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_error(
        &api.call("GET", &flag_url, t, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}
