//! `switchyard realtime` over an embedded store and the in-process bus: the SDK role alone,
//! offline (no DynamoDB, no Redis), serving what a `serve` (or a restored backup) left in its data
//! directory — the counterpart of Unleash Edge's offline mode, and what `make bench-peers` runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, support};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// A `switchyard realtime` process, killed on drop.
struct Realtime {
    child: Child,
    base: String,
}

impl Drop for Realtime {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn realtime_offline(data_dir: &str) -> Realtime {
    let port = support::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(["realtime", "--store", "embedded", "--bus", "in-process"])
        .args(["--data-dir", data_dir, "--flagd-addr", "off"])
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("realtime is listening") => break,
            Some(Ok(_)) => continue,
            _ => panic!("switchyard realtime exited before it was ready"),
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Realtime {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn beta(base: &str, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/ofrep/v1/evaluate/flags/beta"))
        .header("x-api-key", key)
        .json(&json!({"context": {"targetingKey": "u1", "plan": "pro"}}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_realtime_role_serves_an_embedded_store_with_its_keys() {
    let mut f = Fixture::start().await;
    f.flip_and_wait().await;
    f.server.terminate();
    let rt = realtime_offline(f.data_dir().to_str().unwrap());
    let r = beta(&rt.base, &f.t.server_key).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["value"], false, "the flip made before the stop: {v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_realtime_role_has_no_dashboard_api() {
    let mut f = Fixture::start().await;
    f.server.terminate();
    let rt = realtime_offline(f.data_dir().to_str().unwrap());
    let r = reqwest::get(format!("{}/api/v1/auth/me", rt.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(beta(&rt.base, "sy_not_a_key").await.status(), 401);
}

fn realtime_fails(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("realtime")
        .args(args)
        .env_remove("SWITCHYARD_REDIS_URL")
        .env_remove("SWITCHYARD_STORE")
        .env_remove("SWITCHYARD_BUS")
        .output()
        .unwrap()
}

#[test]
fn the_redis_bus_without_a_url_is_a_clear_error_that_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = realtime_fails(&[
        "--store",
        "embedded",
        "--data-dir",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--redis-url"), "{err}");
    assert!(!data.exists(), "no store was created");
}
