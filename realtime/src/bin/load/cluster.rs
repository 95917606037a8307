//! Three realtime nodes on one Redis (`switchyard-load --cluster N`, issue #22 part 6).
//!
//! redis-server, moto (DynamoDB), one `switchyard serve --store dynamodb --bus redis` for the
//! dashboard API and three `switchyard realtime` nodes, all on the server core; N clients spread
//! evenly over the nodes, in at least 2 worker processes on the client core. Each change (a
//! dashboard write flipping the hot flag) is timed to every client. For the capacity model, per
//! change: Redis commands (`INFO commandstats` before and after the changes), and from the nodes'
//! `/metrics`, bus events received and environments read from the store.

use super::api::{HELLO_TEMPLATE, hot_marker, setup};
use super::fanout::{PING_EVERY, SETTLE, WORKER_LIFETIME, timed};
use super::procs::{self, Guard, Pinning, SERVER_CORE, Scratch, free_port, wait_for_port};
use super::servers::{switchyard_bin, uncapped};
use super::stats::{Change, ms, summarize, thousands};
use super::workers::{GroupSpec, Workers};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

const NODES: usize = 3;
const TABLE: &str = "switchyard-load";

/// moto, one request at a time (as in reliability/lib/procs.mjs: DynamoDB serialises
/// transactions; moto's threaded server does not).
const MOTO_SITE: &str = "import werkzeug.serving as _s\n_run = _s.run_simple\n\n\
def run_simple(*a, **k):\n    k['threaded'] = False\n    return _run(*a, **k)\n\n\
_s.run_simple = run_simple\n";

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// `SWITCHYARD_MOTO_SERVER`, else `moto_server` on PATH.
fn find_moto() -> Option<PathBuf> {
    std::env::var_os("SWITCHYARD_MOTO_SERVER")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| on_path("moto_server"))
}

/// How the nodes listen: each on a port of its own, or all on one (`--reuse-port`, one node of
/// several processes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ports {
    Own,
    Shared,
}

pub struct Cluster {
    redis_port: u16,
    pub api: String,
    /// Each node's pid and `http://` base.
    pub nodes: Vec<(u32, String)>,
    _procs: Vec<Guard>,
    _dir: Scratch,
}

/// Waits until `child` prints that it listens (its stdout piped).
async fn listening(child: &mut std::process::Child, within: Duration) -> Result<(), String> {
    use std::io::BufRead;
    let out = child.stdout.take().ok_or("a node's stdout is not piped")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if line.contains("listening on") {
                let _ = tx.send(());
            }
        }
    });
    tokio::task::spawn_blocking(move || rx.recv_timeout(within))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|_| format!("a realtime node did not listen within {within:?}"))
}

