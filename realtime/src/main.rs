//! The `switchyard` command.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cli;

#[derive(Debug, Parser)]
#[command(name = "switchyard", version, about = "Switchyard feature flags")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate flags from a flagd document: JSON Lines requests on stdin, one JSON line out each.
    Eval(cli::eval::EvalArgs),
}

fn main() -> ExitCode {
    match Args::parse().command {
        Command::Eval(args) => cli::eval::run(&args),
    }
}
