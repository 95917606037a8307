//! Explain mode, for the dashboard's playground: which rule matched and why.
//!
//! Targeting written as ordered rules is an `if` chain, `{"if": [cond0, value0, cond1, value1,
//! ..., otherwise]}` (a nested `if` in the last place continues the chain). Explain evaluates each
//! condition in turn and reports its result, the index of the rule that matched, the details of a
//! percentage split, and any operator error that made the flag fall back to its default.

use serde::Serialize;
use serde_json::Value;

use super::document::{Flag, FlagSet, Targeting};
use super::eval::{Data, Env, fractional_key, fractional_weights};
use super::expr::Expr;
use super::fractional;
use super::resolve::Context;
use super::types::{ErrorCode, Reason};
use super::value::{Val, format_number, strict_eq};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// `None`: the caller's default.
    pub value: Option<Value>,
    pub variant: Option<String>,
    pub reason: Reason,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// Each condition of the rule chain that was evaluated, in order.
    pub rules: Vec<RuleTrace>,
    /// The index of the rule whose condition held.
    pub matched_rule: Option<usize>,
    pub split: Option<SplitTrace>,
    /// The first error of an operator: a flagd operator that failed counted as null and the rule
    /// went on; any other error ended the rule (the flag then serves its default variant).
    pub operator_error: Option<String>,
    /// The flag's prerequisites, checked in order up to the first that failed.
    pub prerequisites: Vec<PrerequisiteTrace>,
    /// The prerequisite that failed and so decided: the flag served its default variant
    /// (`rules` is then empty: its own targeting was not reached).
    pub failed_prerequisite: Option<String>,
}

/// One prerequisite as checked: what its flag evaluated to, and whether that held.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrerequisiteTrace {
    pub flag: String,
    /// The prerequisite flag's variant for this context (`None`: disabled, or no variant).
    pub variant: Option<String>,
    pub held: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleTrace {
    pub index: usize,
    /// What the condition evaluated to.
    pub result: Value,
    pub matched: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SplitTrace {
    pub bucketing_key: String,
    pub hash: u32,
    /// `(hash * totalWeight) >> 32`
    pub bucket: u64,
    pub total_weight: u64,
    pub weights: Vec<u64>,
}

impl FlagSet {
    /// Resolves a flag and explains the resolution.
    pub fn explain(&self, key: &str, ctx: &Context<'_>) -> Explanation {
        let r = self.evaluate(key, ctx);
        let (error_code, error_message) = r.error.clone().unzip();
        let mut out = Explanation {
            value: r.value.cloned(),
            variant: r.variant.map(str::to_owned),
            reason: r.reason,
            error_code,
            error_message,
            rules: Vec::new(),
            matched_rule: None,
            split: None,
            operator_error: None,
            prerequisites: Vec::new(),
            failed_prerequisite: None,
        };
        let Some(flag) = self.get(key) else {
            return out;
        };
        let Targeting::Rule(rule) = &flag.targeting else {
            // A rule over the budget is never run: the resolution's error says so.
            return out;
        };
        if !flag.enabled {
            return out;
        }
        let env = Env::new(ctx.attrs(), &flag.key, ctx.now(), self.budget);
        self.trace(flag, rule, &env, &mut out);
        // A flagd operator that failed evaluated to null and the rule went on: say why.
        if out.operator_error.is_none() {
            out.operator_error = env.operator_error();
        }
        out
    }

    /// Traces the prerequisites, the rules and the branch taken into `out`.
    fn trace<'a>(&self, flag: &Flag, rule: &'a Expr, env: &Env<'a>, out: &mut Explanation) {
        let Some(rule) = self.check_prerequisites(flag, rule, env, out) else {
            return;
        };
        let Some(branch) = walk_rules(rule, env, out) else {
            return;
        };
        if let Expr::Fractional(f) = branch {
            let weights = fractional_weights(f, env, Data::Root);
            let key = fractional_key(f, env, Data::Root);
            if let (Ok(weights), Ok(key)) = (weights, key) {
                let hash = fractional::hash(&key);
                let total_weight = weights.iter().sum();
                out.split = Some(SplitTrace {
                    bucketing_key: key.into_owned(),
                    hash,
                    bucket: fractional::bucket_value(hash, total_weight),
                    total_weight,
                    weights: weights.into_owned(),
                });
            }
        }
        if let Err(e) = branch.eval(env, Data::Root) {
            out.operator_error = Some(e);
        }
    }
}

