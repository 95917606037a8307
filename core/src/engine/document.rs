//! Parses and validates flagd flag documents (`https://flagd.dev/schema/v0/flags.json`) into a
//! compiled [`FlagSet`].

use foldhash::fast::RandomState;
use serde_json::{Map, Value};
use std::collections::HashMap;

use super::compile::Compiler;
use super::expr::Expr;
use super::problem::{DocumentError, Problem, pointer};
use super::types::FlagType;

/// A compiled flag set: every flag of a document, ready to evaluate.
#[derive(Debug, Clone)]
pub struct FlagSet {
    pub(crate) flags: Vec<Flag>,
    index: HashMap<String, usize, RandomState>,
    pub(crate) metadata: Map<String, Value>,
    warnings: Vec<Problem>,
}

#[derive(Debug, Clone)]
pub(crate) struct Flag {
    pub(crate) key: String,
    pub(crate) enabled: bool,
    pub(crate) variants: Vec<(String, Value)>,
    pub(crate) default_variant: Option<usize>,
    pub(crate) targeting: Targeting,
    /// Flag-set metadata overlaid with the flag's own.
    pub(crate) metadata: Map<String, Value>,
    pub(crate) kind: FlagType,
}

#[derive(Debug, Clone)]
pub(crate) enum Targeting {
    None,
    Rule(Expr),
    /// The rule could not be compiled; evaluating the flag answers PARSE_ERROR.
    Broken(String),
}

impl Flag {
    pub(crate) fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|(n, _)| n == name)
    }
}

impl FlagSet {
    /// Parses a document from JSON text.
    pub fn from_json_str(text: &str) -> Result<FlagSet, DocumentError> {
        let doc: Value = serde_json::from_str(text).map_err(|e| DocumentError {
            problems: vec![Problem::new("", format!("not valid JSON: {e}"))],
        })?;
        FlagSet::parse(&doc)
    }

    /// Parses and compiles a document. Structural problems (a missing `state`, a default variant
    /// that is not a variant, mixed variant types, ...) reject it, every one listed. Problems in
    /// targeting rules do not: as in flagd, such a flag loads and answers PARSE_ERROR (or its
    /// failing operation yields the default variant); they are listed in [`FlagSet::warnings`].
    pub fn parse(doc: &Value) -> Result<FlagSet, DocumentError> {
        let mut problems = Vec::new();
        let Some(root) = doc.as_object() else {
            return Err(DocumentError {
                problems: vec![Problem::new("", "a flag document must be a JSON object")],
            });
        };
        let metadata = read_metadata(root.get("metadata"), "/metadata", &mut problems);
        let evaluators = match root.get("$evaluators") {
            None => None,
            Some(Value::Object(e)) => Some(e),
            Some(_) => {
                problems.push(Problem::new(
                    "/$evaluators",
                    "must be an object of named rules",
                ));
                None
            }
        };
        let mut flags = Vec::new();
        let mut warnings = Vec::new();
        match root.get("flags") {
            Some(Value::Object(defs)) => {
                for (key, def) in defs {
                    let path = pointer("/flags", key);
                    if let Some(flag) = parse_flag(
                        key,
                        def,
                        &path,
                        evaluators,
                        &metadata,
                        &mut problems,
                        &mut warnings,
                    ) {
                        flags.push(flag);
                    }
                }
            }
            Some(_) => problems.push(Problem::new("/flags", "must be an object of flags by key")),
            None => problems.push(Problem::new("/flags", "is required")),
        }
        if !problems.is_empty() {
            return Err(DocumentError { problems });
        }
        flags.sort_by(|a, b| a.key.cmp(&b.key));
        let index = flags
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect();
        Ok(FlagSet {
            flags,
            index,
            metadata,
            warnings,
        })
    }

    /// Like [`FlagSet::parse`], but problems in targeting rules reject the document too. This is
    /// what an editor wants before it saves.
    pub fn parse_strict(doc: &Value) -> Result<FlagSet, DocumentError> {
        let set = FlagSet::parse(doc)?;
        if set.warnings.is_empty() {
            Ok(set)
        } else {
            Err(DocumentError {
                problems: set.warnings,
            })
        }
    }

