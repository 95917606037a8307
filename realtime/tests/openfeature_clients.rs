//! The official OpenFeature OFREP clients from npm (`@openfeature/server-sdk` with
//! `@openfeature/ofrep-provider`, `@openfeature/web-sdk` with `@openfeature/ofrep-web-provider`)
//! against a running `switchyard serve`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Client, Switchyard};
use serde_json::Value;
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_openfeature_clients_resolve_and_see_changes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openfeature");
    assert!(
        dir.join("node_modules/@openfeature/web-sdk").exists(),
        "the OpenFeature clients are not installed: run `make test-deps`"
    );
    let data = tempfile::tempdir().unwrap();
    let server = Switchyard::serve(&["--data-dir", data.path().to_str().unwrap()], &[]);
    let admin = Client::signup(&server.base, "ada@example.com").await;
    let t = admin.tenant().await;
    let out = tokio::process::Command::new("node")
        .arg("check.mjs")
        .current_dir(&dir)
        .env("BASE", &server.base)
        .env("KEY", &t.client_key)
        .env("ADMIN_TOKEN", &admin.token)
        .env("PROJECT", &t.project)
        .env("ENV", &t.env)
        .output()
        .await
        .expect("node runs");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(r["server"]["value"], true, "{r}");
    assert_eq!(r["server"]["variant"], "on");
    assert_eq!(r["server"]["reason"], "TARGETING_MATCH");
    assert_eq!(r["serverOther"]["value"], false);
    assert_eq!(r["serverMissing"]["errorCode"], "FLAG_NOT_FOUND");
    assert_eq!(r["serverMissing"]["value"], true, "the code default");
    assert_eq!(r["serverWrongType"]["errorCode"], "TYPE_MISMATCH");
    assert_eq!(r["webBefore"]["value"], true, "{r}");
    assert_eq!(r["flip"], 200);
    assert_eq!(
        r["changeEvent"], true,
        "the web provider noticed the change: {r}"
    );
    assert_eq!(r["webAfter"]["value"], false, "{r}");
}
