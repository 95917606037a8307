//! Reading a flagd document from untrusted JSON: every structural fault is a [`Problem`] with the
//! JSON Pointer of where it is. Targeting rules are read as they are; the engine compiles them.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{Document, FlagDefinition, State, normalize_targeting};
use crate::engine::problem::pointer;
use crate::engine::{DocumentError, FlagType, Problem};

impl Document {
    /// Reads a document, listing every structural problem (a missing `state`, a default variant
    /// that is not a variant, mixed variant types, metadata that is not scalar, ...).
    pub fn parse(doc: &Value) -> Result<Document, DocumentError> {
        let mut problems = Vec::new();
        let Some(root) = doc.as_object() else {
            return Err(DocumentError {
                problems: vec![Problem::new("", "a flag document must be a JSON object")],
            });
        };
        let metadata = read_metadata(root.get("metadata"), "/metadata", &mut problems);
        // Schema 0.2.10+: the flag set's `flagSetId` is a string (what flagd's sync and
        // evaluation protocols carry as the selector). Its `version` should be one too, but
        // documents in use give numbers, which every flagd engine accepts.
        if let Some(v) = metadata.get("flagSetId").filter(|v| !v.is_string()) {
            problems.push(Problem::new(
                "/metadata/flagSetId",
                format!("must be a string, not {v}"),
            ));
        }
        let evaluators = match root.get("$evaluators") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(e)) => e.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(_) => {
                problems.push(Problem::new(
                    "/$evaluators",
                    "must be an object of named rules",
                ));
                BTreeMap::new()
            }
        };
        let mut flags = BTreeMap::new();
        match root.get("flags") {
            Some(Value::Object(defs)) => {
                for (key, def) in defs {
                    let path = pointer("/flags", key);
                    if let Some(flag) = read_flag(key, def, &path, &mut problems) {
                        flags.insert(key.clone(), flag);
                    }
                }
            }
            // flagd's own import form (schema 0.2.13, `flags.json#flagdImport`): a list of flags,
            // each naming its `key`.
            Some(Value::Array(defs)) => {
                for (i, def) in defs.iter().enumerate() {
                    let path = pointer("/flags", &i.to_string());
                    let key = match def.get("key") {
                        Some(Value::String(k)) if !k.is_empty() => k,
                        _ => {
                            problems.push(Problem::new(
                                pointer(&path, "key"),
                                "a flag in a list needs a non-empty string key",
                            ));
                            continue;
                        }
                    };
                    if flags.contains_key(key) {
                        problems.push(Problem::new(
                            pointer(&path, "key"),
                            format!("flag {key:?} is listed twice"),
                        ));
                        continue;
                    }
                    if let Some(flag) = read_flag(key, def, &path, &mut problems) {
                        flags.insert(key.clone(), flag);
                    }
                }
            }
            Some(_) => problems.push(Problem::new(
                "/flags",
                "must be an object of flags by key, or a list of flags with keys",
            )),
            None => problems.push(Problem::new("/flags", "is required")),
        }
        if !problems.is_empty() {
            return Err(DocumentError { problems });
        }
        Ok(Document {
            schema: root
                .get("$schema")
                .and_then(Value::as_str)
                .map(str::to_owned),
            flags,
            evaluators,
            metadata,
        })
    }
}

fn read_flag(
    key: &str,
    def: &Value,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<FlagDefinition> {
    let before = problems.len();
    if key.is_empty() {
        problems.push(Problem::new(path, "a flag key must not be empty"));
    }
    let Some(def) = def.as_object() else {
        problems.push(Problem::new(path, "a flag must be an object"));
        return None;
    };
    let state = match def.get("state") {
        Some(Value::String(s)) if s == "ENABLED" => State::Enabled,
        Some(Value::String(s)) if s == "DISABLED" => State::Disabled,
        Some(other) => {
            problems.push(Problem::new(
                pointer(path, "state"),
                format!("must be \"ENABLED\" or \"DISABLED\", not {other}"),
            ));
            State::Disabled
        }
        None => {
            problems.push(Problem::new(pointer(path, "state"), "is required"));
            State::Disabled
        }
    };
    let variants = read_variants(def.get("variants"), &pointer(path, "variants"), problems);
    let default_variant = match def.get("defaultVariant") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => {
            if !variants.contains_key(name) && !variants.is_empty() {
                problems.push(Problem::new(
                    pointer(path, "defaultVariant"),
                    format!(
                        "{name:?} is not one of the flag's variants ({})",
                        variants.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            Some(name.clone())
        }
        Some(other) => {
            problems.push(Problem::new(
                pointer(path, "defaultVariant"),
                format!("must be a variant name or null, not {other}"),
            ));
            None
        }
    };
    let metadata = read_metadata(def.get("metadata"), &pointer(path, "metadata"), problems);
    let targeting = match def.get("targeting") {
        None | Some(Value::Null) => None,
        Some(rule @ Value::Object(_)) => normalize_targeting(Some(rule.clone())),
        Some(other) => {
            problems.push(Problem::new(
                pointer(path, "targeting"),
                format!("must be a JsonLogic object, not {other}"),
            ));
            None
        }
    };
    (problems.len() == before).then_some(FlagDefinition {
        state,
        variants,
        default_variant,
        targeting,
        metadata,
    })
}

fn read_variants(v: Option<&Value>, path: &str, problems: &mut Vec<Problem>) -> Map<String, Value> {
    let variants = match v {
        Some(Value::Object(v)) if !v.is_empty() => v.clone(),
        Some(Value::Object(_)) => {
            problems.push(Problem::new(path, "a flag needs at least one variant"));
            return Map::new();
        }
        Some(_) => {
            problems.push(Problem::new(
                path,
                "must be an object of variant name to value",
            ));
            return Map::new();
        }
        None => {
            problems.push(Problem::new(path, "is required"));
            return Map::new();
        }
    };
    if FlagType::of_variants(variants.values()).is_none() {
        problems.push(Problem::new(
            path,
            format!(
                "every variant of a flag must have the same type (boolean, string, number or object); found {}",
                variants
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", FlagType::name_of(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    variants
}

/// Reads a metadata object: keys to strings, numbers or booleans.
fn read_metadata(v: Option<&Value>, path: &str, problems: &mut Vec<Problem>) -> Map<String, Value> {
    match v {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => {
            for (k, v) in m {
                if !(v.is_string() || v.is_number() || v.is_boolean()) {
                    problems.push(Problem::new(
                        pointer(path, k),
                        "metadata values must be strings, numbers or booleans",
                    ));
                }
            }
            m.clone()
        }
        Some(_) => {
            problems.push(Problem::new(path, "must be an object"));
            Map::new()
        }
    }
}
