//! A client worker (`switchyard-load --clients-worker`): a child process holding up to
//! [`super::workers::PER_WORKER`] WebSocket clients, from source addresses of its own
//! (127.k.0.x, [`PER_SOURCE`] clients each) so that the ephemeral ports of one address neither
//! cap the total nor grow scarce.
//!
//! It reads its [`Plan`] as the first line of stdin, connects (a hello and its snapshot where the
//! plan has one), answers [`Reply::Ready`], then follows [`Command`]s, one JSON line each, answering
//! each with one line on stdout. An armed change is reported once every live client has received
//! a message holding the marker, or when the wait runs out: the receipt times are CLOCK_MONOTONIC
//! ns, stamped as each message arrives, for the coordinator to set against its trigger time. The
//! worker ends at stdin's end or at its lifetime, whichever comes first.

use super::procs::mono_ns;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Connections being opened at once in one worker.
const CONNECTING_AT_ONCE: usize = 200;
const CONNECT_WITHIN: Duration = Duration::from_secs(30);
/// Tries per client before it counts as not connected.
const CONNECT_ATTEMPTS: u32 = 3;
/// Clients per source address. A `bind` to port 0 looks for a free port of its address, among
/// the odd half of the ephemeral range (14,116 ports here); past ~7,000 in use each look costs
/// the kernel ~1.5 ms (15,000 clients from one address took 19.7 s to connect, from three 0.4 s),
/// time the worker's core then lacks for its connected clients.
pub const PER_SOURCE: usize = 5_000;
/// A client quiet this long pings by itself, as the JavaScript SDK does every 30 s.
const KEEPALIVE: Duration = Duration::from_secs(30);

#[derive(Debug, Serialize, Deserialize)]
pub struct Plan {
    pub source: Ipv4Addr,
    pub groups: Vec<GroupPlan>,
    pub lifetime_secs: u64,
}

/// One system's clients in this worker: `count` clients numbered from `first`, client `i` on
/// `urls[i % urls.len()]`, sending `hello` (`{i}` replaced by its number) and awaiting a snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupPlan {
    pub urls: Vec<String>,
    pub hello: Option<String>,
    pub first: usize,
    pub count: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// Watch `group` for `change`: a message containing `marker`; report within `wait_ms`.
    Arm {
        group: usize,
        change: u64,
        marker: String,
        wait_ms: u64,
    },
    /// Every client of `group` sends a protocol ping (Switchyard closes a silent stream).
    Ping { group: usize },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Ready {
        connected: Vec<usize>,
        error: Option<String>,
    },
    Armed {
        change: u64,
    },
    /// Receipt times (CLOCK_MONOTONIC ns), the clients still connected, and one message's text.
    Report {
        change: u64,
        at: Vec<u64>,
        live: usize,
        sample: Option<String>,
    },
    Pinged {
        sent: usize,
    },
    Failed {
        error: String,
    },
}

struct Armed {
    change: u64,
    marker: String,
    sampled: AtomicBool,
}

struct Arrival {
    change: u64,
    at: u64,
    text: Option<String>,
}

/// One group's clients, seen from the worker's command loop.
struct Group {
    armed: watch::Sender<Option<Arc<Armed>>>,
    ping: watch::Sender<u64>,
    arrivals: mpsc::UnboundedReceiver<Arrival>,
    live: Arc<AtomicUsize>,
}