/// Walks the rule chain, recording each condition; returns the expression that produces the
/// value (the matched rule's, or the final otherwise), or `None` when a condition failed.
fn walk_rules<'a>(rule: &'a Expr, env: &Env<'a>, out: &mut Explanation) -> Option<&'a Expr> {
    let mut expr = rule;
    loop {
        let Expr::If(args) = expr else {
            return Some(expr);
        };
        let mut i = 0;
        while i + 1 < args.len() {
            match args[i].eval(env, Data::Root) {
                Err(e) => {
                    out.operator_error = Some(e);
                    return None;
                }
                Ok(v) => {
                    let matched = v.truthy();
                    let index = out.rules.len();
                    out.rules.push(RuleTrace {
                        index,
                        result: v.to_json(),
                        matched,
                    });
                    if matched {
                        out.matched_rule = Some(index);
                        return Some(&args[i + 1]);
                    }
                }
            }
            i += 2;
        }
        match args.get(i) {
            Some(otherwise) => expr = otherwise,
            None => return None,
        }
    }
}

impl FlagSet {
    /// Traces the prerequisites of a rule compiled with some (`{"if": [HOLDS, OWN, null]}`, see
    /// [`crate::flagd::prerequisites`]); returns the flag's own rule when they all held (or the
    /// rule itself when it has none), `None` when one failed or an error ended the rule.
    fn check_prerequisites<'a>(
        &self,
        flag: &Flag,
        rule: &'a Expr,
        env: &Env<'a>,
        out: &mut Explanation,
    ) -> Option<&'a Expr> {
        let (Expr::If(args), false) = (rule, flag.prerequisites.is_empty()) else {
            return Some(rule);
        };
        let [holds, own, _] = args.as_slice() else {
            return Some(rule);
        };
        let items: Vec<&Expr> = match holds {
            Expr::And(items) if flag.prerequisites.len() > 1 => items.iter().collect(),
            single => vec![single],
        };
        if items.len() != flag.prerequisites.len() {
            return Some(rule);
        }
        for (p, item) in flag.prerequisites.iter().zip(items) {
            let needle = match item {
                Expr::In(needle, _) | Expr::InStrings(needle, _) => needle,
                _ => return Some(rule),
            };
            let value = match needle.eval(env, Data::Root) {
                Ok(v) => v,
                Err(e) => {
                    out.operator_error = Some(e);
                    return None;
                }
            };
            let held = match item {
                Expr::In(_, hay) => match &**hay {
                    Expr::Lit(Value::Array(list)) => {
                        list.iter().any(|i| strict_eq(&value, &Val::from_json(i)))
                    }
                    _ => return Some(rule),
                },
                Expr::InStrings(_, list) => {
                    matches!(&value, Val::Str(s) if list.iter().any(|l| l == s))
                }
                _ => false,
            };
            out.prerequisites.push(PrerequisiteTrace {
                flag: p.flag.clone(),
                variant: self.variant_of(&p.flag, &value),
                held,
            });
            if !held {
                out.failed_prerequisite = Some(p.flag.clone());
                return None;
            }
        }
        Some(own)
    }

    /// The variant a prerequisite flag evaluated to, from what its `flag:` evaluator yielded
    /// (`null`: its default variant).
    fn variant_of(&self, key: &str, value: &Val<'_>) -> Option<String> {
        let flag = self.get(key).filter(|f| f.enabled)?;
        let name = match value {
            Val::Null => return flag.default_variant.map(|i| flag.variants[i].0.clone()),
            Val::Str(s) => s.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => format_number(*n),
            _ => return None,
        };
        flag.variant_index(&name).map(|_| name)
    }
}
