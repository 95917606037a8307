//! # switchyard-core
//!
//! The heart of Switchyard, free of HTTP frameworks, Lambda and the CLI.
//!
//! Layout:
//! - [`engine`]: the flagd-compatible evaluation engine. Pure: no I/O, no async runtime.
//!   A flagd document is parsed and validated ([`engine::FlagSet::parse`]), compiled once, and then
//!   evaluated many times against a borrowed context.
//! - [`domain`]: organizations, users, projects, environments, flags, segments, keys, audit
//!   entries, counters, change events. Plain data.
//! - [`store`]: the storage contract ([`store::Kv`]), the single-table layout, the entity
//!   operations over any backend ([`store::Store`]), and the backends: embedded (redb, feature
//!   `embedded`) and DynamoDB (feature `dynamodb`).
//! - [`bus`]: change events between processes: in-process (tokio broadcast) and Redis pub/sub
//!   (feature `redis`), with the resync signals consumers need.

#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(all(feature = "embedded", feature = "dynamodb", feature = "redis"))]
pub mod backends;
#[cfg(feature = "tokio")]
pub mod bus;
#[cfg(feature = "tokio")]
pub mod changes;
pub mod clock;
pub mod domain;
pub mod engine;
pub mod flagd;
pub mod store;
