//! Evaluates compiled rules against a borrowed context.
//!
//! An operation that cannot work (a custom operator given the wrong kind of value) is an error,
//! and the error ends the whole rule: flagd then serves the default variant with reason DEFAULT.

use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

use super::budget::{ELEMENT_BYTES, built_bytes, container_len};
pub(crate) use super::env::{Data, Env};
use super::eval_fractional::eval_fractional;
pub(crate) use super::eval_fractional::{fractional_key, fractional_weights};
use super::expr::{ArithOp, CmpOp, Expr, IterOp, SemVerOperand, SemVerTarget, VarPath};
use super::semver::{SemVerOp, plain_core, version_of};
use super::value::{Val, compare, loose_eq, strict_eq};

pub(crate) type Eval<'a> = Result<Val<'a>, String>;

const NULL: Val<'static> = Val::Null;

impl Expr {
    pub(crate) fn eval<'a>(&'a self, env: &Env<'a>, data: Data<'a, '_>) -> Eval<'a> {
        env.step()?;
        Ok(match self {
            Expr::Lit(v) => Val::from_json(v),
            Expr::Var { path, default } => {
                let found = lookup(path, env, data);
                if !matches!(data, Data::Root) {
                    env.copy(&found)?;
                }
                match (found, default) {
                    (Val::Null, Some(d)) => d.eval(env, data)?,
                    (found, _) => found,
                }
            }
            Expr::If(args) => eval_if(args, env, data)?,
            Expr::Eq(a, b) => Val::Bool(loose_eq_charged(a, b, env, data)?),
            Expr::StrictEq(a, b) => Val::Bool(strict_eq(&a.eval(env, data)?, &b.eval(env, data)?)),
            Expr::And(args) => {
                let mut last = Val::Null;
                for a in args {
                    last = a.eval(env, data)?;
                    if !last.truthy() {
                        break;
                    }
                }
                last
            }
            Expr::Or(args) => {
                let mut last = Val::Null;
                for a in args {
                    last = a.eval(env, data)?;
                    if last.truthy() {
                        break;
                    }
                }
                last
            }
            Expr::In(needle, hay) => {
                let needle = needle.eval(env, data)?;
                let hay = hay.eval(env, data)?;
                env.scan(container_len(&hay))?;
                Val::Bool(match &hay {
                    // JavaScript's `String(null)` is "null", not "": a missing attribute is not
                    // "in" every string (json-logic-js: `"DE,AT".indexOf(null)` is -1).
                    Val::Str(h) if matches!(needle, Val::Null) => h.contains("null"),
                    Val::Str(h) => {
                        env.stringify(&needle)?;
                        h.contains(needle.to_js_string().as_ref())
                    }
                    Val::Json(Value::Array(items)) => {
                        items.iter().any(|i| strict_eq(&needle, &Val::from_json(i)))
                    }
                    Val::Arr(items) => items.iter().any(|i| strict_eq(&needle, i)),
                    _ => false,
                })
            }
            Expr::InStrings(needle, list) => {
                env.scan(list.len())?;
                Val::Bool(match needle.eval(env, data)? {
                    Val::Str(s) => list.iter().any(|item| *item == s),
                    _ => false,
                })
            }
            Expr::Cmp(op, args) => Val::Bool(eval_cmp(*op, args, env, data)?),
            // flagd's operators evaluate to null when they fail, and the rule goes on (an `if`
            // takes its else branch), as in flagd, flagd-core and json-logic-js.
            Expr::Fractional(f) => env.null_on_error(eval_fractional(f, env, data), Val::Null)?,
            Expr::SemVer {
                version,
                op,
                target,
            } => env.null_on_error(eval_sem_ver(version, op, target, env, data), Val::Null)?,
            Expr::StartsWith(a, b) => env.null_on_error(
                two_strings("starts_with", a, b, env, data)
                    .map(|(s, p)| Val::Bool(s.starts_with(p.as_ref()))),
                Val::Null,
            )?,
            Expr::EndsWith(a, b) => env.null_on_error(
                two_strings("ends_with", a, b, env, data)
                    .map(|(s, p)| Val::Bool(s.ends_with(p.as_ref()))),
                Val::Null,
            )?,
            _ => return self.eval_rare(env, data),
        })
    }

