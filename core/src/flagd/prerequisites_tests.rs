use super::*;

fn doc(v: Value) -> Document {
    serde_json::from_value(v).unwrap()
}

fn needs(pairs: &[(&str, &str, &[&str])]) -> BTreeMap<String, Vec<Prerequisite>> {
    let mut out: BTreeMap<String, Vec<Prerequisite>> = BTreeMap::new();
    for (flag, on, variants) in pairs {
        out.entry((*flag).to_owned())
            .or_default()
            .push(Prerequisite {
                flag: (*on).to_owned(),
                variants: variants.iter().map(|v| (*v).to_owned()).collect(),
            });
    }
    out
}

fn compiled(d: Value, n: &[(&str, &str, &[&str])]) -> Document {
    let mut d = doc(d);
    compile(&mut d, &needs(n));
    d
}

#[test]
fn a_flag_with_a_prerequisite_wraps_its_targeting_and_references_an_evaluator() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1, "y": 2}, "defaultVariant": "x",
                  "targeting": {"if": [{"var": "vip"}, "y", null]}},
            "p": {"state": "ENABLED", "variants": {"on": true, "off": false},
                  "defaultVariant": "off", "targeting": {"if": [{"var": "beta"}, "on", null]}}}}),
        &[("a", "p", &["on"])],
    );
    assert_eq!(
        d.flags["a"].targeting,
        Some(json!({"if": [
            {"in": [{"$ref": "flag:p"}, ["on"]]},
            {"if": [{"var": "vip"}, "y", null]},
            null
        ]}))
    );
    assert_eq!(
        d.evaluators["flag:p"],
        json!({"if": [{"var": "beta"}, "on", null]})
    );
    assert_eq!(
        d.flags["p"].targeting,
        Some(json!({"if": [{"var": "beta"}, "on", null]}))
    );
}

#[test]
fn without_targeting_the_flag_serves_its_default_variant_when_the_prerequisites_hold() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}),
        &[("a", "p", &["on", "off"])],
    );
    // p has no targeting: its evaluator yields null (its default), which counts as "on".
    assert_eq!(
        d.flags["a"].targeting,
        Some(json!({"if": [{"in": [{"$ref": "flag:p"}, ["on", "off", null]]}, "x", null]}))
    );
    assert_eq!(d.evaluators["flag:p"], json!({"if": [false, null, null]}));
}

#[test]
fn choices_name_the_results_that_select_each_variant() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "ENABLED", "variants": {"true": 1, "1": 2, "01": 3, "1.5": 4}}}}),
        &[("a", "p", &["true", "1", "01", "1.5"])],
    );
    let t = d.flags["a"].targeting.clone().unwrap();
    assert_eq!(
        t["if"][0]["in"][1],
        json!(["true", true, "1", 1, "01", "1.5", 1.5])
    );
}

#[test]
fn a_disabled_prerequisite_is_gated_off() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"}}}),
        &[("a", "p", &["on"])],
    );
    assert_eq!(
        d.flags["a"].targeting.clone().unwrap()["if"][0],
        json!({"in": [{"if": [false, {"$ref": "flag:p"}, null]}, ["on"]]})
    );
}

#[test]
fn nested_prerequisites_are_gates_in_the_targeting_never_references_inside_evaluators() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "b": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "targeting": {"if": [{"var": "b"}, "on", null]}},
            "c": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "targeting": {"if": [{"var": "c"}, "on", null]}}}}),
        &[("a", "b", &["on"]), ("b", "c", &["on"])],
    );
    assert_eq!(
        d.flags["a"].targeting.clone().unwrap()["if"][0],
        json!({"in": [
            {"if": [{"in": [{"$ref": "flag:c"}, ["on"]]}, {"$ref": "flag:b"}, null]},
            ["on"]
        ]})
    );
    for rule in d.evaluators.values() {
        assert!(!rule.to_string().contains("$ref"), "{rule}");
    }
}

#[test]
fn several_prerequisites_are_joined_by_and() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "ENABLED", "variants": {"on": true}},
            "q": {"state": "ENABLED", "variants": {"on": true}}}}),
        &[("a", "p", &["on"]), ("a", "q", &["on"])],
    );
    let holds = d.flags["a"].targeting.clone().unwrap()["if"][0].clone();
    assert_eq!(holds["and"].as_array().unwrap().len(), 2);
}

