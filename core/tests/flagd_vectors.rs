//! Test vectors derived from flagd's documentation and test suite, stored as data files in
//! `tests/vectors/`: resolution files (a flag document and cases with expected details) and
//! `jsonlogic.json` (rule, data, expected result).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::path::PathBuf;
use switchyard_core::engine::{Context, ErrorCode, FlagSet, FlagType, Reason, apply};

fn vector(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("vector file");
    serde_json::from_str(&text).expect("vector JSON")
}

/// Numbers compare by value (0.0 == 0), everything else structurally.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn run_resolution_file(name: &str) -> usize {
    let file = vector(name);
    let flags = FlagSet::parse(&file["document"]).expect("document parses");
    let now = file["now"].as_i64().unwrap_or(1_700_000_000);
    let cases = file["cases"].as_array().expect("cases");
    for (i, case) in cases.iter().enumerate() {
        let key = case["flag"].as_str().expect("flag");
        let default = case.get("default").cloned().unwrap_or(Value::Null);
        let attrs = case.get("context").cloned().unwrap_or(json!({}));
        let details = match Context::new(&attrs, now) {
            Err(e) => json!({"value": default, "reason": Reason::Error,
                             "errorCode": ErrorCode::InvalidContext, "errorMessage": e}),
            Ok(ctx) => {
                let r = flags.evaluate(key, &ctx);
                let r = match case.get("type") {
                    Some(t) => {
                        r.expect_type(serde_json::from_value::<FlagType>(t.clone()).unwrap())
                    }
                    None => r,
                };
                serde_json::to_value(r.into_details(key, default)).unwrap()
            }
        };
        for (field, want) in case["expect"].as_object().expect("expect") {
            let got = details.get(field).unwrap_or(&Value::Null);
            assert!(
                same(got, want),
                "{name} case {i} ({key}, context {attrs}): {field} is {got}, expected {want}\n{details}"
            );
        }
    }
    cases.len()
}

#[test]
fn resolution_vectors() {
    assert!(run_resolution_file("resolution.json") > 20);
}

#[test]
fn targeting_vectors() {
    assert!(run_resolution_file("targeting.json") > 20);
}

#[test]
fn fractional_vectors() {
    assert!(run_resolution_file("fractional.json") > 30);
}

#[test]
fn operator_vectors() {
    assert!(run_resolution_file("operators.json") > 30);
}

#[test]
fn jsonlogic_vectors() {
    let file = vector("jsonlogic.json");
    let cases = file["cases"].as_array().expect("cases");
    for (i, case) in cases.iter().enumerate() {
        let (rule, data, want) = (&case[0], &case[1], &case[2]);
        let got = apply(rule, data, "flag", 0)
            .unwrap_or_else(|e| panic!("jsonlogic case {i} {rule}: {e}"));
        assert!(
            same(&got, want),
            "jsonlogic case {i} {rule} on {data}: got {got}, expected {want}"
        );
    }
    assert!(cases.len() > 80);
}
