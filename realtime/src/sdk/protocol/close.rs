//! Why a stream ends, and the WebSocket close code each reason carries (docs/protocol.md).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// The client went away (or broke the transport): nothing to send.
    Gone,
    /// 1001: the client sent nothing, not even pings, for the idle timeout.
    Idle,
    /// 1001: the client did not say hello in time after the upgrade.
    NoHello,
    /// 1008: the key was revoked while the stream was open.
    KeyRevoked,
    /// 1008: secure mode is on and the context's hash is missing or wrong.
    SecureMode,
    /// 1008: more messages than the per-minute limit.
    TooManyMessages,
    /// 1009: a message over the size limit.
    TooBig,
    /// 1011: the environment is no longer served here.
    EnvironmentClosed,
    /// 1011: a message could not be written.
    ServerError,
    /// 1012: the server is shutting down.
    Restart,
    /// 1013: no room for the stream (a cap, or memory pressure); try again later.
    TryAgainLater,
    /// 4000: the client could not keep up; it reconnects and gets a snapshot.
    FellBehind,
}

impl Close {
    /// The close frame's code and reason, if one is sent.
    pub fn frame(self) -> Option<(u16, &'static str)> {
        Some(match self {
            Close::Gone => return None,
            Close::Idle => (1001, "idle"),
            Close::NoHello => (1001, "no hello"),
            Close::KeyRevoked => (1008, "key revoked"),
            Close::SecureMode => (1008, "secure mode: missing or wrong hash"),
            Close::TooManyMessages => (1008, "too many messages"),
            Close::TooBig => (1009, "message too big"),
            Close::EnvironmentClosed => (1011, "environment closed"),
            Close::ServerError => (1011, "server error"),
            Close::Restart => (1012, "service restart"),
            Close::TryAgainLater => (1013, "try again later"),
            Close::FellBehind => (4000, "fell behind; reconnect"),
        })
    }

    /// Whether the client broke a limit (counted in `closed_slow`).
    pub fn misbehaved(self) -> bool {
        matches!(self, Close::FellBehind | Close::TooManyMessages)
    }
}
