//! Subcommands of the `switchyard` command.

pub mod eval;
