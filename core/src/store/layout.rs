//! The single-table design, shared by both backends (and by Terraform's table definition).
//!
//! | entity | pk | sk | g1pk / g1sk (index `gsi1`) |
//! |---|---|---|---|
//! | user | `USER#{id}` | `USER` | `EMAIL#{email}` / `USER` |
//! | email (uniqueness) | `EMAIL#{email}` | `EMAIL` | |
//! | organization | `ORG#{id}` | `ORG` | |
//! | membership | `ORG#{org}` | `MEMBER#{user}` | `USER#{user}` / `ORG#{org}` |
//! | invitation | `ORG#{org}` | `INVITE#{hash}` | `SECRET#{hash}` / `INVITE` |
//! | API token | `ORG#{org}` | `TOKEN#{id}` | `SECRET#{hash}` / `TOKEN` |
//! | project | `PROJECT#{id}` | `PROJECT` | `ORG#{org}` / `PROJECT#{id}` |
//! | environment (`v` = revision) | `ENV#{id}` | `ENV` | `PROJECT#{project}` / `ENV#{id}` |
//! | flag | `PROJECT#{project}` | `FLAG#{key}` | |
//! | segment | `PROJECT#{project}` | `SEGMENT#{key}` | |
//! | flag state | `ENV#{env}` | `STATE#{key}` | |
//! | SDK key | `ENV#{env}` | `KEY#{id}` | `SECRET#{hash}` / `KEY` |
//! | change record (the audit log; `ttl`) | `CHANGE#{org}` | `{seq:020}` | `TARGET#{org}#{target}` / `{seq:020}` |
//! | a change record's place in its actor's history (`ttl`; written with the record) | `ACTOR#{org}#{actor}` | `{seq:020}` | |
//! | the before and after of a change record too large for one item, in parts of at most 300 KB of JSON text (the record holds `bodyParts`; `ttl`) | `CHANGEBODY#{org}` | `{seq:020}#{part:04}` | |
//! | password reset token (used once, until `expiresAt`) | `RESET#{sha256}` | `RESET` | |
//! | single sign-on settings (the client secret sealed) | `ORG#{org}` | `SSO` | |
//! | an email domain's single sign-on organization (one each) | `SSODOMAIN#{domain}` | `SSODOMAIN` | |
//! | a pending single sign-on login (used once, until `expiresAt`) | `SSOSTATE#{sha256 of state}` | `SSO` | |
//! | a single sign-on ticket (used once, until `expiresAt`) | `SSOTICKET#{sha256}` | `SSO` | |
//! | email verification token (used once, until `expiresAt`) | `VERIFY#{sha256}` | `VERIFY` | |
//! | change sequence (`v` = last seq) | `ORG#{org}` | `CHANGESEQ` | |
//! | owner count (`v` = how many owners; every owner change writes it, conditioned on the count it read) | `ORG#{org}` | `OWNERS` | |
//! | a change-log consumer's place (`v` = seq done) | `ORG#{org}` | `CONSUMER#{name}` | |
//! | webhook endpoint (`v` = version) | `ORG#{org}` | `WEBHOOK#{id}` | `WEBHOOKS` / `{org}#{id}` |
//! | queued webhook delivery | `WHQ#{org}#{webhook}` | `{delivery id}` | |
//! | sent webhook delivery (the delivery log) | `WHLOG#{org}#{webhook}` | `{delivery id}` | |
//! | change request (`v` = version) | `REQUESTS#{project}` | `{id}` | `REQSTATE#{project}#{status}` / `{id}` |
//! | a change request's comment | `REQCOMMENTS#{request}` | `{id}` | |
//! | a ramp (`v` = version) | `RAMPS#{project}` | `{environment}#{flag}` | |
//! | what comes due at `at` (a scheduled request, a ramp's next step: the scheduler's index) | `DUE` | `{at:013}#{project}#{id}` | |
//! | counter (`v` = one node's count, `ttl`) | `STATS#{env}` | `{hour:012}#{flag}#{variant}#{node}` | |
//! | attempts under a limit key (counters: `n` the count, `last` the last one's Unix ms; `ttl`) | `ATTEMPT#{sha256 of the key}` | `n` / `last` | |
//!
//! Attributes: `pk`, `sk`, `g1pk`, `g1sk` (strings), `v` (number), `d` (the entity as JSON text),
//! `ttl` (counters, change records and their index and body items: epoch seconds after which
//! DynamoDB's TTL deletes the item; reads hide items past it, since TTL deletes lazily).
//!
//! Counters start with the hour, so a time window of an environment is one range read
//! (`sk BETWEEN`); each realtime node writes its own absolute totals (`{node}`, random per
//! process) and reads sum them (see [`super::counter_writes`]). Custom events are counted as the
//! flag `event:{name}`, variant `count`. Counters of the old layout (`{flag}#{hour}#{variant}`,
//! no `ttl`) are not read. The embedded backend keeps counters in a table of their own, with an
//! expiry index it sweeps.
//! The index is eventually consistent on DynamoDB: a secret's lookup (`SECRET#{hash}`) reads
//! the item it finds again from the table (`Store::find_by_secret`), so a revoked key, token or
//! invitation is refused at once; a secret created a moment ago may not be found yet.
//! Loading an environment reads partition `ENV#{id}` (its revision and flag states) and partition
//! `PROJECT#{project}` (flags and segments).

