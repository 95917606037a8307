//! Compiles JsonLogic (with flagd's operators and `$ref`s) into [`Expr`] trees.
//!
//! Two kinds of problem come out: hard ones (an unknown operator, a `$ref` to nothing, a rule too
//! deep or too large) make the whole rule unusable, and flagd answers PARSE_ERROR for such a flag;
//! soft ones (a custom operator with the wrong number or kind of literal operands) compile into a
//! failing node, so the rule loads and that operation yields an error at evaluation, as in flagd.
//! Both are reported, with their JSON Pointer, so that strict callers can reject the document.

use serde_json::{Map, Value};

use super::expr::{ArithOp, CmpOp, Expr, IterOp, SemVerOperand, SemVerTarget, VarPath};
use super::expr::{Bucket, Fractional};
use super::problem::{Problem, pointer};
use super::semver::SemVerOp;

/// Deepest rule nesting accepted; deeper rules are rejected rather than risk the stack.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most operations one rule may expand to (after `$ref`s are inlined).
pub(crate) const MAX_NODES: usize = 50_000;

pub(crate) struct Compiler<'d> {
    evaluators: Option<&'d Map<String, Value>>,
    /// Soft problems found so far.
    pub(crate) soft: Vec<Problem>,
    refs: Vec<String>,
    /// Every evaluator a `$ref` reached, in the order first met.
    pub(crate) used: Vec<String>,
    nodes: usize,
}

type Compiled = Result<Expr, Problem>;

impl<'d> Compiler<'d> {
    pub(crate) fn new(evaluators: Option<&'d Map<String, Value>>) -> Self {
        Compiler {
            evaluators,
            soft: Vec::new(),
            refs: Vec::new(),
            used: Vec::new(),
            nodes: 0,
        }
    }

    pub(crate) fn compile(&mut self, rule: &Value, path: &str) -> Compiled {
        self.node(rule, path, 0)
    }

    fn node(&mut self, rule: &Value, path: &str, depth: usize) -> Compiled {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Problem::new(
                path,
                format!("rule is too large (more than {MAX_NODES} operations)"),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(Problem::new(
                path,
                format!("rule is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        match rule {
            Value::Array(items) => {
                if is_constant(rule) {
                    return Ok(Expr::Lit(rule.clone()));
                }
                let list = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.node(v, &pointer(path, &i.to_string()), depth + 1))
                    .collect::<Result<_, _>>()?;
                Ok(Expr::List(list))
            }
            Value::Object(map) if map.is_empty() => Ok(Expr::Lit(rule.clone())),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((op, args)), None) => {
                        self.operation(op, args, &pointer(path, op), depth + 1)
                    }
                    _ => Err(Problem::new(
                        path,
                        format!(
                            "a rule object must hold exactly one operator, found {} keys ({})",
                            map.len(),
                            map.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    )),
                }
            }
            scalar => Ok(Expr::Lit(scalar.clone())),
        }
    }

