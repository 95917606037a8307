//! The flagd flag document (`https://flagd.dev/schema/v0/flags.json`) as types: what the export
//! writes, the import reads, the store's environment snapshot becomes, and the engine compiles.
//!
//! [`Document::parse`] reads untrusted JSON with a problem (JSON Pointer and message) for every
//! structural fault; serde reads and writes trusted documents both ways.

mod parse;
pub mod prerequisites;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The schema every exported document names.
pub const SCHEMA: &str = "https://flagd.dev/schema/v0/flags.json";

/// A flag set: flags by key, shared rules (`$evaluators`) and flag-set metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub flags: BTreeMap<String, FlagDefinition>,
    /// Named JsonLogic fragments, referenced from targeting as `{"$ref": "name"}`.
    #[serde(rename = "$evaluators", default)]
    pub evaluators: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
}

/// One flag: its state, variants, default variant, targeting rule and metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlagDefinition {
    pub state: State,
    /// Variant name → value (one type per flag).
    pub variants: Map<String, Value>,
    /// `None`: the caller's code default is used when no rule picks a variant.
    #[serde(default)]
    pub default_variant: Option<String>,
    /// JsonLogic; `None` for no targeting (an empty object reads as none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targeting: Option<Value>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Enabled,
    Disabled,
}

impl State {
    pub fn of(enabled: bool) -> State {
        if enabled {
            State::Enabled
        } else {
            State::Disabled
        }
    }

    pub fn is_enabled(self) -> bool {
        self == State::Enabled
    }
}

impl Document {
    /// The flags whose definitions differ between two documents (added, removed or changed), or
    /// `None` when the shared rules changed, which may touch any flag.
    pub fn changed_flags(&self, next: &Document) -> Option<Vec<String>> {
        if self.evaluators != next.evaluators {
            return None;
        }
        let keys: std::collections::BTreeSet<&String> = self
            .flags
            .keys()
            .chain(next.flags.keys())
            .filter(|k| self.flags.get(*k) != next.flags.get(*k))
            .collect();
        Some(keys.into_iter().cloned().collect())
    }
}

/// A targeting rule as stored: JSON null and `{}` mean "no targeting".
pub fn normalize_targeting(t: Option<Value>) -> Option<Value> {
    t.filter(|t| !t.is_null() && t.as_object().is_none_or(|o| !o.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Document {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn serialises_as_flagd_writes_it() {
        let d = doc(
            json!({"flags": {"a": {"state": "ENABLED", "variants": {"on": true},
            "defaultVariant": "on"}}}),
        );
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            json!({"flags": {"a": {"state": "ENABLED", "variants": {"on": true},
                "defaultVariant": "on"}}, "$evaluators": {}})
        );
    }

    #[test]
    fn changed_flags_names_added_removed_and_changed_flags() {
        let a = doc(json!({"flags": {
            "same": {"state": "ENABLED", "variants": {"on": true}},
            "flip": {"state": "ENABLED", "variants": {"on": true}},
            "gone": {"state": "ENABLED", "variants": {"on": true}}}}));
        let b = doc(json!({"flags": {
            "same": {"state": "ENABLED", "variants": {"on": true}},
            "flip": {"state": "DISABLED", "variants": {"on": true}},
            "new": {"state": "ENABLED", "variants": {"on": true}}}}));
        let mut changed = a.changed_flags(&b).unwrap();
        changed.sort();
        assert_eq!(changed, ["flip", "gone", "new"]);
    }

    #[test]
    fn changed_evaluators_may_touch_every_flag() {
        let a = doc(json!({"flags": {}, "$evaluators": {"s": {"==": [1, 1]}}}));
        let b = doc(json!({"flags": {}, "$evaluators": {"s": {"==": [1, 2]}}}));
        assert_eq!(a.changed_flags(&b), None);
    }
}