/// The table's key schema, as code and Terraform both declare it.
pub const TABLE_HASH_KEY: &str = "pk";
pub const TABLE_RANGE_KEY: &str = "sk";
pub const INDEX_NAME: &str = "gsi1";
pub const INDEX_HASH_KEY: &str = "g1pk";
pub const INDEX_RANGE_KEY: &str = "g1sk";
/// The attribute DynamoDB's TTL reads (epoch seconds): counters and change records carry it.
pub const TTL_ATTRIBUTE: &str = "ttl";
/// Every key attribute is a string.
pub const KEY_ATTRIBUTE_TYPE: &str = "S";

pub fn user(id: &str) -> String {
    format!("USER#{id}")
}
pub fn email(email: &str) -> String {
    format!("EMAIL#{email}")
}
pub fn org(id: &str) -> String {
    format!("ORG#{id}")
}
pub fn member(user: &str) -> String {
    format!("MEMBER#{user}")
}
pub fn invite(hash: &str) -> String {
    format!("INVITE#{hash}")
}
pub fn secret(hash: &str) -> String {
    format!("SECRET#{hash}")
}
pub fn token(id: &str) -> String {
    format!("TOKEN#{id}")
}
pub fn project(id: &str) -> String {
    format!("PROJECT#{id}")
}
pub fn env(id: &str) -> String {
    format!("ENV#{id}")
}
pub fn flag(key: &str) -> String {
    format!("FLAG#{key}")
}
pub fn segment(key: &str) -> String {
    format!("SEGMENT#{key}")
}
pub fn state(key: &str) -> String {
    format!("STATE#{key}")
}
pub fn sdk_key(id: &str) -> String {
    format!("KEY#{id}")
}
pub fn changes(org: &str) -> String {
    format!("CHANGE#{org}")
}
/// A password reset token (by its SHA-256).
pub fn password_reset(hash: &str) -> String {
    format!("RESET#{hash}")
}
pub fn email_verification(hash: &str) -> String {
    format!("VERIFY#{hash}")
}
/// The organization whose single sign-on claims an email domain.
pub fn sso_domain(domain: &str) -> String {
    format!("SSODOMAIN#{domain}")
}
/// A pending single sign-on login (by its state's SHA-256).
pub fn sso_login(hash: &str) -> String {
    format!("SSOSTATE#{hash}")
}
/// A single sign-on ticket (by its SHA-256).
pub fn sso_ticket(hash: &str) -> String {
    format!("SSOTICKET#{hash}")
}
/// The parts of change records too large for one item (their before and after).
pub fn change_bodies(org: &str) -> String {
    format!("CHANGEBODY#{org}")
}
/// Part `n` of record `id`'s body.
pub fn change_body_part(id: &str, n: usize) -> String {
    format!("{id}#{n:04}")
}
pub fn consumer(name: &str) -> String {
    format!("CONSUMER#{name}")
}
pub fn webhook(id: &str) -> String {
    format!("WEBHOOK#{id}")
}
/// The index partition that lists every webhook endpoint (the dispatcher's sweep).
pub const WEBHOOKS: &str = "WEBHOOKS";
pub fn webhook_index(org: &str, id: &str) -> String {
    format!("{org}#{id}")
}
/// A webhook endpoint's queue of deliveries not yet sent, in the order they go.
pub fn webhook_queue(org: &str, webhook: &str) -> String {
    format!("WHQ#{org}#{webhook}")
}
/// A webhook endpoint's sent deliveries.
pub fn webhook_log(org: &str, webhook: &str) -> String {
    format!("WHLOG#{org}#{webhook}")
}
/// A project's change requests.
pub fn requests(project: &str) -> String {
    format!("REQUESTS#{project}")
}
/// The index partition of a project's requests in one status.
pub fn requests_in(project: &str, status: &str) -> String {
    format!("REQSTATE#{project}#{status}")
}
pub fn request_comments(request: &str) -> String {
    format!("REQCOMMENTS#{request}")
}
/// A project's ramps.
pub fn ramps(project: &str) -> String {
    format!("RAMPS#{project}")
}
/// A ramp's place among its project's: one per flag and environment.
pub fn ramp(environment: &str, flag: &str) -> String {
    format!("{environment}#{flag}")
}
/// The partition of scheduled requests, by time: the scheduler reads it from the start.
pub const DUE: &str = "DUE";

