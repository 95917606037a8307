//! The analytics routes: evaluation counts per flag, variant and hour, and custom events, as the
//! SDK endpoints record them, on both stores; the environment's custom-events setting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Api, assert_error};
use serde_json::json;
use switchyard_core::domain::{CounterTotal, hour_of, now_ms};

both_stores!(
    evaluation_counts,
    custom_events_are_read_apart_from_evaluations,
    counts_of_several_nodes_read_as_their_sum,
    custom_events_are_off_until_the_environment_turns_them_on,
    the_custom_events_setting_must_be_a_boolean,
);

const RETENTION: i64 = 90 * 24 * 3600;

/// A project with environment `production` and flags `beta`, `beta2` (variants on, off): the
/// token, project and environment ids.
async fn project(api: &Api) -> (String, String, String) {
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
    (token, project, env)
}

fn total(env: &str, flag: &str, variant: &str, hour: i64, count: u64) -> CounterTotal {
    CounterTotal {
        environment_id: env.into(),
        flag_key: flag.into(),
        variant: variant.into(),
        hour,
        count,
    }
}

async fn evaluation_counts(api: Api) {
    let (token, project, env) = project(&api).await;
    let t = Some(token.as_str());
    let now = hour_of(now_ms());
    let d =
        |flag: &str, variant: &str, hour: i64, count: u64| total(&env, flag, variant, hour, count);
    api.store
        .put_counters(
            "node-a",
            &[
                d("beta", "on", now, 3),
                d("beta", "off", now - 1, 2),
                d("beta", "on", now - 500, 9), // outside the default week
                d("beta2", "on", now, 4),
            ],
            RETENTION,
        )
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

async fn custom_events_are_read_apart_from_evaluations(api: Api) {
    let (token, project, env) = project(&api).await;
    let now = hour_of(now_ms());
    api.store
        .put_counters(
            "node-a",
            &[
                total(&env, "beta", "on", now, 1),
                total(&env, "event:checkout", "count", now, 5),
            ],
            RETENTION,
        )
        .await
        .unwrap();
    let base = format!("/api/v1/projects/{project}/environments/{env}");
    let all = api
        .call(
            "GET",
            &format!("{base}/evaluations?hours=1"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        all.body["rows"],
        json!([{"flag": "beta", "variant": "on", "hour": now, "count": 1}])
    );
    assert_eq!(
        all.body["events"],
        json!([{"name": "checkout", "hour": now, "count": 5}])
    );
    let one = api
        .call(
            "GET",
            &format!("{base}/flags/beta/evaluations?hours=1"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(one.body["events"], json!([]));
}

async fn counts_of_several_nodes_read_as_their_sum(api: Api) {
    let (token, project, env) = project(&api).await;
    let now = hour_of(now_ms());
    for (node, n) in [("node-a", 3), ("node-b", 4)] {
        api.store
            .put_counters(node, &[total(&env, "beta", "on", now, n)], RETENTION)
            .await
            .unwrap();
    }
    let r = api
        .call(
            "GET",
            &format!(
                "/api/v1/projects/{project}/environments/{env}/flags/beta/evaluations?hours=1"
            ),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        r.body["rows"],
        json!([{"flag": "beta", "variant": "on", "hour": now, "count": 7}])
    );
}

async fn custom_events_are_off_until_the_environment_turns_them_on(api: Api) {
    let (token, project, env) = project(&api).await;
    let t = Some(token.as_str());
    let url = format!("/api/v1/projects/{project}/environments/{env}");
    let before = api.call("GET", &url, t, None).await;
    assert_eq!(before.body["customEvents"], false, "{}", before.body);
    let on = api
        .call("PATCH", &url, t, Some(json!({"customEvents": true})))
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert_eq!(on.body["customEvents"], true);
    assert_eq!(
        api.call("GET", &url, t, None).await.body["customEvents"],
        true
    );
    // Other settings leave it as it is.
    let renamed = api
        .call("PATCH", &url, t, Some(json!({"name": "Prod"})))
        .await;
    assert_eq!(renamed.body["customEvents"], true, "{}", renamed.body);
}

async fn the_custom_events_setting_must_be_a_boolean(api: Api) {
    let (token, project, env) = project(&api).await;
    let t = Some(token.as_str());
    let url = format!("/api/v1/projects/{project}/environments/{env}");
    let r = api
        .call("PATCH", &url, t, Some(json!({"customEvents": "yes"})))
        .await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
    assert!(r.body["error"]["message"].is_string(), "{}", r.body);
    assert_eq!(
        api.call("GET", &url, t, None).await.body["customEvents"],
        false
    );
}
