//! WebSocket fan-out on one node, Switchyard beside the bare broadcast baseline, change by change.
//!
//! For each size N: fresh servers on the server core; N clients on each, in worker processes on
//! the client core; the servers' memory before and 2 s after every client has its snapshot; then
//! a warm-up pair and `changes` pairs: a dashboard write flipping the hot flag, timed from just
//! before the API call to every Switchyard client's receipt of the new value, then a broadcast of
//! that same message's bytes by the baseline, timed from just before its trigger. The servers'
//! CPU time is read before each trigger and after the last receipt.

use super::api::{HELLO_TEMPLATE, Setup, hot_marker, setup};
use super::procs::{self, Pinning, rss_kib};
use super::servers::Stack;
use super::stats::{Change, Ratios, Summary, ms, ratios, summarize, thousands, times};
use super::workers::{GroupSpec, Workers};
use std::time::{Duration, Instant};

/// How long a change may take to reach every client before the missing are counted.
pub const WAIT: Duration = Duration::from_secs(20);
/// The pause after each change, and after pings.
pub const SETTLE: Duration = Duration::from_millis(200);
/// Switchyard closes a stream that says nothing for 120 s: the clients ping between changes.
pub const PING_EVERY: Duration = Duration::from_secs(30);
/// How long a worker lives at most (the coordinator ends it sooner).
pub const WORKER_LIFETIME: Duration = Duration::from_secs(1800);

const SWITCHYARD: usize = 0;
const BASELINE: usize = 1;

pub struct Measured {
    sy: Summary,
    bl: Summary,
    ratios: Ratios,
    /// Server RSS (KiB) before connecting and with every client idle: Switchyard, baseline.
    rss: [(u64, u64); 2],
    /// Descriptors each Switchyard process has open with every client idle.
    fds: Vec<usize>,
}

pub enum Outcome {
    Measured(Box<Measured>),
    Skipped(String),
    Failed(String),
}

/// One change on `group`: armed in every worker, `trigger` started just after the clock is read,
/// then every receipt. The change's figures and one client's message.
pub async fn timed(
    workers: &mut Workers,
    group: usize,
    change: u64,
    marker: &str,
    pids: &[u32],
    expected: usize,
    trigger: impl Future<Output = Result<(), String>>,
) -> Result<(Change, Option<String>), String> {
    workers.arm(group, change, marker, WAIT).await?;
    let cpu0 = procs::cpu_ms_of(pids);
    let t0 = procs::mono_ns();
    trigger.await?;
    let got = workers.collect(change, WAIT).await?;
    let cpu = procs::cpu_ms_of(pids) - cpu0;
    let latencies = got
        .at
        .iter()
        .map(|&at| at.saturating_sub(t0) as f64 / 1e6)
        .collect();
    Ok((Change::new(latencies, expected, cpu), got.sample))
}

/// What the baseline broadcasts when no Switchyard client reported a message to copy.
fn stand_in(on: bool) -> String {
    format!(
        r#"{{"type":"changes","revision":0,"base":0,"flags":{{"hot":{{"value":{on},"variant":"on","reason":"STATIC"}}}}}}"#
    )
}

async fn post(http: &reqwest::Client, url: &str, body: String) -> Result<(), String> {
    let r = http
        .post(url)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status().is_success() {
        Ok(())
    } else {
        Err(format!("baseline send: {}", r.status()))
    }
}

/// The two systems of a fan-out run: where Switchyard's dashboard API and SDK endpoint are and
/// which processes serve them; where the baseline's clients connect, where each of its
/// processes takes a broadcast, and its processes.
pub struct Systems {
    pub api: String,
    pub sdk: String,
    pub pids: Vec<u32>,
    pub baseline_ws: String,
    pub baseline_sends: Vec<String>,
    pub baseline_pids: Vec<u32>,
}

/// The resident memory of `pids` together (KiB).
fn rss_of(pids: &[u32]) -> u64 {
    pids.iter().map(|&p| rss_kib(p)).sum()
}

