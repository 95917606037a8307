//! Property tests: fractional assignment is deterministic and follows its weights; no document,
//! rule or context, however odd, panics the parser or the evaluator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Map, Value, json};
use switchyard_core::engine::{Context, FlagSet, apply};

fn split_flags(weights: &[u64]) -> FlagSet {
    let buckets: Vec<Value> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| json!([format!("v{i}"), w]))
        .collect();
    let variants: Map<String, Value> = (0..weights.len())
        .map(|i| (format!("v{i}"), json!(format!("v{i}"))))
        .collect();
    FlagSet::parse(&json!({"flags": {"split": {
        "state": "ENABLED", "variants": variants, "defaultVariant": "v0",
        "targeting": {"fractional": buckets}
    }}}))
    .expect("split flag parses")
}

fn variant_for(flags: &FlagSet, key: &str) -> String {
    let attrs = json!({ "targetingKey": key });
    let ctx = Context::new(&attrs, 0).unwrap();
    flags
        .evaluate("split", &ctx)
        .variant
        .expect("a bucket")
        .to_owned()
}

proptest! {
    #[test]
    fn fractional_is_deterministic(key in ".{0,40}", weights in prop::collection::vec(1u64..100, 2..6)) {
        let flags = split_flags(&weights);
        let first = variant_for(&flags, &key);
        prop_assert_eq!(&first, &variant_for(&flags, &key));
        // A copy of the set, compiled again, agrees.
        prop_assert_eq!(first, variant_for(&split_flags(&weights), &key));
    }
}

#[test]
fn fractional_split_matches_weights_within_one_percent() {
    let weights = [50u64, 30, 15, 5];
    let flags = split_flags(&weights);
    let mut counts = [0usize; 4];
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let keys = prop::collection::vec("[a-zA-Z0-9@._-]{4,24}", 100_000);
    let keys = keys.new_tree(&mut runner).unwrap().current();
    for key in &keys {
        let v = variant_for(&flags, key);
        counts[v[1..].parse::<usize>().unwrap()] += 1;
    }
    for (i, w) in weights.iter().enumerate() {
        let share = counts[i] as f64 / keys.len() as f64 * 100.0;
        assert!(
            (share - *w as f64).abs() < 1.0,
            "bucket {i}: {share:.2}% of 100,000 keys, weight {w}%"
        );
    }
}

/// Arbitrary JSON, biased towards the shapes rules are made of.
fn arb_json() -> impl Strategy<Value = Value> {
    let ops = prop::sample::select(vec![
        "var",
        "if",
        "==",
        "===",
        "!=",
        "!",
        "!!",
        "and",
        "or",
        "<",
        "<=",
        ">",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "min",
        "max",
        "map",
        "filter",
        "reduce",
        "all",
        "none",
        "some",
        "merge",
        "in",
        "cat",
        "substr",
        "missing",
        "missing_some",
        "fractional",
        "sem_ver",
        "starts_with",
        "ends_with",
        "$ref",
        "log",
        "?:",
        "nope",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "a",
            "1.2.3",
            "v1",
            "=",
            "^",
            "targetingKey",
            "x.y",
            "e"
        ])
        .prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            (ops.clone(), inner.clone()).prop_map(|(op, args)| json!({ op: args })),
            prop::collection::btree_map(".{0,4}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_rule_or_context_panics(rule in arb_json(), data in arb_json()) {
        let _ = apply(&rule, &data, "flag", 0);
        let doc = json!({
            "flags": {
                "f": {"state": "ENABLED", "variants": {"a": "a", "b": "b"}, "defaultVariant": "a",
                      "targeting": rule.clone()}
            },
            "$evaluators": {"e": rule.clone()}
        });
        if let (Ok(flags), Ok(ctx)) = (FlagSet::parse(&doc), Context::new(&data, 0)) {
            let _ = flags.evaluate("f", &ctx);
            let _ = flags.explain("f", &ctx);
            let _ = flags.evaluate_all(&ctx).count();
        }
    }

    #[test]
    fn no_document_panics(doc in arb_json(), flags in arb_json(), ctx in arb_json()) {
        let _ = FlagSet::parse(&doc);
        let wrapped = json!({"flags": flags, "metadata": doc});
        if let (Ok(set), Ok(ctx)) = (FlagSet::parse(&wrapped), Context::new(&ctx, 0)) {
            let _ = set.evaluate_all(&ctx).count();
        }
        let _ = FlagSet::from_json_str(&doc.to_string());
    }
}

#[test]
fn deep_and_exponential_rules_are_rejected_not_overflowed() {
    let mut deep = json!(true);
    for _ in 0..500 {
        deep = json!({ "!": [deep] });
    }
    let doc = json!({"flags": {"f": {"state": "ENABLED", "variants": {"a": true},
                                     "defaultVariant": "a", "targeting": deep}}});
    let set = FlagSet::parse(&doc).expect("structure is fine");
    assert!(set.warnings()[0].message.contains("nested too deeply"));
    drop(doc);

    // Each evaluator references the previous one eight times: 8^10 operations if expanded
    // blindly, at a depth well within the limit.
    let mut evaluators = Map::new();
    evaluators.insert("e0".into(), json!({"var": "x"}));
    for i in 1..10 {
        let prev = json!({"$ref": format!("e{}", i - 1)});
        evaluators.insert(format!("e{i}"), json!({ "and": vec![prev; 8] }));
    }
    let doc = json!({"flags": {"f": {"state": "ENABLED", "variants": {"a": true},
                     "defaultVariant": "a", "targeting": {"$ref": "e9"}}},
                     "$evaluators": evaluators});
    let set = FlagSet::parse(&doc).expect("structure is fine");
    assert!(
        set.warnings()[0].message.contains("too large"),
        "{:?}",
        set.warnings()
    );
}