impl Cluster {
    /// Redis, moto, the API and `nodes` realtime nodes listening as `ports` says.
    pub async fn start(
        pin: &Pinning,
        moto: &PathBuf,
        nodes: usize,
        ports: Ports,
    ) -> Result<Cluster, String> {
        let dir = Scratch::new("cluster");
        let mut procs = Vec::new();
        let redis_port = free_port();
        procs.push(Guard(
            pin.command(SERVER_CORE, "redis-server")
                .args(["--port", &redis_port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start redis-server: {e}"))?,
        ));
        std::fs::write(dir.path().join("sitecustomize.py"), MOTO_SITE)
            .map_err(|e| e.to_string())?;
        let moto_port = free_port();
        procs.push(Guard(
            pin.command(SERVER_CORE, moto)
                .args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
                .env("PYTHONPATH", dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", moto.display()))?,
        ));
        wait_for_port(redis_port, Duration::from_secs(30)).await?;
        wait_for_port(moto_port, Duration::from_secs(60)).await?;
        let aws = [
            ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{moto_port}")),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("RUST_LOG", "error".into()),
        ];
        let bin = switchyard_bin()?;
        let redis_url = format!("redis://127.0.0.1:{redis_port}");
        let bundle = dir.path().join("switchyard.min.js");
        // A node's command; the caller adds its listening arguments.
        let command = |role: &str, port: u16| {
            let mut c = pin.command(SERVER_CORE, &bin);
            c.args([role, "--addr", &format!("127.0.0.1:{port}")])
                .args(["--table", TABLE, "--redis-url", &redis_url])
                .arg("--sdk-bundle")
                .arg(&bundle)
                .args(uncapped())
                .envs(aws.iter().map(|(k, v)| (k, v)));
            c
        };
        let data = dir.path().join("data");
        let data = data.to_str().ok_or("a temporary path is not UTF-8")?;
        let api_port = free_port();
        let api = command("serve", api_port)
            .args(["--store", "dynamodb", "--bus", "redis", "--data-dir", data])
            .args(["--flagd-addr", &format!("127.0.0.1:{}", free_port())])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start switchyard serve: {e}"))?;
        procs.push(Guard(api));
        // The API creates the table; the nodes start once it is there.
        wait_for_port(api_port, Duration::from_secs(60)).await?;
        // With shared ports, every node's HTTP and flagd listeners are on the same two.
        let shared = (free_port(), free_port());
        let mut listed = Vec::new();
        for _ in 0..nodes {
            let (port, flagd) = match ports {
                Ports::Own => (free_port(), free_port()),
                Ports::Shared => shared,
            };
            let mut c = command("realtime", port);
            c.args(["--flagd-addr", &format!("127.0.0.1:{flagd}")]);
            if ports == Ports::Shared {
                c.arg("--reuse-port");
            }
            let mut node = c
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start switchyard realtime: {e}"))?;
            let ready = listening(&mut node, Duration::from_secs(60)).await;
            listed.push((node.id(), format!("http://127.0.0.1:{port}")));
            procs.push(Guard(node));
            ready?;
        }
        Ok(Cluster {
            redis_port,
            api: format!("http://127.0.0.1:{api_port}"),
            nodes: listed,
            _procs: procs,
            _dir: dir,
        })
    }
}

/// Calls per command from `INFO commandstats` (`cmdstat_publish:calls=3,usec=…`).
pub fn parse_commandstats(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.trim().strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = rest.split(',').find_map(|kv| kv.strip_prefix("calls="))?;
            Some((name.to_owned(), calls.parse().ok()?))
        })
        .collect()
}

/// A sample's value from Prometheus text (`switchyard_store_reads_total 3`).
pub fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        let (n, v) = l.split_once(' ')?;
        if n == name {
            v.trim().parse().ok()
        } else {
            None
        }
    })
}

/// What the capacity model counts, summed over the nodes.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    publishes: f64,
    /// Every Redis command but the INFO calls that read these counts.
    commands: f64,
    bus_events: f64,
    store_reads: f64,
}

