//! `GET /sdk/v1/ws`: the WebSocket stream of docs/protocol.md.

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

use super::SdkState;
use super::caller::UrlCaller;
use super::error::SdkError;
use super::protocol::{ClientMessage, Malformed, ServerMessage};
use super::view::ClientView;
use crate::envs::Compiled;

/// Read buffer per connection: small, so that many idle connections stay cheap.
const READ_BUFFER: usize = 4 * 1024;

/// Not an upgrade request: refused first; then the key, before the upgrade.
pub async fn upgrade(
    ws: WebSocketUpgrade,
    State(st): State<SdkState>,
    UrlCaller(caller): UrlCaller,
) -> Result<Response, SdkError> {
    let key = caller.key;
    let rx = st.envs.watch(&caller.info.environment).await?;
    let max = st.limits.max_message;
    Ok(ws
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| async move {
            let _open = st.metrics.open_connection();
            Connection {
                st: st.clone(),
                rx,
                view: ClientView::default(),
                context: None,
                key,
            }
            .run(socket)
            .await;
        }))
}

struct Connection {
    st: SdkState,
    rx: watch::Receiver<Arc<Compiled>>,
    /// What this client holds.
    view: ClientView,
    context: Option<serde_json::Value>,
    /// The key it connected with, re-checked now and then: revoking it ends the connection.
    key: String,
}

enum Closing {
    Code(u16, &'static str),
    Gone,
}

impl Connection {
    async fn run(mut self, mut socket: WebSocket) {
        let closing = self.serve(&mut socket).await;
        if let Closing::Code(code, reason) = closing {
            let _ = socket
                .send(Message::Close(Some(CloseFrame {
                    code,
                    reason: Utf8Bytes::from_static(reason),
                })))
                .await;
            // Finish the close handshake (briefly): dropping a socket with unread data resets the
            // connection, and the client would see 1006 instead of the code.
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                while let Some(Ok(m)) = socket.recv().await {
                    if matches!(m, Message::Close(_)) {
                        break;
                    }
                }
            })
            .await;
        }
    }

    async fn send(&mut self, socket: &mut WebSocket, msg: &ServerMessage) -> Result<(), Closing> {
        self.st.metrics.messages.inc();
        let Ok(text) = msg.to_json() else {
            return Err(Closing::Code(1011, "server error"));
        };
        match tokio::time::timeout(
            Duration::from_secs(10),
            socket.send(Message::Text(text.into())),
        )
        .await
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Closing::Gone),
            // A client that cannot take a message in 10 s has fallen behind.
            Err(_) => {
                self.st.metrics.closed_slow.inc();
                Err(Closing::Code(4000, "fell behind; reconnect"))
            }
        }
    }

    async fn snapshot(&mut self, socket: &mut WebSocket) -> Result<(), Closing> {
        let env = self.rx.borrow_and_update().clone();
        let Some(context) = &self.context else {
            return Ok(());
        };
        let (msg, evaluated) = self.view.snapshot(&env, context);
        self.st.metrics.evaluations.inc_by(evaluated as u64);
        self.send(socket, &msg).await
    }

    async fn changed(&mut self, socket: &mut WebSocket) -> Result<(), Closing> {
        let started = Instant::now();
        let env = self.rx.borrow_and_update().clone();
        let Some(context) = &self.context else {
            return Ok(());
        };
        let (msg, evaluated) = self.view.changes(&env, context);
        self.st.metrics.evaluations.inc_by(evaluated as u64);
        if let Some(msg) = msg {
            self.send(socket, &msg).await?;
            self.st
                .metrics
                .fanout_seconds
                .observe(started.elapsed().as_secs_f64());
        }
        Ok(())
    }

    async fn serve(&mut self, socket: &mut WebSocket) -> Closing {
        let limits = self.st.limits.clone();
        let mut shutdown = self.st.shutdown.clone();
        let mut last_heard = Instant::now();
        let mut window = (Instant::now(), 0u32);
        let mut ping = tokio::time::interval(limits.ping_every);
        ping.tick().await;
        let mut key_check = tokio::time::interval(limits.key_check_every);
        key_check.tick().await;
        loop {
            let step = tokio::select! {
                _ = shutdown.changed() => return Closing::Code(1012, "service restart"),
                _ = key_check.tick() => match self.st.envs.key(&self.key).await {
                    Ok(None) => return Closing::Code(1008, "key revoked"),
                    // A store hiccup is not a revocation.
                    _ => Ok(()),
                },
                changed = self.rx.changed(), if self.context.is_some() => match changed {
                    Ok(()) => self.changed(socket).await,
                    Err(_) => return Closing::Code(1011, "environment closed"),
                },
                _ = ping.tick() => {
                    if last_heard.elapsed() > limits.idle_timeout {
                        return Closing::Code(1001, "idle");
                    }
                    self.send(socket, &ServerMessage::Ping).await
                }
                incoming = socket.recv() => {
                    let Some(Ok(msg)) = incoming else {
                        // A message over the size limit ends the read with an error: 1009.
                        return if matches!(incoming, Some(Err(_))) { Closing::Code(1009, "message too big") } else { Closing::Gone };
                    };
                    last_heard = Instant::now();
                    if window.0.elapsed() > Duration::from_secs(60) {
                        window = (Instant::now(), 0);
                    }
                    window.1 += 1;
                    if window.1 > limits.messages_per_minute {
                        self.st.metrics.closed_slow.inc();
                        return Closing::Code(1008, "too many messages");
                    }
                    match msg {
                        Message::Text(t) => self.on_message(socket, t.as_str()).await,
                        Message::Binary(_) => self.send(socket, &Malformed::NotText.answer()).await,
                        Message::Close(_) => return Closing::Gone,
                        Message::Ping(_) | Message::Pong(_) => Ok(()),
                    }
                }
            };
            if let Err(closing) = step {
                return closing;
            }
        }
    }

    async fn on_message(&mut self, socket: &mut WebSocket, text: &str) -> Result<(), Closing> {
        match ClientMessage::parse(text) {
            Ok(ClientMessage::Hello { context } | ClientMessage::Identify { context }) => {
                self.context = Some(context);
                self.snapshot(socket).await
            }
            Ok(ClientMessage::Resync) => self.snapshot(socket).await,
            Ok(ClientMessage::Ping) => self.send(socket, &ServerMessage::Pong).await,
            // Unknown types are ignored, as the protocol says.
            Ok(ClientMessage::Unknown) => Ok(()),
            Err(malformed) => self.send(socket, &malformed.answer()).await,
        }
    }
}