/// Attempt counts under a limit key ([`super::attempts`]).
pub const ATTEMPT_PREFIX: &str = "ATTEMPT#";
/// A scheduled request's place in [`DUE`]: its time first, zero-padded, so order is time order.
pub fn due(at: i64, project: &str, request: &str) -> String {
    format!("{:013}#{project}#{request}", at.max(0))
}
/// The sort key of an organization's owner count (in its `ORG#` partition; `v` = the count).
pub const OWNERS: &str = "OWNERS";
/// The sort key of an organization's change counter (in its `ORG#` partition).
pub const CHANGE_SEQ: &str = "CHANGESEQ";
pub fn audit_target(org: &str, target: &str) -> String {
    format!("TARGET#{org}#{target}")
}
/// An actor's change records in an organization (items naming the record: `{"id"}`).
pub fn audit_actor(org: &str, actor: &str) -> String {
    format!("ACTOR#{org}#{actor}")
}
pub fn stats(env: &str) -> String {
    format!("STATS#{env}")
}
/// A node's counter. Hours come first, zero-padded, so that sort-key order is time order.
pub fn counter(hour: i64, flag: &str, variant: &str, node: &str) -> String {
    format!("{hour:012}#{flag}#{variant}#{node}")
}

/// The sort-key range (both ends included) of every counter of hours `from..to`.
pub fn counter_window(from: i64, to: i64) -> (String, String) {
    // `$` sorts just after `#`: every key of hour `to - 1` lies below `{to - 1}$`.
    (format!("{from:012}#"), format!("{:012}$", to - 1))
}

/// A counter's sort key read back: (hour, flag, variant, node). Flags, variants, event names and
/// nodes hold no `#`, so anything else (the old layout) is `None`.
pub fn parse_counter(sk: &str) -> Option<(i64, &str, &str, &str)> {
    let mut parts = sk.split('#');
    let hour = parts.next()?;
    let (flag, variant, node) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || hour.len() != 12 {
        return None;
    }
    Some((hour.parse().ok()?, flag, variant, node))
}
