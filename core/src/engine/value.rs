//! The values JsonLogic works on while it evaluates, and JavaScript's coercion rules over them.
//!
//! JsonLogic is defined by its JavaScript reference implementation, so truthiness, loose equality,
//! number and string conversion follow JavaScript, with JsonLogic's one change: an empty array is
//! falsy. Values borrow from the compiled rule or the caller's context wherever they can, so the
//! common paths (compare a context attribute with a literal) allocate nothing.

use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
#[repr(u64)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    /// An array or object borrowed from the rule or the context.
    Json(&'a Value),
    /// An array built during evaluation (`map`, `filter`, `merge`, array literals with logic).
    Arr(Vec<Val<'a>>),
}

impl<'a> Val<'a> {
    /// Borrows a JSON value; scalars become their `Val` form.
    pub(crate) fn from_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Val::Str(Cow::Borrowed(s)),
            Value::Array(_) | Value::Object(_) => Val::Json(v),
        }
    }

    /// JsonLogic truthiness: JavaScript's, except that an empty array is falsy.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
            Val::Json(Value::Array(a)) => !a.is_empty(),
            Val::Json(_) => true,
            Val::Arr(a) => !a.is_empty(),
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of an array value, borrowed or built; `None` when this is not an array.
    pub(crate) fn elements(&self) -> Option<Vec<Val<'a>>> {
        match self {
            Val::Json(Value::Array(a)) => Some(a.iter().map(Val::from_json).collect()),
            Val::Arr(a) => Some(a.clone()),
            _ => None,
        }
    }

    /// JavaScript's `Number(x)`.
    pub(crate) fn to_number(&self) -> f64 {
        match self {
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Str(s) => str_to_number(s),
            Val::Json(Value::Array(a)) => match a.as_slice() {
                [] => 0.0,
                [one] => Val::from_json(one).to_number(),
                _ => f64::NAN,
            },
            Val::Arr(a) => match a.as_slice() {
                [] => 0.0,
                [one] => one.to_number(),
                _ => f64::NAN,
            },
            Val::Json(_) => f64::NAN,
        }
    }

    /// JavaScript's `String(x)`, except that null becomes the empty string (as flagd's `cat` does).
    pub(crate) fn to_js_string(&self) -> Cow<'_, str> {
        match self {
            Val::Null => Cow::Borrowed(""),
            Val::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Val::Num(n) => Cow::Owned(format_number(*n)),
            Val::Str(s) => Cow::Borrowed(s),
            Val::Json(Value::Array(a)) => Cow::Owned(
                a.iter()
                    .map(|v| Val::from_json(v).to_js_string().into_owned())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Val::Arr(a) => Cow::Owned(
                a.iter()
                    .map(|v| v.to_js_string().into_owned())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Val::Json(_) => Cow::Borrowed("[object Object]"),
        }
    }

    /// Converts back to JSON (for results that leave the engine, such as explain output).
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(n) => number_to_json(*n),
            Val::Str(s) => Value::String(s.to_string()),
            Val::Json(v) => (*v).clone(),
            Val::Arr(a) => Value::Array(a.iter().map(Val::to_json).collect()),
        }
    }
}

/// JavaScript's string-to-number conversion: surrounding white space is ignored, the empty string
/// is 0, anything unparsable is NaN.
fn str_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).map_or(f64::NAN, |n| n as f64);
    }
    match t {
        "Infinity" | "+Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        // Rust accepts "inf" and "nan", JavaScript does not.
        _ if t
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E') =>
        {
            f64::NAN
        }
        _ => t.parse::<f64>().unwrap_or(f64::NAN),
    }
}

/// Formats a number the way JavaScript prints it: whole numbers without a fraction.
pub(crate) fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i128)
    } else {
        format!("{n}")
    }
}