    /// The operations rules use less often, kept apart so that the common path stays small.
    #[inline(never)]
    fn eval_rare<'a>(&'a self, env: &Env<'a>, data: Data<'a, '_>) -> Eval<'a> {
        Ok(match self {
            Expr::List(items) => {
                env.build(items.len() * ELEMENT_BYTES)?;
                Val::Arr(
                    items
                        .iter()
                        .map(|e| e.eval(env, data))
                        .collect::<Result<_, _>>()?,
                )
            }
            Expr::VarDyn { path, default } => {
                let p = path.eval(env, data)?;
                env.stringify(&p)?;
                let path = VarPath::parse(&p.to_js_string());
                let found = lookup(&path, env, data);
                if !matches!(data, Data::Root) {
                    env.copy(&found)?;
                }
                match (found, default) {
                    (Val::Null, Some(d)) => d.eval(env, data)?,
                    (found, _) => found,
                }
            }
            Expr::Missing(args) => Val::Arr(missing(args, env, data)?),
            Expr::MissingSome(need, keys) => {
                let need = need.eval(env, data)?.to_number();
                let keys = elements(&keys.eval(env, data)?, env)?.unwrap_or_default();
                env.scan(keys.len())?;
                let absent = missing_keys(&keys, env, data);
                if (keys.len() - absent.len()) as f64 >= need {
                    Val::Arr(Vec::new())
                } else {
                    Val::Arr(absent)
                }
            }
            Expr::NotEq(a, b) => Val::Bool(!loose_eq_charged(a, b, env, data)?),
            Expr::StrictNotEq(a, b) => {
                Val::Bool(!strict_eq(&a.eval(env, data)?, &b.eval(env, data)?))
            }
            Expr::Not(a) => Val::Bool(!a.truthy(env, data)?),
            Expr::NotNot(a) => Val::Bool(a.truthy(env, data)?),
            Expr::Arith(op, args) => eval_arith(*op, args, env, data)?,
            Expr::Iter(op, list, body) => eval_iter(*op, list, body, env, data)?,
            Expr::Reduce(list, body, init) => {
                let mut acc = init.eval(env, data)?;
                let items = Items::of(list.eval(env, data)?, env)?;
                for i in 0..items.len() {
                    acc = body.eval(env, Data::Reduce(&items.get(i), &acc))?;
                }
                acc
            }
            Expr::Merge(args) => {
                let mut out = Vec::new();
                for a in args {
                    let v = a.eval(env, data)?;
                    match elements(&v, env)? {
                        Some(items) => out.extend(items),
                        None => {
                            env.build(ELEMENT_BYTES)?;
                            out.push(v);
                        }
                    }
                }
                Val::Arr(out)
            }
            Expr::Cat(args) => {
                let mut out = String::new();
                for a in args {
                    let v = a.eval(env, data)?;
                    env.stringify(&v)?;
                    let piece = v.to_js_string();
                    env.build(piece.len())?;
                    out.push_str(&piece);
                }
                Val::Str(Cow::Owned(out))
            }
            Expr::Substr(args) => substr(args, env, data)?,
            Expr::Isolated(inner) => {
                let split = env.split.get();
                let out = inner.eval(env, data);
                env.split.set(split);
                match out {
                    Err(e) if env.exhausted() => return Err(e),
                    Err(_) => Val::Null,
                    Ok(v) => v,
                }
            }
            Expr::Fail(message) => env.null_on_error(Err(message.clone()), Val::Null)?,
            // Every other operation is handled on the common path, which never sends it here.
            _ => return Err("internal: operation dispatched to the wrong evaluator".to_owned()),
        })
    }
}

/// Loose equality, charging for the strings it makes of arrays and objects.
fn loose_eq_charged<'a>(
    a: &'a Expr,
    b: &'a Expr,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<bool, String> {
    let (x, y) = (a.eval(env, data)?, b.eval(env, data)?);
    if matches!(x, Val::Json(_) | Val::Arr(_)) != matches!(y, Val::Json(_) | Val::Arr(_)) {
        env.stringify(&x)?;
        env.stringify(&y)?;
    }
    Ok(loose_eq(&x, &y))
}

