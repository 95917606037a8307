//! The decisions docs/flagd-semantics.md records, one behaviour per test: where the reference
//! evaluators disagree with each other or with flagd's specification, what Switchyard does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use switchyard_core::engine::{Context, FlagSet, Reason};
use switchyard_core::flagd::Document;

/// Resolves a one-flag document (variants on/off, default off) for a context: (variant, reason).
fn resolve(targeting: Value, context: Value) -> (Option<String>, Reason) {
    let set = FlagSet::parse(&json!({"flags": {"f": {"state": "ENABLED",
        "variants": {"on": true, "off": false, "a": true, "b": false}, "defaultVariant": "off",
        "targeting": targeting}}}))
    .unwrap();
    let r = set.evaluate("f", &Context::new(&context, 0).unwrap());
    (r.variant.map(str::to_owned), r.reason)
}

fn variant(targeting: Value, context: Value) -> String {
    resolve(targeting, context).0.unwrap_or_default()
}

#[test]
fn in_substring_with_missing_attribute_is_false() {
    let rule = json!({"if": [{"in": [{"var": "country"}, "DE,AT"]}, "on", "b"]});
    assert_eq!(variant(rule.clone(), json!({})), "b");
    assert_eq!(variant(rule.clone(), json!({"country": null})), "b");
    assert_eq!(variant(rule, json!({"country": "DE"})), "on");
}

#[test]
fn in_substring_finds_a_null_needle_only_in_text_holding_null() {
    let rule = json!({"if": [{"in": [{"var": "x"}, "nullable"]}, "on", "b"]});
    assert_eq!(variant(rule, json!({})), "on");
}

#[test]
fn sem_ver_caret_means_same_major_not_an_npm_range() {
    let rule = json!({"if": [{"sem_ver": [{"var": "v"}, "^", "1.2.3"]}, "on", "b"]});
    assert_eq!(variant(rule.clone(), json!({"v": "1.1.0"})), "on");
    assert_eq!(variant(rule, json!({"v": "2.0.0"})), "b");
    let zero = json!({"if": [{"sem_ver": [{"var": "v"}, "^", "0.2.3"]}, "on", "b"]});
    assert_eq!(variant(zero, json!({"v": "0.9.0"})), "on");
}

#[test]
fn sem_ver_tilde_means_same_major_and_minor_not_an_npm_range() {
    let rule = json!({"if": [{"sem_ver": [{"var": "v"}, "~", "1.2.3"]}, "on", "b"]});
    assert_eq!(variant(rule.clone(), json!({"v": "1.2.0"})), "on");
    assert_eq!(variant(rule, json!({"v": "1.3.0"})), "b");
}

#[test]
fn a_failing_operator_is_null_so_an_if_takes_its_else_branch() {
    let rule = json!({"if": [{"sem_ver": [{"var": "v"}, ">=", "1.0.0"]}, "on", "b"]});
    assert_eq!(
        resolve(rule, json!({})),
        (Some("b".into()), Reason::TargetingMatch)
    );
}

#[test]
fn a_rule_that_is_only_a_failing_operator_gives_the_default_variant_without_error() {
    let rule = json!({"sem_ver": [{"var": "v"}, ">=", "1.0.0"]});
    assert_eq!(
        resolve(rule, json!({})),
        (Some("off".into()), Reason::Default)
    );
}

#[test]
fn keyed_fractional_with_missing_attribute_gives_the_default_variant() {
    let rule = json!({"fractional": [{"var": "email"}, ["on", 50], ["b", 50]]});
    let got = resolve(rule, json!({"targetingKey": "user-1"}));
    assert_eq!(got, (Some("off".into()), Reason::Default));
}

#[test]
fn keyed_fractional_with_missing_attribute_does_not_use_the_targeting_key_for_one_bucket() {
    let rule = json!({"fractional": [{"var": "email"}, ["on", 1]]});
    assert_eq!(
        resolve(rule, json!({"targetingKey": "u"})).1,
        Reason::Default
    );
}

#[test]
fn fractional_without_targeting_key_gives_the_default_variant() {
    let rule = json!({"fractional": [["on", 50], ["b", 50]]});
    assert_eq!(
        resolve(rule, json!({})),
        (Some("off".into()), Reason::Default)
    );
}

#[test]
fn fractional_with_one_weighted_bucket_needs_no_targeting_key() {
    let rule = json!({"fractional": [["on", 0], ["a", 10]]});
    assert_eq!(resolve(rule, json!({})), (Some("a".into()), Reason::Split));
}

#[test]
fn loose_equality_with_array_attribute_compares_its_text() {
    let rule = json!({"if": [{"==": [{"var": "tags"}, "beta"]}, "on", "b"]});
    assert_eq!(variant(rule.clone(), json!({"tags": ["beta"]})), "on");
    assert_eq!(variant(rule, json!({"tags": ["beta", "qa"]})), "b");
}

#[test]
fn missing_attribute_is_not_loosely_equal_to_zero() {
    let rule = json!({"if": [{"==": [{"var": "age"}, 0]}, "on", "b"]});
    assert_eq!(variant(rule, json!({})), "b");
}

#[test]
fn missing_counts_empty_and_null_attributes_as_missing() {
    let rule = json!({"if": [{"missing": ["email"]}, "on", "b"]});
    assert_eq!(variant(rule.clone(), json!({"email": ""})), "on");
    assert_eq!(variant(rule, json!({"email": null})), "on");
}

#[test]
fn cat_renders_a_missing_attribute_as_nothing() {
    let rule = json!({"if": [{"==": [{"cat": ["x", {"var": "nope"}]}, "x"]}, "on", "b"]});
    assert_eq!(variant(rule, json!({})), "on");
}

#[test]
fn literal_negative_fractional_weight_warns_and_counts_as_zero() {
    let doc = json!({"flags": {"f": {"state": "ENABLED", "variants": {"a": "a", "b": "b"},
        "defaultVariant": "a", "targeting": {"fractional": [["a", -5], ["b", 5]]}}}});
    let set = FlagSet::parse(&doc).unwrap();
    assert!(set.warnings()[0].to_string().contains("minimum is 0"));
    assert!(FlagSet::parse_strict(&doc).is_err());
    let attrs = json!({"targetingKey": "u"});
    let r = set.evaluate("f", &Context::new(&attrs, 0).unwrap());
    assert_eq!(r.variant, Some("b"));
}

#[test]
fn flag_list_form_imports_with_keys() {
    let d = Document::parse(&json!({"flags": [
        {"key": "a", "state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"},
        {"key": "b", "state": "DISABLED", "variants": {"x": "x"}}]}))
    .unwrap();
    assert_eq!(d.flags.keys().collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn flag_list_form_rejects_missing_and_repeated_keys() {
    let e = Document::parse(&json!({"flags": [
        {"state": "ENABLED", "variants": {"on": true}},
        {"key": "a", "state": "ENABLED", "variants": {"on": true}},
        {"key": "a", "state": "ENABLED", "variants": {"on": true}}]}))
    .unwrap_err();
    let paths: Vec<_> = e.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
}

#[test]
fn flag_set_id_must_be_a_string() {
    let doc = |id: Value| json!({"flags": {}, "metadata": {"flagSetId": id}});
    assert!(Document::parse(&doc(json!("prod"))).is_ok());
    assert!(Document::parse(&doc(json!(7))).is_err());
}
