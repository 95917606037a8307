//! Parses and validates flagd flag documents (`https://flagd.dev/schema/v0/flags.json`) into a
//! compiled [`FlagSet`].

use foldhash::fast::RandomState;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

use super::budget::{Budget, Cost, EXCEEDED, static_cost};
use super::compile::Compiler;
use super::expr::Expr;
use super::problem::{DocumentError, Problem, pointer};
use super::recompile::{Digest, Digests};
use super::types::FlagType;
use crate::flagd::{Document, FlagDefinition};

/// A compiled flag set: every flag of a document, ready to evaluate. Flags are shared, so that a
/// recompile after an edit ([`FlagSet::recompile`]) reuses every flag that did not change.
#[derive(Debug, Clone)]
pub struct FlagSet {
    pub(crate) flags: Vec<Arc<Flag>>,
    index: HashMap<String, usize, RandomState>,
    pub(crate) metadata: Map<String, Value>,
    warnings: Vec<Problem>,
    pub(crate) budget: Budget,
}

#[derive(Debug, Clone)]
pub(crate) struct Flag {
    pub(crate) key: String,
    pub(crate) enabled: bool,
    pub(crate) variants: Vec<(String, Value)>,
    pub(crate) default_variant: Option<usize>,
    pub(crate) targeting: Targeting,
    /// The prerequisites its targeting was compiled from (see [`crate::flagd::prerequisites`]),
    /// read back for explanations.
    pub(crate) prerequisites: Vec<crate::domain::Prerequisite>,
    /// Flag-set metadata overlaid with the flag's own.
    pub(crate) metadata: Map<String, Value>,
    pub(crate) kind: FlagType,
    /// The rule's worst case (see [`static_cost`]).
    pub(crate) cost: Cost,
    /// Problems in the rule (with their paths in the document).
    pub(crate) warnings: Vec<Problem>,
    /// What the flag was compiled from: its definition and the evaluators its rule reached.
    pub(crate) source: Digest,
    pub(crate) refs: Vec<(String, Digest)>,
}

#[derive(Debug, Clone)]
pub(crate) enum Targeting {
    None,
    Rule(Expr),
    /// The rule could not be compiled; evaluating the flag answers PARSE_ERROR.
    Broken(String),
    /// The rule's worst case is over the evaluation budget: the flag answers the budget's error
    /// (ERROR, GENERAL) without running it.
    OverBudget(String),
}

