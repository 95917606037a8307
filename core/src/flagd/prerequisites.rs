//! Prerequisites compiled into plain flagd JsonLogic, so that every flagd engine (flagd itself,
//! the in-process providers' flagd-core, this crate's engine) evaluates them alike, with no new
//! operator. See `docs/prerequisites.md`.
//!
//! A flag A with prerequisites gets the targeting
//! `{"if": [HOLDS(A), OWN(A), null]}`: OWN is A's own targeting (or the name of its default
//! variant when it has none), and `null` makes A serve its default variant when a prerequisite
//! fails. HOLDS is one `{"in": [VALUE(P), CHOICES(P)]}` per prerequisite P (joined by `and`).
//!
//! VALUE(P) is what P's targeting yields for the context, `null` standing for "P serves its default
//! variant": `{"$ref": "flag:P"}`, or `{"if": [GATE, {"$ref": "flag:P"}, null]}` where GATE is
//! `false` for a disabled P and HOLDS(P) when P has prerequisites of its own. The evaluator
//! `flag:P` holds P's own targeting, made to stand alone: segments inlined, `$flagd.flagKey` made
//! `"P"`, a `fractional` without a bucketing key given P's (`P` + `targetingKey`), and every `$`
//! in a string followed by a `"` (so that no provider's text substitution of `$ref`s reads it as
//! a group reference). CHOICES(P) lists the variant names, with `true`/`false`/numbers for names a
//! targeting result of that type selects, and `null` when P is enabled and its default variant is
//! one of them.
//!
//! Every `$ref` to a `flag:` evaluator sits in a flag's targeting, never inside an evaluator:
//! providers substitute evaluators in one pass, in an order that nested references cannot rely
//! on.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

use super::{Document, FlagDefinition};
use crate::domain::Prerequisite;

/// The prefix of the evaluators that hold a prerequisite flag's own targeting.
pub const EVALUATOR_PREFIX: &str = "flag:";
/// The longest chain of prerequisites (A needs B needs C ...: the edges counted).
pub const MAX_DEPTH: usize = 5;
/// The most prerequisites one flag may have.
pub const MAX_PER_FLAG: usize = 10;

/// The evaluator holding a flag's own targeting: `flag:` and the key, its dots written as `:`.
/// No segment key holds a `:`, and no two flag keys give one name; dots would match any
/// character in the regular expressions some providers build from the name.
pub fn evaluator_name(key: &str) -> String {
    format!("{EVALUATOR_PREFIX}{}", key.replace('.', ":"))
}

/// The flag whose own targeting an evaluator holds (`None`: not such an evaluator).
pub fn flag_of_evaluator(name: &str) -> Option<String> {
    name.strip_prefix(EVALUATOR_PREFIX)
        .map(|k| k.replace(':', "."))
}

/// Whether an evaluator name is one of the `flag:` evaluators this module writes.
pub fn is_flag_evaluator(name: &str) -> bool {
    name.starts_with(EVALUATOR_PREFIX)
}

/// Rewrites a document whose definitions hold each flag's own targeting: every flag with
/// prerequisites gets the compiled targeting, and every flag some prerequisite reaches gets its
/// `flag:` evaluator. A prerequisite naming no flag of the document, or reached again along its
/// own chain (a cycle), or deeper than [`MAX_DEPTH`], never holds (the write rules refuse all
/// three; this only keeps the export total).
pub fn compile(doc: &mut Document, prerequisites: &BTreeMap<String, Vec<Prerequisite>>) {
    if prerequisites.values().all(Vec::is_empty) {
        return;
    }
    let source = doc.clone();
    let mut c = Compiler {
        source: &source,
        prerequisites,
        used: BTreeSet::new(),
    };
    for (key, list) in prerequisites {
        let Some(def) = doc.flags.get_mut(key) else {
            continue;
        };
        if list.is_empty() {
            continue;
        }
        let holds = c.holds(list, 1, &mut vec![key.as_str()]);
        let own = def.targeting.clone().unwrap_or_else(|| {
            def.default_variant
                .clone()
                .map_or(Value::Null, Value::String)
        });
        def.targeting = Some(json!({"if": [holds, own, null]}));
    }
    for key in c.used {
        let rule = own_rule(source.flags.get(key), key, &source.evaluators);
        doc.evaluators.insert(evaluator_name(key), rule);
    }
}

