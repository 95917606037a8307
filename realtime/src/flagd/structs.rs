//! JSON ↔ `google.protobuf.Struct`: contexts arrive as Structs, metadata and object values leave
//! as them. Integers in a Struct are doubles (protobuf has no integer kind); a whole double
//! becomes a JSON integer again, so `{"age": 42}` compares as the integer it was sent as.

use prost_types::value::Kind;
use prost_types::{ListValue, Struct, Value as PValue};
use serde_json::{Map, Number, Value};

/// How deep a context may nest (a Struct nested deeper is refused, not recursed into); prost
/// itself refuses to decode past about 33 levels.
pub const MAX_DEPTH: usize = 16;

/// A Struct as a JSON object; `None` when it nests deeper than [`MAX_DEPTH`].
pub fn to_json(s: &Struct) -> Option<Map<String, Value>> {
    fields_to_json(s, 0)
}

fn fields_to_json(s: &Struct, depth: usize) -> Option<Map<String, Value>> {
    if depth > MAX_DEPTH {
        return None;
    }
    s.fields
        .iter()
        .map(|(k, v)| Some((k.clone(), value_to_json(v, depth + 1)?)))
        .collect()
}

fn value_to_json(v: &PValue, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match &v.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::BoolValue(b)) => Value::Bool(*b),
        Some(Kind::NumberValue(n)) => number(*n),
        Some(Kind::StringValue(s)) => Value::String(s.clone()),
        Some(Kind::StructValue(s)) => Value::Object(fields_to_json(s, depth)?),
        Some(Kind::ListValue(l)) => Value::Array(
            l.values
                .iter()
                .map(|v| value_to_json(v, depth + 1))
                .collect::<Option<_>>()?,
        ),
    })
}

/// A whole double within ±2^53 is the integer it stands for; others stay floats; NaN and the
/// infinities (which JSON cannot hold) are null.
fn number(n: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() <= EXACT {
        // Exact: |n| ≤ 2^53 and whole.
        #[allow(clippy::cast_possible_truncation)]
        return Value::Number(Number::from(n as i64));
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// A JSON object as a Struct.
pub fn from_map(m: &Map<String, Value>) -> Struct {
    Struct {
        fields: m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect(),
    }
}

/// A JSON value as a Struct value.
pub fn from_json(v: &Value) -> PValue {
    let kind = match v {
        Value::Null => Kind::NullValue(0),
        Value::Bool(b) => Kind::BoolValue(*b),
        Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => Kind::StringValue(s.clone()),
        Value::Array(a) => Kind::ListValue(ListValue {
            values: a.iter().map(from_json).collect(),
        }),
        Value::Object(m) => Kind::StructValue(from_map(m)),
    };
    PValue { kind: Some(kind) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_numbers_come_back_as_integers_and_fractions_as_floats() {
        let m = json!({"age": 42, "score": 0.5, "list": [1, "a", null], "o": {"b": true}});
        let back = to_json(&from_map(m.as_object().unwrap())).unwrap();
        assert_eq!(Value::Object(back), m);
    }

    #[test]
    fn a_struct_nested_too_deep_is_refused() {
        let mut v = json!(1);
        for _ in 0..(MAX_DEPTH + 2) {
            v = json!({ "a": v });
        }
        assert_eq!(to_json(&from_map(v.as_object().unwrap())), None);
    }

    #[test]
    fn non_finite_numbers_are_null() {
        let s = Struct {
            fields: [(
                "x".to_string(),
                PValue {
                    kind: Some(Kind::NumberValue(f64::NAN)),
                },
            )]
            .into(),
        };
        assert_eq!(to_json(&s).unwrap()["x"], Value::Null);
    }
}
