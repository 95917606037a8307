//! `switchyard realtime` over an embedded store and the in-process bus: the SDK role alone,
//! offline (no DynamoDB, no Redis), serving what a `serve` (or a restored backup) left in its data
//! directory — the counterpart of Unleash Edge's offline mode, and what `make bench-peers` runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, Switchyard, beta_for_pro};
use serde_json::Value;
use std::process::{Command, Output};

fn realtime_offline(data_dir: &str) -> Switchyard {
    Switchyard::realtime(&[
        "--store",
        "embedded",
        "--bus",
        "in-process",
        "--data-dir",
        data_dir,
        "--flagd-addr",
        "off",
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_realtime_role_serves_an_embedded_store_with_its_keys() {
    let mut f = Fixture::start().await;
    f.flip_and_wait().await;
    f.server.terminate();
    let rt = realtime_offline(f.data_dir().to_str().unwrap());
    let r = beta_for_pro(&rt.base, &f.t.server_key).await;
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
    assert_eq!(beta_for_pro(&rt.base, "sy_not_a_key").await.status(), 401);
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

/// A copy of what the stopped `serve` left, for one more process (an embedded store is opened by
/// one process at a time).
fn replica(from: &std::path::Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        from.join("switchyard.redb"),
        dir.path().join("switchyard.redb"),
    )
    .unwrap();
    dir
}

/// `switchyard realtime` arguments over the embedded store in `data`, then `extra`.
fn offline_in(data: &tempfile::TempDir, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["--store", "embedded", "--bus", "in-process"]
        .into_iter()
        .chain(["--flagd-addr", "off", "--data-dir"])
        .map(str::to_owned)
        .collect();
    args.push(data.path().to_str().unwrap().to_owned());
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_with_reuse_port_share_one_address_and_one_serves_when_the_other_stops() {
    let mut f = Fixture::start().await;
    f.server.terminate();
    let (a, b) = (replica(f.data_dir()), replica(f.data_dir()));
    let port = harness::support::free_port();
    let mut first = Switchyard::realtime_on(port, &strs(&offline_in(&a, &["--reuse-port"])));
    let second = Switchyard::realtime_on(port, &strs(&offline_in(&b, &["--reuse-port"])));
    assert_eq!(
        beta_for_pro(&second.base, &f.t.server_key).await.status(),
        200
    );
    first.terminate();
    for _ in 0..20 {
        let r = beta_for_pro(&second.base, &f.t.server_key).await;
        assert_eq!(
            r.status(),
            200,
            "the address is served after the first stopped"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_reuse_port_a_second_process_on_the_address_is_a_clear_error() {
    let mut f = Fixture::start().await;
    f.server.terminate();
    let (a, b) = (replica(f.data_dir()), replica(f.data_dir()));
    let port = harness::support::free_port();
    let _first = Switchyard::realtime_on(port, &strs(&offline_in(&a, &["--reuse-port"])));
    let addr = format!("127.0.0.1:{port}");
    let out = realtime_fails(&strs(&offline_in(&b, &["--addr", &addr])));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
}
