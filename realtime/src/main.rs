//! The `switchyard` command.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use switchyard_realtime::{cli, server};

#[derive(Debug, Parser)]
#[command(name = "switchyard", version, about = "Switchyard feature flags")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

/// Parsed once at start: the size difference between the commands' flags costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate flags from a flagd document: JSON Lines requests on stdin, one JSON line out each.
    Eval(cli::eval::EvalArgs),
    /// Run the whole product in one process: dashboard, API, SDK endpoints (embedded store by default).
    #[cfg(feature = "dashboard")]
    Serve(switchyard_realtime::serve::ServeArgs),
    /// Run the SDK endpoints only: the production container (DynamoDB and Redis), or offline over
    /// an embedded store (`--store embedded --bus in-process`).
    Realtime(server::RealtimeArgs),
    /// Serve AI agents over MCP (stdio) as the API token in SWITCHYARD_API_TOKEN: they read
    /// flags, evaluate them and propose changes; people approve and apply.
    #[cfg(feature = "dashboard")]
    Mcp(cli::mcp::McpArgs),
    /// Back up the embedded store to a file: online through the running server, or directly.
    Backup(cli::backup::BackupArgs),
    /// Restore the embedded store from a backup (stop the server first); revisions move above
    /// anything served before, so every SDK takes the restored state.
    Restore(cli::backup::RestoreArgs),
    /// After a DynamoDB point-in-time restore: move every environment's revision above anything
    /// served before (see infra/terraform/README.md).
    LiftRevisions(cli::backup::LiftArgs),
}

/// jemalloc: memory freed after a burst (a reconnect storm, a load spike) goes back to the
/// system, where glibc's allocator keeps it in its per-thread arenas (BENCHMARKS.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match Args::parse().command {
        Command::Eval(args) => cli::eval::run(&args),
        #[cfg(feature = "dashboard")]
        Command::Serve(args) => server::run_blocking(server::Role::Serve(args)),
        Command::Realtime(args) => server::run_blocking(server::Role::Realtime(args)),
        #[cfg(feature = "dashboard")]
        Command::Mcp(args) => cli::mcp::run(&args),
        Command::Backup(args) => cli::backup::backup(&args),
        Command::Restore(args) => cli::backup::restore(&args),
        Command::LiftRevisions(args) => cli::backup::lift_revisions(&args),
    }
}