/// The elements of an array value (see [`Val::elements`]), charged as a list built.
fn elements<'a>(v: &Val<'a>, env: &Env<'a>) -> Result<Option<Vec<Val<'a>>>, String> {
    match v {
        Val::Json(Value::Array(a)) => env.build(a.len() * ELEMENT_BYTES)?,
        Val::Arr(_) => env.build(built_bytes(v))?,
        _ => return Ok(None),
    }
    Ok(v.elements())
}

pub(crate) fn eval_sem_ver<'a>(
    version: &'a Expr,
    op: &'a SemVerOperand,
    target: &'a SemVerTarget,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<Val<'a>, String> {
    let value = match root_key(version, data) {
        // What `var` does at the top level, without going through the whole evaluator.
        Some(key) => {
            env.step()?;
            env.attr(key).map_or(Val::Null, Val::from_json)
        }
        None => version.eval(env, data)?,
    };
    // The common case: a known operator and target, the target a release (no pre-release part),
    // and a plain `MAJOR.MINOR.PATCH` version: compared as three numbers, nothing built.
    if let (SemVerOperand::Known(op), SemVerTarget::Known(t), Val::Str(s)) = (op, target, &value)
        && t.pre.is_empty()
        && let Some(core) = plain_core(s)
    {
        return Ok(Val::Bool(op.apply_core(core, [t.major, t.minor, t.patch])));
    }
    let v = version_of(&value)?;
    let op = match op {
        SemVerOperand::Known(op) => *op,
        SemVerOperand::Computed(e) => {
            let o = e.eval(env, data)?;
            o.as_str()
                .and_then(SemVerOp::parse)
                .ok_or_else(|| format!("sem_ver: {} is not an operator", o.to_json()))?
        }
    };
    Ok(Val::Bool(match target {
        SemVerTarget::Known(t) => op.apply(&v, t),
        SemVerTarget::Computed(e) => op.apply(&v, &version_of(&e.eval(env, data)?)?),
    }))
}

/// The key of a `var` that reads one top-level attribute of the context (no default), when
/// evaluated at the top level: what the fast paths read in place.
#[inline]
pub(crate) fn root_key<'e>(expr: &'e Expr, data: Data<'_, '_>) -> Option<&'e str> {
    match (expr, data) {
        (
            Expr::Var {
                path: VarPath::Key(key),
                default: None,
            },
            Data::Root,
        ) => Some(key),
        _ => None,
    }
}

pub(crate) fn eval_if<'a>(args: &'a [Expr], env: &Env<'a>, data: Data<'a, '_>) -> Eval<'a> {
    let mut i = 0;
    while i + 1 < args.len() {
        if args[i].truthy(env, data)? {
            return match &args[i + 1] {
                // What rule builders write: the name of a variant.
                Expr::Lit(v) => env.step().map(|()| Val::from_json(v)),
                chosen => chosen.eval(env, data),
            };
        }
        i += 2;
    }
    match args.get(i) {
        Some(otherwise) => otherwise.eval(env, data),
        None => Ok(Val::Null),
    }
}

/// Reads a path from the current data.
fn lookup<'a>(path: &VarPath, env: &Env<'a>, data: Data<'a, '_>) -> Val<'a> {
    match (data, path) {
        (Data::Root, VarPath::Key(k)) => env.attr(k).map_or(Val::Null, Val::from_json),
        (Data::Root, VarPath::FlagKey) => Val::Str(Cow::Borrowed(env.flag_key)),
        (Data::Root, VarPath::Timestamp) => Val::Num(env.now as f64),
        (Data::Root, VarPath::Whole) => Val::from_json(env.ctx),
        (Data::Root, VarPath::Path(segments)) => {
            walk_json(env.ctx, segments).map_or(Val::Null, Val::from_json)
        }
        (Data::Item(item), VarPath::Whole) => item.clone(),
        (Data::Item(item), VarPath::Key(k)) => walk_val(item, std::slice::from_ref(k)),
        (Data::Item(item), VarPath::Path(segments)) => walk_val(item, segments),
        (Data::Reduce(current, acc), VarPath::Key(_) | VarPath::Path(_)) => {
            let segments: &[String] = match path {
                VarPath::Path(segments) => segments,
                VarPath::Key(k) => std::slice::from_ref(k),
                _ => &[],
            };
            if segments.is_empty() {
                return Val::Null;
            }
            let base = match segments[0].as_str() {
                "current" => current,
                "accumulator" => acc,
                _ => return Val::Null,
            };
            walk_val(base, &segments[1..])
        }
        // `$flagd` properties exist only at the top level, and flagd's own replace the caller's.
        (_, VarPath::Flagd) | (Data::Item(_) | Data::Reduce(..), _) => Val::Null,
    }
}

