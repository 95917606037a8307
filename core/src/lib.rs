//! # switchyard-core
//!
//! The heart of Switchyard, free of HTTP frameworks, Lambda and the CLI.
//!
//! Layout:
//! - [`engine`]: the flagd-compatible evaluation engine. Pure: no I/O, no async runtime.
//!   A flagd document is parsed and validated ([`engine::FlagSet::parse`]), compiled once, and then
//!   evaluated many times against a borrowed context.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod engine;
