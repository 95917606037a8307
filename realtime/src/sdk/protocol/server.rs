//! Server → client messages. Flag entries arrive already serialized (a connection serializes each
//! entry once, to compare it with what the client holds), so a message only strings them together.

use axum::extract::ws::Utf8Bytes;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ServerMessage {
    /// Everything the client sees, at `revision`.
    Snapshot {
        revision: u64,
        flags: FlagEntries,
    },
    /// What changed since `base`, the revision of the last message this connection received.
    Changes {
        revision: u64,
        base: u64,
        flags: FlagEntries,
        removed: Vec<String>,
    },
    /// A `changes` message already written, shared by every client it fits (see
    /// `sdk::shared_change`).
    #[serde(skip)]
    Prepared {
        revision: u64,
        text: Utf8Bytes,
    },
    Ping,
    Pong,
    Error {
        code: ErrorCode,
        message: &'static str,
    },
}

/// Why a client message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidMessage,
    InvalidContext,
}

impl ServerMessage {
    /// The `type`, which is also the SSE event name.
    pub fn kind(&self) -> &'static str {
        match self {
            ServerMessage::Snapshot { .. } => "snapshot",
            ServerMessage::Changes { .. } | ServerMessage::Prepared { .. } => "changes",
            ServerMessage::Ping => "ping",
            ServerMessage::Pong => "pong",
            ServerMessage::Error { .. } => "error",
        }
    }

    /// The revision it brings the client to, if any (the SSE event id).
    pub fn revision(&self) -> Option<u64> {
        match self {
            ServerMessage::Snapshot { revision, .. }
            | ServerMessage::Changes { revision, .. }
            | ServerMessage::Prepared { revision, .. } => Some(*revision),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        match self {
            ServerMessage::Prepared { text, .. } => Ok(text.as_str().to_owned()),
            _ => serde_json::to_string(self),
        }
    }

    /// The JSON text as a WebSocket sends it (a prepared message is shared, not copied).
    pub fn text(&self) -> Result<Utf8Bytes, serde_json::Error> {
        match self {
            ServerMessage::Prepared { text, .. } => Ok(text.clone()),
            _ => serde_json::to_string(self).map(Utf8Bytes::from),
        }
    }
}

/// Flag key → serialized [`super::Evaluation`], written out as they are.
#[derive(Debug, Default)]
pub struct FlagEntries(Vec<(String, Box<RawValue>)>);

impl FlagEntries {
    pub fn new(entries: Vec<(String, Box<RawValue>)>) -> FlagEntries {
        FlagEntries(entries)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for FlagEntries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn entry(v: Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&v).unwrap()
    }

    fn json_of(m: &ServerMessage) -> Value {
        serde_json::from_str(&m.to_json().unwrap()).unwrap()
    }

    #[test]
    fn a_snapshot_carries_its_revision_and_every_flag() {
        let m = ServerMessage::Snapshot {
            revision: 42,
            flags: FlagEntries::new(vec![(
                "new-checkout".into(),
                entry(json!({"value": true, "variant": "on", "reason": "TARGETING_MATCH"})),
            )]),
        };
        assert_eq!(
            m.to_json().unwrap(),
            r#"{"type":"snapshot","revision":42,"flags":{"new-checkout":{"reason":"TARGETING_MATCH","value":true,"variant":"on"}}}"#
        );
    }

    #[test]
    fn changes_carry_base_and_removed() {
        let m = ServerMessage::Changes {
            revision: 43,
            base: 42,
            flags: FlagEntries::new(vec![("a\"b".into(), entry(json!({"reason": "DEFAULT"})))]),
            removed: vec!["old-flag".into()],
        };
        assert_eq!(
            json_of(&m),
            json!({"type": "changes", "revision": 43, "base": 42,
                   "flags": {"a\"b": {"reason": "DEFAULT"}}, "removed": ["old-flag"]})
        );
    }

    #[test]
    fn heartbeats_and_errors_are_small_objects() {
        assert_eq!(ServerMessage::Ping.to_json().unwrap(), r#"{"type":"ping"}"#);
        assert_eq!(ServerMessage::Pong.to_json().unwrap(), r#"{"type":"pong"}"#);
        let e = ServerMessage::Error {
            code: ErrorCode::InvalidContext,
            message: "context must be a JSON object",
        };
        assert_eq!(
            json_of(&e),
            json!({"type": "error", "code": "invalid_context", "message": "context must be a JSON object"})
        );
    }

    #[test]
    fn only_snapshots_and_changes_have_a_revision() {
        let s = ServerMessage::Snapshot {
            revision: 7,
            flags: FlagEntries::default(),
        };
        assert_eq!((s.kind(), s.revision()), ("snapshot", Some(7)));
        assert_eq!(
            (ServerMessage::Pong.kind(), ServerMessage::Pong.revision()),
            ("pong", None)
        );
    }
}