/// One size on fresh servers: N clients on each system, then `changes` interleaved pairs.
pub async fn measure(
    pin: &Pinning,
    sys: &Systems,
    n: usize,
    changes: usize,
    by_rule: bool,
) -> Result<Measured, String> {
    let mut s: Setup = setup(&sys.api).await?;
    s.by_rule = by_rule;
    // The allocator gives pages freed at start back within a second: read after it has.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = [rss_of(&sys.pids), rss_of(&sys.baseline_pids)];
    let groups = [
        GroupSpec {
            urls: vec![s.ws_url(&sys.sdk)],
            hello: Some(HELLO_TEMPLATE.to_owned()),
            count: n,
        },
        GroupSpec {
            urls: vec![sys.baseline_ws.clone()],
            hello: None,
            count: n,
        },
    ];
    let mut workers = Workers::start(pin, &groups, 1, WORKER_LIFETIME).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = [rss_of(&sys.pids), rss_of(&sys.baseline_pids)];
    let fds = sys.pids.iter().map(|&p| procs::open_fds(p)).collect();
    workers.ping(SWITCHYARD).await?;
    tokio::time::sleep(SETTLE).await;
    let http = reqwest::Client::new();
    let (mut sy, mut bl) = (Vec::new(), Vec::new());
    let mut pinged = Instant::now();
    // Pair 0 warms both up (connections to the API, the baseline's first send) and is not kept.
    for k in 0..=changes as u64 {
        let on = !s.hot_on;
        let marker = hot_marker(on);
        let flip = s.flip(on);
        let (a, sample) =
            timed(&mut workers, SWITCHYARD, 2 * k, &marker, &sys.pids, n, flip).await?;
        tokio::time::sleep(SETTLE).await;
        let msg = sample.unwrap_or_else(|| stand_in(on));
        // Every baseline process at once, as the bus reaches every Switchyard process.
        let broadcast = async {
            let sends = sys
                .baseline_sends
                .iter()
                .map(|url| post(&http, url, msg.clone()));
            futures_util::future::try_join_all(sends).await.map(drop)
        };
        let (b, _) = timed(
            &mut workers,
            BASELINE,
            2 * k + 1,
            &marker,
            &sys.baseline_pids,
            n,
            broadcast,
        )
        .await?;
        tokio::time::sleep(SETTLE).await;
        if k > 0 {
            if k.is_multiple_of(10) {
                eprintln!(
                    "  change {k}/{changes}: p99 {:.1} ms (Switchyard), {:.1} ms (baseline)",
                    a.p99(),
                    b.p99()
                );
            }
            sy.push(a);
            bl.push(b);
        }
        if pinged.elapsed() > PING_EVERY {
            workers.ping(SWITCHYARD).await?;
            tokio::time::sleep(SETTLE).await;
            pinged = Instant::now();
        }
    }
    Ok(Measured {
        ratios: ratios(&sy, &bl),
        sy: summarize(&sy),
        bl: summarize(&bl),
        rss: [(before[0], after[0]), (before[1], after[1])],
        fds,
    })
}

async fn one_size(
    pin: &Pinning,
    n: usize,
    changes: usize,
    by_rule: bool,
) -> Result<Measured, String> {
    let stack = Stack::start(pin).await?;
    let sys = Systems {
        api: stack.base.clone(),
        sdk: stack.base.clone(),
        pids: vec![stack.server.pid()],
        baseline_ws: format!("ws://127.0.0.1:{}/ws", stack.base_port),
        baseline_sends: vec![format!("http://127.0.0.1:{}/send", stack.base_port)],
        baseline_pids: vec![stack.baseline.pid()],
    };
    measure(pin, &sys, n, changes, by_rule).await
}

