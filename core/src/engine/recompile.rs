//! Recompiling after an edit: a new revision of a document compiles only the flags whose
//! definition, or an evaluator their rule reaches through `$ref`, changed; every other flag is
//! shared with the set it came from. Flags remember what they were compiled from as digests, so
//! the previous document need not be kept.

use foldhash::fast::FixedState;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::sync::Arc;

use super::document::{FlagSet, compile_flag, evaluator_map};
use crate::flagd::Document;

/// A 128-bit digest of a JSON value as serde writes it (two seeded foldhash streams: fast; not
/// meant to resist a tenant crafting a collision between two versions of its own flag, which
/// could only leave that flag's older rule in force until the next full load).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Digest([u64; 2]);

struct Hashing([foldhash::fast::FoldHasher<'static>; 2]);

impl io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0[0].write(buf);
        self.0[1].write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Digest {
    pub(crate) fn of<T: serde::Serialize + ?Sized>(v: &T) -> Digest {
        const SEEDS: [FixedState; 2] = [
            FixedState::with_seed(0x5157_6974_6368_7961),
            FixedState::with_seed(0x7264_2d66_6c61_6773),
        ];
        let mut h = Hashing([SEEDS[0].build_hasher(), SEEDS[1].build_hasher()]);
        // Serialising JSON values into a hasher cannot fail; a failure would only make the
        // digest differ, which recompiles the flag.
        let _ = serde_json::to_writer(&mut h, v);
        Digest([h.0[0].finish(), h.0[1].finish()])
    }
}

/// Digests of a document's evaluators, each computed once, on first use.
pub(crate) struct Digests<'d> {
    doc: &'d Document,
    done: HashMap<String, Option<Digest>>,
}

impl<'d> Digests<'d> {
    pub(crate) fn new(doc: &'d Document) -> Self {
        Digests {
            doc,
            done: HashMap::new(),
        }
    }

    /// The evaluator's digest; one that does not exist has its own (never equal to a real one).
    pub(crate) fn evaluator(&mut self, name: &str) -> Digest {
        self.lookup(name).unwrap_or(Digest([0; 2]))
    }

    fn lookup(&mut self, name: &str) -> Option<Digest> {
        if let Some(d) = self.done.get(name) {
            return *d;
        }
        let d = self.doc.evaluators.get(name).map(Digest::of);
        self.done.insert(name.to_owned(), d);
        d
    }
}

impl FlagSet {
    /// Compiles `next` (a later revision of the document this set was compiled from), reusing
    /// every flag whose definition and reachable evaluators are unchanged: after a one-flag edit
    /// only that flag is compiled. Same result as [`FlagSet::compile_with`] under this set's
    /// budget.
    pub fn recompile(&self, next: &Document) -> FlagSet {
        if self.metadata != next.metadata {
            // Flag-set metadata is part of every flag's.
            return FlagSet::compile_with(next, self.budget);
        }
        let mut digests = Digests::new(next);
        let mut evaluators = None;
        let flags = next
            .flags
            .iter()
            .map(|(key, def)| {
                if let Some(old) = self.get_shared(key)
                    && old.source == Digest::of(def)
                    && old
                        .refs
                        .iter()
                        .all(|(name, d)| digests.lookup(name) == Some(*d))
                {
                    return old;
                }
                let evaluators = evaluators.get_or_insert_with(|| evaluator_map(next));
                Arc::new(compile_flag(
                    key,
                    def,
                    evaluators,
                    &next.metadata,
                    self.budget,
                    &mut digests,
                ))
            })
            .collect();
        FlagSet::assemble(flags, next.metadata.clone(), self.budget)
    }

    /// The flags that differ between `self` and a later set (added, removed, or compiled from a
    /// different definition or evaluator), or `None` when any may have (the flag-set metadata
    /// changed). The set's `revision` entry changes with every revision and changes no flag.
    pub fn changed_since(&self, before: &FlagSet) -> Option<Vec<String>> {
        if without_revision(&self.metadata) != without_revision(&before.metadata) {
            return None;
        }
        let same = |a: &super::document::Flag, b: &super::document::Flag| {
            a.source == b.source && a.refs == b.refs
        };
        let mut keys: Vec<String> = self
            .flags
            .iter()
            .filter(|f| !before.get(&f.key).is_some_and(|b| same(f, b)))
            .chain(before.flags.iter().filter(|f| self.get(&f.key).is_none()))
            .map(|f| f.key.clone())
            .collect();
        keys.sort();
        Some(keys)
    }

    fn get_shared(&self, key: &str) -> Option<Arc<super::document::Flag>> {
        self.index_of(key).map(|i| Arc::clone(&self.flags[i]))
    }

    /// How many flags `self` shares (the same compiled flag, not a copy) with `other`.
    pub fn shared_with(&self, other: &FlagSet) -> usize {
        self.flags
            .iter()
            .filter(|f| {
                other
                    .index_of(&f.key)
                    .is_some_and(|i| Arc::ptr_eq(f, &other.flags[i]))
            })
            .count()
    }
}

/// Flag-set metadata but its `revision` entry.
fn without_revision(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    m.iter().filter(|(k, _)| k.as_str() != "revision").collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: serde_json::Value) -> Document {
        serde_json::from_value(v).unwrap()
    }

    fn flag(targeting: serde_json::Value) -> serde_json::Value {
        json!({"state": "ENABLED", "variants": {"on": true, "off": false},
               "defaultVariant": "off", "targeting": targeting})
    }

    #[test]
    fn a_one_flag_edit_recompiles_only_that_flag() {
        let before = doc(json!({"flags": {
            "a": flag(json!({"in": [{"var": "id"}, ["x", "y"]]})),
            "b": flag(json!({"==": [{"var": "plan"}, "pro"]})),
            "c": flag(json!(null))}}));
        let mut after = before.clone();
        after.flags.get_mut("b").unwrap().targeting = Some(json!({"==": [{"var": "plan"}, "x"]}));
        let old = FlagSet::compile(&before);
        let new = old.recompile(&after);
        assert_eq!(
            new.shared_with(&old),
            2,
            "a and c are reused, b is compiled"
        );
        assert!(Arc::ptr_eq(
            &old.get_shared("a").unwrap(),
            &new.get_shared("a").unwrap()
        ));
        assert_eq!(new.changed_since(&old), Some(vec!["b".to_owned()]));
    }

    #[test]
    fn an_evaluator_edit_recompiles_the_flags_that_reach_it() {
        let before = doc(json!({
            "flags": {"uses": flag(json!({"if": [{"$ref": "inner"}, "on"]})),
                      "other": flag(json!({"==": [1, 1]}))},
            "$evaluators": {"inner": {"$ref": "deep"}, "deep": {"==": [{"var": "x"}, 1]}}}));
        let mut after = before.clone();
        after
            .evaluators
            .insert("deep".into(), json!({"==": [{"var": "x"}, 2]}));
        let old = FlagSet::compile(&before);
        let new = old.recompile(&after);
        assert_eq!(new.shared_with(&old), 1, "only `other` is reused");
        assert_eq!(new.changed_since(&old), Some(vec!["uses".to_owned()]));
        let attrs = json!({"x": 2});
        let ctx = super::super::Context::new(&attrs, 0).unwrap();
        assert_eq!(new.evaluate("uses", &ctx).variant, Some("on"));
    }

    #[test]
    fn a_new_revision_alone_changes_no_flag() {
        let mut before = doc(json!({"flags": {"a": flag(json!(null))}}));
        before.metadata.insert("revision".into(), json!(1));
        let mut after = before.clone();
        after.metadata.insert("revision".into(), json!(2));
        let old = FlagSet::compile(&before);
        assert_eq!(old.recompile(&after).changed_since(&old), Some(vec![]));
        after.metadata.insert("team".into(), json!("x"));
        assert_eq!(old.recompile(&after).changed_since(&old), None);
    }

    #[test]
    fn added_and_removed_flags_are_changes() {
        let before = doc(json!({"flags": {"gone": flag(json!(null))}}));
        let after = doc(json!({"flags": {"new": flag(json!(null))}}));
        let old = FlagSet::compile(&before);
        let new = old.recompile(&after);
        assert_eq!(
            new.changed_since(&old),
            Some(vec!["gone".to_owned(), "new".to_owned()])
        );
    }
}