async fn counts(c: &Cluster, http: &reqwest::Client) -> Result<Counts, String> {
    let out = std::process::Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &c.redis_port.to_string()])
        .args(["INFO", "commandstats"])
        .output()
        .map_err(|e| format!("redis-cli: {e}"))?;
    let stats = parse_commandstats(&String::from_utf8_lossy(&out.stdout));
    let mut n = Counts::default();
    for (name, calls) in stats {
        if name == "publish" {
            n.publishes += calls as f64;
        }
        if name != "info" && !name.starts_with("command") {
            n.commands += calls as f64;
        }
    }
    for (_, base) in &c.nodes {
        let text = http
            .get(format!("{base}/metrics"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        n.bus_events += metric(&text, "switchyard_bus_events_total").unwrap_or(f64::NAN);
        n.store_reads += metric(&text, "switchyard_store_reads_total").unwrap_or(f64::NAN);
    }
    Ok(n)
}

/// The moto server a cluster runs on, or why there can be none here (no moto, no Redis).
pub fn prerequisites() -> Result<PathBuf, String> {
    let moto = find_moto().ok_or(
        "no moto server (set SWITCHYARD_MOTO_SERVER or put moto_server on PATH)".to_owned(),
    )?;
    if on_path("redis-server").is_none() || on_path("redis-cli").is_none() {
        return Err("redis-server is not installed (apt-get install redis-server)".into());
    }
    Ok(moto)
}

pub async fn run(pin: &Pinning, n: usize, changes: usize) -> Result<(), String> {
    let moto = match prerequisites() {
        Ok(moto) => moto,
        Err(why) => {
            println!("cluster: skipped: {why}");
            return Ok(());
        }
    };
    let per_node = n.div_ceil(NODES);
    if let Err(why) = procs::fits(per_node) {
        println!("cluster, {n} clients: skipped: {why}");
        return Ok(());
    }
    eprintln!("--- {NODES} realtime nodes on one Redis, {n} clients, {changes} changes");
    let c = Cluster::start(pin, &moto, NODES, Ports::Own).await?;
    let mut s = setup(&c.api).await?;
    let groups = [GroupSpec {
        urls: c.nodes.iter().map(|(_, base)| s.ws_url(base)).collect(),
        hello: Some(HELLO_TEMPLATE.to_owned()),
        count: n,
    }];
    let mut workers = Workers::start(pin, &groups, 2, WORKER_LIFETIME).await?;
    workers.ping(0).await?;
    tokio::time::sleep(SETTLE).await;
    let pids: Vec<u32> = c.nodes.iter().map(|(pid, _)| *pid).collect();
    let http = reqwest::Client::new();
    let mut measured: Vec<Change> = Vec::new();
    let mut before = Counts::default();
    let mut pinged = Instant::now();
    // Change 0 warms up and is not kept.
    for k in 0..=changes as u64 {
        if k == 1 {
            before = counts(&c, &http).await?;
        }
        let on = !s.hot_on;
        let marker = hot_marker(on);
        let flip = s.flip(on);
        let (change, _) = timed(&mut workers, 0, k, &marker, &pids, n, flip).await?;
        tokio::time::sleep(SETTLE).await;
        if k > 0 {
            if k.is_multiple_of(5) {
                eprintln!("  change {k}/{changes}: p99 {:.1} ms", change.p99());
            }
            measured.push(change);
        }
        if pinged.elapsed() > PING_EVERY {
            workers.ping(0).await?;
            tokio::time::sleep(SETTLE).await;
            pinged = Instant::now();
        }
    }
    let after = counts(&c, &http).await?;
    let sum = summarize(&measured);
    let per = |f: fn(&Counts) -> f64| (f(&after) - f(&before)) / changes.max(1) as f64;
    println!(
        "\n{NODES} `switchyard realtime` nodes on one Redis (DynamoDB in moto), the dashboard API \
         in a `switchyard serve` beside them ({}). {} clients, {} per node, in worker processes; \
         {} changes, each timed from just before the API call to every client. A cell is the \
         median over changes of that change's p50 / p99 / max (p25–p75); CPU is the three nodes' \
         utime + stime per change (10 ms ticks).\n",
        pin.note,
        thousands(n),
        thousands(per_node),
        sum.changes
    );
    println!("| N | nodes | p50 | p99 | max | nodes' CPU per change |");
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {NODES} | {} | {} | {} | {:.0} ms ({:.0}–{:.0}), mean {:.1} |",
        thousands(n),
        ms(&sum.p50),
        ms(&sum.p99),
        ms(&sum.max),
        sum.cpu.median,
        sum.cpu.lo,
        sum.cpu.hi,
        sum.cpu_mean
    );
    println!(
        "\n{} receipts, missed {}.\n",
        thousands(sum.samples),
        sum.missed
    );
    println!("| per change (mean of {changes}) | |");
    println!("|---|---:|");
    println!("| Redis PUBLISH | {:.2} |", per(|c| c.publishes));
    println!(
        "| Redis commands, all (the INFO reading them left out) | {:.2} |",
        per(|c| c.commands)
    );
    println!(
        "| bus events received, {NODES} nodes | {:.2} |",
        per(|c| c.bus_events)
    );
    let reads = per(|c| c.store_reads);
    println!("| environments read from the store, {NODES} nodes | {reads:.2} |");
    println!(
        "| DynamoDB requests for them (a GetItem and 3 Queries each, one page at this size) | {:.1} |",
        reads * 4.0
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commandstats_give_calls_per_command() {
        let text = "# Commandstats\r\ncmdstat_publish:calls=21,usec=120,usec_per_call=5.71\r\n\
                    cmdstat_info:calls=2,usec=80,usec_per_call=40.00\r\n\
                    cmdstat_client|setinfo:calls=8,usec=9,usec_per_call=1.1\r\n";
        assert_eq!(
            parse_commandstats(text),
            vec![
                ("publish".to_owned(), 21),
                ("info".to_owned(), 2),
                ("client|setinfo".to_owned(), 8)
            ]
        );
        assert!(parse_commandstats("# Commandstats\r\n").is_empty());
    }

    #[test]
    fn a_metric_is_read_by_its_exact_name() {
        let text = "# HELP switchyard_store_reads Environments read\n\
                    switchyard_store_reads_total 12\n\
                    switchyard_store_reads_total_extra 99\n\
                    switchyard_bus_events_total 3\n";
        assert_eq!(metric(text, "switchyard_store_reads_total"), Some(12.0));
        assert_eq!(metric(text, "switchyard_bus_events_total"), Some(3.0));
        assert_eq!(metric(text, "switchyard_reloads_total"), None);
    }
}
