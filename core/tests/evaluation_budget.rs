//! The evaluation budget: rules that would take too long or build too much stop early with a
//! clean error (reason ERROR, code GENERAL), rules whose worst case is over the budget are known
//! when they are compiled, and the rules real products write stay far below it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use switchyard_core::engine::{Budget, Context, ErrorCode, FlagSet, Reason};

const NOW: i64 = 1_700_000_000;

fn one_flag(targeting: Value) -> FlagSet {
    FlagSet::parse(&json!({"flags": {"f": {
        "state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
        "targeting": targeting}}}))
    .unwrap()
}

fn items(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(i)).collect())
}

/// Asserts the flag answered the budget's error, and returns its message.
fn budget_error(set: &FlagSet, attrs: &Value) -> String {
    let r = set.evaluate("f", &Context::new(attrs, NOW).unwrap());
    assert_eq!(r.reason, Reason::Error, "{r:?}");
    assert_eq!(r.value, None);
    assert!(r.budget_exceeded(), "{r:?}");
    let (code, message) = r.error.unwrap();
    assert_eq!(code, ErrorCode::General);
    assert!(
        message.starts_with("evaluation budget exceeded"),
        "{message}"
    );
    message
}

#[test]
fn nested_iteration_over_literal_lists_is_over_budget_at_compile_time() {
    // The bomb: 250 × 250 × 250 iterations, 1.1 s per evaluation before the budget.
    let bomb = json!({"some": [items(250), {"some": [items(250), {"some": [items(250), false]}]}]});
    let set = one_flag(bomb);
    let w = &set.warnings()[0];
    assert_eq!(w.path, "/flags/f/targeting");
    let steps: u64 = w
        .message
        .split("may take ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(steps > 250 * 250 * 250, "{}", w.message);
    let message = budget_error(&set, &json!({}));
    assert!(message.contains("more than the 100000"), "{message}");
}

#[test]
fn a_rule_that_runs_out_of_steps_stops_with_error_general() {
    // Iterating over the context is open-ended at compile time: the run-time budget stops it.
    let body = json!({"==": [{"+": [{"var": ""}, 1, 2, 3, 4, 5, 6, 7, 8, 9]}, -1]});
    let set = one_flag(json!({"some": [{"var": "xs"}, body]}));
    assert!(set.warnings().is_empty());
    let message = budget_error(&set, &json!({"xs": items(10_000)}));
    assert!(message.contains("more than 100000 steps"), "{message}");
}

#[test]
fn a_rule_that_builds_too_much_stops_with_error_general() {
    // `cat(acc, acc)` doubles its string per element: 2^40 bytes without a budget.
    let set = one_flag(json!({"reduce": [items(40),
        {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "x"]}));
    assert!(set.warnings().is_empty(), "its steps are few");
    let message = budget_error(&set, &json!({}));
    assert!(message.contains("more than 1048576 bytes"), "{message}");
}

#[test]
fn copies_of_built_values_are_charged() {
    // A built string read back through `var` once per element is copied each time.
    let set = one_flag(json!({"reduce": [items(200),
        {"if": [{"some": [items(100), {"==": [{"var": ""}, {"var": ""}]}]},
                {"var": "accumulator"}, "never"]},
        {"substr": [{"cat": [{"var": "big"}, {"var": "big"}]}, 0]}]}));
    let big = "y".repeat(16 * 1024);
    let message = budget_error(&set, &json!({"big": big}));
    assert!(message.contains("bytes"), "{message}");
}

#[test]
fn an_operator_error_still_serves_the_default_variant() {
    let set = one_flag(json!({"starts_with": [1, 2]}));
    let r = set.evaluate("f", &Context::new(&json!({}), NOW).unwrap());
    assert_eq!((r.reason, r.variant), (Reason::Default, Some("off")));
    assert!(!r.budget_exceeded());
}

#[test]
fn a_smaller_budget_applies_to_every_flag() {
    let doc = serde_json::from_value(json!({"flags": {"f": {
        "state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
        "targeting": {"if": [{"some": [{"var": "xs"}, {"==": [{"var": ""}, 9]}]}, "on"]}}}}))
    .unwrap();
    let set = FlagSet::compile_with(
        &doc,
        Budget {
            steps: 50,
            bytes: 1 << 20,
        },
    );
    assert_eq!(set.budget().steps, 50);
    let message = budget_error(&set, &json!({"xs": vec![0; 100]}));
    assert!(message.contains("more than 50 steps"), "{message}");
    let r = set.evaluate("f", &Context::new(&json!({"xs": [9]}), NOW).unwrap());
    assert_eq!(r.variant, Some("on"));
}

#[test]
fn dry_run_names_a_rule_that_runs_out_on_an_empty_context() {
    let set = one_flag(json!({"reduce": [items(40),
        {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "x"]}));
    let problems = set.dry_run(NOW);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "/flags/f/targeting");
    assert!(
        problems[0].message.contains("budget"),
        "{}",
        problems[0].message
    );
}

#[test]
fn the_rules_products_write_stay_far_below_the_budget() {
    let allow: Vec<String> = (0..20_000).map(|i| format!("user-{i:05}")).collect();
    let set = FlagSet::parse(&json!({
        "$evaluators": {
            "pro": {"in": [{"var": "plan"}, ["pro", "team", "enterprise"]]},
            "eu-pro": {"and": [{"$ref": "pro"}, {"in": [{"var": "country"}, ["DE", "FR", "NL"]]}]}
        },
        "flags": {
            "allow": {"state": "ENABLED", "variants": {"on": true, "off": false},
                      "defaultVariant": "off",
                      "targeting": {"if": [{"in": [{"var": "targetingKey"}, allow]}, "on"]}},
            "split": {"state": "ENABLED", "variants": {"a": "a", "b": "b", "c": "c"},
                      "defaultVariant": "a",
                      "targeting": {"fractional": [["a", 34], ["b", 33], ["c", 33]]}},
            "semver": {"state": "ENABLED", "variants": {"on": true, "off": false},
                       "defaultVariant": "off",
                       "targeting": {"if": [{"sem_ver": [{"var": "appVersion"}, ">=", "2.1.0"]}, "on"]}},
            "segments": {"state": "ENABLED", "variants": {"on": true, "off": false},
                         "defaultVariant": "off",
                         "targeting": {"if": [{"$ref": "eu-pro"}, "on", {"$ref": "pro"}, "off"]}}
        }
    }))
    .unwrap();
    assert!(set.warnings().is_empty());
    // The whole set's worst case, the 20,000-entry allow-list included, is a few percent.
    assert!(set.cost() < Budget::DEFAULT.steps / 20, "{}", set.cost());
    let attrs = json!({"targetingKey": "user-19999", "plan": "pro", "country": "DE",
                       "appVersion": "2.3.0"});
    let ctx = Context::new(&attrs, NOW).unwrap();
    for (key, r) in set.evaluate_all(&ctx) {
        assert!(r.error.is_none(), "{key}: {r:?}");
    }
    assert_eq!(set.evaluate("allow", &ctx).variant, Some("on"));
    assert_eq!(set.evaluate("segments", &ctx).variant, Some("on"));
    assert!(set.dry_run(NOW).is_empty());
}
