//! Applies one JsonLogic rule to data and returns the raw result: for segment conditions, the
//! dashboard's rule tester, and the operator tests.

use serde_json::Value;

use super::compile::Compiler;
use super::eval::{Data, Env};
use super::problem::{DocumentError, Problem};

/// Why a rule produced no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// The rule does not compile; every problem is listed.
    #[error(transparent)]
    Invalid(#[from] DocumentError),
    /// An operation failed while evaluating (flagd turns this into the default variant).
    #[error("operator error: {0}")]
    Operator(String),
}

/// Compiles `rule` and applies it to `data` (normally an object) at time `now` (Unix seconds,
/// for `$flagd.timestamp`), as if for a flag named `flag_key`.
pub fn apply(rule: &Value, data: &Value, flag_key: &str, now: i64) -> Result<Value, ApplyError> {
    let mut compiler = Compiler::new(None);
    let expr = compiler
        .compile(rule, "")
        .map_err(|p| DocumentError { problems: vec![p] })?;
    if !compiler.soft.is_empty() {
        return Err(ApplyError::Invalid(DocumentError {
            problems: std::mem::take(&mut compiler.soft),
        }));
    }
    let env = Env::new(data, flag_key, now, super::Budget::DEFAULT);
    expr.eval(&env, Data::Root)
        .map(|v| v.to_json())
        .map_err(ApplyError::Operator)
}

/// Checks a rule without running it: every problem, with its JSON Pointer inside the rule.
pub fn validate_rule(rule: &Value) -> Result<(), Vec<Problem>> {
    let mut compiler = Compiler::new(None);
    let mut problems = match compiler.compile(rule, "") {
        Ok(_) => Vec::new(),
        Err(p) => vec![p],
    };
    problems.append(&mut compiler.soft);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Checks that a rule stays within the evaluation budget: its worst case, then a dry run against
/// an empty context and one with only a `targetingKey` (paths inside the rule, `""` for all).
pub fn check_budget(rule: &Value, now: i64) -> Result<(), Vec<Problem>> {
    let budget = super::Budget::DEFAULT;
    let Ok(expr) = Compiler::new(None).compile(rule, "") else {
        // Rules that do not compile are validate_rule's to report.
        return Ok(());
    };
    let cost = super::budget::static_cost(&expr);
    if cost.steps > budget.steps {
        return Err(vec![Problem::new(
            "",
            format!(
                "{}: the rule may take {} steps, more than the {} one evaluation may take",
                super::budget::EXCEEDED,
                cost.steps,
                budget.steps
            ),
        )]);
    }
    let keyed = serde_json::json!({"targetingKey": "dry-run"});
    for data in [&Value::Object(serde_json::Map::new()), &keyed] {
        let env = Env::new(data, "dry-run", now, budget);
        if let Err(message) = expr.eval(&env, Data::Root)
            && env.exhausted()
        {
            return Err(vec![Problem::new(
                "",
                format!("{message} when tried against the context {data}"),
            )]);
        }
    }
    Ok(())
}
