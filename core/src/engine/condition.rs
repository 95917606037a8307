//! Conditions evaluated for their truth alone: an `if`'s conditions and what `and`, `or`, `!` and
//! `!!` hold there. The answer is always `expr.eval(..)?.truthy()`, with the same steps charged,
//! the same errors and the same order of evaluation; where the operation's truth can be had
//! without building its value (`and`/`or` give back one of their operands, `in` over a literal
//! list of strings and `sem_ver` read the context's attribute in place), it is.

use serde_json::Value;

use super::eval::{Data, Env, eval_sem_ver, root_key};
use super::expr::Expr;
use super::value::{Val, same_text};

impl Expr {
    /// Whether this evaluates to a truthy value (JsonLogic's truthiness).
    pub(crate) fn truthy<'a>(&'a self, env: &Env<'a>, data: Data<'a, '_>) -> Result<bool, String> {
        match self {
            Expr::And(args) => {
                env.step()?;
                for a in args {
                    if !a.truthy(env, data)? {
                        return Ok(false);
                    }
                }
                // `and` gives back its last operand, which was truthy; none at all is null.
                Ok(!args.is_empty())
            }
            Expr::Or(args) => {
                env.step()?;
                for a in args {
                    if a.truthy(env, data)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Expr::InStrings(needle, list) => {
                env.step()?;
                env.scan(list.len())?;
                match root_key(needle, data) {
                    // A top-level attribute: read in place, as `var` reads it.
                    Some(key) => {
                        env.step()?;
                        Ok(match env.attr(key) {
                            Some(Value::String(s)) => list.iter().any(|item| same_text(item, s)),
                            _ => false,
                        })
                    }
                    None => Ok(match needle.eval(env, data)? {
                        Val::Str(s) => list.iter().any(|item| same_text(item, &s)),
                        _ => false,
                    }),
                }
            }
            Expr::SemVer {
                version,
                op,
                target,
            } => {
                env.step()?;
                let outcome = eval_sem_ver(version, op, target, env, data);
                Ok(env.null_on_error(outcome, Val::Null)?.truthy())
            }
            Expr::Not(a) => {
                env.step()?;
                Ok(!a.truthy(env, data)?)
            }
            Expr::NotNot(a) => {
                env.step()?;
                a.truthy(env, data)
            }
            _ => Ok(self.eval(env, data)?.truthy()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::budget::Budget;
    use super::super::compile::Compiler;
    use super::*;
    use serde_json::json;

    #[test]
    fn truth_is_the_truthiness_of_the_value_with_the_same_steps() {
        let rules = [
            json!({"in": [{"var": "country"}, ["DE", "AT"]]}),
            json!({"in": [{"var": "missing"}, ["DE"]]}),
            json!({"in": [{"var": ["missing", "DE"]}, ["DE"]]}),
            json!({"in": [{"var": "n"}, ["1"]]}),
            json!({"and": [{"in": [{"var": "country"}, ["DE"]]}, {"var": "n"}]}),
            json!({"and": []}),
            json!({"or": []}),
            json!({"or": [{"var": "zero"}, {"in": [{"var": "plan"}, ["pro"]]}]}),
            json!({"!": {"sem_ver": [{"var": "appVersion"}, ">", "1.9.9"]}}),
            json!({"!!": {"sem_ver": [{"var": "appVersion"}, "~", "2.1.0-rc.1"]}}),
            json!({"sem_ver": [{"var": "appVersion"}, "^", "2.0.0"]}),
            json!({"sem_ver": [{"var": "beta"}, "<", "2.0.0"]}),
            json!({"sem_ver": [{"var": "missing"}, "<", "2.0.0"]}),
            json!({"sem_ver": [{"var": "n"}, ">=", "1.0.0"]}),
            json!({"sem_ver": [{"var": "appVersion"}, {"var": "op"}, "2.1.0"]}),
            json!({"and": [{"var": "country"}, {"cat": ["a", "b"]}]}),
        ];
        let ctx = json!({"country": "DE", "plan": "pro", "appVersion": "v2.1.0", "n": 1,
                         "zero": 0, "beta": "1.9.0-beta.2", "op": ">="});
        for rule in rules {
            let expr = Compiler::new(None).compile(&rule, "").expect("compiles");
            let (a, b) = (
                Env::new(&ctx, "f", 0, Budget::DEFAULT),
                Env::new(&ctx, "f", 0, Budget::DEFAULT),
            );
            let by_truth = expr.truthy(&a, Data::Root);
            let by_value = expr.eval(&b, Data::Root).map(|v| v.truthy());
            assert_eq!(by_truth, by_value, "{rule}");
            assert_eq!(a.steps_left(), b.steps_left(), "{rule}");
            assert_eq!(a.operator_error(), b.operator_error(), "{rule}");
        }
    }
}
