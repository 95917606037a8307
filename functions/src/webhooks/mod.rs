//! Webhooks: every change of an organization sent to the endpoints its admins set up, signed
//! (Standard Webhooks) or as a Slack or Teams message with the diff, at least once and in order.
//!
//! - [`guard`] — where webhooks may go (https, public addresses; checked at every connection)
//! - [`seal`] — secrets and chat URLs encrypted at rest
//! - [`sign`] — the Standard Webhooks signature
//! - [`message`] — the bodies: JSON for standard endpoints, Block Kit and Adaptive Cards for chat
//! - `lookups` — flag tags and names, looked up once per run
//! - [`queue`] — what goes in an endpoint's queue (changes, test events, redeliveries)
//! - [`dispatch`] — the dispatcher that follows the change log and sends each queue

pub mod dispatch;
pub mod guard;
mod lookups;
pub mod message;
pub mod queue;
pub mod seal;
pub mod sign;

pub use dispatch::{Dispatcher, RetryPolicy};
pub use guard::Egress;
pub use seal::Sealer;

/// What the API and the dispatcher need to know about webhooks here.
#[derive(Debug, Clone)]
pub struct Setup {
    pub sealer: Sealer,
    pub egress: Egress,
    /// The dashboard's address, for links in messages.
    pub dashboard: String,
}

/// The organizations a DynamoDB stream batch names (`CHANGE#{org}`, `WHQ#{org}#{webhook}` keys),
/// for the `webhooks` Lambda; `None` for an event that is not a stream batch (the schedule's).
pub fn stream_orgs(event: &serde_json::Value) -> Option<std::collections::BTreeSet<String>> {
    let records = event.get("Records")?.as_array()?;
    Some(
        records
            .iter()
            .filter_map(|r| r.pointer("/dynamodb/Keys/pk/S")?.as_str())
            .filter_map(|pk| {
                let rest = pk
                    .strip_prefix("CHANGE#")
                    .or_else(|| pk.strip_prefix("WHQ#"))?;
                Some(rest.split('#').next()?.to_owned())
            })
            .collect(),
    )
}
