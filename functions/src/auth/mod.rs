//! Authentication: passwords, session tokens and login rate limits.

pub mod account_log;
pub mod address;
pub mod jwt;
pub mod oidc;
pub mod password;
pub mod rate_limit;
pub mod second_factor;
pub mod totp;