    /// Compiles an operation's operands; a single non-array operand is a list of one.
    fn args(&mut self, args: &Value, path: &str, depth: usize) -> Result<Vec<Expr>, Problem> {
        match args {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| self.node(v, &pointer(path, &i.to_string()), depth + 1))
                .collect(),
            single => Ok(vec![self.node(single, path, depth)?]),
        }
    }

    fn soft_fail(&mut self, path: &str, message: String) -> Compiled {
        self.soft.push(Problem::new(path, message.clone()));
        Ok(Expr::Fail(message))
    }

    fn operation(&mut self, op: &str, args: &Value, path: &str, depth: usize) -> Compiled {
        let b = Box::new;
        let unary = |v: Vec<Expr>| v.into_iter().next().unwrap_or(Expr::Lit(Value::Null));
        let binary = |v: Vec<Expr>| {
            let mut it = v.into_iter();
            let a = it.next().unwrap_or(Expr::Lit(Value::Null));
            let c = it.next().unwrap_or(Expr::Lit(Value::Null));
            (Box::new(a), Box::new(c))
        };
        Ok(match op {
            "$ref" => return self.reference(args, path, depth),
            "var" => return self.var(args, path, depth),
            "fractional" => return self.fractional(args, path, depth),
            "sem_ver" => return self.sem_ver(args, path, depth),
            "if" | "?:" => Expr::If(self.args(args, path, depth)?),
            "==" => binary(self.args(args, path, depth)?).pipe(|(x, y)| Expr::Eq(x, y)),
            "!=" => binary(self.args(args, path, depth)?).pipe(|(x, y)| Expr::NotEq(x, y)),
            "===" => binary(self.args(args, path, depth)?).pipe(|(x, y)| Expr::StrictEq(x, y)),
            "!==" => binary(self.args(args, path, depth)?).pipe(|(x, y)| Expr::StrictNotEq(x, y)),
            "!" => Expr::Not(b(unary(self.args(args, path, depth)?))),
            "!!" => Expr::NotNot(b(unary(self.args(args, path, depth)?))),
            "and" => Expr::And(self.args(args, path, depth)?),
            "or" => Expr::Or(self.args(args, path, depth)?),
            "<" => Expr::Cmp(CmpOp::Lt, self.args(args, path, depth)?),
            "<=" => Expr::Cmp(CmpOp::Le, self.args(args, path, depth)?),
            ">" => Expr::Cmp(CmpOp::Gt, self.args(args, path, depth)?),
            ">=" => Expr::Cmp(CmpOp::Ge, self.args(args, path, depth)?),
            "+" => Expr::Arith(ArithOp::Add, self.args(args, path, depth)?),
            "-" => Expr::Arith(ArithOp::Sub, self.args(args, path, depth)?),
            "*" => Expr::Arith(ArithOp::Mul, self.args(args, path, depth)?),
            "/" => Expr::Arith(ArithOp::Div, self.args(args, path, depth)?),
            "%" => Expr::Arith(ArithOp::Mod, self.args(args, path, depth)?),
            "min" => Expr::Arith(ArithOp::Min, self.args(args, path, depth)?),
            "max" => Expr::Arith(ArithOp::Max, self.args(args, path, depth)?),
            "map" | "filter" | "all" | "none" | "some" => {
                let kind = match op {
                    "map" => IterOp::Map,
                    "filter" => IterOp::Filter,
                    "all" => IterOp::All,
                    "none" => IterOp::None,
                    _ => IterOp::Some,
                };
                binary(self.args(args, path, depth)?).pipe(|(x, y)| Expr::Iter(kind, x, y))
            }
            "reduce" => {
                let mut it = self.args(args, path, depth)?.into_iter();
                let mut next = || b(it.next().unwrap_or(Expr::Lit(Value::Null)));
                Expr::Reduce(next(), next(), next())
            }
            "merge" => Expr::Merge(self.args(args, path, depth)?),
            "in" => binary(self.args(args, path, depth)?).pipe(|(x, y)| match *y {
                Expr::Lit(Value::Array(items)) if items.iter().all(Value::is_string) => {
                    let strings = items.into_iter().filter_map(|i| match i {
                        Value::String(s) => Some(s),
                        _ => None,
                    });
                    Expr::InStrings(x, strings.collect())
                }
                y => Expr::In(x, Box::new(y)),
            }),
            "cat" => Expr::Cat(self.args(args, path, depth)?),
            "substr" => Expr::Substr(self.args(args, path, depth)?),
            "missing" => Expr::Missing(self.args(args, path, depth)?),
            "missing_some" => {
                binary(self.args(args, path, depth)?).pipe(|(x, y)| Expr::MissingSome(x, y))
            }
            // `log` would print in JavaScript; the engine is pure, so it passes its value through.
            "log" => unary(self.args(args, path, depth)?),
            "starts_with" | "ends_with" => {
                let list = self.args(args, path, depth)?;
                if list.len() != 2 {
                    return self.soft_fail(
                        path,
                        format!(
                            "{op} takes 2 operands (a value and a string), got {}",
                            list.len()
                        ),
                    );
                }
                let (x, y) = binary(list);
                if op == "starts_with" {
                    Expr::StartsWith(x, y)
                } else {
                    Expr::EndsWith(x, y)
                }
            }
            unknown => {
                return Err(Problem::new(path, format!("unknown operator {unknown:?}")));
            }
        })
    }

    fn reference(&mut self, args: &Value, path: &str, depth: usize) -> Compiled {
        let Value::String(name) = args else {
            return Err(Problem::new(path, "$ref takes the name of an evaluator"));
        };
        let Some(target) = self.evaluators.and_then(|e| e.get(name)) else {
            return Err(Problem::new(
                path,
                format!("$ref names {name:?}, which is not in $evaluators"),
            ));
        };
        if self.refs.contains(name) {
            return Err(Problem::new(
                path,
                format!("$ref {name:?} refers back to itself"),
            ));
        }
        if !self.used.contains(name) {
            self.used.push(name.clone());
        }
        self.refs.push(name.clone());
        let compiled = self.node(target, &pointer("/$evaluators", name), depth);
        self.refs.pop();
        if crate::flagd::prerequisites::is_flag_evaluator(name) {
            return compiled.map(|e| Expr::Isolated(Box::new(e)));
        }
        compiled
    }

    fn var(&mut self, args: &Value, path: &str, depth: usize) -> Compiled {
        let (path_arg, default) = match args {
            Value::Array(items) => (items.first(), items.get(1)),
            single => (Some(single), None),
        };
        let default = match default {
            Some(d) => Some(Box::new(self.node(d, &pointer(path, "1"), depth + 1)?)),
            None => None,
        };
        match path_arg {
            None | Some(Value::Null) => Ok(Expr::Var {
                path: VarPath::Whole,
                default,
            }),
            Some(Value::String(p)) => Ok(Expr::Var {
                path: VarPath::parse(p),
                default,
            }),
            Some(Value::Number(n)) => Ok(Expr::Var {
                path: VarPath::parse(&n.to_string()),
                default,
            }),
            Some(other) => {
                let dynamic = self.node(other, &pointer(path, "0"), depth + 1)?;
                Ok(Expr::VarDyn {
                    path: Box::new(dynamic),
                    default,
                })
            }
        }
    }

    fn sem_ver(&mut self, args: &Value, path: &str, depth: usize) -> Compiled {
        let list = match args {
            Value::Array(items) => items,
            _ => return self.soft_fail(path, "sem_ver takes [version, operator, target]".into()),
        };
        if list.len() != 3 {
            return self.soft_fail(
                path,
                format!(
                    "sem_ver takes 3 operands (version, operator, target), got {}",
                    list.len()
                ),
            );
        }
        let op = match &list[1] {
            Value::String(s) => match SemVerOp::parse(s) {
                Some(op) => SemVerOperand::Known(op),
                None => {
                    return self.soft_fail(
                        &pointer(path, "1"),
                        format!("sem_ver operator {s:?} is not one of =, !=, <, <=, >, >=, ^, ~"),
                    );
                }
            },
            other => SemVerOperand::Computed(Box::new(self.node(
                other,
                &pointer(path, "1"),
                depth + 1,
            )?)),
        };
        let target = match &list[2] {
            Value::String(t) => match super::semver::parse_version(t) {
                Ok(v) => SemVerTarget::Known(v),
                Err(e) => {
                    return self.soft_fail(&pointer(path, "2"), format!("sem_ver target: {e}"));
                }
            },
            other => SemVerTarget::Computed(Box::new(self.node(
                other,
                &pointer(path, "2"),
                depth + 1,
            )?)),
        };
        Ok(Expr::SemVer {
            version: Box::new(self.node(&list[0], &pointer(path, "0"), depth + 1)?),
            op,
            target,
        })
    }

    fn fractional(&mut self, args: &Value, path: &str, depth: usize) -> Compiled {
        let Value::Array(items) = args else {
            return self.soft_fail(
                path,
                "fractional takes a list of [variant, weight] buckets".into(),
            );
        };
        // A leading operand that is not a bucket (an array) is the bucketing key.
        let (key, buckets) = match items.split_first() {
            Some((first, rest)) if !first.is_array() => (
                Some(self.node(first, &pointer(path, "0"), depth + 1)?),
                (rest, 1),
            ),
            _ => (None, (items.as_slice(), 0)),
        };
        let (buckets, offset) = buckets;
        if buckets.is_empty() {
            return self.soft_fail(path, "fractional needs at least one bucket".into());
        }
        let mut compiled = Vec::with_capacity(buckets.len());
        for (i, bucket) in buckets.iter().enumerate() {
            let at = pointer(path, &(i + offset).to_string());
            let parts = match bucket {
                Value::Array(parts) if (1..=2).contains(&parts.len()) => parts,
                _ => {
                    return self.soft_fail(
                        &at,
                        "a fractional bucket is [variant] or [variant, weight]".into(),
                    );
                }
            };
            if let Some(Value::Number(n)) = parts.get(1)
                && n.as_f64().is_some_and(|w| w.fract() != 0.0)
            {
                return self.soft_fail(
                    &pointer(&at, "1"),
                    format!("fractional weight {n} is not a whole number"),
                );
            }
            if let Some(Value::Number(n)) = parts.get(1)
                && n.as_f64().is_some_and(|w| w < 0.0)
            {
                // Schema 0.2.15 sets a literal weight's minimum at 0. The rule still loads and the
                // weight counts as 0, as flagd clamps computed weights; strict callers reject it.
                self.soft.push(Problem::new(
                    pointer(&at, "1"),
                    format!("fractional weight {n} is negative (the minimum is 0; it counts as 0)"),
                ));
            }
            let variant = self.node(&parts[0], &pointer(&at, "0"), depth + 2)?;
            let weight = match parts.get(1) {
                Some(w) => Some(self.node(w, &pointer(&at, "1"), depth + 2)?),
                None => None,
            };
            compiled.push(Bucket { variant, weight });
        }
        let const_weights = compiled
            .iter()
            .map(|b| match &b.weight {
                None => Some(1),
                Some(Expr::Lit(w)) => {
                    super::fractional::weight_of(&super::value::Val::from_json(w)).ok()
                }
                Some(_) => None,
            })
            .collect::<Option<Vec<u64>>>()
            .filter(|w| w.iter().sum::<u64>() <= super::fractional::MAX_TOTAL_WEIGHT);
        Ok(Expr::Fractional(Box::new(Fractional {
            key,
            buckets: compiled,
            const_weights,
        })))
    }
}

/// An array with no rule objects anywhere inside (and not absurdly deep) is a constant.
fn is_constant(v: &Value) -> bool {
    fn within(v: &Value, depth: usize) -> bool {
        match v {
            Value::Array(items) => depth < MAX_DEPTH && items.iter().all(|i| within(i, depth + 1)),
            Value::Object(_) => false,
            _ => true,
        }
    }
    within(v, 0)
}

/// A small helper to keep the operator table one line per operator.
trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}
