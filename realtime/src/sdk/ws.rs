//! `GET /sdk/v1/ws`: the stream of docs/protocol.md over a WebSocket.

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use super::SdkState;
use super::address::ClientAddr;
use super::caller::UrlCaller;
use super::error::SdkError;
use super::gate::Gate;
use super::protocol::{ClientMessage, Close, Malformed, ServerMessage};
use super::session::{Incoming, Session, Transport};

/// Read buffer per connection: small, so that many idle connections stay cheap (clients send
/// little: hello, identify, ping; a bigger message grows it to its size).
pub const READ_BUFFER: usize = 1024;
/// A client that cannot take a message in this long has fallen behind.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Not an upgrade request: refused first; then the key, before the upgrade. With no room for
/// the stream (a cap, memory pressure), the socket is closed with 1013 right after the upgrade.
pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(st): State<SdkState>,
    addr: ClientAddr,
    UrlCaller(caller): UrlCaller,
) -> Result<Response, SdkError> {
    let max = st.limits.max_message;
    let ws = ws
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(max)
        .max_frame_size(max);
    let slot = match st.open_stream(&caller.key, addr) {
        Ok(slot) => slot,
        Err(_) => {
            return Ok(ws.on_upgrade(|socket| WsTransport::new(socket).close(Close::TryAgainLater)));
        }
    };
    let env = st.envs.subscribe(&caller.info.environment).await?;
    Ok(ws.on_upgrade(move |socket| {
        Session::new(st, env, (caller.key, caller.info.kind), None, slot)
            .run(WsTransport::new(socket))
    }))
}

#[derive(Debug)]
struct WsTransport {
    socket: WebSocket,
    /// The socket is read only when it may have something: a change sent to the client does
    /// not poll it.
    gate: Gate,
}

impl WsTransport {
    fn new(socket: WebSocket) -> WsTransport {
        WsTransport {
            socket,
            gate: Gate::default(),
        }
    }
}

impl Transport for WsTransport {
    const TWO_WAY: bool = true;

    async fn send(&mut self, msg: &ServerMessage) -> Result<(), Close> {
        let text = msg.text().map_err(|_| Close::ServerError)?;
        let mut sending = pin!(self.socket.send(Message::Text(text)));
        // The socket usually takes a message at once: the timer is set only when it does not.
        let sent = match poll_fn(|cx| Poll::Ready(sending.as_mut().poll(cx))).await {
            Poll::Ready(sent) => Ok(sent),
            Poll::Pending => tokio::time::timeout(SEND_TIMEOUT, sending).await,
        };
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Close::Gone),
            Err(_) => Err(Close::FellBehind),
        }
    }

    async fn recv(&mut self) -> Incoming {
        match self.gate.wait(self.socket.recv()).await {
            None | Some(Ok(Message::Close(_))) => Incoming::Closed,
            // A message over the size limit ends the read with an error.
            Some(Err(_)) => Incoming::TooBig,
            Some(Ok(Message::Text(t))) => Incoming::Message(ClientMessage::parse(t.as_str())),
            Some(Ok(Message::Binary(_))) => Incoming::Message(Err(Malformed::NotText)),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => Incoming::Heartbeat,
        }
    }

    async fn close(mut self, why: Close) {
        let Some((code, reason)) = why.frame() else {
            return;
        };
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = self.socket.send(Message::Close(Some(frame))).await;
        // Finish the close handshake (briefly): dropping a socket with unread data resets the
        // connection, and the client would see 1006 instead of the code.
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(Ok(m)) = self.socket.recv().await {
                if matches!(m, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}
