//! The coordinator's side of the client workers ([`super::clients`]): how many, which clients
//! each holds, and the line protocol over their stdin and stdout.

use super::clients::{Command, GroupPlan, Plan, Reply};
use super::procs::{CLIENT_CORE, Guard, Pinning, nofile_hard};
use std::io::{BufRead, BufReader, Write};
use std::net::Ipv4Addr;
use std::process::{ChildStdin, Stdio};
use std::time::Duration;
use tokio::sync::mpsc;

/// Connections per worker: under this container's 20,000 descriptors a process, with room to spare.
pub const PER_WORKER: usize = 15_000;
/// Workers' addresses 127.0.0.2 … 127.0.0.251, one each; a worker's clients bind to 127.k.0.x
/// ([`super::clients::source_of`]).
const MAX_WORKERS: usize = 250;

/// The next source address's last byte less 2: each set of workers takes addresses the sets
/// before it did not, so that one size's closed connections (ports in TIME_WAIT) do not meet
/// the next size's.
static NEXT_SOURCE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One system's clients: `count` of them, spread evenly over `urls`.
#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub urls: Vec<String>,
    /// A hello to send (`{i}`: the client's number), then await the snapshot.
    pub hello: Option<String>,
    pub count: usize,
}

/// `count` split into `parts` runs (first, length) as even as possible.
pub fn split(count: usize, parts: usize) -> Vec<(usize, usize)> {
    let parts = parts.max(1);
    let mut first = 0;
    (0..parts)
        .map(|i| {
            let n = count / parts + usize::from(i < count % parts);
            let run = (first, n);
            first += n;
            run
        })
        .collect()
}

/// Workers for `total` connections at most `per_worker` each, and at least `min`.
pub fn workers_for(total: usize, per_worker: usize, min: usize) -> usize {
    total.div_ceil(per_worker.max(1)).max(min).max(1)
}

/// The receipts of one change from every worker.
#[derive(Debug, Default)]
pub struct Collected {
    pub at: Vec<u64>,
    pub live: usize,
    pub sample: Option<String>,
}

struct Proc {
    _guard: Guard,
    stdin: ChildStdin,
    lines: mpsc::UnboundedReceiver<String>,
}

impl Proc {
    fn send(&mut self, line: &str) -> Result<(), String> {
        writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("a client worker is gone: {e}"))
    }

    async fn recv(&mut self, within: Duration) -> Result<Reply, String> {
        let line = tokio::time::timeout(within, self.lines.recv())
            .await
            .map_err(|_| format!("a client worker said nothing for {within:?}"))?
            .ok_or("a client worker ended")?;
        serde_json::from_str(&line).map_err(|e| format!("a client worker said {line:.200}: {e}"))
    }
}

pub struct Workers {
    procs: Vec<Proc>,
}

