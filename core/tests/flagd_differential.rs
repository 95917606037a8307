//! One semantics everywhere: generated flagd documents and contexts, resolved by Switchyard's
//! engine and by the reference evaluators the registries ship (npm `@openfeature/flagd-core`,
//! PyPI `openfeature-flagd-core`), each reference in one process for every case. Switchyard
//! follows flagd's specification; where a reference does not, the case must be explained by a
//! named entry in `differential/divergences.rs` (documented in docs/flagd-semantics.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "differential/divergences.rs"]
mod divergences;
#[path = "differential/generate.rs"]
mod generate;

use divergences::{DIVERGENCES, Reference};
use generate::{Case, Rng, Suite};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use switchyard_core::engine::{Context, FlagSet, FlagType, Reason};

const NOW: i64 = 1_700_000_000;

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/flagd-core")
}

/// The Python with `openfeature-flagd-core`: $SWITCHYARD_PYTHON, else the project's virtualenv
/// (beside $SWITCHYARD_MOTO_SERVER, as `make test` sets it, or the workspace's `.venv`).
fn python() -> PathBuf {
    if let Ok(p) = std::env::var("SWITCHYARD_PYTHON") {
        return PathBuf::from(p);
    }
    if let Ok(moto) = std::env::var("SWITCHYARD_MOTO_SERVER") {
        return Path::new(&moto).with_file_name("python");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python")
}

/// Switchyard's answer, in the fields the references report. Neither reference has the SPLIT
/// reason (a split is a targeting match there), so SPLIT is compared as TARGETING_MATCH.
fn switchyard(set: &FlagSet, case: &Case) -> Value {
    let kind: FlagType = serde_json::from_value(json!(case.kind)).unwrap();
    let ctx = Context::new(&case.context, NOW).unwrap();
    let r = set.evaluate(&case.flag, &ctx).expect_type(kind);
    let d = r.into_details(&case.flag, case.default.clone());
    let reason = match d.reason {
        Reason::Split => Reason::TargetingMatch,
        other => other,
    };
    json!({"value": d.value, "variant": d.variant, "reason": reason, "errorCode": d.error_code})
}

fn run(program: &Path, script: &str, input: &Path) -> Vec<Value> {
    let out = Command::new(program)
        .arg(script)
        .arg(input)
        .current_dir(harness_dir())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} does not run ({e}): run `make test-deps`",
                program.display()
            )
        });
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints a JSON array")
}

/// Numbers compare by value (Python's 1.0 is JavaScript's 1), everything else structurally.
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

fn suites() -> Vec<Suite> {
    [11, 23, 37]
        .into_iter()
        .map(|seed| generate::suite(&mut Rng::new(seed), 2, 6))
        .collect()
}

#[test]
fn switchyard_and_the_reference_evaluators_agree_on_generated_documents() {
    let dir = harness_dir();
    assert!(
        dir.join("node_modules/@openfeature/flagd-core").exists(),
        "OpenFeature's flagd-core (npm) is not installed: run `make test-deps`"
    );
    let suites = suites();
    let input = tempfile::NamedTempFile::new().unwrap();
    let wire: Vec<Value> = suites
        .iter()
        .map(|s| {
            let cases: Vec<Value> = s
                .cases
                .iter()
                .map(|c| {
                    json!({"flag": c.flag, "type": c.kind, "default": c.default,
                                "context": c.context})
                })
                .collect();
            json!({"document": s.document, "cases": cases})
        })
        .collect();
    std::fs::write(input.path(), json!({"suites": wire}).to_string()).unwrap();
    let node = run(Path::new("node"), "differential.mjs", input.path());
    let py = run(&python(), "differential.py", input.path());

    let mut ours = Vec::new();
    let mut cases = Vec::new();
    let mut rules = Vec::new();
    for s in &suites {
        let set = FlagSet::parse(&s.document).expect("generated documents parse");
        for c in &s.cases {
            ours.push(switchyard(&set, c));
            cases.push(c);
            rules.push(s.document["flags"][&c.flag].clone());
        }
    }
    assert!(cases.len() >= 500, "only {} cases", cases.len());
    assert_eq!(node.len(), cases.len());
    assert_eq!(py.len(), cases.len());

    let mut used: BTreeMap<&str, usize> = DIVERGENCES.iter().map(|d| (d.name, 0)).collect();
    let mut unexplained = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        for (reference, got) in [(Reference::Js, &node[i]), (Reference::Python, &py[i])] {
            if same(&ours[i], got) {
                continue;
            }
            let entry = DIVERGENCES
                .iter()
                .find(|d| d.reference == reference && (d.explains)(case, &ours[i], got));
            match entry {
                Some(d) => *used.entry(d.name).or_default() += 1,
                None => unexplained.push(format!(
                    "{reference:?} {} ({}) for {}: switchyard {} but {}\n  flag: {}",
                    case.flag, case.kind, case.context, ours[i], got, rules[i]
                )),
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} differences no divergence entry explains, first ones:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let stale: Vec<_> = used
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(k, _)| *k)
        .collect();
    assert!(
        stale.is_empty(),
        "divergence entries no case needs any more: {stale:?}"
    );
}
