//! `switchyard eval` end to end: the real binary, JSON Lines in and out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
}

fn eval(flags: &std::path::Path, input: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("eval")
        .arg("--flags")
        .arg(flags)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("switchyard runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

#[test]
fn answers_every_request_in_order_including_malformed_ones() {
    let input = std::fs::read_to_string(example("requests.jsonl")).unwrap();
    let out = eval(&example("flags.json"), &format!("{input}\n\n"), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    let requests = input.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(got.len(), requests);

    assert_eq!(got[0]["flag"], "new-checkout");
    assert_eq!(got[0]["value"], true);
    assert_eq!(got[0]["reason"], "TARGETING_MATCH");
    assert_eq!(got[0]["metadata"]["owner"], "ada");
    assert_eq!(got[1]["reason"], "SPLIT");
    assert_eq!(got[3]["value"], 50, "integers stay integers");
    assert_eq!(got[3]["value"].to_string(), "50");
    assert_eq!(got[4]["reason"], "DISABLED");
    assert_eq!(
        got[4]["value"], true,
        "a disabled flag gives the caller's default"
    );
    assert_eq!(got[5]["errorCode"], "FLAG_NOT_FOUND");
    assert_eq!(got[6]["errorCode"], "TYPE_MISMATCH");
    let last = got.last().unwrap();
    assert_eq!(last["reason"], "ERROR");
    assert!(
        last["errorMessage"]
            .as_str()
            .unwrap()
            .contains("malformed request")
    );
    for line in &got {
        for field in [
            "flag",
            "value",
            "variant",
            "reason",
            "errorCode",
            "errorMessage",
            "metadata",
        ] {
            assert!(line.get(field).is_some(), "{field} missing from {line}");
        }
    }
}

#[test]
fn bad_context_and_bad_default_get_error_responses() {
    let input = concat!(
        r#"{"flag":"banner-text","context":"not an object"}"#,
        "\n",
        r#"{"flag":"banner-text","type":"string","default":3}"#,
        "\n",
        r#"{"flag":"banner-text","unexpected":1}"#,
        "\n",
    );
    let out = eval(&example("flags.json"), input, &[]);
    let got = lines(&out);
    assert_eq!(got[0]["errorCode"], "INVALID_CONTEXT");
    assert_eq!(got[1]["errorCode"], "TYPE_MISMATCH");
    assert_eq!(got[2]["errorCode"], "GENERAL");
    assert_eq!(got[2]["flag"], "banner-text");
}

#[test]
fn unreadable_or_invalid_flag_files_exit_non_zero_with_a_clear_message() {
    let out = eval(std::path::Path::new("/nonexistent/flags.json"), "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));

    let dir = std::env::temp_dir().join(format!("switchyard-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"flags": {"x": {"state": "ON", "variants": {"a": 1}, "defaultVariant": "b"}}}"#,
    )
    .unwrap();
    let out = eval(&bad, "", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/flags/x/state") && err.contains("/flags/x/defaultVariant"),
        "{err}"
    );

    std::fs::write(&bad, "{").unwrap();
    let out = eval(&bad, "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));

    // A broken rule loads (PARSE_ERROR for that flag) unless --strict.
    std::fs::write(&bad, r#"{"flags": {"x": {"state": "ENABLED", "variants": {"a": 1}, "defaultVariant": "a", "targeting": {"nope": 1}}}}"#).unwrap();
    let out = eval(&bad, r#"{"flag":"x","default":0}"#, &[]);
    assert!(out.status.success());
    assert_eq!(lines(&out)[0]["errorCode"], "PARSE_ERROR");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: /flags/x/targeting/nope"));
    let out = eval(&bad, "", &["--strict"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
