//! OFREP clients name the configuration they know about: a refetch's `flagConfigEtag` (from a
//! `refetchEvaluation` notice), an event stream's `Last-Event-ID`. Both are the environment's
//! revision (see [`config_tag`]). A node whose bus hint is late may hold an older revision than
//! the one a client heard of on another node; then it reads the store once before answering, so
//! that "refetch" does not return what the client already had.
//!
//! The revision comes from the client, so the store reads it may cause are bounded: at most one
//! per environment per [`CATCH_UP_EVERY`] on a node, however many clients name revisions that
//! do not exist.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use super::SdkState;
use super::error::SdkError;
use crate::envs::Compiled;

/// The shortest time between two store reads a client's revision causes, per environment.
pub const CATCH_UP_EVERY: Duration = Duration::from_millis(500);

/// Store reads on behalf of clients that name a newer revision, per environment.
#[derive(Debug)]
pub struct CatchUps(DefaultKeyedRateLimiter<String>);

impl Default for CatchUps {
    fn default() -> Self {
        let quota = Quota::with_period(CATCH_UP_EVERY)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN);
        CatchUps(RateLimiter::keyed(quota))
    }
}

impl CatchUps {
    fn allow(&self, environment: &str) -> bool {
        self.0.check_key(&environment.to_owned()).is_ok()
    }

    /// Forgets environments not seen lately.
    pub fn housekeeping(&self) {
        self.0.retain_recent();
        self.0.shrink_to_fit();
    }
}

/// The configuration's tag, as `refetchEvaluation` notices carry it in `etag`: the revision,
/// quoted like an HTTP entity tag.
pub fn config_tag(revision: u64) -> String {
    format!("\"{revision}\"")
}

/// The revision a `flagConfigEtag` names: our [`config_tag`], quoted or not, weak or not. Anything
/// else (another server's tag) names nothing we can compare.
pub fn revision_of_tag(tag: &str) -> Option<u64> {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let tag = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    // At most 20 digits: u64's; parse() refuses signs other than '+', which we refuse too.
    if tag.is_empty() || tag.len() > 20 || !tag.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    tag.parse().ok()
}

/// The environment as this node holds it, after one store read if the client named a newer
/// revision (and the bound allows a read now).
pub async fn at_least(
    st: &SdkState,
    env: Arc<Compiled>,
    named: Option<u64>,
) -> Result<Arc<Compiled>, SdkError> {
    let Some(named) = named.filter(|&n| n > env.revision) else {
        return Ok(env);
    };
    let id = env.environment.id.clone();
    if !st.catch_ups.allow(&id) {
        return Ok(env);
    }
    st.metrics.ofrep_catch_ups.inc();
    st.envs.reload(&id, Some(named)).await;
    Ok(st.envs.get(&id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_names_its_revision_quoted_or_weak() {
        assert_eq!(revision_of_tag(&config_tag(42)), Some(42));
        assert_eq!(revision_of_tag("42"), Some(42));
        assert_eq!(revision_of_tag("W/\"7\""), Some(7));
    }

    #[test]
    fn foreign_or_malformed_tags_name_nothing() {
        for tag in [
            "",
            "\"\"",
            "abc",
            "\"4-2\"",
            "-1",
            "+1",
            "123456789012345678901",
        ] {
            assert_eq!(revision_of_tag(tag), None, "{tag}");
        }
    }

    #[test]
    fn one_catch_up_per_environment_per_period() {
        let c = CatchUps::default();
        assert!(c.allow("e1"));
        assert!(!c.allow("e1"));
        assert!(c.allow("e2"));
    }
}
