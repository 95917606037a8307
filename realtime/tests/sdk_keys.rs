//! SDK keys against a real `switchyard serve`: their shape, where they may travel, rotation with
//! an overlap, flags hidden from client keys, secure mode, and streams that end with their key.
//! One behaviour per test, each with a server and a tenant of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, Sse, close_code, next_json, send_json, within};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

/// Found keys are looked up on every request, so what the store says is what a request sees.
const NO_KEY_CACHE: &[&str] = &["--key-cache-secs", "0"];

impl Fixture {
    async fn ofrep_with(
        &self,
        path: &str,
        key: &str,
        body: Value,
        hash: Option<&str>,
    ) -> reqwest::Response {
        let mut r = self
            .http
            .post(self.url(&format!("/ofrep/v1/evaluate/flags{path}")))
            .header("x-api-key", key)
            .json(&body);
        if let Some(h) = hash {
            r = r.header("x-switchyard-hash", h);
        }
        r.send().await.unwrap()
    }

    async fn status_for(&self, key: &str) -> u16 {
        self.ofrep_with("/beta", key, json!({}), None)
            .await
            .status()
            .as_u16()
    }

    /// Rotates the client key with `body`; returns the answer.
    async fn rotate_client_key(&self, body: Value) -> (u16, Value) {
        let path = format!(
            "/api/v1/projects/{}/environments/{}/keys/{}/rotate",
            self.t.project, self.t.env, self.t.client_key_id
        );
        self.admin.call(Method::POST, &path, Some(body)).await
    }

