//! Parses and validates flagd flag documents (`https://flagd.dev/schema/v0/flags.json`) into a
//! compiled [`FlagSet`].

use foldhash::fast::RandomState;
use serde_json::{Map, Value};
use std::collections::HashMap;

use super::compile::Compiler;
use super::expr::Expr;
use super::problem::{DocumentError, Problem, pointer};
use super::types::FlagType;
use crate::flagd::{Document, FlagDefinition};

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
        Document::parse(doc).map(|d| FlagSet::compile(&d))
    }

    /// Compiles a typed document. Targeting rules that do not compile are listed in
    /// [`FlagSet::warnings`] and make their flag answer PARSE_ERROR.
    pub fn compile(doc: &Document) -> FlagSet {
        let evaluators: Map<String, Value> = doc
            .evaluators
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut warnings = Vec::new();
        let flags: Vec<Flag> = doc
            .flags
            .iter()
            .map(|(key, def)| compile_flag(key, def, &evaluators, &doc.metadata, &mut warnings))
            .collect();
        let index = flags
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect();
        FlagSet {
            flags,
            index,
            metadata: doc.metadata.clone(),
            warnings,
        }
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

fn compile_flag(
    key: &str,
    def: &FlagDefinition,
    evaluators: &Map<String, Value>,
    set_metadata: &Map<String, Value>,
    warnings: &mut Vec<Problem>,
) -> Flag {
    let variants: Vec<(String, Value)> = def
        .variants
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let kind = FlagType::of_variants(variants.iter().map(|(_, v)| v)).unwrap_or(FlagType::Object);
    let default_variant = def
        .default_variant
        .as_ref()
        .and_then(|name| variants.iter().position(|(n, _)| n == name));
    let mut metadata = set_metadata.clone();
    metadata.extend(def.metadata.clone());
    let targeting = match &def.targeting {
        None => Targeting::None,
        Some(rule) => {
            let at = pointer(&pointer("/flags", key), "targeting");
            let mut compiler = Compiler::new(Some(evaluators));
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
    };
    Flag {
        key: key.to_owned(),
        enabled: def.state.is_enabled(),
        variants,
        default_variant,
        targeting,
        metadata,
        kind,
    }
}
