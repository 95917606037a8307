//! Document validation (every problem, with its path) and explain mode.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use switchyard_core::engine::{Context, FlagSet, Reason, validate_rule};

fn problems(doc: serde_json::Value) -> Vec<(String, String)> {
    FlagSet::parse(&doc)
        .expect_err("document is invalid")
        .problems
        .into_iter()
        .map(|p| (p.path, p.message))
        .collect()
}

#[test]
fn every_structural_problem_is_listed_with_its_path() {
    let found = problems(json!({
        "metadata": {"nested": {"no": 1}},
        "flags": {
            "a": {"state": "ON", "variants": {"x": 1, "y": "s"}, "defaultVariant": "z"},
            "b": {"variants": {}, "targeting": "if"},
            "c/d": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": 3},
            "e": "not an object"
        },
        "$evaluators": []
    }));
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "/metadata/nested",
        "/$evaluators",
        "/flags/a/state",
        "/flags/a/variants",
        "/flags/a/defaultVariant",
        "/flags/b/state",
        "/flags/b/variants",
        "/flags/b/targeting",
        "/flags/c~1d/defaultVariant",
        "/flags/e",
    ] {
        assert!(paths.contains(&expected), "missing {expected} in {found:?}");
    }
    assert_eq!(found.len(), 10, "{found:?}");
}

#[test]
fn documents_that_are_not_objects_or_lack_flags_are_rejected() {
    assert_eq!(
        problems(json!([])),
        vec![("".into(), "a flag document must be a JSON object".into())]
    );
    assert_eq!(
        problems(json!({})),
        vec![("/flags".into(), "is required".into())]
    );
    let err = FlagSet::from_json_str("{ not json").unwrap_err();
    assert!(err.problems[0].message.starts_with("not valid JSON"));
}

#[test]
fn targeting_problems_are_warnings_or_strict_errors() {
    let doc = json!({"flags": {
        "f": {"state": "ENABLED", "variants": {"a": "a"}, "defaultVariant": "a",
              "targeting": {"if": [{"sem_ver": [{"var": "v"}, "=~", "1.0.0"]}, "a", {"bogus": []}]}}
    }});
    let set = FlagSet::parse(&doc).expect("loads like flagd");
    let paths: Vec<&str> = set.warnings().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/flags/f/targeting/if/0/sem_ver/1",
            "/flags/f/targeting/if/2/bogus"
        ]
    );
    let strict = FlagSet::parse_strict(&doc).unwrap_err();
    assert_eq!(strict.problems.len(), 2);

    let rule_problems =
        validate_rule(&json!({"and": [{"starts_with": ["x"]}, {"==": [1, 1]}]})).unwrap_err();
    assert_eq!(rule_problems[0].path, "/and/0/starts_with");
    assert!(validate_rule(&json!({"in": [{"var": "country"}, ["DE"]]})).is_ok());
}

#[test]
fn explain_reports_rules_in_order_and_the_match() {
    let set = FlagSet::parse(&json!({"flags": {"f": {
        "state": "ENABLED",
        "variants": {"internal": "internal", "beta": "beta", "rest": "rest"},
        "defaultVariant": "rest",
        "targeting": {"if": [
            {"ends_with": [{"var": "email"}, "@corp.com"]}, "internal",
            {"in": [{"var": "country"}, ["NL"]]}, "beta",
            {"fractional": [["beta", 10], ["rest", 90]]}
        ]}
    }}}))
    .unwrap();
    let attrs = json!({"email": "a@b.com", "country": "NL", "targetingKey": "u1"});
    let e = set.explain("f", &Context::new(&attrs, 0).unwrap());
    assert_eq!(e.matched_rule, Some(1));
    assert_eq!(e.rules.len(), 2);
    assert_eq!((e.rules[0].matched, e.rules[1].matched), (false, true));
    assert_eq!(e.variant.as_deref(), Some("beta"));
    assert!(e.split.is_none());

    let attrs = json!({"email": "a@b.com", "country": "DE", "targetingKey": "u1"});
    let e = set.explain("f", &Context::new(&attrs, 0).unwrap());
    assert_eq!(e.matched_rule, None);
    assert_eq!(e.reason, Reason::Split);
    let split = e.split.expect("split details");
    assert_eq!(split.bucketing_key, "fu1");
    assert_eq!(split.total_weight, 100);
    assert!(split.bucket < 100);
    let expected = if split.bucket < 10 { "beta" } else { "rest" };
    assert_eq!(e.variant.as_deref(), Some(expected));

    // A missing email makes ends_with fail: the flag falls back to its default variant.
    let attrs = json!({"country": "DE"});
    let e = set.explain("f", &Context::new(&attrs, 0).unwrap());
    assert_eq!(e.reason, Reason::Default);
    assert!(e.operator_error.unwrap().contains("ends_with"));
}

#[test]
fn bulk_evaluation_covers_every_flag_in_key_order() {
    let set = FlagSet::parse(&json!({"flags": {
        "b": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"},
        "a": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"},
        "c": {"state": "ENABLED", "variants": {"x": 1}, "targeting": {"if": [false, "x"]}}
    }}))
    .unwrap();
    let attrs = json!({});
    let ctx = Context::new(&attrs, 0).unwrap();
    let all: Vec<_> = set.evaluate_all(&ctx).map(|(k, r)| (k, r.reason)).collect();
    assert_eq!(
        all,
        [
            ("a", Reason::Disabled),
            ("b", Reason::Static),
            ("c", Reason::Default)
        ]
    );
}
