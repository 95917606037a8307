//! Load generator for `make bench-realtime` (loopback only, bounded in time).
//!
//! - WebSocket fan-out on one node ([`fanout`]): for each size N, a `switchyard serve` and a bare
//!   broadcast baseline, N clients on each; many changes, interleaved change by change, each
//!   timed to every client; server CPU per change and memory per idle connection.
//! - OFREP bulk evaluations per second with 20 flags.
//! - flagd's gRPC protocols ([`flagd`]): sync fan-out beside a bare tonic broadcast, and
//!   `ResolveBoolean` req/s beside OFREP single-flag evaluation.
//! - `--cluster N` ([`cluster`]): three realtime nodes on one Redis instead of all the above.
//! - `--one-node N` ([`node`]): fan-out to N clients on one node, in as many realtime processes
//!   sharing its port as the descriptor limit needs, instead of all the above.
//!
//! Servers run on core 0 and the load generator (this process and its client workers,
//! [`clients`]) on core 1 where the machine has 2 cores.

#[path = "load/api.rs"]
mod api;
#[path = "load/baseline.rs"]
mod baseline;
#[path = "load/clients.rs"]
mod clients;
#[path = "load/cluster.rs"]
mod cluster;
#[path = "load/fanout.rs"]
mod fanout;
#[path = "load/flagd.rs"]
mod flagd;
#[path = "load/node.rs"]
mod node;
#[path = "load/procs.rs"]
mod procs;
#[path = "load/servers.rs"]
mod servers;
#[path = "load/stats.rs"]
mod stats;
#[path = "load/workers.rs"]
mod workers;

/// The server's allocator, so that the baseline's memory is measured as the server's is.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;

/// How long any gRPC stream may take to open.
const DEADLINE: Duration = Duration::from_secs(120);
/// The whole run ends by then, whatever it was doing.
const RUN_DEADLINE: Duration = Duration::from_secs(3600);

/// `switchyard-load [SIZES…] [--changes N] [--rule-change] [--max-fit] [--no-ws] [--flagd-streams=N]
/// [--flagd-changes=N]`, `switchyard-load --cluster N [--changes N]` or
/// `switchyard-load --one-node N [--changes N] [--rule-change]`.
#[derive(Debug, Parser)]
#[command(
    name = "switchyard-load",
    about = "Switchyard's realtime benchmarks (loopback)"
)]
struct Args {
    /// WebSocket fan-out sizes: clients on each system (default 1000 10000).
    sizes: Vec<usize>,
    /// Changes per size, each timed to every client (default 50; 20 with --cluster).
    #[arg(long)]
    changes: Option<usize>,
    /// Also the largest round thousand of clients the descriptor limit allows one server.
    #[arg(long)]
    max_fit: bool,
    /// Fan-out changes edit a rule that reads the client's context (every client's value is
    /// evaluated for it) instead of flipping a switch that is the same for everyone.
    #[arg(long)]
    rule_change: bool,
    /// No WebSocket fan-out (OFREP and flagd only).
    #[arg(long)]
    no_ws: bool,
    /// flagd sync streams (0: no flagd runs).
    #[arg(long, default_value_t = 1000)]
    flagd_streams: usize,
    #[arg(long, default_value_t = 20)]
    flagd_changes: usize,
    /// Three realtime nodes on one Redis with this many clients, instead of the rest.
    #[arg(long, value_name = "CLIENTS")]
    cluster: Option<usize>,
    /// Fan-out to this many clients on one node, beside a bare baseline, instead of the rest:
    /// as many realtime processes sharing one port as the descriptor limit needs.
    #[arg(long, value_name = "CLIENTS", conflicts_with = "cluster")]
    one_node: Option<usize>,
    #[arg(long, hide = true, num_args = 2..=3, value_names = ["PORT", "GRPC_PORT", "SHARED_PORT"])]
    baseline_server: Option<Vec<u16>>,
    #[arg(long, hide = true)]
    clients_worker: bool,
}

async fn single_node(pin: &procs::Pinning, args: &Args) -> Result<(), String> {
    let mut sizes = if args.no_ws {
        Vec::new()
    } else if args.sizes.is_empty() {
        vec![1000, 10_000]
    } else {
        args.sizes.clone()
    };
    if args.max_fit && !args.no_ws {
        let fit = procs::max_fit();
        if fit > 0 && !sizes.contains(&fit) {
            sizes.push(fit);
        }
    }
    let changes = args.changes.unwrap_or(50).max(1);
    if !sizes.is_empty() {
        let results = fanout::run(pin, &sizes, changes, args.rule_change).await;
        fanout::print(
            &results,
            changes,
            args.rule_change,
            &fanout::one_process(pin),
        );
    }
    eprintln!("--- OFREP and flagd");
    let stack = servers::Stack::start(pin).await?;
    let mut s = api::setup(&stack.base).await?;
    println!("\n--- OFREP bulk, 20 flags");
    let rps = api::ofrep_rps(&s, "/ofrep/v1/evaluate/flags", &s.client_key, 5.0, 64).await;
    println!(
        "{:<28} {rps:.0} requests/s (64 connections, 5 s)",
        "ofrep bulk"
    );
    if args.flagd_streams > 0 {
        let key = flagd::server_key(&s).await?;
        flagd::sync_fan_out(
            &mut s,
            &key,
            stack.grpc_port,
            stack.base_port,
            stack.base_grpc_port,
            args.flagd_streams,
            args.flagd_changes,
        )
        .await?;
        flagd::eval_rps(&s, &key, stack.grpc_port, 3).await?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.clients_worker {
        return clients::worker_main();
    }
    if let Some(ports) = &args.baseline_server {
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        let Ok(rt) = tokio::runtime::Runtime::new() else {
            return ExitCode::FAILURE;
        };
        rt.block_on(baseline::serve(ports[0], ports[1], ports.get(2).copied()));
        return ExitCode::SUCCESS;
    }
    // Before the runtime's threads exist, so that every one of them is pinned too.
    let pin = procs::Pinning::apply();
    println!("switchyard-load: {}", pin.note);
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let work = async {
        match (args.cluster, args.one_node) {
            (Some(n), _) => cluster::run(&pin, n, args.changes.unwrap_or(20).max(1)).await,
            (None, Some(n)) => {
                let changes = args.changes.unwrap_or(50).max(1);
                node::run(&pin, n, changes, args.rule_change).await
            }
            (None, None) => single_node(&pin, &args).await,
        }
    };
    match rt.block_on(async { tokio::time::timeout(RUN_DEADLINE, work).await }) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("switchyard-load: {e}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("switchyard-load: gave up after {RUN_DEADLINE:?}");
            ExitCode::FAILURE
        }
    }
}