fn walk_json<'a>(mut at: &'a Value, segments: &[String]) -> Option<&'a Value> {
    for s in segments {
        at = match at {
            Value::Object(m) => m.get(s)?,
            Value::Array(a) => a.get(s.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

fn walk_val<'a>(at: &Val<'a>, segments: &[String]) -> Val<'a> {
    let Some((first, rest)) = segments.split_first() else {
        return at.clone();
    };
    match at {
        Val::Json(v) => walk_json(v, segments).map_or(Val::Null, Val::from_json),
        Val::Arr(items) => match first.parse::<usize>().ok().and_then(|i| items.get(i)) {
            Some(next) => walk_val(next, rest),
            None => Val::Null,
        },
        _ => Val::Null,
    }
}

fn missing<'a>(
    args: &'a [Expr],
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<Vec<Val<'a>>, String> {
    let mut keys = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        let v = a.eval(env, data)?;
        match elements(&v, env)? {
            // `{"missing": [["a", "b"]]}` and `{"missing": {"merge": ...}}` pass a list of keys.
            Some(list) if i == 0 => {
                keys = list;
                break;
            }
            _ => keys.push(v),
        }
    }
    env.scan(keys.len())?;
    env.build(keys.len() * ELEMENT_BYTES)?;
    Ok(missing_keys(&keys, env, data))
}

fn missing_keys<'a>(keys: &[Val<'a>], env: &Env<'a>, data: Data<'a, '_>) -> Vec<Val<'a>> {
    keys.iter()
        .filter(|k| {
            let path = VarPath::parse(&k.to_js_string());
            match lookup(&path, env, data) {
                Val::Null => true,
                Val::Str(s) => s.is_empty(),
                _ => false,
            }
        })
        .cloned()
        .collect()
}

fn eval_cmp<'a>(
    op: CmpOp,
    args: &'a [Expr],
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<bool, String> {
    let holds = |a: &Val<'_>, b: &Val<'_>| {
        compare(a, b).is_some_and(|o| match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
        })
    };
    let a = args.first().map_or(Ok(NULL), |e| e.eval(env, data))?;
    let b = args.get(1).map_or(Ok(NULL), |e| e.eval(env, data))?;
    match (op, args.get(2)) {
        // Between: `a < b < c` and `a <= b <= c`.
        (CmpOp::Lt | CmpOp::Le, Some(c)) => {
            let c = c.eval(env, data)?;
            Ok(holds(&a, &b) && holds(&b, &c))
        }
        _ => Ok(holds(&a, &b)),
    }
}

fn eval_arith<'a>(op: ArithOp, args: &'a [Expr], env: &Env<'a>, data: Data<'a, '_>) -> Eval<'a> {
    let mut nums = Vec::with_capacity(args.len());
    for a in args {
        nums.push(a.eval(env, data)?.to_number());
    }
    let first = nums.first().copied().unwrap_or(f64::NAN);
    let second = nums.get(1).copied().unwrap_or(f64::NAN);
    let n = match op {
        ArithOp::Add => nums.iter().sum(),
        ArithOp::Mul => nums.iter().product(),
        ArithOp::Sub if nums.len() == 1 => -first,
        ArithOp::Sub => first - second,
        ArithOp::Div => first / second,
        ArithOp::Mod => first % second,
        ArithOp::Min if nums.is_empty() => return Ok(Val::Null),
        ArithOp::Max if nums.is_empty() => return Ok(Val::Null),
        ArithOp::Min => nums.iter().copied().fold(f64::INFINITY, f64::min),
        ArithOp::Max => nums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    };
    Ok(Val::Num(n))
}

