//! Whether a flag can answer differently for different contexts: a flag whose rule reads neither
//! the context nor the time (no rule at all, a constant rule, a disabled or broken flag) answers
//! every client the same, so a server streaming to many clients may evaluate it once for all.

use super::document::{FlagSet, Targeting};
use super::expr::{Expr, SemVerOperand, SemVerTarget, VarPath};

impl Expr {
    /// Whether evaluating it may read the context or the time. `fractional` reads the
    /// targeting key unless given a key, and the iterating operators read their items through
    /// `var`: both count as reading.
    pub(crate) fn reads_context(&self) -> bool {
        let any = |xs: &[Expr]| xs.iter().any(Expr::reads_context);
        match self {
            Expr::Lit(_) | Expr::Fail(_) => false,
            Expr::Var { path, default } => match path {
                VarPath::FlagKey | VarPath::Flagd => {
                    default.as_deref().is_some_and(Expr::reads_context)
                }
                VarPath::Whole | VarPath::Timestamp | VarPath::Key(_) | VarPath::Path(_) => true,
            },
            Expr::VarDyn { .. }
            | Expr::Missing(_)
            | Expr::MissingSome(..)
            | Expr::Iter(..)
            | Expr::Reduce(..)
            | Expr::Fractional(_) => true,
            Expr::List(xs)
            | Expr::If(xs)
            | Expr::And(xs)
            | Expr::Or(xs)
            | Expr::Cmp(_, xs)
            | Expr::Arith(_, xs)
            | Expr::Merge(xs)
            | Expr::Cat(xs)
            | Expr::Substr(xs) => any(xs),
            Expr::Eq(a, b)
            | Expr::NotEq(a, b)
            | Expr::StrictEq(a, b)
            | Expr::StrictNotEq(a, b)
            | Expr::In(a, b)
            | Expr::StartsWith(a, b)
            | Expr::EndsWith(a, b) => a.reads_context() || b.reads_context(),
            Expr::Not(a) | Expr::NotNot(a) | Expr::Isolated(a) | Expr::InStrings(a, _) => {
                a.reads_context()
            }
            Expr::SemVer {
                version,
                op,
                target,
            } => {
                version.reads_context()
                    || matches!(op, SemVerOperand::Computed(e) if e.reads_context())
                    || matches!(target, SemVerTarget::Computed(e) if e.reads_context())
            }
        }
    }
}

impl FlagSet {
    /// Whether `key` is a flag that answers every context the same (see the module).
    pub fn same_for_everyone(&self, key: &str) -> bool {
        self.get(key).is_some_and(|flag| {
            !flag.enabled
                || match &flag.targeting {
                    Targeting::Rule(rule) => !rule.reads_context(),
                    Targeting::None | Targeting::Broken(_) | Targeting::OverBudget(_) => true,
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Context;
    use serde_json::{Value, json};

    fn flags(targeting: Value) -> FlagSet {
        FlagSet::parse(&json!({"flags": {"f": {"state": "ENABLED",
            "variants": {"on": true, "off": false}, "defaultVariant": "off",
            "targeting": targeting}}}))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn same(targeting: Value) -> bool {
        flags(targeting).same_for_everyone("f")
    }

    #[test]
    fn a_flag_without_a_rule_is_the_same_for_everyone() {
        assert!(same(json!({})));
    }

    #[test]
    fn a_constant_rule_is_the_same_for_everyone() {
        assert!(same(json!({"if": [true, "on"]})));
        assert!(same(
            json!({"if": [{"==": [{"var": "$flagd.flagKey"}, "f"]}, "on", "off"]})
        ));
    }

    #[test]
    fn a_rule_reading_the_context_is_not() {
        assert!(!same(
            json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on"]})
        ));
        assert!(!same(
            json!({"if": [{"in": [{"var": "country"}, ["DE"]]}, "on"]})
        ));
        assert!(!same(json!({"if": [{"missing": ["email"]}, "off", "on"]})));
        assert!(!same(
            json!({"if": [{"sem_ver": [{"var": "v"}, ">=", "1.0.0"]}, "on"]})
        ));
    }

    #[test]
    fn a_split_reads_the_targeting_key() {
        assert!(!same(json!({"fractional": [["on", 50], ["off", 50]]})));
    }

    #[test]
    fn a_rule_reading_the_time_is_not() {
        assert!(!same(
            json!({"if": [{">": [{"var": "$flagd.timestamp"}, 0]}, "on"]})
        ));
    }

    #[test]
    fn an_unknown_flag_is_not() {
        assert!(!flags(json!({})).same_for_everyone("nope"));
    }

    #[test]
    fn what_is_the_same_for_everyone_answers_every_context_alike() {
        let f = flags(json!({"if": [{"and": [true, {"!": false}]}, "on", "off"]}));
        let (a, b) = (json!({}), json!({"targetingKey": "u", "plan": "pro"}));
        let ra = f.evaluate("f", &Context::new(&a, 0).unwrap_or_else(|e| panic!("{e}")));
        let rb = f.evaluate("f", &Context::new(&b, 99).unwrap_or_else(|e| panic!("{e}")));
        assert!(f.same_for_everyone("f"));
        assert_eq!(
            (ra.value, ra.variant, ra.reason),
            (rb.value, rb.variant, rb.reason)
        );
    }
}
