//! OpenFeature's vocabulary: flag types, resolution reasons, error codes, and resolution details.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The type of a flag's values (one type per flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FlagType {
    Boolean,
    String,
    Integer,
    Float,
    Object,
}

impl FlagType {
    /// The type that every value has, or `None` when they differ. Numbers are integers when all
    /// of them are whole, floats otherwise.
    pub fn of_variants<'v>(values: impl Iterator<Item = &'v Value>) -> Option<FlagType> {
        let mut kind: Option<FlagType> = None;
        for v in values {
            let k = match v {
                Value::Bool(_) => FlagType::Boolean,
                Value::String(_) => FlagType::String,
                Value::Number(n) if n.is_i64() || n.is_u64() => FlagType::Integer,
                Value::Number(_) => FlagType::Float,
                Value::Object(_) | Value::Array(_) => FlagType::Object,
                Value::Null => return None,
            };
            kind = Some(match (kind, k) {
                (None, k) => k,
                (Some(a), b) if a == b => a,
                (
                    Some(FlagType::Integer | FlagType::Float),
                    FlagType::Integer | FlagType::Float,
                ) => FlagType::Float,
                _ => return None,
            });
        }
        kind
    }

    /// Whether a value is of this type. An integer is also a float; a float with no fraction is
    /// also an integer.
    pub fn admits(self, v: &Value) -> bool {
        match (self, v) {
            (FlagType::Boolean, Value::Bool(_)) | (FlagType::String, Value::String(_)) => true,
            (FlagType::Float, Value::Number(_)) => true,
            (FlagType::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            (FlagType::Object, Value::Object(_) | Value::Array(_)) => true,
            _ => false,
        }
    }

    pub(crate) fn name_of(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl fmt::Display for FlagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FlagType::Boolean => "boolean",
            FlagType::String => "string",
            FlagType::Integer => "integer",
            FlagType::Float => "float",
            FlagType::Object => "object",
        })
    }
}

/// Why a value was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// No targeting: the default variant.
    Static,
    /// Targeting ran and chose nothing (or failed in an operator): the default variant.
    Default,
    /// Targeting chose a variant.
    TargetingMatch,
    /// Targeting chose a variant through a `fractional` split.
    Split,
    /// The flag is disabled: the caller's default.
    Disabled,
    /// Something went wrong: the caller's default, with an error code.
    Error,
}

/// OpenFeature error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    FlagNotFound,
    TypeMismatch,
    ParseError,
    TargetingKeyMissing,
    InvalidContext,
    General,
}

/// A resolution that borrows from the flag set: no allocation unless something went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution<'s> {
    /// `None`: use the caller's default.
    pub value: Option<&'s Value>,
    pub variant: Option<&'s str>,
    pub reason: Reason,
    pub error: Option<(ErrorCode, String)>,
    pub metadata: &'s Map<String, Value>,
}

impl<'s> Resolution<'s> {
    pub(crate) fn error(
        code: ErrorCode,
        message: String,
        metadata: &'s Map<String, Value>,
    ) -> Self {
        Resolution {
            value: None,
            variant: None,
            reason: Reason::Error,
            error: Some((code, message)),
            metadata,
        }
    }

    /// Whether the evaluation ran out of its budget (reason ERROR, code GENERAL, the budget's
    /// message): what servers count.
    pub fn budget_exceeded(&self) -> bool {
        matches!(&self.error, Some((ErrorCode::General, m)) if m.starts_with(super::budget::EXCEEDED))
    }

    /// Checks the value against the type the caller asked for: TYPE_MISMATCH when it differs.
    pub fn expect_type(self, expected: FlagType) -> Self {
        match self.value {
            Some(v) if !expected.admits(v) => Resolution::error(
                ErrorCode::TypeMismatch,
                format!(
                    "the flag's value is {}, not {expected}",
                    FlagType::name_of(v)
                ),
                self.metadata,
            ),
            _ => self,
        }
    }

    /// The owned, serialisable form, with the caller's default filled in where needed.
    pub fn into_details(self, key: &str, default: Value) -> ResolutionDetails {
        let (error_code, error_message) = match self.error {
            Some((c, m)) => (Some(c), Some(m)),
            None => (None, None),
        };
        ResolutionDetails {
            flag: key.to_owned(),
            value: self.value.cloned().unwrap_or(default),
            variant: self.variant.map(str::to_owned),
            reason: self.reason,
            error_code,
            error_message,
            metadata: self.metadata.clone(),
        }
    }
}

/// OpenFeature's resolution details, as `switchyard eval` prints them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResolutionDetails {
    pub flag: String,
    pub value: Value,
    pub variant: Option<String>,
    pub reason: Reason,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub metadata: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variant_types() {
        let t =
            |v: Value| FlagType::of_variants(v.as_object().into_iter().flat_map(|m| m.values()));
        assert_eq!(t(json!({"a": true, "b": false})), Some(FlagType::Boolean));
        assert_eq!(t(json!({"a": 1, "b": 2})), Some(FlagType::Integer));
        assert_eq!(t(json!({"a": 1, "b": 2.5})), Some(FlagType::Float));
        assert_eq!(t(json!({"a": {}, "b": [1]})), Some(FlagType::Object));
        assert_eq!(t(json!({"a": 1, "b": "x"})), None);
        assert_eq!(t(json!({"a": null})), None);
        assert!(FlagType::Integer.admits(&json!(2.0)));
        assert!(!FlagType::Integer.admits(&json!(2.5)));
        assert!(FlagType::Float.admits(&json!(2)));
        assert!(!FlagType::String.admits(&json!(true)));
    }

    #[test]
    fn reasons_and_codes_serialise_as_openfeature_names() {
        assert_eq!(json!(Reason::TargetingMatch), json!("TARGETING_MATCH"));
        assert_eq!(json!(ErrorCode::FlagNotFound), json!("FLAG_NOT_FOUND"));
    }
}