    /// A boolean flag `key`, on in the tenant's environment, created with `body`'s extra fields.
    async fn flag(&self, key: &str, extra: Value) -> Value {
        let mut body = json!({"key": key, "type": "boolean",
            "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (s, flag) = self
            .admin
            .call(
                Method::POST,
                &format!("/api/v1/projects/{}/flags", self.t.project),
                Some(body),
            )
            .await;
        assert_eq!(s, 201, "{flag}");
        let (s, b) = self.admin.call(Method::PUT, &format!("/api/v1/projects/{}/environments/{}/flags/{key}", self.t.project, self.t.env),
            Some(json!({"enabled": true, "defaultVariant": "on", "targeting": null, "version": 0}))).await;
        assert_eq!(s, 200, "{b}");
        self.wait_for_server_to_see(key).await;
        flag
    }

    async fn wait_for_server_to_see(&self, key: &str) {
        within("the flag to reach the server", async {
            while self
                .ofrep_with(&format!("/{key}"), &self.t.server_key, json!({}), None)
                .await
                .status()
                != 200
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    }

    async fn set_visible(&self, key: &str, visible: bool, version: u64) {
        let (s, b) = self
            .admin
            .call(
                Method::PATCH,
                &format!("/api/v1/projects/{}/flags/{key}", self.t.project),
                Some(json!({"clientVisible": visible, "version": version})),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }

    /// Turns secure mode on and returns its secret (as an admin sees it).
    async fn secure_mode(&self) -> String {
        let env = format!(
            "/api/v1/projects/{}/environments/{}",
            self.t.project, self.t.env
        );
        let (s, b) = self
            .admin
            .call(Method::PATCH, &env, Some(json!({"secureMode": true})))
            .await;
        assert_eq!(s, 200, "{b}");
        let (_, sm) = self
            .admin
            .call(Method::GET, &format!("{env}/secure-mode"), None)
            .await;
        let secret = sm["secret"].as_str().unwrap().to_owned();
        // Secure mode reaches the server over the bus.
        within("secure mode to apply", async {
            while self.status_for(&self.t.client_key).await != 403 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        secret
    }

    fn sse_url(&self, key: &str, context: &Value, hash: Option<&str>) -> String {
        use base64::Engine;
        let ctx = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(context.to_string());
        let mut url = self.url(&format!("/sdk/v1/sse?key={key}&context={ctx}"));
        if let Some(h) = hash {
            url.push_str(&format!("&hash={h}"));
        }
        url
    }
}

fn sign(secret: &str, targeting_key: &str) -> String {
    switchyard_realtime::sdk::secure::sign(secret, targeting_key)
}

// --- shape ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_key_never_reaches_the_store() {
    let f = Fixture::start().await;
    assert_eq!(f.status_for(&f.t.client_key).await, 200);
    let lookups = f.metric("switchyard_key_lookups_total").await;
    for bad in [
        "sy_client_nope".to_owned(),
        format!("sy_client_{}", "g".repeat(64)),
        format!("sy_server_{}", "a".repeat(63)),
        "x".repeat(200),
    ] {
        let r = f.ofrep_with("/beta", &bad, json!({}), None).await;
        assert_eq!(r.status(), 401, "{bad}");
        let challenge = r.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains("not an SDK key"), "{challenge}");
    }
    assert_eq!(f.metric("switchyard_key_lookups_total").await, lookups);
    assert_eq!(f.metric("switchyard_keys_malformed_total").await, 4.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_unknown_keys_leaves_real_keys_cached() {
    let f = Fixture::with_args(&["--key-cache-size", "2", "--unknown-key-cache-size", "2"]).await;
    assert_eq!(f.status_for(&f.t.client_key).await, 200);
    assert_eq!(f.status_for(&f.t.server_key).await, 200);
    for _ in 0..20 {
        let random = switchyard_core::domain::new_secret("sy_client");
        assert_eq!(f.status_for(&random).await, 401);
    }
    let lookups = f.metric("switchyard_key_lookups_total").await;
    assert_eq!(f.status_for(&f.t.client_key).await, 200);
    assert_eq!(f.status_for(&f.t.server_key).await, 200);
    assert_eq!(
        f.metric("switchyard_key_lookups_total").await,
        lookups,
        "both real keys answered from the cache"
    );
}

// --- where keys travel ---------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_key_in_the_url_is_refused() {
    let f = Fixture::start().await;
    for path in ["/sdk/v1/sse", "/ofrep/v1/events"] {
        let r = f
            .http
            .get(f.url(&format!("{path}?key={}", f.t.server_key)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path}");
        let b: Value = r.json().await.unwrap();
        assert!(
            b["errorDetails"].as_str().unwrap().contains("URL"),
            "{path}: {b}"
        );
    }
    match tokio_tungstenite::connect_async(f.server.ws_url(&f.t.server_key)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 400),
        other => panic!("a server key in a WebSocket URL is refused: {other:?}"),
    }
    // Even beside a header key: the URL is what gets logged.
    let r = f
        .http
        .get(f.url(&format!("/ofrep/v1/events?key={}", f.t.server_key)))
        .header("x-api-key", &f.t.client_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_key_in_the_url_is_accepted() {
    let f = Fixture::start().await;
    let mut sse = Sse::new(
        f.http
            .get(f.sse_url(&f.t.client_key, &json!({}), None))
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(sse.next_message().await.event, "snapshot");
    let r = f
        .http
        .get(f.url(&format!("/ofrep/v1/events?key={}", f.t.client_key)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

// --- rotation ------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_key_works_until_its_overlap_ends_then_is_refused() {
    let f = Fixture::with_args(NO_KEY_CACHE).await;
    let (s, b) = f.rotate_client_key(json!({"overlapSeconds": 1})).await;
    assert_eq!(s, 201, "{b}");
    let new_key = b["secret"].as_str().unwrap().to_owned();
    assert_eq!(f.status_for(&new_key).await, 200);
    assert_eq!(
        f.status_for(&f.t.client_key).await,
        200,
        "the old key still works"
    );
    within("the old key to expire", async {
        while f.status_for(&f.t.client_key).await != 401 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(f.status_for(&new_key).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_without_overlap_revokes_the_old_key_at_once() {
    let f = Fixture::with_args(NO_KEY_CACHE).await;
    let (s, b) = f.rotate_client_key(json!({"overlapSeconds": 0})).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(f.status_for(&f.t.client_key).await, 401);
}

// --- client visibility ---------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_flag_is_not_found_for_client_keys() {
    let f = Fixture::start().await;
    f.flag("unreleased", json!({"clientVisible": false})).await;
    let r = f
        .ofrep_with("/unreleased", &f.t.client_key, json!({}), None)
        .await;
    assert_eq!(r.status(), 404);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errorCode"], "FLAG_NOT_FOUND");
    let missing: Value = f
        .ofrep_with("/no-such-flag", &f.t.client_key, json!({}), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        b["errorDetails"]
            .as_str()
            .unwrap()
            .replace("unreleased", "X"),
        missing["errorDetails"]
            .as_str()
            .unwrap()
            .replace("no-such-flag", "X"),
        "hidden reads as missing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_evaluation_omits_hidden_flags_for_client_keys() {
    let f = Fixture::start().await;
    f.flag("unreleased", json!({"clientVisible": false})).await;
    let b: Value = f
        .ofrep_with("", &f.t.client_key, json!({}), None)
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = b["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["beta"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_keys_see_hidden_flags() {
    let f = Fixture::start().await;
    f.flag("unreleased", json!({"clientVisible": false})).await;
    let r = f
        .ofrep_with("/unreleased", &f.t.server_key, json!({}), None)
        .await;
    assert_eq!(r.status(), 200);
    let b: Value = f
        .ofrep_with("", &f.t.server_key, json!({}), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(b["flags"].as_array().unwrap().len(), 2);
    let doc: Value = f
        .http
        .get(f.url("/sdk/v1/flagd.json"))
        .header("x-api-key", &f.t.server_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["flags"]["unreleased"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_snapshots_omit_hidden_flags() {
    let f = Fixture::start().await;
    f.flag("unreleased", json!({"clientVisible": false})).await;
    let (_ws, snap) = f.ws_hello(json!({})).await;
    assert!(snap["flags"]["beta"].is_object());
    assert!(snap["flags"].get("unreleased").is_none(), "{snap}");
    let mut sse = f.sse(&json!({})).await;
    let e = sse.next_message().await;
    let snap: Value = serde_json::from_str(&e.data).unwrap();
    assert!(snap["flags"].get("unreleased").is_none(), "{snap}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_that_becomes_hidden_is_removed_on_streams() {
    let f = Fixture::start().await;
    let (mut ws, _) = f.ws_hello(json!({})).await;
    f.set_visible("beta", false, 1).await;
    let change = next_json(&mut ws).await;
    assert_eq!(change["type"], "changes");
    assert_eq!(change["removed"], json!(["beta"]), "{change}");
    f.set_visible("beta", true, 2).await;
    let change = next_json(&mut ws).await;
    assert!(change["flags"]["beta"].is_object(), "{change}");
}

// --- secure mode ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_mode_accepts_the_hash_of_the_targeting_key() {
    let f = Fixture::start().await;
    let secret = f.secure_mode().await;
    let ctx = json!({"context": {"targetingKey": "user-1"}});
    let hash = sign(&secret, "user-1");
    let r = f
        .ofrep_with("/beta", &f.t.client_key, ctx.clone(), Some(&hash))
        .await;
    assert_eq!(r.status(), 200);
    let r = f.ofrep_with("", &f.t.client_key, ctx, Some(&hash)).await;
    assert_eq!(r.status(), 200);
    let mut ws = f.ws().await;
    send_json(
        &mut ws,
        json!({"type": "hello", "context": {"targetingKey": "user-1"}, "hash": hash}),
    )
    .await;
    assert_eq!(next_json(&mut ws).await["type"], "snapshot");
    let r = f
        .http
        .get(f.sse_url(
            &f.t.client_key,
            &json!({"targetingKey": "user-1"}),
            Some(&hash),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_mode_refuses_a_wrong_or_missing_hash() {
    let f = Fixture::start().await;
    let secret = f.secure_mode().await;
    let ctx = json!({"context": {"targetingKey": "user-1"}});
    let other = sign(&secret, "user-2");
    for hash in [Some(other.as_str()), None] {
        let r = f
            .ofrep_with("/beta", &f.t.client_key, ctx.clone(), hash)
            .await;
        assert_eq!(r.status(), 403, "{hash:?}");
        let b: Value = r.json().await.unwrap();
        assert!(
            b["errorDetails"].as_str().unwrap().contains("secure mode"),
            "{b}"
        );
    }
    let mut ws = f.ws().await;
    send_json(
        &mut ws,
        json!({"type": "hello", "context": {"targetingKey": "user-1"}, "hash": other}),
    )
    .await;
    assert_eq!(close_code(&mut ws).await, 1008);
    let r = f
        .http
        .get(f.sse_url(&f.t.client_key, &json!({"targetingKey": "user-1"}), None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Server keys are trusted as they are.
    let r = f.ofrep_with("/beta", &f.t.server_key, ctx, None).await;
    assert_eq!(r.status(), 200);
}

// --- streams end with their key ------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ofrep_event_stream_ends_when_its_key_is_revoked() {
    let f = Fixture::start().await;
    let mut events = Sse::new(
        f.http
            .get(f.url(&format!("/ofrep/v1/events?key={}", f.t.client_key)))
            .send()
            .await
            .unwrap(),
    );
    f.admin.revoke_client_key(&f.t).await;
    while let Some(e) = events.next().await {
        assert_eq!(e.event, "ping", "nothing but pings before the end: {e:?}");
    }
}
