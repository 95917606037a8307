//! One stream session, whatever carries it: the client's view, the environment's watch, pings,
//! the hello deadline, the idle limit, the pace its messages are read at ([`Pace`]), key
//! re-checks and shutdown. Every `hello`, `identify` and `resync` is charged to the key's rate,
//! like a request; the snapshots they ask for go out at most one per `Limits::snapshot_interval`
//! (a flood of asks coalesces into one), and one asked for only by refused messages waits for the
//! key's next token. A [`Transport`] (WebSocket, SSE, and one day a gRPC stream) only moves typed
//! messages.

use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio::time::Instant;

use switchyard_core::domain::KeyKind;

use super::SdkState;
use super::context_size;
use super::deadlines::{Deadlines, Due};
use super::pace::Pace;
use super::protocol::{ClientMessage, Close, ErrorCode, Malformed, ServerMessage};
use super::secure;
use super::streams::StreamSlot;
use super::view::ClientView;
use crate::envs::{Compiled, Following};
use crate::metrics::OpenConnection;

/// What a transport heard from its client.
#[derive(Debug)]
pub enum Incoming {
    Message(Result<ClientMessage, Malformed>),
    /// A transport-level heartbeat (WebSocket ping or pong frames).
    Heartbeat,
    /// A message over the size limit.
    TooBig,
    /// The client went away.
    Closed,
}

pub trait Transport: Send {
    /// Whether the client talks back; only a client that can talk can be idle or too chatty.
    const TWO_WAY: bool;

    fn send(&mut self, msg: &ServerMessage) -> impl Future<Output = Result<(), Close>> + Send;

    /// The client's next message. Cancel-safe: the session polls it beside other events. A
    /// one-way transport resolves only when the client has gone.
    fn recv(&mut self) -> impl Future<Output = Incoming> + Send;

    /// Ends the stream, telling the client why where the transport can.
    fn close(self, why: Close) -> impl Future<Output = ()> + Send;
}

#[derive(Debug)]
pub struct Session {
    st: SdkState,
    env: watch::Receiver<Arc<Compiled>>,
    /// A signal for each new revision of `env` (what the session waits on).
    revisions: broadcast::Receiver<u64>,
    view: ClientView,
    /// `None` until the client says hello.
    /// Kept as its JSON text and parsed for each evaluation: a parsed object would cost every
    /// idle connection several hundred bytes more.
    context: Option<Box<str>>,
    /// The key it connected with, re-checked now and then: revoking it ends the session.
    key: String,
    /// Client keys see only flags visible to them, and in secure mode need their context signed.
    kind: KeyKind,
    /// The key's rate-limit bucket.
    key_hash: String,
    /// Its deadlines, served by one timer: pings after `Limits::ping_every` of silence, key
    /// re-checks, an asked-for snapshot, and, while the client is two-way, the hello and idle
    /// limits.
    due: Deadlines,
    /// When the last snapshot went out.
    last_snapshot: Option<Instant>,
    /// Whether a message that asked for it was within the key's rate.
    snapshot_paid: bool,
    _open: OpenConnection,
    _slot: StreamSlot,
}

/// A context's JSON text (serialising a parsed value cannot fail).
fn compact(context: &Value) -> Box<str> {
    serde_json::to_string(context)
        .unwrap_or_default()
        .into_boxed_str()
}

/// The context back from its text (which [`compact`] wrote, so it parses).
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

impl Session {
    /// A session in its stream slot; counted as an open connection until it ends. A `context`
    /// given up front was checked for secure mode by the caller.
    pub fn new(
        st: SdkState,
        env: Following,
        (key, kind): (String, KeyKind),
        context: Option<Value>,
        slot: StreamSlot,
    ) -> Session {
        let now = Instant::now();
        Session {
            _open: st.metrics.open_connection(),
            _slot: slot,
            due: Deadlines {
                hello_by: None,
                idle_at: None,
                key_check_at: now + st.limits.key_check_every,
                ping_at: now + st.limits.ping_every,
                snapshot_at: None,
                paced_until: None,
            },
            st,
            env: env.latest,
            revisions: env.revisions,
            view: ClientView::new(kind == KeyKind::Client),
            context: context.as_ref().map(compact),
            key_hash: switchyard_core::domain::hash_secret(&key),
            key,
            kind,
            last_snapshot: None,
            snapshot_paid: false,
        }
    }

