//! The servers of a single-node run: a `switchyard serve` (embedded store) and the baseline
//! process, both on the server core, fresh for each size so one size's connections leave nothing
//! behind for the next.

use super::procs::{Guard, Pinning, SERVER_CORE, Scratch, free_port, wait_for_port};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

/// The `switchyard` binary beside this one.
pub fn switchyard_bin() -> Result<PathBuf, String> {
    Ok(std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("switchyard"))
}

/// Every client is on one key and a few addresses, so the stream caps would measure themselves:
/// off, as is the memory shedding; the connection cap above any size run.
pub fn uncapped() -> Vec<String> {
    [
        "--rate-limit",
        "100000000",
        "--max-streams",
        "0",
        "--max-streams-per-key",
        "0",
        "--max-streams-per-address",
        "0",
        "--memory-high-water-mb",
        "0",
        "--max-connections",
        "10000000",
    ]
    .map(str::to_owned)
    .to_vec()
}

pub struct Stack {
    pub server: Guard,
    pub baseline: Guard,
    /// `http://127.0.0.1:PORT` of the server.
    pub base: String,
    pub grpc_port: u16,
    pub base_port: u16,
    pub base_grpc_port: u16,
    _dir: Scratch,
}

impl Stack {
    pub async fn start(pin: &Pinning) -> Result<Stack, String> {
        let bin = switchyard_bin()?;
        let dir = Scratch::new("data");
        let port = free_port();
        let grpc_port = free_port();
        let server = Guard(
            pin.command(SERVER_CORE, &bin)
                .args([
                    "serve",
                    "--addr",
                    &format!("127.0.0.1:{port}"),
                    "--data-dir",
                ])
                .arg(dir.path())
                .args(uncapped())
                .args(["--flagd-addr", &format!("127.0.0.1:{grpc_port}")])
                .env("RUST_LOG", "error")
                .stdout(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", bin.display()))?,
        );
        let base_port = free_port();
        let base_grpc_port = free_port();
        let me = std::env::current_exe().map_err(|e| e.to_string())?;
        let baseline = Guard(
            pin.command(SERVER_CORE, &me)
                .arg("--baseline-server")
                .arg(base_port.to_string())
                .arg(base_grpc_port.to_string())
                .stdout(Stdio::null())
                .spawn()
                .map_err(|e| e.to_string())?,
        );
        for p in [port, base_port, grpc_port, base_grpc_port] {
            wait_for_port(p, Duration::from_secs(30)).await?;
        }
        Ok(Stack {
            server,
            baseline,
            base: format!("http://127.0.0.1:{port}"),
            grpc_port,
            base_port,
            base_grpc_port,
            _dir: dir,
        })
    }
}