    /// Problems in targeting rules that did not stop the document from loading.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The flag keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.flags.iter().map(|f| f.key.as_str())
    }

    pub fn len(&self) -> usize {
        self.flags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// The type of a flag's values.
    pub fn flag_type(&self, key: &str) -> Option<FlagType> {
        self.get(key).map(|f| f.kind)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Flag> {
        self.index.get(key).map(|i| &self.flags[*i])
    }
}

fn parse_flag(
    key: &str,
    def: &Value,
    path: &str,
    evaluators: Option<&Map<String, Value>>,
    set_metadata: &Map<String, Value>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<Flag> {
    let before = problems.len();
    if key.is_empty() {
        problems.push(Problem::new(path, "a flag key must not be empty"));
    }
    let Some(def) = def.as_object() else {
        problems.push(Problem::new(path, "a flag must be an object"));
        return None;
    };
    let enabled = match def.get("state") {
        Some(Value::String(s)) if s == "ENABLED" => true,
        Some(Value::String(s)) if s == "DISABLED" => false,
        Some(other) => {
            problems.push(Problem::new(
                pointer(path, "state"),
                format!("must be \"ENABLED\" or \"DISABLED\", not {other}"),
            ));
            false
        }
        None => {
            problems.push(Problem::new(pointer(path, "state"), "is required"));
            false
        }
    };
    let variants: Vec<(String, Value)> = match def.get("variants") {
        Some(Value::Object(v)) if !v.is_empty() => {
            v.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        }
        Some(Value::Object(_)) => {
            problems.push(Problem::new(
                pointer(path, "variants"),
                "a flag needs at least one variant",
            ));
            Vec::new()
        }
        Some(_) => {
            problems.push(Problem::new(
                pointer(path, "variants"),
                "must be an object of variant name to value",
            ));
            Vec::new()
        }
        None => {
            problems.push(Problem::new(pointer(path, "variants"), "is required"));
            Vec::new()
        }
    };
    let kind = FlagType::of_variants(variants.iter().map(|(_, v)| v));
    if kind.is_none() && !variants.is_empty() {
        problems.push(Problem::new(
            pointer(path, "variants"),
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
    let default_variant = match def.get("defaultVariant") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => {
            let found = variants.iter().position(|(n, _)| n == name);
            if found.is_none() && !variants.is_empty() {
                problems.push(Problem::new(
                    pointer(path, "defaultVariant"),
                    format!(
                        "{name:?} is not one of the flag's variants ({})",
                        variants
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            found
        }
        Some(other) => {
            problems.push(Problem::new(
                pointer(path, "defaultVariant"),
                format!("must be a variant name or null, not {other}"),
            ));
            None
        }
    };
    let mut metadata = set_metadata.clone();
    metadata.extend(read_metadata(
        def.get("metadata"),
        &pointer(path, "metadata"),
        problems,
    ));
    let targeting = match def.get("targeting") {
        None | Some(Value::Null) => Targeting::None,
        Some(Value::Object(o)) if o.is_empty() => Targeting::None,
        Some(rule @ Value::Object(_)) => {
            let at = pointer(path, "targeting");
            let mut compiler = Compiler::new(evaluators);
            let compiled = compiler.compile(rule, &at);
            warnings.append(&mut compiler.soft);
            match compiled {
                Ok(expr) => Targeting::Rule(expr),
                Err(problem) => {
                    let message = problem.to_string();
                    warnings.push(problem);
                    Targeting::Broken(message)
                }
            }
        }
        Some(other) => {
            problems.push(Problem::new(
                pointer(path, "targeting"),
                format!("must be a JsonLogic object, not {other}"),
            ));
            Targeting::None
        }
    };
    if problems.len() > before {
        return None;
    }
    Some(Flag {
        key: key.to_owned(),
        enabled,
        variants,
        default_variant,
        targeting,
        metadata,
        kind: kind.unwrap_or(FlagType::Object),
    })
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
