//! # switchyard-functions
//!
//! The dashboard API as axum routers, one per route group, in a library: each Lambda is a thin
//! `src/bin/<group>.rs` around `lambda_http::run(router)`, and `switchyard serve` mounts the same
//! routers under `axum::serve`.
//!
//! Layout:
//! - [`error`]: the one error type and the one place it becomes an HTTP response
//! - [`auth`]: argon2id passwords, HS256 session tokens, login rate limits

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod error;