impl Flag {
    pub(crate) fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants
            .iter()
            .position(|(n, _)| super::value::same_text(n, name))
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
        FlagSet::compile_with(doc, Budget::DEFAULT)
    }

    /// Compiles a typed document for evaluation under `budget`.
    pub fn compile_with(doc: &Document, budget: Budget) -> FlagSet {
        let evaluators = evaluator_map(doc);
        let mut digests = Digests::new(doc);
        let flags = doc
            .flags
            .iter()
            .map(|(key, def)| {
                Arc::new(compile_flag(
                    key,
                    def,
                    &evaluators,
                    &doc.metadata,
                    budget,
                    &mut digests,
                ))
            })
            .collect();
        FlagSet::assemble(flags, doc.metadata.clone(), budget)
    }

    /// A set from compiled flags (in key order).
    pub(crate) fn assemble(
        flags: Vec<Arc<Flag>>,
        metadata: Map<String, Value>,
        budget: Budget,
    ) -> FlagSet {
        let index = flags
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect();
        let warnings = flags.iter().flat_map(|f| f.warnings.clone()).collect();
        FlagSet {
            flags,
            index,
            metadata,
            warnings,
            budget,
        }
    }

    /// The budget each evaluation gets.
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// The set's worst case for evaluating every flag once, in steps: each flag's static cost,
    /// capped at the budget, and the whole budget for a rule that iterates over data of unknown
    /// length. Servers use it to tell heavy sets (evaluated away from their I/O threads) from
    /// light ones.
    pub fn cost(&self) -> u64 {
        self.flags
            .iter()
            .map(|f| match &f.targeting {
                Targeting::Rule(_) if f.cost.open => self.budget.steps,
                Targeting::Rule(_) => f.cost.steps.min(self.budget.steps),
                _ => 1,
            })
            .fold(0u64, u64::saturating_add)
    }

    /// Runs every rule against an empty context and one holding only a `targetingKey`, and
    /// lists each flag whose rule ran out of the budget (as `/flags/KEY/targeting`). What a
    /// write path checks before it stores a rule, beside [`FlagSet::warnings`].
    pub fn dry_run(&self, now: i64) -> Vec<Problem> {
        let empty = Value::Object(Map::new());
        let keyed = serde_json::json!({"targetingKey": "dry-run"});
        let mut problems = Vec::new();
        for flag in &self.flags {
            if !matches!(flag.targeting, Targeting::Rule(_)) {
                continue;
            }
            for attrs in [&empty, &keyed] {
                let Ok(ctx) = super::Context::new(attrs, now) else {
                    continue;
                };
                let r = super::resolve::resolve(flag, &ctx, self.budget);
                if r.budget_exceeded() {
                    let message = r.error.map(|(_, m)| m).unwrap_or_default();
                    problems.push(Problem::new(
                        pointer(&pointer("/flags", &flag.key), "targeting"),
                        format!("{message} when tried against the context {attrs}"),
                    ));
                    break;
                }
            }
        }
        problems
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

    /// The flag-set metadata (what every flag's metadata starts from).
    pub fn metadata(&self) -> &Map<String, Value> {
        &self.metadata
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

    /// Whether the flag has a variant of that name (`None`: no such flag).
    pub fn has_variant(&self, key: &str, variant: &str) -> Option<bool> {
        self.get(key).map(|f| f.variant_index(variant).is_some())
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Flag> {
        self.index.get(key).map(|i| &*self.flags[*i])
    }

    pub(crate) fn index_of(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }
}

pub(crate) fn evaluator_map(doc: &Document) -> Map<String, Value> {
    doc.evaluators
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub(crate) fn compile_flag(
    key: &str,
    def: &FlagDefinition,
    evaluators: &Map<String, Value>,
    set_metadata: &Map<String, Value>,
    budget: Budget,
    digests: &mut Digests<'_>,
) -> Flag {
    let mut warnings = Vec::new();
    let mut used = Vec::new();
    let mut cost = Cost {
        steps: 1,
        open: false,
    };
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
            used = std::mem::take(&mut compiler.used);
            match compiled {
                Ok(expr) => {
                    cost = static_cost(&expr);
                    if cost.steps > budget.steps {
                        let message = format!(
                            "{EXCEEDED}: the rule may take {} steps, more than the {} one \
                             evaluation may take (iterating over a literal list multiplies its \
                             body's cost by the list's length)",
                            cost.steps, budget.steps
                        );
                        warnings.push(Problem::new(at, message.clone()));
                        Targeting::OverBudget(message)
                    } else {
                        Targeting::Rule(expr)
                    }
                }
                Err(problem) => {
                    let message = problem.to_string();
                    warnings.push(problem);
                    Targeting::Broken(message)
                }
            }
        }
    };
    let prerequisites = match (&targeting, &def.targeting) {
        (Targeting::Rule(_), Some(rule)) => crate::flagd::prerequisites::recognise(rule)
            .map(|r| r.prerequisites)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Flag {
        key: key.to_owned(),
        enabled: def.state.is_enabled(),
        variants,
        default_variant,
        targeting,
        prerequisites,
        metadata,
        kind,
        cost,
        warnings,
        source: Digest::of(def),
        refs: used
            .into_iter()
            .map(|name| {
                let d = digests.evaluator(&name);
                (name, d)
            })
            .collect(),
    }
}
