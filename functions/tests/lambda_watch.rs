//! Each Lambda function binary, run by `cargo lambda watch` (the Lambda runtime emulator) and
//! invoked with API Gateway HTTP API (v2) events built from the `aws_lambda_events` crate's own
//! fixture, against DynamoDB (moto).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::support;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        // cargo lambda runs the functions as its children, all in the session `setsid` made for it:
        // end that session, and nothing else.
        let _ = Command::new("pkill")
            .arg("-KILL")
            .arg("-s")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn cargo_lambda() -> PathBuf {
    let local = workspace().join(".venv/bin/cargo-lambda");
    assert!(
        local.exists(),
        "cargo-lambda is not installed: run `make test-deps`"
    );
    local
}

/// The API Gateway v2 request fixture that ships with `aws_lambda_events`.
fn fixture() -> Value {
    common::fixture("example-apigw-v2-request-no-authorizer.json")
}

fn event(method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Value {
    let mut e = fixture();
    e["rawPath"] = json!(path);
    e["rawQueryString"] = json!("");
    e["routeKey"] = json!("$default");
    e["requestContext"]["http"]["method"] = json!(method);
    e["requestContext"]["http"]["path"] = json!(path);
    e["pathParameters"] = json!({});
    e["queryStringParameters"] = json!({});
    e["cookies"] = json!([]);
    let mut headers = json!({"content-type": "application/json", "host": "api.example.com"});
    if let Some(t) = token {
        headers["authorization"] = json!(format!("Bearer {t}"));
    }
    e["headers"] = headers;
    e["isBase64Encoded"] = json!(false);
    e["body"] = body.map_or(Value::Null, |b| json!(b.to_string()));
    e
}

async fn invoke(http: &reqwest::Client, port: u16, function: &str, event: &Value) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{port}/2015-03-31/functions/{function}/invocations");
    let start = Instant::now();
    loop {
        match http
            .post(&url)
            .json(event)
            .timeout(Duration::from_secs(300))
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => {
                let out: Value = r.json().await.unwrap();
                let body = out["body"]
                    .as_str()
                    .map_or(Value::Null, |b| serde_json::from_str(b).unwrap_or(json!(b)));
                return (out["statusCode"].as_u64().unwrap() as u16, body);
            }
            other if start.elapsed() > Duration::from_secs(240) => {
                panic!("invoking {function} failed: {other:?}")
            }
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// Every function under `cargo lambda watch`, on a DynamoDB table (moto) and Redis of its own.
struct Watched {
    port: u16,
    http: reqwest::Client,
    _watch: Watch,
    _redis: support::Server,
    _moto: Option<support::Server>,
    _dir: tempfile::TempDir,
}

async fn watched() -> Watched {
    let (endpoint, moto) = support::dynamodb_endpoint();
    let table = format!("watch-{}", std::process::id());
    {
        use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            .build();
        switchyard_core::store::dynamodb::DynamoDb::new(
            aws_sdk_dynamodb::Client::from_conf(config),
            &table,
        )
        .create_table()
        .await
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("jwt.key");
    std::fs::write(&key_file, "11".repeat(32)).unwrap();
    let port = support::free_port();
    let redis = support::redis_server(None);
    let env = format!(
        "SWITCHYARD_TABLE={table},AWS_ENDPOINT_URL={endpoint},AWS_ACCESS_KEY_ID=test,AWS_SECRET_ACCESS_KEY=test,AWS_REGION=us-east-1,SWITCHYARD_JWT_SECRET_FILE={},SWITCHYARD_REDIS_URL=redis://127.0.0.1:{}",
        key_file.display(),
        redis.port
    );
    let mut cmd = Command::new("setsid");
    cmd.arg(cargo_lambda())
        .args([
            "lambda",
            "watch",
            "--ignore-changes",
            "-P",
            &port.to_string(),
            "-p",
            "switchyard-functions",
            "--env-vars",
            &env,
        ])
        .current_dir(workspace())
        .env(
            "PATH",
            format!(
                "{}:{}",
                workspace().join(".venv/bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let watch = Watch(cmd.spawn().expect("cargo lambda watch starts"));
    Watched {
        port,
        http: reqwest::Client::new(),
        _watch: watch,
        _redis: redis,
        _moto: moto,
        _dir: dir,
    }
}

/// Signs up through the `auth` function: the session token and the organization's id.
async fn sign_up(w: &Watched) -> (String, String) {
    let (s, signup) = invoke(&w.http, w.port, "auth", &event("POST", "/api/v1/auth/signup", None,
        Some(json!({"email": "ada@example.com", "password": "correct horse battery", "name": "Ada", "organization": "Acme"})))).await;
    assert_eq!(s, 201, "{signup}");
    (
        signup["token"].as_str().unwrap().to_owned(),
        signup["organization"]["id"].as_str().unwrap().to_owned(),
    )
}

/// The `auth` and `orgs` functions: a signed-up user's organizations, a route of another
/// function answered 404 in the API's shape, and the OpenAPI document.
async fn auth_and_orgs_answer(w: &Watched, token: &str, org: &str) {
    let t = Some(token);
    let (s, orgs) = invoke(
        &w.http,
        w.port,
        "orgs",
        &event("GET", "/api/v1/orgs", t, None),
    )
    .await;
    assert_eq!(
        (s, orgs[0]["organization"]["id"].as_str()),
        (200, Some(org))
    );
    // A function answers only its own routes; errors keep the API's shape.
    let (s, body) = invoke(
        &w.http,
        w.port,
        "orgs",
        &event("GET", "/api/v1/auth/me", t, None),
    )
    .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (s, doc) = invoke(
        &w.http,
        w.port,
        "auth",
        &event("GET", "/api/openapi.json", None, None),
    )
    .await;
    assert_eq!(s, 200);
    assert!(doc["paths"].as_object().unwrap().len() > 30);
}

/// `make test`: two functions (building them is most of the time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auth_and_orgs_functions_answer_api_gateway_events() {
    let w = watched().await;
    let (token, org) = sign_up(&w).await;
    auth_and_orgs_answer(&w, &token, &org).await;
}

/// `make reliability`: every function, each built and run by the emulator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "every function: make reliability runs it (cargo test -- --ignored)"]
async fn every_function_answers_api_gateway_events() {
    let w = watched().await;
    let (token, org) = sign_up(&w).await;
    let t = Some(token.as_str());
    auth_and_orgs_answer(&w, &token, &org).await;
    let (s, created) = invoke(
        &w.http,
        w.port,
        "projects",
        &event(
            "POST",
            &format!("/api/v1/orgs/{org}/projects"),
            t,
            Some(json!({"name": "Web"})),
        ),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    let (s, flag) = invoke(&w.http, w.port, "flags", &event("POST", &format!("/api/v1/projects/{project}/flags"), t,
        Some(json!({"key": "beta", "type": "boolean", "variants": [{"name": "on", "value": true}]})))).await;
    assert_eq!(s, 201, "{flag}");
    let (s, segments) = invoke(
        &w.http,
        w.port,
        "segments",
        &event(
            "GET",
            &format!("/api/v1/projects/{project}/segments"),
            t,
            None,
        ),
    )
    .await;
    assert_eq!((s, segments), (200, json!([])));
    let (s, audit) = invoke(
        &w.http,
        w.port,
        "audit",
        &event("GET", &format!("/api/v1/orgs/{org}/audit"), t, None),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(audit["items"][0]["action"], "flag.create");
    // A function answers only its own routes; errors keep the API's shape.
    let (s, body) = invoke(
        &w.http,
        w.port,
        "audit",
        &event("GET", "/api/v1/orgs", t, None),
    )
    .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

/// The `feed` function behind its function URL (what Terraform gives it, streaming): a change
/// made through the `orgs` function arrives on the open stream as a `change` event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_function_streams_a_change_through_its_function_url() {
    let w = watched().await;
    let (token, org) = sign_up(&w).await;
    let url = format!(
        "http://127.0.0.1:{}/lambda-url/feed/api/v1/orgs/{org}/events",
        w.port
    );
    let start = Instant::now();
    let mut stream = loop {
        match w.http.get(&url).bearer_auth(&token).send().await {
            Ok(r) if r.status().is_success() => break r,
            other if start.elapsed() > Duration::from_secs(240) => {
                panic!("opening the feed failed: {other:?}")
            }
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    };
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let (s, renamed) = invoke(
        &w.http,
        w.port,
        "orgs",
        &event(
            "PATCH",
            &format!("/api/v1/orgs/{org}"),
            Some(&token),
            Some(json!({"name": "Acme Inc"})),
        ),
    )
    .await;
    assert_eq!(s, 200, "{renamed}");
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !text.contains("organization.update") {
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = tokio::time::timeout(left, stream.chunk())
            .await
            .expect("the change within 30 s")
            .unwrap()
            .expect("the stream stays open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains("event: change"), "{text}");
}