fn say(reply: &Reply) {
    let mut out = std::io::stdout().lock();
    if let Ok(line) = serde_json::to_string(reply) {
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// The worker process's main.
pub fn worker_main() -> std::process::ExitCode {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let mut first = String::new();
    let stdin = std::io::stdin();
    if stdin.lock().read_line(&mut first).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    let plan: Plan = match serde_json::from_str(&first) {
        Ok(p) => p,
        Err(e) => {
            say(&Reply::Failed {
                error: format!("bad plan: {e}"),
            });
            return std::process::ExitCode::FAILURE;
        }
    };
    let (tx, commands) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return std::process::ExitCode::FAILURE;
    };
    let lifetime = Duration::from_secs(plan.lifetime_secs);
    let _ = rt.block_on(async move { tokio::time::timeout(lifetime, run(plan, commands)).await });
    // The clients' tasks are dropped with the runtime; the process ends without waiting on them.
    std::process::exit(0)
}

async fn run(plan: Plan, mut commands: mpsc::UnboundedReceiver<String>) {
    let mut groups = Vec::new();
    let mut connected = Vec::new();
    let mut error = None;
    // The last group first: the first (the system measured, whose server closes silent streams)
    // connects last, so its clients are not left waiting while the others connect.
    let mut opened = 0;
    for g in plan.groups.iter().rev() {
        let (group, n, e) = connect_group(plan.source, opened, g).await;
        opened += g.count;
        groups.push(group);
        connected.push(n);
        error = error.or(e);
    }
    groups.reverse();
    connected.reverse();
    say(&Reply::Ready { connected, error });
    while let Some(line) = commands.recv().await {
        let reply = match serde_json::from_str::<Command>(&line) {
            Ok(Command::Arm {
                group,
                change,
                marker,
                wait_ms,
            }) => match groups.get_mut(group) {
                Some(g) => {
                    watch_change(g, change, marker, Duration::from_millis(wait_ms)).await;
                    continue;
                }
                None => Reply::Failed {
                    error: format!("no group {group}"),
                },
            },
            Ok(Command::Ping { group }) => match groups.get(group) {
                Some(g) => {
                    g.ping.send_modify(|n| *n += 1);
                    Reply::Pinged {
                        sent: g.live.load(Ordering::SeqCst),
                    }
                }
                None => Reply::Failed {
                    error: format!("no group {group}"),
                },
            },
            Err(e) => Reply::Failed {
                error: format!("bad command: {e}"),
            },
        };
        say(&reply);
    }
}

/// Arms `g` for `change`, says so, and reports the receipts when every live client has one or
/// `wait` has passed.
async fn watch_change(g: &mut Group, change: u64, marker: String, wait: Duration) {
    while g.arrivals.try_recv().is_ok() {}
    g.armed.send_replace(Some(Arc::new(Armed {
        change,
        marker,
        sampled: AtomicBool::new(false),
    })));
    say(&Reply::Armed { change });
    let until = tokio::time::Instant::now() + wait;
    let mut at = Vec::new();
    let mut sample = None;
    while at.len() < g.live.load(Ordering::SeqCst) {
        let next = (tokio::time::Instant::now() + Duration::from_millis(100)).min(until);
        match tokio::time::timeout_at(next, g.arrivals.recv()).await {
            Ok(Some(a)) if a.change == change => {
                at.push(a.at);
                sample = sample.or(a.text);
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) if next >= until => break,
            Err(_) => {}
        }
    }
    g.armed.send_replace(None);
    say(&Reply::Report {
        change,
        at,
        live: g.live.load(Ordering::SeqCst),
        sample,
    });
}

/// The source address of a worker's `k`th client: 127.(k / [`PER_SOURCE`]).0.x for the worker's
/// 127.0.0.x.
pub fn source_of(worker: Ipv4Addr, k: usize) -> Ipv4Addr {
    let [_, _, c, d] = worker.octets();
    Ipv4Addr::new(127, u8::try_from(k / PER_SOURCE).unwrap_or(u8::MAX), c, d)
}

/// Opens `plan`'s clients, the first being the worker's `opened`th.
async fn connect_group(
    worker: Ipv4Addr,
    opened: usize,
    plan: &GroupPlan,
) -> (Group, usize, Option<String>) {
    let (armed, armed_rx) = watch::channel(None::<Arc<Armed>>);
    let (ping, ping_rx) = watch::channel(0u64);
    let (tx, arrivals) = mpsc::unbounded_channel();
    let live = Arc::new(AtomicUsize::new(0));
    let opened = futures_util::stream::iter(plan.first..plan.first + plan.count)
        .map(|i| {
            let url = plan.urls[i % plan.urls.len().max(1)].clone();
            let hello = plan
                .hello
                .as_ref()
                .map(|h| h.replace("{i}", &i.to_string()));
            let source = source_of(worker, opened + i - plan.first);
            async move {
                // As an SDK does, a client the server did not take in a connection burst tries
                // again after a pause.
                let mut attempt = 0;
                loop {
                    let r = tokio::time::timeout(
                        CONNECT_WITHIN,
                        connect(source, url.clone(), hello.clone()),
                    )
                    .await
                    .unwrap_or_else(|_| Err("connect timed out".into()));
                    attempt += 1;
                    if r.is_ok() || attempt == CONNECT_ATTEMPTS {
                        break r;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        })
        .buffer_unordered(CONNECTING_AT_ONCE);
    tokio::pin!(opened);
    let mut error = None;
    while let Some(r) = opened.next().await {
        match r {
            Ok(ws) => {
                live.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(client(
                    ws,
                    armed_rx.clone(),
                    ping_rx.clone(),
                    tx.clone(),
                    live.clone(),
                ));
            }
            Err(e) => error = error.or(Some(e)),
        }
    }
    let n = live.load(Ordering::SeqCst);
    let group = Group {
        armed,
        ping,
        arrivals,
        live,
    };
    (group, n, error)
}

type Ws = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// The host and port of a `ws://host:port/…` URL.
pub fn ws_addr(url: &str) -> Result<SocketAddr, String> {
    let rest = url
        .strip_prefix("ws://")
        .ok_or_else(|| format!("not a ws:// URL: {url}"))?;
    let host = rest.split('/').next().unwrap_or(rest);
    host.parse()
        .map_err(|e| format!("not an address ({host}): {e}"))
}

async fn connect(source: Ipv4Addr, url: String, hello: Option<String>) -> Result<Ws, String> {
    let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    // The ports of the run before may still be in TIME_WAIT on this address: they may be bound
    // again (a connection's four-tuple is what must be new).
    socket.set_reuseaddr(true).map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::from((source, 0)))
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket
        .connect(ws_addr(&url)?)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
        .await
        .map_err(|e| format!("upgrade: {e}"))?;
    if let Some(h) = hello {
        ws.send(Message::text(h)).await.map_err(|e| e.to_string())?;
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) if t.as_str().contains("\"snapshot\"") => break,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(format!("before the snapshot: {e}")),
                None => return Err("closed before the snapshot".into()),
            }
        }
    }
    Ok(ws)
}

