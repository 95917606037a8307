//! Subcommands of the `switchyard` command (`serve` and `realtime` are in [`crate::server`]).

pub mod backup;
pub mod eval;
#[cfg(feature = "dashboard")]
pub mod mcp;