struct Compiler<'a> {
    source: &'a Document,
    prerequisites: &'a BTreeMap<String, Vec<Prerequisite>>,
    /// The flags whose evaluator some targeting references.
    used: BTreeSet<&'a str>,
}

impl<'a> Compiler<'a> {
    /// HOLDS for a list of prerequisites met at `depth` along `path`.
    fn holds(&mut self, list: &'a [Prerequisite], depth: usize, path: &mut Vec<&'a str>) -> Value {
        let mut items: Vec<Value> = list
            .iter()
            .map(|p| {
                let (value, default_counts) = self.value(&p.flag, depth, path);
                let def = self.source.flags.get(&p.flag);
                json!({"in": [value, choices(def, &p.variants, default_counts)]})
            })
            .collect();
        if items.len() == 1 {
            items.pop().unwrap_or(Value::Null)
        } else {
            json!({ "and": items })
        }
    }

    /// VALUE(P), and whether `null` (P serves its default variant) may count.
    fn value(&mut self, key: &'a str, depth: usize, path: &mut Vec<&'a str>) -> (Value, bool) {
        let Some(def) = self.source.flags.get(key) else {
            return (never(), false);
        };
        if depth > MAX_DEPTH || path.contains(&key) {
            return (never(), false);
        }
        self.used.insert(key);
        let reference = json!({"$ref": evaluator_name(key)});
        if !def.state.is_enabled() {
            return (json!({"if": [false, reference, null]}), false);
        }
        let own = self.prerequisites.get(key).filter(|l| !l.is_empty());
        match own {
            // Without targeting, a flag serves its default variant whether its prerequisites
            // hold or not: they cannot change what it evaluates to.
            Some(list) if def.targeting.is_some() => {
                path.push(key);
                let gate = self.holds(list, depth + 1, path);
                path.pop();
                (json!({"if": [gate, reference, null]}), true)
            }
            _ => (reference, true),
        }
    }
}

/// An expression that yields `null` whatever the context.
fn never() -> Value {
    json!({"if": [false, null, null]})
}

/// CHOICES(P): the variant names, the non-string results that select them, and `null` when P's
/// default variant counts.
fn choices(def: Option<&FlagDefinition>, variants: &[String], default_counts: bool) -> Value {
    let mut out = Vec::with_capacity(variants.len() + 1);
    for v in variants {
        out.push(Value::String(v.clone()));
        match v.as_str() {
            "true" => out.push(Value::Bool(true)),
            "false" => out.push(Value::Bool(false)),
            _ => {
                if let Ok(n) = v.parse::<serde_json::Number>()
                    && n.to_string() == *v
                {
                    out.push(Value::Number(n));
                }
            }
        }
    }
    let default_in = def
        .and_then(|d| d.default_variant.as_ref())
        .is_some_and(|d| variants.contains(d));
    if default_counts && default_in {
        out.push(Value::Null);
    }
    Value::Array(out)
}

/// The evaluator of a flag: its own targeting made to stand alone, or [`never`] when it has
/// none (it then always serves its default variant).
fn own_rule(def: Option<&FlagDefinition>, key: &str, segments: &BTreeMap<String, Value>) -> Value {
    match def.and_then(|d| d.targeting.as_ref()) {
        Some(rule) => {
            let inlined = inline(rule, segments, &mut Vec::new());
            dollar_safe(explicit_key(inlined, key))
        }
        None => never(),
    }
}

/// Replaces every `{"$ref": segment}` by the segment's rule (a reference back to a segment
/// being inlined stays as it is, for the engine to report).
fn inline(rule: &Value, segments: &BTreeMap<String, Value>, stack: &mut Vec<String>) -> Value {
    match rule {
        Value::Object(m) => {
            if m.len() == 1
                && let Some(Value::String(name)) = m.get("$ref")
                && let Some(target) = segments.get(name)
                && !stack.contains(name)
            {
                stack.push(name.clone());
                let out = inline(target, segments, stack);
                stack.pop();
                return out;
            }
            Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), inline(v, segments, stack)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| inline(v, segments, stack)).collect())
        }
        other => other.clone(),
    }
}