fn eval_iter<'a>(
    op: IterOp,
    list: &'a Expr,
    body: &'a Expr,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Eval<'a> {
    let items = Items::of(list.eval(env, data)?, env)?;
    if matches!(op, IterOp::Map | IterOp::Filter) {
        env.build(items.len() * ELEMENT_BYTES)?;
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let item = items.get(i);
        let v = body.eval(env, Data::Item(&item))?;
        match op {
            IterOp::Map => out.push(v),
            IterOp::Filter if v.truthy() => out.push(item),
            IterOp::All if !v.truthy() => return Ok(Val::Bool(false)),
            IterOp::Some if v.truthy() => return Ok(Val::Bool(true)),
            IterOp::None if v.truthy() => return Ok(Val::Bool(false)),
            _ => {}
        }
    }
    Ok(match op {
        IterOp::Map | IterOp::Filter => Val::Arr(out),
        IterOp::All => Val::Bool(items.len() != 0),
        IterOp::Some => Val::Bool(false),
        IterOp::None => Val::Bool(true),
    })
}

/// The elements an iteration walks: a literal's or the context's borrowed as they are (nothing
/// built), or a copy of a list the evaluation built (charged).
enum Items<'a> {
    Borrowed(&'a [Value]),
    Built(Vec<Val<'a>>),
}

impl<'a> Items<'a> {
    fn of(v: Val<'a>, env: &Env<'a>) -> Result<Items<'a>, String> {
        Ok(match v {
            Val::Json(Value::Array(a)) => Items::Borrowed(a),
            Val::Arr(items) => {
                env.build(items.iter().map(|i| ELEMENT_BYTES + built_bytes(i)).sum())?;
                Items::Built(items)
            }
            _ => Items::Built(Vec::new()),
        })
    }

    fn len(&self) -> usize {
        match self {
            Items::Borrowed(a) => a.len(),
            Items::Built(v) => v.len(),
        }
    }

    fn get(&self, i: usize) -> Val<'a> {
        match self {
            Items::Borrowed(a) => Val::from_json(&a[i]),
            Items::Built(v) => v[i].clone(),
        }
    }
}

fn substr<'a>(args: &'a [Expr], env: &Env<'a>, data: Data<'a, '_>) -> Eval<'a> {
    let s = match args.first() {
        Some(e) => {
            let v = e.eval(env, data)?;
            env.stringify(&v)?;
            let s = v.to_js_string().into_owned();
            env.build(s.len())?;
            s
        }
        None => String::new(),
    };
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len() as i64;
    let num = |i: usize| -> Result<Option<i64>, String> {
        match args.get(i) {
            Some(e) => {
                let n = e.eval(env, data)?.to_number();
                Ok(Some(if n.is_nan() { 0 } else { n as i64 }))
            }
            None => Ok(None),
        }
    };
    let start = num(1)?.unwrap_or(0);
    let start = if start < 0 {
        len.saturating_add(start).max(0)
    } else {
        start.min(len)
    };
    let end = match num(2)? {
        None => len,
        Some(n) if n < 0 => len.saturating_add(n).max(start),
        Some(n) => start.saturating_add(n).min(len),
    };
    let out: String = chars[start as usize..end.max(start) as usize]
        .iter()
        .collect();
    Ok(Val::Str(Cow::Owned(out)))
}

fn two_strings<'a>(
    name: &str,
    a: &'a Expr,
    b: &'a Expr,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<(Cow<'a, str>, Cow<'a, str>), String> {
    match (a.eval(env, data)?, b.eval(env, data)?) {
        (Val::Str(s), Val::Str(p)) => Ok((s, p)),
        (x, y) => Err(format!(
            "{name} needs two strings, got {} and {}",
            x.to_json(),
            y.to_json()
        )),
    }
}