/// Every size, one after the other; a size that does not fit the descriptor limit is skipped.
pub async fn run(
    pin: &Pinning,
    sizes: &[usize],
    changes: usize,
    by_rule: bool,
) -> Vec<(usize, Outcome)> {
    let mut out = Vec::new();
    for &n in sizes {
        eprintln!("--- WebSocket fan-out, {n} clients per system, {changes} changes");
        let outcome = match procs::fits(n) {
            Err(why) => {
                println!("{n} clients: skipped: {why}");
                Outcome::Skipped(why)
            }
            Ok(()) => match one_size(pin, n, changes, by_rule).await {
                Ok(m) => Outcome::Measured(Box::new(m)),
                Err(e) => {
                    eprintln!("  {n} clients failed: {e}");
                    Outcome::Failed(e)
                }
            },
        };
        out.push((n, outcome));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    out
}

fn cpu_cell(s: &Summary) -> String {
    format!(
        "{:.0} ms ({:.0}–{:.0}), mean {:.1}",
        s.cpu.median, s.cpu.lo, s.cpu.hi, s.cpu_mean
    )
}

fn kib_per(rss: (u64, u64), n: usize) -> f64 {
    rss.1.saturating_sub(rss.0) as f64 / n.max(1) as f64
}

/// What a single-node run compares, for [`print`].
pub fn one_process(pin: &Pinning) -> String {
    format!("one node ({})", pin.note)
}

/// The markdown table of every size, and the counts behind it; `systems` says what ran.
pub fn print(results: &[(usize, Outcome)], changes: usize, by_rule: bool, systems: &str) {
    let change = if by_rule {
        "a rule on the client's country edited (every client's value evaluated for it)"
    } else {
        "a switch flipped (a flag without a rule: the same message for every client)"
    };
    println!(
        "\nWebSocket fan-out, {systems}; each change: {change}. N clients on Switchyard and N on the bare broadcast, \
         in worker processes; {changes} changes per system, interleaved (Switchyard, baseline, \
         Switchyard, ...), each timed from just before its trigger to every client. A cell is the \
         median over changes of that change's p50 / p99 / max (p25–p75 of the per-change values); \
         the ratio row is Switchyard over the baseline per pair of changes. Server CPU: utime + \
         stime over each change (/proc, 10 ms ticks), median (p25–p75) and mean; its ratio is of \
         the means. Memory: server RSS growth with the N clients idle, per client.\n"
    );
    println!("| N | | p50 | p99 | max | server CPU per change | memory per idle connection |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
    let mut notes = Vec::new();
    for (n, outcome) in results {
        let size = thousands(*n);
        let m = match outcome {
            Outcome::Measured(m) => m,
            Outcome::Skipped(why) => {
                println!("| {size} | skipped: {why} | | | | | |");
                continue;
            }
            Outcome::Failed(why) => {
                println!("| {size} | failed: {why} | | | | | |");
                continue;
            }
        };
        let kib = [kib_per(m.rss[0], *n), kib_per(m.rss[1], *n)];
        for (label, s, k, first) in [
            ("Switchyard", &m.sy, kib[0], true),
            ("bare broadcast", &m.bl, kib[1], false),
        ] {
            println!(
                "| {}| {label} | {} | {} | {} | {} | {k:.1} KiB |",
                if first {
                    format!("{size} ")
                } else {
                    String::new()
                },
                ms(&s.p50),
                ms(&s.p99),
                ms(&s.max),
                cpu_cell(s)
            );
        }
        println!(
            "| | Switchyard / baseline | {} | {} | {} | {:.2}× | {:.2}× |",
            times(&m.ratios.p50),
            times(&m.ratios.p99),
            times(&m.ratios.max),
            m.sy.cpu_mean / m.bl.cpu_mean,
            kib[0] / kib[1]
        );
        notes.push(format!(
            "{size}: {} changes × {size} clients per system, {} and {} receipts, missed {} and {}; \
             server RSS {} → {} KiB (Switchyard), {} → {} KiB (baseline)",
            m.sy.changes,
            thousands(m.sy.samples),
            thousands(m.bl.samples),
            m.sy.missed,
            m.bl.missed,
            thousands(usize::try_from(m.rss[0].0).unwrap_or(0)),
            thousands(usize::try_from(m.rss[0].1).unwrap_or(0)),
            thousands(usize::try_from(m.rss[1].0).unwrap_or(0)),
            thousands(usize::try_from(m.rss[1].1).unwrap_or(0)),
        ));
        if let (Some(lo), Some(hi), true) =
            (m.fds.iter().min(), m.fds.iter().max(), m.fds.len() > 1)
        {
            notes.push(format!(
                "{size}: descriptors open in each of the {} Switchyard processes with the clients \
                 idle: {}–{}",
                m.fds.len(),
                thousands(*lo),
                thousands(*hi)
            ));
        }
    }
    println!();
    for n in notes {
        println!("{n}");
    }
}
