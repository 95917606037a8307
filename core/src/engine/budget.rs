//! The evaluation budget: how much one evaluation of one flag may do.
//!
//! Every evaluation gets fuel in two kinds: steps (one per operation evaluated, and one per
//! [`SCAN_PER_STEP`] elements a built-in scans, as `in` does over a list) and bytes (of the
//! strings and arrays the evaluation builds: `cat`, `substr`, `map`, `filter`, `merge`, `reduce`
//! accumulators, the element lists iteration walks). When either runs out the evaluation stops,
//! and the flag answers reason ERROR, error code GENERAL, "evaluation budget exceeded".
//!
//! Rules are also costed when they are compiled: [`static_cost`] is a rule's worst case in
//! steps, where iterating over a literal array multiplies its body's cost by the array's length.
//! A rule whose worst case is over the budget is known before it ever runs: the write paths
//! refuse it, and a flag holding one answers the budget error without evaluating.

use serde_json::Value;

use super::expr::{Expr, SemVerOperand, SemVerTarget};
use super::value::Val;

/// What one evaluation of one flag may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Operations evaluated (and list elements scanned, [`SCAN_PER_STEP`] to a step).
    pub steps: u64,
    /// Bytes of strings and arrays built.
    pub bytes: u64,
}

impl Budget {
    /// The defaults: ordinary rules take tens of steps, a 20,000-entry allow-list under `in`
    /// about 1,250; at 100,000 steps and 1 MiB an evaluation ends within a few milliseconds.
    pub const DEFAULT: Budget = Budget {
        steps: 100_000,
        bytes: 1024 * 1024,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// List elements a built-in scans per step (`in` over a list is a tight loop of comparisons).
pub(crate) const SCAN_PER_STEP: usize = 16;

/// What every budget error message starts with.
pub const EXCEEDED: &str = "evaluation budget exceeded";

/// The size charged for one element of a list built during evaluation.
pub(crate) const ELEMENT_BYTES: usize = std::mem::size_of::<Val<'static>>();

/// The bytes a value holds that the evaluation built (owned strings and built arrays, deeply).
pub(crate) fn built_bytes(v: &Val<'_>) -> usize {
    match v {
        Val::Str(std::borrow::Cow::Owned(s)) => s.len(),
        Val::Arr(items) => items.iter().map(|i| ELEMENT_BYTES + built_bytes(i)).sum(),
        _ => 0,
    }
}

/// The elements a container holds at its top level (what stringifying or scanning it walks).
pub(crate) fn container_len(v: &Val<'_>) -> usize {
    match v {
        Val::Json(Value::Array(a)) => a.len(),
        Val::Json(Value::Object(o)) => o.len(),
        Val::Arr(a) => a.len(),
        _ => 0,
    }
}

/// A rule's worst case, worked out from its compiled form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cost {
    /// Steps in the worst case, iteration over literal arrays multiplied out (saturating).
    pub(crate) steps: u64,
    /// The rule iterates over data whose length is known only at run time (the context, or a
    /// computed list): its real cost is bounded by the run-time budget alone.
    pub(crate) open: bool,
}

impl Cost {
    const ONE: Cost = Cost {
        steps: 1,
        open: false,
    };

    fn plus(self, other: Cost) -> Cost {
        Cost {
            steps: self.steps.saturating_add(other.steps),
            open: self.open || other.open,
        }
    }