impl Workers {
    /// Starts the workers on the client core and waits until every client is connected (each
    /// Switchyard client with its snapshot). Fails unless every client connected.
    pub async fn start(
        pin: &Pinning,
        groups: &[GroupSpec],
        min_workers: usize,
        lifetime: Duration,
    ) -> Result<Workers, String> {
        let room = usize::try_from(nofile_hard().saturating_sub(100)).unwrap_or(PER_WORKER);
        let total: usize = groups.iter().map(|g| g.count).sum();
        let n = workers_for(total, PER_WORKER.min(room), min_workers);
        if n > MAX_WORKERS {
            return Err(format!(
                "{total} connections need {n} client workers; at most {MAX_WORKERS}"
            ));
        }
        let me = std::env::current_exe().map_err(|e| e.to_string())?;
        let slices: Vec<Vec<(usize, usize)>> = groups.iter().map(|g| split(g.count, n)).collect();
        let mut procs = Vec::with_capacity(n);
        let first_source = NEXT_SOURCE.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        for i in 0..n {
            let last_byte = (first_source + i) % MAX_WORKERS + 2;
            let plan = Plan {
                source: Ipv4Addr::new(127, 0, 0, u8::try_from(last_byte).unwrap_or(255)),
                groups: groups
                    .iter()
                    .zip(&slices)
                    .map(|(g, s)| GroupPlan {
                        urls: g.urls.clone(),
                        hello: g.hello.clone(),
                        first: s[i].0,
                        count: s[i].1,
                    })
                    .collect(),
                lifetime_secs: lifetime.as_secs().max(1),
            };
            let mut child = pin
                .command(CLIENT_CORE, &me)
                .arg("--clients-worker")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start a client worker: {e}"))?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return Err("a client worker has no pipes".into());
            };
            let (tx, lines) = mpsc::unbounded_channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let mut p = Proc {
                _guard: Guard(child),
                stdin,
                lines,
            };
            p.send(&serde_json::to_string(&plan).map_err(|e| e.to_string())?)?;
            procs.push(p);
        }
        let within = Duration::from_secs(60) + Duration::from_millis(3 * total as u64);
        let mut connected = vec![0; groups.len()];
        let mut error = None;
        for p in &mut procs {
            match p.recv(within).await? {
                Reply::Ready {
                    connected: c,
                    error: e,
                } => {
                    for (sum, n) in connected.iter_mut().zip(c) {
                        *sum += n;
                    }
                    error = error.or(e);
                }
                other => return Err(format!("a client worker did not start: {other:?}")),
            }
        }
        for (g, n) in groups.iter().zip(&connected) {
            if *n < g.count {
                return Err(format!(
                    "{n} of {} clients connected to {} ({})",
                    g.count,
                    g.urls
                        .first()
                        .map_or("", |u| u.split('?').next().unwrap_or(u)),
                    error.as_deref().unwrap_or("no error given")
                ));
            }
        }
        eprintln!(
            "  {} clients connected ({n} worker processes)",
            connected.iter().sum::<usize>()
        );
        Ok(Workers { procs })
    }

    fn send_all(&mut self, cmd: &Command) -> Result<(), String> {
        let line = serde_json::to_string(cmd).map_err(|e| e.to_string())?;
        self.procs.iter_mut().try_for_each(|p| p.send(&line))
    }

    /// Arms every worker's `group` for `change`; returns once all of them watch.
    pub async fn arm(
        &mut self,
        group: usize,
        change: u64,
        marker: &str,
        wait: Duration,
    ) -> Result<(), String> {
        self.send_all(&Command::Arm {
            group,
            change,
            marker: marker.to_owned(),
            wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        })?;
        for p in &mut self.procs {
            match p.recv(Duration::from_secs(10)).await? {
                Reply::Armed { change: c } if c == change => {}
                other => return Err(format!("a client worker did not arm: {other:?}")),
            }
        }
        Ok(())
    }

    /// The receipts of an armed change, from every worker.
    pub async fn collect(&mut self, change: u64, wait: Duration) -> Result<Collected, String> {
        let mut out = Collected::default();
        for p in &mut self.procs {
            match p.recv(wait + Duration::from_secs(10)).await? {
                Reply::Report {
                    change: c,
                    at,
                    live,
                    sample,
                } if c == change => {
                    out.at.extend(at);
                    out.live += live;
                    out.sample = out.sample.or(sample);
                }
                other => return Err(format!("a client worker did not report: {other:?}")),
            }
        }
        Ok(out)
    }

    /// Every client of `group` pings; the number that did.
    pub async fn ping(&mut self, group: usize) -> Result<usize, String> {
        self.send_all(&Command::Ping { group })?;
        let mut sent = 0;
        for p in &mut self.procs {
            match p.recv(Duration::from_secs(10)).await? {
                Reply::Pinged { sent: n } => sent += n,
                other => return Err(format!("a client worker did not ping: {other:?}")),
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_is_even_and_covers_every_client_once() {
        assert_eq!(split(10, 3), vec![(0, 4), (4, 3), (7, 3)]);
        assert_eq!(split(2, 3), vec![(0, 1), (1, 1), (2, 0)]);
        assert_eq!(split(5, 0), vec![(0, 5)]);
    }

    #[test]
    fn workers_hold_at_most_their_share_and_at_least_the_minimum() {
        assert_eq!(workers_for(2_000, PER_WORKER, 1), 1);
        assert_eq!(workers_for(20_000, PER_WORKER, 1), 2);
        assert_eq!(workers_for(200_000, PER_WORKER, 1), 14);
        assert_eq!(workers_for(3_000, PER_WORKER, 2), 2);
        assert_eq!(workers_for(0, PER_WORKER, 0), 1);
    }
}