/// A number as JSON, keeping whole numbers integers (no `10.0`); NaN and infinities become null.
pub(crate) fn number_to_json(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// Whether two strings are the same text. Short strings (attribute names, variant names, list
/// items) are compared inline, a word or two at a time, rather than through a call to the C
/// library's `memcmp`, which is what `==` costs and dominates at these lengths.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Two overlapping loads cover every length from one word to two words.
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    let half = |s: &[u8], at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[at..at + 4]);
        u32::from_ne_bytes(w)
    };
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// JavaScript's `==`.
pub(crate) fn loose_eq(a: &Val<'_>, b: &Val<'_>) -> bool {
    use Val::{Arr, Bool, Json, Null, Num, Str};
    match (a, b) {
        (Null, Null) => true,
        (Null, _) | (_, Null) => false,
        (Num(x), Num(y)) => x == y,
        (Str(x), Str(y)) => x == y,
        (Bool(x), Bool(y)) => x == y,
        (Num(x), Str(_)) => *x == b.to_number(),
        (Str(_), Num(y)) => a.to_number() == *y,
        (Bool(_), _) => loose_eq(&Num(a.to_number()), b),
        (_, Bool(_)) => loose_eq(a, &Num(b.to_number())),
        // Two distinct arrays or objects are never equal in JavaScript.
        (Json(_) | Arr(_), Json(_) | Arr(_)) => false,
        // An array or object against a primitive compares its string form.
        (Json(_) | Arr(_), _) => loose_eq(&Str(Cow::Owned(a.to_js_string().into_owned())), b),
        (_, Json(_) | Arr(_)) => loose_eq(a, &Str(Cow::Owned(b.to_js_string().into_owned()))),
    }
}

/// JavaScript's `===` (arrays and objects compare by value here, which no rule can tell apart
/// from identity since every rule builds its own).
pub(crate) fn strict_eq(a: &Val<'_>, b: &Val<'_>) -> bool {
    use Val::{Bool, Null, Num, Str};
    match (a, b) {
        (Null, Null) => true,
        (Num(x), Num(y)) => x == y,
        (Str(x), Str(y)) => x == y,
        (Bool(x), Bool(y)) => x == y,
        _ => false,
    }
}

/// JavaScript's relational comparison: two strings compare as strings, anything else as numbers
/// (NaN makes every comparison false, which `None` expresses).
pub(crate) fn compare(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        _ => a.to_number().partial_cmp(&b.to_number()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(j: &Value) -> Val<'_> {
        Val::from_json(j)
    }

    #[test]
    fn truthiness_follows_jsonlogic() {
        for (j, t) in [
            (json!(null), false),
            (json!(0), false),
            (json!(""), false),
            (json!([]), false),
            (json!(false), false),
            (json!("0"), true),
            (json!([0]), true),
            (json!({}), true),
            (json!(-1), true),
        ] {
            assert_eq!(v(&j).truthy(), t, "{j}");
        }
    }

    #[test]
    fn loose_equality_coerces_like_javascript() {
        let cases = [
            (json!(1), json!("1"), true),
            (json!(0), json!(false), true),
            (json!(1), json!(true), true),
            (json!("1"), json!(true), true),
            (json!(null), json!(0), false),
            (json!(null), json!(null), true),
            (json!(""), json!(0), true),
            (json!([1]), json!(1), true),
            (json!("a"), json!("b"), false),
        ];
        for (a, b, eq) in cases {
            assert_eq!(loose_eq(&v(&a), &v(&b)), eq, "{a} == {b}");
            assert_eq!(loose_eq(&v(&b), &v(&a)), eq, "{b} == {a}");
        }
        assert!(!strict_eq(&v(&json!(1)), &v(&json!("1"))));
        assert!(strict_eq(&v(&json!(1)), &v(&json!(1.0))));
    }

    #[test]
    fn numbers_and_strings_convert_like_javascript() {
        assert_eq!(v(&json!(" 12 ")).to_number(), 12.0);
        assert_eq!(v(&json!("")).to_number(), 0.0);
        assert!(v(&json!("abc")).to_number().is_nan());
        assert!(v(&json!("inf")).to_number().is_nan());
        assert_eq!(v(&json!("1e3")).to_number(), 1000.0);
        assert_eq!(format_number(10.0), "10");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(v(&json!([1, "a"])).to_js_string(), "1,a");
        assert_eq!(number_to_json(3.0), json!(3));
        assert_eq!(number_to_json(0.5), json!(0.5));
    }

    #[test]
    fn same_text_is_equality_at_every_length() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789-é";
        for end in 0..=text.len() {
            let Some(a) = text.get(..end) else { continue };
            assert!(same_text(a, a), "{a:?}");
            for at in 0..a.len() {
                let mut other = a.as_bytes().to_vec();
                other[at] ^= 1;
                if let Ok(other) = std::str::from_utf8(&other) {
                    assert!(!same_text(a, other), "{a:?} vs {other:?}");
                }
            }
            if let Some(shorter) = a.get(..end.saturating_sub(1)) {
                assert_eq!(same_text(a, shorter), end == 0, "{a:?}");
            }
        }
    }

    #[test]
    fn relational_comparison_uses_strings_only_when_both_are_strings() {
        assert_eq!(
            compare(&v(&json!("10")), &v(&json!("9"))),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(&v(&json!("10")), &v(&json!(9))),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&v(&json!("x")), &v(&json!(9))), None);
    }
}