    fn times(self, n: u64) -> Cost {
        Cost {
            steps: self.steps.saturating_mul(n),
            open: self.open,
        }
    }
}

/// The worst-case cost of a compiled rule.
pub(crate) fn static_cost(e: &Expr) -> Cost {
    let all = |items: &[Expr]| items.iter().map(static_cost).fold(Cost::ONE, Cost::plus);
    let two = |a: &Expr, b: &Expr| Cost::ONE.plus(static_cost(a)).plus(static_cost(b));
    let opt = |e: &Option<Box<Expr>>| e.as_deref().map_or(Cost::ONE, static_cost);
    match e {
        Expr::Lit(v) => Cost {
            steps: 1 + scan_steps(literal_elements(v)),
            open: false,
        },
        Expr::List(items)
        | Expr::Missing(items)
        | Expr::If(items)
        | Expr::And(items)
        | Expr::Or(items)
        | Expr::Cmp(_, items)
        | Expr::Arith(_, items)
        | Expr::Merge(items)
        | Expr::Cat(items)
        | Expr::Substr(items) => all(items),
        Expr::Var { default, .. } => opt(default),
        Expr::VarDyn { path, default } => opt(default).plus(static_cost(path)),
        Expr::MissingSome(a, b)
        | Expr::Eq(a, b)
        | Expr::NotEq(a, b)
        | Expr::StrictEq(a, b)
        | Expr::StrictNotEq(a, b)
        | Expr::In(a, b)
        | Expr::StartsWith(a, b)
        | Expr::EndsWith(a, b) => two(a, b),
        Expr::Not(a) | Expr::NotNot(a) | Expr::Isolated(a) => Cost::ONE.plus(static_cost(a)),
        Expr::InStrings(needle, list) => Cost {
            steps: 1 + scan_steps(list.len() as u64),
            open: false,
        }
        .plus(static_cost(needle)),
        Expr::Iter(_, list, body) => iteration(list, body, Cost::ONE),
        Expr::Reduce(list, body, init) => iteration(list, body, static_cost(init)),
        Expr::Fractional(f) => {
            let mut c = f.key.as_ref().map_or(Cost::ONE, static_cost);
            for b in &f.buckets {
                c = c.plus(static_cost(&b.variant));
                if let Some(w) = &b.weight {
                    c = c.plus(static_cost(w));
                }
            }
            c
        }
        Expr::SemVer {
            version,
            op,
            target,
        } => {
            let mut c = Cost::ONE.plus(static_cost(version));
            if let SemVerOperand::Computed(o) = op {
                c = c.plus(static_cost(o));
            }
            if let SemVerTarget::Computed(t) = target {
                c = c.plus(static_cost(t));
            }
            c
        }
        Expr::Fail(_) => Cost::ONE,
    }
}

/// An iteration: the list once, then the body once per element. Over a list of known length
/// the body's cost is multiplied by it; over anything else the cost is open.
fn iteration(list: &Expr, body: &Expr, start: Cost) -> Cost {
    let base = Cost::ONE.plus(start).plus(static_cost(list));
    let body = static_cost(body);
    match static_len(list) {
        Some(n) => base.plus(body.times(n)),
        None => Cost {
            open: true,
            ..base.plus(body)
        },
    }
}

/// The most elements the list an expression yields can hold, when that is known at compile time.
fn static_len(e: &Expr) -> Option<u64> {
    match e {
        Expr::Lit(Value::Array(items)) => Some(items.len() as u64),
        // A scalar iterates as nothing.
        Expr::Lit(_) => Some(0),
        Expr::List(items) => Some(items.len() as u64),
        Expr::Iter(super::expr::IterOp::Map | super::expr::IterOp::Filter, list, _) => {
            static_len(list)
        }
        Expr::Merge(items) => items.iter().try_fold(0u64, |n, i| {
            let len = match i {
                Expr::Lit(Value::Array(a)) => a.len() as u64,
                Expr::Lit(_) => 1,
                other => static_len(other)?,
            };
            Some(n.saturating_add(len))
        }),
        Expr::If(items) => {
            // Any branch (every odd operand and the last) may be the result.
            let mut most = 0u64;
            for (i, item) in items.iter().enumerate() {
                if i % 2 == 1 || i + 1 == items.len() {
                    most = most.max(static_len(item)?);
                }
            }
            Some(most)
        }
        _ => None,
    }
}

/// Elements in a literal, all levels (what scanning or stringifying it walks).
fn literal_elements(v: &Value) -> u64 {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| 1 + literal_elements(i))
            .fold(0u64, u64::saturating_add),
        _ => 0,
    }
}

fn scan_steps(elements: u64) -> u64 {
    elements / SCAN_PER_STEP as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::compile::Compiler;
    use serde_json::json;

    fn cost(rule: Value) -> Cost {
        static_cost(&Compiler::new(None).compile(&rule, "").unwrap())
    }

    fn items(n: usize) -> Value {
        Value::Array((0..n).map(|i| json!(i)).collect())
    }

    #[test]
    fn iterating_a_literal_multiplies_its_body_by_its_length() {
        let one = cost(json!({"some": [items(250), false]}));
        let nested = cost(json!({"some": [items(250), {"some": [items(250), false]}]}));
        assert!(one.steps >= 250 && one.steps < 300, "{one:?}");
        assert!(nested.steps >= 250 * 250, "{nested:?}");
        assert!(!nested.open);
    }

    #[test]
    fn a_literal_array_is_charged_by_its_size() {
        let small = cost(json!({"in": [{"var": "id"}, ["a", "b"]]}));
        let big = cost(json!({"in": [{"var": "id"}, Value::Array(
            (0..16_000).map(|i| json!(format!("user-{i}"))).collect())]}));
        assert!(small.steps < 5, "{small:?}");
        assert_eq!(big.steps, 2 + 16_000 / SCAN_PER_STEP as u64);
    }

    #[test]
    fn iterating_context_data_is_open() {
        let c = cost(json!({"some": [{"var": "tags"}, {"==": [{"var": ""}, "x"]}]}));
        assert!(c.open);
        assert!(c.steps < 10);
    }
}
