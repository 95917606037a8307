//! The official OpenFeature flagd providers, unmodified, against a running `switchyard serve`:
//! npm's `@openfeature/flagd-provider` in `rpc` and `in-process` modes, and PyPI's
//! `openfeature-provider-flagd` in `in-process` mode. Each resolves every flag type and reason,
//! sees a dashboard change (the latency is printed), recovers after a server restart, and is
//! refused with a wrong key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flagd;
mod harness;

use flagd::Flagd;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

struct Check {
    child: Child,
    stdin: ChildStdin,
    out: Lines<BufReader<ChildStdout>>,
}

impl Check {
    fn start(mut cmd: Command, f: &Flagd) -> Check {
        let bad = format!("sy_server_{}", "3".repeat(64));
        let mut child = cmd
            .env("PORT", f.grpc_port.to_string())
            .env("KEY", &f.t.server_key)
            .env("BAD_KEY", bad)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("the provider check starts");
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap()).lines();
        Check { child, stdin, out }
    }

    /// The next result line with `step`, skipping anything else the client printed.
    async fn step(&mut self, step: &str) -> Value {
        loop {
            let line = harness::within(step, self.out.next_line())
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("the check ended before {step}"));
            if let Ok(v) = serde_json::from_str::<Value>(&line)
                && v["step"] == step
            {
                return v;
            }
        }
    }

    async fn say(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        self.stdin.flush().await.unwrap();
    }
}

fn outcome(d: &Value) -> Value {
    json!([d["value"], d["variant"], d["reason"]])
}

fn assert_resolved(r: &Value, mode: &str) {
    assert_eq!(
        outcome(&r["bool"]),
        json!([true, "on", "STATIC"]),
        "{mode}: {r}"
    );
    assert_eq!(
        outcome(&r["string"]),
        json!(["hi", "greeting", "STATIC"]),
        "{mode}: {r}"
    );
    assert_eq!(
        outcome(&r["int"]),
        json!([10, "ten", "STATIC"]),
        "{mode}: {r}"
    );
    assert_eq!(
        outcome(&r["float"]),
        json!([0.5, "half", "STATIC"]),
        "{mode}: {r}"
    );
    assert_eq!(
        outcome(&r["object"]),
        json!([{"color": "red"}, "a", "STATIC"]),
        "{mode}: {r}"
    );
    assert_eq!(
        outcome(&r["targeted"]),
        json!(["yes", "yes", "TARGETING_MATCH"]),
        "{mode}: {r}"
    );
    // flagd-core (in-process) calls a fractional pick TARGETING_MATCH; the server says SPLIT.
    let split = r["split"]["reason"].as_str().unwrap_or("");
    assert!(["SPLIT", "TARGETING_MATCH"].contains(&split), "{mode}: {r}");
    assert_eq!(
        r["disabled"]["value"], true,
        "{mode}: the code default: {r}"
    );
    assert_eq!(r["disabled"]["reason"], "DISABLED", "{mode}: {r}");
    assert_eq!(
        r["noDefault"]["value"], true,
        "{mode}: the code default: {r}"
    );
    assert_eq!(r["missing"]["errorCode"], "FLAG_NOT_FOUND", "{mode}: {r}");
    assert_eq!(r["wrongType"]["errorCode"], "TYPE_MISMATCH", "{mode}: {r}");
}

/// Resolves, change, restart, wrong key: what every provider kind must do.
async fn judge(mut check: Check, mut f: Flagd, mode: &str) -> Value {
    let resolved = check.step("resolved").await;
    assert_resolved(&resolved, mode);
    check.step("await-change").await;
    check.say("change").await;
    f.set_default("bool-flag", "off").await;
    let changed = check.step("changed").await;
    assert!(
        changed["latencyMs"].is_u64(),
        "{mode}: the change was never seen: {changed}"
    );
    println!(
        "{mode}: a dashboard change reached the provider in {} ms",
        changed["latencyMs"]
    );
    check.step("await-restart").await;
    f.restart();
    f.set_default("bool-flag", "on").await;
    check.say("restarted").await;
    let recovered = check.step("recovered").await;
    assert!(
        recovered["ms"].is_u64(),
        "{mode}: no recovery after a restart: {recovered}"
    );
    let wrong = check.step("wrong-key").await;
    let _ = check.child.wait().await;
    json!({"resolved": resolved, "changed": changed, "wrong": wrong})
}

fn node(mode: &str) -> Command {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/flagd-providers");
    assert!(
        dir.join("node_modules/@openfeature/flagd-provider")
            .exists(),
        "the flagd provider is not installed: run `make test-deps`"
    );
    let mut cmd = Command::new("node");
    cmd.arg("check.mjs").current_dir(dir).env("MODE", mode);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_npm_flagd_provider_in_rpc_mode_works_unmodified() {
    let f = Flagd::start(&[]).await;
    let check = Check::start(node("rpc"), &f);
    let r = judge(check, f, "npm rpc").await;
    let bad = &r["wrong"]["details"];
    assert_eq!(bad["value"], true, "the code default: {r}");
    assert_eq!(bad["reason"], "ERROR", "{r}");
    assert!(
        bad["errorMessage"]
            .as_str()
            .unwrap_or("")
            .contains("server key"),
        "{r}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_npm_flagd_provider_in_process_mode_works_unmodified() {
    let f = Flagd::start(&[]).await;
    let check = Check::start(node("in-process"), &f);
    let r = judge(check, f, "npm in-process").await;
    assert!(
        r["wrong"]["init"].as_str().unwrap().starts_with("failed"),
        "a wrong key must not start the provider: {r}"
    );
    assert_eq!(r["wrong"]["details"]["value"], true, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pypi_flagd_provider_in_process_mode_works_unmodified() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "the Python test tools are not installed: run `make test-deps`"
    );
    let f = Flagd::start(&[]).await;
    let mut cmd = Command::new(python);
    cmd.arg("check_inprocess.py")
        .current_dir(root.join("realtime/tests/flagd-providers"));
    let r = judge(Check::start(cmd, &f), f, "PyPI in-process").await;
    assert_eq!(
        r["wrong"]["details"]["value"], true,
        "the code default: {r}"
    );
    assert_ne!(r["wrong"]["init"], "ProviderStatus.READY", "{r}");
}
