//! Where a reference evaluator differs from flagd's specification (and so from Switchyard), case
//! by case. Every entry is documented in docs/flagd-semantics.md; a difference that no entry
//! explains fails the differential test, and so does an entry that no case needs any more.
//!
//! Switchyard's rule: JsonLogic's core operators behave as JsonLogic's reference implementation
//! (json-logic-js, JavaScript's coercions); flagd's own operators as flagd's specification and
//! its testbed (open-feature/flagd-testbed, gherkin/targeting.feature) say.

use serde_json::Value;

use super::generate::Case;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// npm `@openfeature/flagd-core` 4.0.1 (json-logic-engine 5)
    Js,
    /// PyPI `openfeature-flagd-core` 2.0.0 (panzi-json-logic)
    Python,
}

pub struct Divergence {
    pub name: &'static str,
    pub reference: Reference,
    /// Whether this entry explains the reference's answer `got` for the case, given Switchyard's
    /// answer `ours`.
    pub explains: fn(case: &Case, ours: &Value, got: &Value) -> bool,
}

fn absent(case: &Case, name: &str) -> bool {
    case.context.get(name).is_none_or(Value::is_null)
}

fn reason(v: &Value) -> &str {
    v["reason"].as_str().unwrap_or_default()
}

/// Both chose a bucket of a split, and not the same one.
fn other_bucket(case: &Case, ours: &Value, got: &Value) -> bool {
    case.family.starts_with("fractional")
        && reason(ours) == "TARGETING_MATCH"
        && reason(got) == "TARGETING_MATCH"
}

/// Switchyard chose the only bucket with weight; the reference wanted a targeting key first.
fn no_key_for_one_bucket(case: &Case, ours: &Value, got: &Value) -> bool {
    matches!(
        case.family.as_str(),
        "fractional-unkeyed" | "fractional-nested"
    ) && absent(case, "targetingKey")
        && reason(ours) == "TARGETING_MATCH"
        && reason(got) == "DEFAULT"
}

/// `==` between a value and something that is not a number (an array, "x") threw.
fn comparison_threw(case: &Case, _: &Value, got: &Value) -> bool {
    matches!(
        case.family.as_str(),
        "cmp" | "eq-array-attribute" | "between"
    ) && reason(got) == "ERROR"
        && got["errorCode"] == "GENERAL"
}

/// A missing (null) `age` compared equal to 0 (or unequal to null's JavaScript answer).
fn null_is_zero(case: &Case, _: &Value, _: &Value) -> bool {
    matches!(case.family.as_str(), "cmp" | "between") && absent(case, "age")
}

/// `{"missing": [...]}` with an attribute present as "" or null (json-logic-js counts both as
/// missing).
fn empty_but_present(case: &Case, _: &Value, _: &Value) -> bool {
    let empty = |name: &str| matches!(case.context.get(name), Some(v) if v.is_null() || *v == "");
    case.family == "missing" && (empty("email") || empty("age"))
}

/// `in` whose second operand is neither a string nor an array threw.
fn in_threw(case: &Case, _: &Value, got: &Value) -> bool {
    case.family.starts_with("in-") && reason(got) == "ERROR" && got["errorCode"] == "GENERAL"
}

/// `cat` of a missing attribute: "null" in both references, "" in json-logic-js.
fn cat_null(case: &Case, _: &Value, _: &Value) -> bool {
    case.family == "fractional-cat" && absent(case, "email")
}

pub const DIVERGENCES: &[Divergence] = &[
    Divergence {
        name: "python-fractional-hashes-cbor",
        reference: Reference::Python,
        explains: other_bucket,
    },
    Divergence {
        name: "js-single-bucket-needs-targeting-key",
        reference: Reference::Js,
        explains: no_key_for_one_bucket,
    },
    Divergence {
        name: "python-single-bucket-needs-targeting-key",
        reference: Reference::Python,
        explains: no_key_for_one_bucket,
    },
    Divergence {
        name: "js-loose-comparison-throws-on-non-numbers",
        reference: Reference::Js,
        explains: comparison_threw,
    },
    Divergence {
        name: "js-null-equals-zero",
        reference: Reference::Js,
        explains: null_is_zero,
    },
    Divergence {
        name: "python-null-equals-zero",
        reference: Reference::Python,
        explains: null_is_zero,
    },
    Divergence {
        name: "js-missing-ignores-empty-and-null",
        reference: Reference::Js,
        explains: empty_but_present,
    },
    Divergence {
        name: "js-in-throws-on-non-container",
        reference: Reference::Js,
        explains: in_threw,
    },
    Divergence {
        name: "js-cat-renders-null-as-text",
        reference: Reference::Js,
        explains: cat_null,
    },
];