    pub async fn run<T: Transport>(mut self, mut transport: T) {
        let why = self.serve(&mut transport).await;
        if why.misbehaved() {
            self.st.metrics.closed_slow.inc();
        }
        transport.close(why).await;
    }

    /// The futures of what a step does (evaluate, send, look the key up) are boxed while they
    /// run, so that an idle session's task holds only what waiting needs. The shutdown wait and
    /// the one timer live across steps: a change wakes the session without registering either.
    async fn serve<T: Transport>(&mut self, t: &mut T) -> Close {
        let limits = self.st.limits.clone();
        let mut shutdown = self.st.shutdown.clone();
        let shutdown = shutdown.changed();
        tokio::pin!(shutdown);
        let mut pace = Pace::new(limits.messages_per_minute, Instant::now());
        if T::TWO_WAY {
            self.due.hello_by = Some(Instant::now() + limits.hello_timeout);
            self.due.idle_at = Some(Instant::now() + limits.idle_timeout);
        }
        // A context from the request (SSE): its snapshot answers the request, already charged.
        if self.context.is_some() {
            self.last_snapshot = Some(Instant::now());
            if let Err(why) = Box::pin(self.snapshot(t)).await {
                return why;
            }
        }
        let timer = tokio::time::sleep_until(self.due.next());
        tokio::pin!(timer);
        loop {
            // The pace holds the client's messages back until then (it moves only on a read).
            if self.due.paced_until.is_some_and(|at| at <= Instant::now()) {
                self.due.paced_until = None;
            }
            let held = T::TWO_WAY && self.due.paced_until.is_some();
            self.due.arm(timer.as_mut());
            // In this order: a change is served before the timer's and the client's turn.
            let step = tokio::select! {
                biased;
                _ = &mut shutdown => Err(Close::Restart),
                signal = self.revisions.recv(), if self.context.is_some() => match signal {
                    // Lagging behind the signals: there is a newer revision all the same.
                    Ok(_) | Err(RecvError::Lagged(_)) => Box::pin(self.changed(t)).await,
                    Err(RecvError::Closed) => Err(Close::EnvironmentClosed),
                },
                () = &mut timer => Box::pin(self.on_time(t)).await,
                incoming = t.recv(), if !held => {
                    let now = Instant::now();
                    self.due.idle_at = Some(now + limits.idle_timeout);
                    let flooding = pace.read(now);
                    self.due.paced_until = Some(pace.ready_at()).filter(|at| *at > now);
                    match incoming {
                        Incoming::Closed => Err(Close::Gone),
                        Incoming::TooBig => Err(Close::TooBig),
                        _ if flooding => Err(Close::TooManyMessages),
                        Incoming::Heartbeat => Ok(()),
                        Incoming::Message(m) => Box::pin(self.on_message(t, m)).await,
                    }
                }
            };
            if let Err(why) = step {
                return why;
            }
        }
    }

    /// The timer went off: serves what is due (the session may have been woken early by a
    /// deadline that has since moved).
    async fn on_time<T: Transport>(&mut self, t: &mut T) -> Result<(), Close> {
        let now = Instant::now();
        for due in self.due.due(now) {
            match due {
                Due::NoHello => return Err(Close::NoHello),
                Due::Idle => return Err(Close::Idle),
                Due::Snapshot => self.due_snapshot(t).await?,
                Due::KeyCheck => {
                    self.due.key_check_at = now + self.st.limits.key_check_every;
                    // A store hiccup is not a revocation.
                    if let Ok(None) = self.st.envs.key(&self.key).await {
                        return Err(Close::KeyRevoked);
                    }
                }
                // Another message may have gone out since: it put the ping off.
                Due::Ping if self.due.ping_at <= now => self.send(t, &ServerMessage::Ping).await?,
                Due::Ping => {}
            }
        }
        Ok(())
    }

    async fn send<T: Transport>(&mut self, t: &mut T, msg: &ServerMessage) -> Result<(), Close> {
        self.st.metrics.messages.inc();
        // Pings fill silence: any message puts the next off.
        self.due.ping_at = Instant::now() + self.st.limits.ping_every;
        t.send(msg).await
    }

