//! The analytics routes: evaluation counts per flag, variant and hour, as the SDK endpoints
//! record them, on both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_error};
use serde_json::json;
use switchyard_core::domain::{CounterDelta, hour_of, now_ms};

both_stores!(evaluation_counts);

async fn evaluation_counts(api: Api) {
    let (token, org, _) = api.signup("ada@example.com").await;
    let t = Some(token.as_str());
    let created = api
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            t,
            Some(json!({"name": "Web", "environments": ["production"]})),
        )
        .await;
    let project = created.body["project"]["id"].as_str().unwrap().to_owned();
    let env = created.body["environments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for key in ["beta", "beta2"] {
        let r = api
            .call(
                "POST",
                &format!("/api/v1/projects/{project}/flags"),
                t,
                Some(json!({"key": key, "type": "boolean",
                    "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let now = hour_of(now_ms());
    let d = |flag: &str, variant: &str, hour: i64, count: u64| CounterDelta {
        environment_id: env.clone(),
        flag_key: flag.into(),
        variant: variant.into(),
        hour,
        count,
    };
    api.store
        .add_counters(&[
            d("beta", "on", now, 3),
            d("beta", "off", now - 1, 2),
            d("beta", "on", now - 500, 9), // outside the default week
            d("beta2", "on", now, 4),
        ])
        .await
        .unwrap();
    let base = format!("/api/v1/projects/{project}/environments/{env}");

    let one = api
        .call("GET", &format!("{base}/flags/beta/evaluations"), t, None)
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.body["to"], now + 1);
    assert_eq!(one.body["from"], now + 1 - 168);
    assert_eq!(
        one.body["rows"],
        json!([
            {"flag": "beta", "variant": "off", "hour": now - 1, "count": 2},
            {"flag": "beta", "variant": "on", "hour": now, "count": 3},
        ])
    );
    let month = api
        .call(
            "GET",
            &format!("{base}/flags/beta/evaluations?hours=720"),
            t,
            None,
        )
        .await;
    assert_eq!(month.body["rows"].as_array().unwrap().len(), 3);

    let all = api
        .call("GET", &format!("{base}/evaluations?hours=1"), t, None)
        .await;
    assert_eq!(
        all.body["rows"],
        json!([
            {"flag": "beta", "variant": "on", "hour": now, "count": 3},
            {"flag": "beta2", "variant": "on", "hour": now, "count": 4},
        ])
    );

    for bad in ["0", "2161", "-1"] {
        let r = api
            .call("GET", &format!("{base}/evaluations?hours={bad}"), t, None)
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    let missing = api
        .call("GET", &format!("{base}/flags/nope/evaluations"), t, None)
        .await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
}