/// One client: stamps every text message, reports the first holding the armed change's marker.
async fn client(
    mut ws: Ws,
    armed: watch::Receiver<Option<Arc<Armed>>>,
    mut ping: watch::Receiver<u64>,
    tx: mpsc::UnboundedSender<Arrival>,
    live: Arc<AtomicUsize>,
) {
    let mut reported = None;
    // As an SDK does, a client pings when it has been quiet for a while, so that Switchyard does
    // not close it as silent while the rest of a large run connects (the coordinator's pings
    // between changes keep this from firing once every client is connected).
    let quiet = tokio::time::sleep(KEEPALIVE);
    tokio::pin!(quiet);
    loop {
        tokio::select! {
            () = &mut quiet => {
                if ws.send(Message::text(r#"{"type":"ping"}"#)).await.is_err() {
                    break;
                }
                quiet.as_mut().reset(tokio::time::Instant::now() + KEEPALIVE);
            }
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    let at = mono_ns();
                    let current = armed.borrow().clone();
                    if let Some(a) = current
                        && reported != Some(a.change)
                        && t.as_str().contains(a.marker.as_str())
                    {
                        reported = Some(a.change);
                        let first = !a.sampled.swap(true, Ordering::SeqCst);
                        let text = first.then(|| t.as_str().to_owned());
                        let _ = tx.send(Arrival { change: a.change, at, text });
                    }
                }
                Some(Ok(_)) => {}
                _ => break,
            },
            changed = ping.changed() => {
                if changed.is_err()
                    || ws.send(Message::text(r#"{"type":"ping"}"#)).await.is_err()
                {
                    break;
                }
                quiet.as_mut().reset(tokio::time::Instant::now() + KEEPALIVE);
            }
        }
    }
    live.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_ws_url_gives_its_address() {
        assert_eq!(
            ws_addr("ws://127.0.0.1:8080/sdk/v1/ws?key=k"),
            Ok(SocketAddr::from(([127, 0, 0, 1], 8080)))
        );
        assert!(ws_addr("http://127.0.0.1:8080/").is_err());
        assert!(ws_addr("ws://localhost:8080/").is_err());
    }

    #[test]
    fn a_worker_moves_to_its_next_source_address_every_per_source_clients() {
        let w = Ipv4Addr::new(127, 0, 0, 9);
        assert_eq!(source_of(w, 0), w);
        assert_eq!(source_of(w, PER_SOURCE - 1), w);
        assert_eq!(source_of(w, PER_SOURCE), Ipv4Addr::new(127, 1, 0, 9));
        assert_eq!(source_of(w, 3 * PER_SOURCE), Ipv4Addr::new(127, 3, 0, 9));
    }

    #[test]
    fn commands_and_replies_are_one_json_line_each() {
        let c = serde_json::to_string(&Command::Arm {
            group: 1,
            change: 7,
            marker: "\"hot\":{\"value\":true".into(),
            wait_ms: 500,
        })
        .unwrap();
        assert!(!c.contains('\n'));
        assert!(matches!(
            serde_json::from_str::<Command>(&c).unwrap(),
            Command::Arm { change: 7, .. }
        ));
        let r: Reply = serde_json::from_str(r#"{"type":"armed","change":3}"#).unwrap();
        assert!(matches!(r, Reply::Armed { change: 3 }));
    }
}
