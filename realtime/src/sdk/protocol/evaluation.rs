//! One evaluated flag: `value` (absent: use the code default), `variant`, `reason`, and
//! `errorCode` / `errorMessage` when it errored; OFREP adds `key` and `metadata`.

use serde::Serialize;
use serde_json::{Map, Value};
use switchyard_core::engine::{ErrorCode, Reason, Resolution};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<&'a str>,
    pub reason: Reason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a Map<String, Value>>,
}

impl<'a> Evaluation<'a> {
    /// The entry the streams send.
    pub fn of(r: &'a Resolution<'a>) -> Evaluation<'a> {
        Evaluation {
            key: None,
            value: r.value,
            variant: r.variant,
            reason: r.reason,
            error_code: r.error.as_ref().map(|(code, _)| *code),
            error_message: r.error.as_ref().map(|(_, message)| message.as_str()),
            metadata: None,
        }
    }

    /// The entry OFREP answers: with the flag's key and metadata.
    pub fn with_key(r: &'a Resolution<'a>, key: &'a str) -> Evaluation<'a> {
        Evaluation {
            key: Some(key),
            metadata: Some(r.metadata),
            ..Evaluation::of(r)
        }
    }
}
