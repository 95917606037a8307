//! OpenFeature's flagd-core (the JavaScript in-process flagd engine, from npm) evaluates the
//! flagd document Switchyard exports, prerequisites compiled in, exactly as this engine does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/snapshot.rs"]
mod snapshot;

use serde_json::{Value, json};
use snapshot::{F, served, snapshot};
use std::path::Path;
use switchyard_core::engine::{Context, Reason};

fn on_off(key: &'static str, default: &'static str, targeting: Value) -> F {
    F(
        key,
        json!({"on": true, "off": false}),
        true,
        Some(default),
        Some(targeting),
    )
}

#[test]
fn flagd_core_evaluates_exported_prerequisites_as_the_engine_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/flagd-core");
    assert!(
        dir.join("node_modules/@openfeature/flagd-core").exists(),
        "OpenFeature's flagd-core is not installed: run `make test-deps`"
    );
    let snap = snapshot(
        &[
            F(
                "checkout",
                json!({"new": "new", "old": "old"}),
                true,
                Some("old"),
                Some(
                    json!({"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "new", null]}),
                ),
            ),
            F(
                "bare",
                json!({"yes": "yes", "no": "no"}),
                true,
                Some("no"),
                None,
            ),
            on_off(
                "beta",
                "off",
                json!({"if": [{"and": [
                {"in": [{"var": "plan"}, ["pro", "team"]]},
                {">": [{"var": "$flagd.timestamp"}, 1000]},
                {"!=": [{"var": "note"}, "US$1 $&"]}]}, "on", null]}),
            ),
            on_off(
                "rollout",
                "on",
                json!({"fractional": [["on", 1], ["off", 1]]}),
            ),
            on_off(
                "keyed",
                "off",
                json!({"if": [{"==": [{"var": "$flagd.flagKey"}, "keyed"]},
                {"fractional": [["on", 3], ["off", 1]]}, null]}),
            ),
            F(
                "tier",
                json!({"1": 1, "2": 2}),
                true,
                Some("1"),
                Some(json!({"if": [{"var": "big"}, 2, 1]})),
            ),
            F(
                "kill",
                json!({"true": true, "false": false}),
                true,
                Some("false"),
                Some(json!({"var": "kill"})),
            ),
            F(
                "off",
                json!({"on": true, "off": false}),
                false,
                Some("on"),
                None,
            ),
        ],
        &[
            ("checkout", "beta", &["on"]),
            ("checkout", "tier", &["2"]),
            ("checkout", "keyed", &["on"]),
            ("beta", "rollout", &["on"]),
            ("tier", "kill", &["false"]),
            ("bare", "rollout", &["on"]),
            ("kill", "off", &["off"]),
        ],
    );
    let document = serde_json::to_value(snap.to_flagd()).unwrap();
    let set = served(&snap);
    let now = 1_700_000_000;
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for i in 0..48 {
        let plan = ["free", "pro", "team"][i % 3];
        let mut context = json!({
            "plan": plan,
            "big": i % 4 != 1,
            "kill": i % 7 == 0,
            "note": if i % 5 == 0 { "US$1 $&" } else { "-" },
            "email": if i % 2 == 0 { "a@example.com" } else { "b@elsewhere.org" },
        });
        if i % 6 != 5 {
            context["targetingKey"] = json!(format!("user-{i}"));
        }
        for (flag, kind) in [
            ("checkout", "string"),
            ("bare", "string"),
            ("beta", "boolean"),
            ("tier", "integer"),
            ("kill", "boolean"),
        ] {
            let r = set.evaluate(flag, &Context::new(&context, now).unwrap());
            // flagd-core has no SPLIT reason: a split is a targeting match there.
            let reason = match r.reason {
                Reason::Split => Reason::TargetingMatch,
                other => other,
            };
            expected.push(json!({"flag": flag, "value": r.value, "variant": r.variant,
                "reason": reason, "errorCode": r.error.map(|(c, _)| c)}));
            cases.push(json!({"flag": flag, "type": kind, "context": context.clone()}));
        }
    }
    let input = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        input.path(),
        json!({"document": document, "cases": cases}).to_string(),
    )
    .unwrap();
    let out = std::process::Command::new("node")
        .arg("check.mjs")
        .arg(input.path())
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got.len(), expected.len());
    let mut variants = std::collections::BTreeSet::new();
    for ((want, got), case) in expected.iter().zip(&got).zip(&cases) {
        let want_fields = json!({"value": want["value"], "variant": want["variant"],
            "reason": want["reason"], "errorCode": want["errorCode"]});
        assert_eq!(
            got, &want_fields,
            "{} for {}",
            want["flag"], case["context"]
        );
        variants.insert(format!(
            "{}={}",
            want["flag"].as_str().unwrap(),
            want["variant"]
        ));
    }
    for seen in [
        "checkout=\"new\"",
        "checkout=\"old\"",
        "bare=\"no\"",
        "tier=\"2\"",
    ] {
        assert!(variants.contains(seen), "no case gave {seen}: {variants:?}");
    }
}
