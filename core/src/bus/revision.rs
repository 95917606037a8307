//! Per-environment revision tracking for bus consumers.

use std::collections::HashMap;

/// What an event's revision means for a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The next revision (or the first one seen for this environment): apply it.
    Apply,
    /// A revision already seen or older: ignore it.
    Ignore,
    /// Revisions between were missed: reload the environment from the store.
    Gap { expected: u64, got: u64 },
}

#[derive(Debug, Default, Clone)]
pub struct RevisionTracker {
    last: HashMap<String, u64>,
}

impl RevisionTracker {
    pub fn observe(&mut self, environment: &str, revision: u64) -> Seen {
        let seen = match self.last.get(environment) {
            None => Seen::Apply,
            Some(&last) if revision <= last => return Seen::Ignore,
            Some(&last) if revision == last + 1 => Seen::Apply,
            Some(&last) => Seen::Gap {
                expected: last + 1,
                got: revision,
            },
        };
        self.last.insert(environment.to_owned(), revision);
        seen
    }

    /// Records a revision read from the store (after a reload).
    pub fn set(&mut self, environment: &str, revision: u64) {
        let e = self.last.entry(environment.to_owned()).or_default();
        *e = (*e).max(revision);
    }

    pub fn get(&self, environment: &str) -> Option<u64> {
        self.last.get(environment).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_ignore_and_gaps() {
        let mut t = RevisionTracker::default();
        assert_eq!(t.observe("e", 5), Seen::Apply);
        assert_eq!(t.observe("e", 6), Seen::Apply);
        assert_eq!(t.observe("e", 6), Seen::Ignore, "duplicate");
        assert_eq!(t.observe("e", 3), Seen::Ignore, "older");
        assert_eq!(
            t.observe("e", 9),
            Seen::Gap {
                expected: 7,
                got: 9
            }
        );
        assert_eq!(t.observe("e", 10), Seen::Apply);
        assert_eq!(t.observe("other", 1), Seen::Apply);
        t.set("e", 20);
        assert_eq!(t.observe("e", 15), Seen::Ignore);
        assert_eq!(t.get("e"), Some(20));
    }
}
