//! The stream protocol of docs/protocol.md as types: what clients send ([`ClientMessage`], parsed
//! once), what the server sends ([`ServerMessage`], serialized once per connection), how a
//! connection ends ([`Close`]), and the per-flag [`Evaluation`] that streams and OFREP share.

mod client;
mod close;
mod evaluation;
mod server;

pub use client::{ClientMessage, Malformed};
pub use close::Close;
pub use evaluation::Evaluation;
pub use server::{ErrorCode, FlagEntries, ServerMessage};