#[test]
fn an_evaluator_inlines_segments_and_names_its_flag_key() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "ENABLED", "variants": {"on": true, "off": false},
                  "targeting": {"if": [{"$ref": "staff"}, {"var": "$flagd.flagKey"},
                                       {"fractional": [["on", 1], ["off", 1]]}]}}},
            "$evaluators": {"staff": {"ends_with": [{"var": "email"}, "@example.com"]}}}),
        &[("a", "p", &["on"])],
    );
    let tk = json!({"var": "targetingKey"});
    assert_eq!(
        d.evaluators["flag:p"],
        json!({"if": [
            {"ends_with": [{"var": "email"}, "@example.com"]},
            "p",
            {"fractional": [
                {"if": [{"===": [{"cat": [tk]}, tk]}, {"cat": ["p", tk]}, null]},
                ["on", 1], ["off", 1]
            ]}
        ]})
    );
}

#[test]
fn an_evaluator_keeps_an_explicit_bucketing_key() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "ENABLED", "variants": {"on": true},
                  "targeting": {"fractional": [{"var": "email"}, ["on", 1]]}}}}),
        &[("a", "p", &["on"])],
    );
    assert_eq!(
        d.evaluators["flag:p"],
        json!({"fractional": [{"var": "email"}, ["on", 1]]})
    );
}

#[test]
fn every_dollar_in_an_evaluator_is_followed_by_a_quote() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "p": {"state": "ENABLED", "variants": {"on": true},
                  "targeting": {"if": [{"and": [
                      {">": [{"var": "$flagd.timestamp"}, 0]},
                      {"==": [{"var": "price"}, "US$5$$"]}]}, "on", null]}}}}),
        &[("a", "p", &["on"])],
    );
    let rule = &d.evaluators["flag:p"];
    assert_eq!(
        rule["if"][0]["and"][0][">"][0],
        json!({"var": {"cat": ["$", "flagd.timestamp"]}})
    );
    assert_eq!(
        rule["if"][0]["and"][1]["=="][1],
        json!({"cat": ["US$", "5$", "$"]})
    );
    let text = rule.to_string();
    for (i, _) in text.match_indices('$') {
        assert_eq!(&text[i + 1..i + 2], "\"", "{text}");
    }
}

#[test]
fn evaluator_names_cannot_collide_with_segments_or_each_other() {
    assert_eq!(evaluator_name("new-checkout"), "flag:new-checkout");
    assert_eq!(evaluator_name("checkout.v2"), "flag:checkout:v2");
    assert_ne!(evaluator_name("a.b"), evaluator_name("a_b"));
    assert_eq!(
        flag_of_evaluator("flag:checkout:v2").as_deref(),
        Some("checkout.v2")
    );
    assert_eq!(flag_of_evaluator("staff"), None);
}

#[test]
fn a_missing_or_cyclic_prerequisite_never_holds() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1}, "defaultVariant": "x"},
            "b": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on",
                  "targeting": {"if": [true, "on", null]}}}}),
        &[
            ("a", "gone", &["on"]),
            ("b", "a", &["x"]),
            ("a", "b", &["on"]),
        ],
    );
    let holds = d.flags["a"].targeting.clone().unwrap()["if"][0].clone();
    assert_eq!(holds["and"][0], json!({"in": [never(), ["on"]]}));
    // a → b → a: the way back to a is cut off and never holds.
    assert_eq!(
        holds["and"][1]["in"][0]["if"][0],
        json!({"in": [never(), ["x"]]})
    );
}

#[test]
fn recognise_reads_back_what_compile_wrote() {
    let d = compiled(
        json!({"flags": {
            "a": {"state": "ENABLED", "variants": {"x": 1, "y": 2}, "defaultVariant": "x",
                  "targeting": {"if": [{"var": "vip"}, "y", null]}},
            "n": {"state": "ENABLED", "variants": {"x": 1}},
            "p": {"state": "DISABLED", "variants": {"true": true, "false": false}},
            "q.v2": {"state": "ENABLED", "variants": {"on": true},
                     "targeting": {"if": [true, "on", null]}}}}),
        &[
            ("a", "p", &["true"]),
            ("a", "q.v2", &["on"]),
            ("n", "p", &["false"]),
            ("q.v2", "p", &["true"]),
        ],
    );
    let a = recognise(d.flags["a"].targeting.as_ref().unwrap()).unwrap();
    assert_eq!(
        a.prerequisites,
        needs(&[("a", "p", &["true"]), ("a", "q.v2", &["on"])])["a"]
    );
    assert_eq!(a.own, Some(json!({"if": [{"var": "vip"}, "y", null]})));
    let n = recognise(d.flags["n"].targeting.as_ref().unwrap()).unwrap();
    assert_eq!(n.own, None);
    assert_eq!(recognise(&json!({"if": [{"var": "vip"}, "y", null]})), None);
}
