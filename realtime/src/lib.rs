//! # switchyard-realtime
//!
//! The SDK delivery server and the `switchyard` command.
//!
//! Layout:
//! - [`envs`] — compiled environments, cached and kept current from the bus and the store
//! - [`flagd`] — flagd's gRPC protocols (sync for in-process providers, evaluation for RPC
//!   providers), authenticated by server keys
//! - [`keys`] — SDK key lookups, with bounded caches of found and of unknown keys
//! - [`sdk`] — the SDK endpoints: OFREP, flagd document, WebSocket and SSE streams, analytics
//!   intake, the SDK bundle
//! - [`server`] — running the SDK endpoints (`switchyard realtime`, and `serve`'s base), graceful
//!   shutdown
//! - [`serve`] — `switchyard serve`: the dashboard API, its workers, MCP and the dashboard beside
//!   them (the `dashboard` feature, on by default; the realtime image is built without it)
//! - [`health`] — `/healthz`, `/readyz` (readiness with details) and `/metrics`
//! - [`listen`] — the accept loop: header and request timeouts, connection and in-flight caps
//! - [`metrics`] — Prometheus metrics
//! - [`mcp`] — the MCP server for AI agents: tools over the dashboard API, over stdio
//!   (`switchyard mcp`) and streamable HTTP (`/mcp` in `serve`)
//! - [`cli`] — the command's subcommands (`eval`, `mcp`)

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod backup;
pub mod cli;
pub mod envs;
pub mod flagd;
pub mod health;
pub mod keys;
pub mod listen;
#[cfg(feature = "dashboard")]
pub mod mcp;
pub mod metrics;
pub mod sdk;
pub mod security_headers;
#[cfg(feature = "dashboard")]
pub mod serve;
pub mod server;
