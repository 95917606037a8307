//! One node at any size (`switchyard-load --one-node N`, issue #22 parts 3 and 4): N clients on
//! one host's realtime port, served by as many `switchyard realtime` processes as the descriptor
//! limit needs (one where it allows N), sharing the port (`--reuse-port`) on one Redis, with
//! DynamoDB in moto and the dashboard API in a `switchyard serve` beside them; against as many
//! bare-broadcast processes sharing another port, each sent the change at once. Measured as
//! [`super::fanout`] measures one process: interleaved, every change timed to every client, the
//! CPU time and memory of all the node's processes together.

use super::cluster::{Cluster, Ports, prerequisites};
use super::fanout::{self, Outcome, Systems};
use super::procs::{self, Guard, Pinning, SERVER_CORE, free_port, wait_for_port};
use std::process::Stdio;
use std::time::Duration;

/// Processes for `n` clients when one holds `fit`: the kernel spreads connections over the
/// processes by a hash of their addresses, not evenly, so each is planned a tenth below `fit`.
pub fn processes_for(n: usize, fit: usize) -> usize {
    n.div_ceil((fit - fit / 10).max(1)).max(1)
}

/// `count` bare-broadcast processes on the server core, all serving WebSockets on one shared
/// port; each is sent a broadcast on a port of its own. Their guards, pids, the shared
/// WebSocket URL and each one's send URL.
async fn baselines(
    pin: &Pinning,
    count: usize,
) -> Result<(Vec<Guard>, Vec<u32>, String, Vec<String>), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let shared = free_port();
    let (mut guards, mut pids, mut sends) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..count {
        let own = free_port();
        let child = pin
            .command(SERVER_CORE, &me)
            .arg("--baseline-server")
            .args([own, free_port(), shared].map(|p| p.to_string()))
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start a baseline process: {e}"))?;
        pids.push(child.id());
        guards.push(Guard(child));
        wait_for_port(own, Duration::from_secs(30)).await?;
        sends.push(format!("http://127.0.0.1:{own}/send"));
    }
    Ok((guards, pids, format!("ws://127.0.0.1:{shared}/ws"), sends))
}

pub async fn run(pin: &Pinning, n: usize, changes: usize, by_rule: bool) -> Result<(), String> {
    let moto = match prerequisites() {
        Ok(moto) => moto,
        Err(why) => {
            println!("one node, {n} clients: skipped: {why}");
            return Ok(());
        }
    };
    let fit = procs::max_fit();
    if fit == 0 {
        println!("one node, {n} clients: skipped: the descriptor limit holds no server");
        return Ok(());
    }
    let count = processes_for(n, fit);
    eprintln!(
        "--- one node, {n} clients over {count} realtime process(es) on one port, {changes} changes"
    );
    let cluster = Cluster::start(pin, &moto, count, Ports::Shared).await?;
    let (_guards, baseline_pids, baseline_ws, baseline_sends) = baselines(pin, count).await?;
    let sys = Systems {
        api: cluster.api.clone(),
        sdk: cluster
            .nodes
            .first()
            .map(|(_, b)| b.clone())
            .unwrap_or_default(),
        pids: cluster.nodes.iter().map(|(pid, _)| *pid).collect(),
        baseline_ws,
        baseline_sends,
        baseline_pids,
    };
    let outcome = match fanout::measure(pin, &sys, n, changes, by_rule).await {
        Ok(m) => Outcome::Measured(Box::new(m)),
        Err(e) => {
            eprintln!("  {n} clients failed: {e}");
            Outcome::Failed(e)
        }
    };
    let systems = format!(
        "one node of {count} `switchyard realtime` process(es) sharing one port (`--reuse-port`; \
         {fit} clients fit one process's {} descriptors here) on one Redis, DynamoDB in moto and \
         the dashboard API in a `switchyard serve` beside them, against {count} bare-broadcast \
         process(es) sharing another port, each sent the change at once ({}). CPU and memory are \
         of the node's {count} process(es) together (not Redis, moto or the API)",
        procs::nofile_hard(),
        pin.note
    );
    fanout::print(&[(n, outcome)], changes, by_rule, &systems);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_process_serves_a_node_whose_clients_fit_it() {
        assert_eq!(processes_for(10_000, 19_000), 1);
        assert_eq!(processes_for(17_100, 19_000), 1);
        assert_eq!(processes_for(100_000, 1_000_000), 1);
    }

    #[test]
    fn each_process_is_planned_a_tenth_below_what_fits() {
        assert_eq!(processes_for(17_101, 19_000), 2);
        assert_eq!(processes_for(100_000, 19_000), 6);
        assert_eq!(processes_for(1, 0), 1);
    }
}