    /// Runs `f` on the view for the client's context (`None` before hello), counting the
    /// evaluations.
    async fn on_view<R: Send + 'static>(
        &mut self,
        env: &Arc<Compiled>,
        f: fn(&mut ClientView, &Compiled, &Value) -> (R, usize),
    ) -> Result<Option<R>, Close> {
        let Some(context) = self.context.as_deref().map(parse) else {
            return Ok(None);
        };
        let (r, evaluated) = (self.st.offload)
            .on_view(&mut self.view, env, &context, f)
            .await
            .map_err(|_| Close::ServerError)?;
        self.st.metrics.evaluations.inc_by(evaluated as u64);
        Ok(Some(r))
    }

    async fn snapshot<T: Transport>(&mut self, t: &mut T) -> Result<(), Close> {
        let env = self.env.borrow_and_update().clone();
        match self.on_view(&env, ClientView::snapshot).await? {
            Some(msg) => self.send(t, &msg).await,
            None => Ok(()),
        }
    }

    /// The client asked for a snapshot: the ask is charged to the key's rate, and the snapshot
    /// goes out when the interval since the last is over (asks in between join it).
    fn want_snapshot(&mut self) {
        self.snapshot_paid |= self.st.limiter.check_key(&self.key_hash).is_ok();
        let now = Instant::now();
        let earliest = self
            .last_snapshot
            .map_or(now, |at| at + self.st.limits.snapshot_interval);
        if self.due.snapshot_at.is_some() || earliest > now {
            self.st.metrics.snapshots_deferred.inc();
        }
        if self.due.snapshot_at.is_none() {
            self.due.snapshot_at = Some(earliest.max(now));
        }
    }

    /// The asked-for snapshot's time has come: it goes out if an ask was within the key's rate,
    /// or the key has a token now; else it waits for the key's next token.
    async fn due_snapshot<T: Transport>(&mut self, t: &mut T) -> Result<(), Close> {
        if !self.snapshot_paid
            && let Err(not_until) = self.st.limiter.check_key(&self.key_hash)
        {
            use governor::clock::Clock;
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            self.due.snapshot_at = Some(Instant::now() + wait.max(Duration::from_millis(10)));
            self.st.metrics.snapshots_deferred.inc();
            return Ok(());
        }
        self.due.snapshot_at = None;
        self.snapshot_paid = false;
        self.last_snapshot = Some(Instant::now());
        self.snapshot(t).await
    }

    async fn changed<T: Transport>(&mut self, t: &mut T) -> Result<(), Close> {
        if self.due.snapshot_at.is_some() {
            // The snapshot on its way will carry the change.
            self.env.borrow_and_update();
            return Ok(());
        }
        let env = self.env.borrow_and_update().clone();
        // A change that is the same for every client comes written already.
        let msg = match self.view.shared_changes(&env) {
            Some(msg) => msg,
            None => match self.on_view(&env, ClientView::changes).await? {
                Some(Some(msg)) => msg,
                // Nothing this client sees changed.
                _ => return Ok(()),
            },
        };
        self.send(t, &msg).await?;
        self.st
            .metrics
            .fanout_seconds
            .observe(env.loaded_at.elapsed().as_secs_f64());
        Ok(())
    }

    async fn on_message<T: Transport>(
        &mut self,
        t: &mut T,
        msg: Result<ClientMessage, Malformed>,
    ) -> Result<(), Close> {
        match msg {
            Ok(
                ClientMessage::Hello { context, hash } | ClientMessage::Identify { context, hash },
            ) => {
                if context_size::check(&context, self.st.limits.max_context_bytes).is_err() {
                    self.st.metrics.contexts_too_big.inc();
                    let error = ServerMessage::Error {
                        code: ErrorCode::InvalidContext,
                        message: "the context is over the size limit",
                    };
                    return self.send(t, &error).await;
                }
                let env = self.env.borrow().clone();
                secure::check(&env.environment, self.kind, &context, hash.as_deref())
                    .map_err(|_| Close::SecureMode)?;
                self.context = Some(compact(&context));
                self.due.hello_by = None;
                self.want_snapshot();
                Ok(())
            }
            Ok(ClientMessage::Resync) => {
                if self.context.is_some() {
                    self.want_snapshot();
                }
                Ok(())
            }
            Ok(ClientMessage::Ping) => self.send(t, &ServerMessage::Pong).await,
            // Unknown types are ignored, as the protocol says.
            Ok(ClientMessage::Unknown) => Ok(()),
            Err(malformed) => self.send(t, &malformed.answer()).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_context_kept_as_text_evaluates_as_the_one_sent() {
        let context = json!({"targetingKey": "u-1", "country": "DE", "n": 1.5, "tags": ["a"]});
        assert_eq!(parse(&compact(&context)), context);
    }
}