/// Makes the evaluating flag's key explicit: `{"var": "$flagd.flagKey"}` becomes the key, and a
/// `fractional` without a bucketing key gets the one flagd would use for this flag: the key
/// followed by the context's `targetingKey` (when that is a string; otherwise `null`, so that
/// the split fails as it would when the flag is evaluated itself).
fn explicit_key(rule: Value, key: &str) -> Value {
    match rule {
        Value::Object(m) if m.len() == 1 => {
            let (op, args) = m.into_iter().next().unwrap_or((String::new(), Value::Null));
            if op == "var" && reads_flag_key(&args) {
                return Value::String(key.to_owned());
            }
            let mut args = explicit_key(args, key);
            if op == "fractional"
                && let Value::Array(items) = &mut args
                && items.first().is_none_or(Value::is_array)
            {
                items.insert(0, bucketing_key(key));
            }
            let mut out = Map::new();
            out.insert(op, args);
            Value::Object(out)
        }
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, explicit_key(v, key)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| explicit_key(v, key)).collect())
        }
        other => other,
    }
}

fn reads_flag_key(args: &Value) -> bool {
    let path = match args {
        Value::Array(items) => items.first(),
        single => Some(single),
    };
    path.and_then(Value::as_str) == Some("$flagd.flagKey")
}

/// `KEY + targetingKey` when `targetingKey` is a string, else `null`.
fn bucketing_key(key: &str) -> Value {
    let tk = json!({"var": "targetingKey"});
    json!({"if": [
        {"===": [{"cat": [tk]}, tk]},
        {"cat": [key, tk]},
        null
    ]})
}

/// Every string holding a `$` becomes a `cat` of pieces that each end at a `$`, so that in the
/// JSON text every `$` is followed by a `"`: Go's and JavaScript's replacement templates read
/// `$name`, `$&`, `$'`... as references when a provider substitutes the evaluator's text.
fn dollar_safe(rule: Value) -> Value {
    match rule {
        Value::String(s) if s.contains('$') => {
            let pieces: Vec<Value> = s
                .split_inclusive('$')
                .map(|p| Value::String(p.to_owned()))
                .collect();
            json!({ "cat": pieces })
        }
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, dollar_safe(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(dollar_safe).collect()),
        other => other,
    }
}

/// What [`recognise`] finds in a compiled targeting rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognised {
    pub prerequisites: Vec<Prerequisite>,
    /// The flag's own targeting (`None`: it had none).
    pub own: Option<Value>,
}

/// Reads back the prerequisites of a targeting rule [`compile`] wrote (`None`: not such a rule).
pub fn recognise(targeting: &Value) -> Option<Recognised> {
    let args = single(targeting, "if")?.as_array()?;
    let [holds, own, Value::Null] = args.as_slice() else {
        return None;
    };
    let items = match single(holds, "and").and_then(Value::as_array) {
        Some(items) if items.len() > 1 => items.iter().collect(),
        _ => vec![holds],
    };
    let prerequisites = items
        .into_iter()
        .map(prerequisite_of)
        .collect::<Option<Vec<_>>>()?;
    let own = match own {
        Value::Object(_) => Some(own.clone()),
        Value::String(_) | Value::Null => None,
        _ => return None,
    };
    Some(Recognised { prerequisites, own })
}

fn prerequisite_of(item: &Value) -> Option<Prerequisite> {
    let [value, Value::Array(list)] = single(item, "in")?.as_array()?.as_slice() else {
        return None;
    };
    let reference = match single(value, "if").and_then(Value::as_array) {
        Some(gated) => match gated.as_slice() {
            [_, reference, Value::Null] => reference,
            _ => return None,
        },
        None => value,
    };
    let flag = flag_of_evaluator(single(reference, "$ref")?.as_str()?)?;
    let variants = list
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    Some(Prerequisite { flag, variants })
}

/// The operand of a one-operator rule object `{op: operand}`.
fn single<'v>(rule: &'v Value, op: &str) -> Option<&'v Value> {
    let m = rule.as_object()?;
    if m.len() == 1 { m.get(op) } else { None }
}

#[cfg(test)]
#[path = "prerequisites_tests.rs"]
mod tests;
