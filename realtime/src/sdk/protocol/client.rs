//! Client → server messages, parsed once from a text frame.
//!
//! The `type` is read as a string first (a derived internally tagged enum would also take a
//! variant's index, `{"type": 0}`, for `hello`), then matched; unknown types are kept as
//! [`ClientMessage::Unknown`] and ignored, as the protocol says.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};
use std::borrow::Cow;

use super::server::{ErrorCode, ServerMessage};

#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    /// The first message: the evaluation context (always a JSON object), and in secure mode the
    /// HMAC of its targeting key.
    Hello {
        context: Value,
        hash: Option<String>,
    },
    /// The context changed: answered with a snapshot.
    Identify {
        context: Value,
        hash: Option<String>,
    },
    /// The client saw a gap: answered with a snapshot.
    Resync,
    /// Answered with `pong`.
    Ping,
    /// A type this server does not know.
    Unknown,
}

/// A message the server answers with an `error` and otherwise ignores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    NotAnObject,
    NoType,
    NotAContext,
    NotText,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    context: Option<ContextField>,
    /// Secure mode's hash; anything but a string is no hash.
    #[serde(default)]
    hash: Option<Value>,
}

/// `context` as sent: an object, `null` (an empty context), or anything else (refused).
#[derive(Deserialize)]
#[serde(untagged)]
enum ContextField {
    Object(Map<String, Value>),
    Null(()),
    Other(IgnoredAny),
}

impl ClientMessage {
    pub fn parse(text: &str) -> Result<ClientMessage, Malformed> {
        // serde would also read a struct from an array; messages are objects.
        if !text.trim_start().starts_with('{') {
            return Err(Malformed::NotAnObject);
        }
        let envelope: Envelope = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                Malformed::NoType
            } else {
                Malformed::NotAnObject
            }
        })?;
        let context = || match envelope.context {
            None | Some(ContextField::Null(())) => Ok(Value::Object(Map::new())),
            Some(ContextField::Object(m)) => Ok(Value::Object(m)),
            Some(ContextField::Other(_)) => Err(Malformed::NotAContext),
        };
        let hash = || match &envelope.hash {
            Some(Value::String(h)) => Some(h.clone()),
            _ => None,
        };
        Ok(match envelope.kind.as_ref() {
            "hello" => ClientMessage::Hello {
                context: context()?,
                hash: hash(),
            },
            "identify" => ClientMessage::Identify {
                context: context()?,
                hash: hash(),
            },
            "resync" => ClientMessage::Resync,
            "ping" => ClientMessage::Ping,
            _ => ClientMessage::Unknown,
        })
    }
}

impl Malformed {
    /// The `error` message that answers it.
    pub fn answer(self) -> ServerMessage {
        let (code, message) = match self {
            Malformed::NotAnObject => (ErrorCode::InvalidMessage, "messages are JSON objects"),
            Malformed::NoType => (ErrorCode::InvalidMessage, "a message needs a type"),
            Malformed::NotAContext => (ErrorCode::InvalidContext, "context must be a JSON object"),
            Malformed::NotText => (ErrorCode::InvalidMessage, "send text frames"),
        };
        ServerMessage::Error { code, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hello_and_identify_carry_a_context() {
        assert_eq!(
            ClientMessage::parse(r#"{"type":"hello","context":{"targetingKey":"u1"}}"#),
            Ok(ClientMessage::Hello {
                context: json!({"targetingKey": "u1"}),
                hash: None
            })
        );
        assert_eq!(
            ClientMessage::parse(r#"{"context":{"plan":"pro"},"type":"identify"}"#),
            Ok(ClientMessage::Identify {
                context: json!({"plan": "pro"}),
                hash: None
            })
        );
    }

    #[test]
    fn hello_and_identify_may_carry_a_secure_mode_hash() {
        assert_eq!(
            ClientMessage::parse(r#"{"type":"hello","context":{},"hash":"ab12"}"#),
            Ok(ClientMessage::Hello {
                context: json!({}),
                hash: Some("ab12".into())
            })
        );
        assert_eq!(
            ClientMessage::parse(r#"{"type":"identify","hash":7}"#),
            Ok(ClientMessage::Identify {
                context: json!({}),
                hash: None
            })
        );
    }

    #[test]
    fn a_missing_or_null_context_is_empty() {
        for text in [r#"{"type":"hello"}"#, r#"{"type":"hello","context":null}"#] {
            assert_eq!(
                ClientMessage::parse(text),
                Ok(ClientMessage::Hello {
                    context: json!({}),
                    hash: None
                })
            );
        }
    }

    #[test]
    fn resync_and_ping_need_nothing_else() {
        assert_eq!(
            ClientMessage::parse(r#"{"type":"resync","extra":1}"#),
            Ok(ClientMessage::Resync)
        );
        assert_eq!(
            ClientMessage::parse(r#" {"type":"ping","context":7}"#),
            Ok(ClientMessage::Ping)
        );
    }

    #[test]
    fn unknown_types_are_kept_to_be_ignored() {
        assert_eq!(
            ClientMessage::parse(r#"{"type":"from-the-future","x":[1]}"#),
            Ok(ClientMessage::Unknown)
        );
    }

    #[test]
    fn malformed_messages_say_why() {
        let cases = [
            ("{not json", Malformed::NotAnObject),
            (r#"{"type":"#, Malformed::NotAnObject),
            ("[]", Malformed::NotAnObject),
            (r#"["hello"]"#, Malformed::NotAnObject),
            ("7", Malformed::NotAnObject),
            ("{}", Malformed::NoType),
            (r#"{"type":0}"#, Malformed::NoType),
            (r#"{"type":"identify","context":7}"#, Malformed::NotAContext),
            (r#"{"type":"hello","context":[1]}"#, Malformed::NotAContext),
        ];
        for (text, want) in cases {
            assert_eq!(ClientMessage::parse(text), Err(want), "{text}");
        }
        let deep = format!(
            r#"{{"type":"hello","context":{}1{}}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(
            ClientMessage::parse(&deep).is_err(),
            "deep nesting is refused"
        );
    }

    #[test]
    fn each_refusal_is_an_error_message_with_its_code() {
        let answer = |m: Malformed| serde_json::to_value(m.answer()).unwrap();
        assert_eq!(answer(Malformed::NotAnObject)["code"], "invalid_message");
        assert_eq!(answer(Malformed::NotText)["code"], "invalid_message");
        assert_eq!(answer(Malformed::NotAContext)["code"], "invalid_context");
        assert_eq!(answer(Malformed::NoType)["type"], "error");
    }
}
