//! Evaluates `fractional`: the bucket weights, the bucketing key (flagd's default: the flag key
//! followed by the context's `targetingKey`) and its hash, and the variant of the chosen bucket.

use serde_json::Value;
use std::borrow::Cow;

use super::eval::{Data, Env, Eval};
use super::expr::{Expr, Fractional};
use super::fractional;
use super::value::Val;

/// A `fractional` operation's bucket weights.
pub(crate) fn fractional_weights<'a>(
    f: &'a Fractional,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<Cow<'a, [u64]>, String> {
    if let Some(w) = &f.const_weights {
        return Ok(Cow::Borrowed(w));
    }
    let mut weights = Vec::with_capacity(f.buckets.len());
    for b in &f.buckets {
        weights.push(match &b.weight {
            Some(w) => fractional::weight_of(&w.eval(env, data)?)?,
            None => 1,
        });
    }
    let total: u64 = weights.iter().sum();
    if total > fractional::MAX_TOTAL_WEIGHT {
        return Err(format!(
            "fractional: the weights add up to {total}, more than {}",
            fractional::MAX_TOTAL_WEIGHT
        ));
    }
    Ok(Cow::Owned(weights))
}

/// A `fractional` operation's bucketing key: its first operand, which must evaluate to a string;
/// without one, the flag key followed by the context's `targetingKey`. A bucketing expression that
/// gives null (a missing attribute) is an error, never a silent switch to the targeting key:
/// flagd-core (npm and PyPI) and flagd's fractional ADR agree (see docs/flagd-semantics.md).
pub(crate) fn fractional_key<'a>(
    f: &'a Fractional,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<Cow<'a, str>, String> {
    match &f.key {
        Some(k) => match k.eval(env, data)? {
            Val::Str(s) => Ok(s),
            other => Err(format!(
                "fractional: the bucketing key must be a string, got {}",
                other.to_json()
            )),
        },
        None => match env.attr("targetingKey") {
            Some(Value::String(tk)) => Ok(Cow::Owned(format!("{}{tk}", env.flag_key))),
            _ => Err("fractional: no bucketing key and no targetingKey in the context".to_owned()),
        },
    }
}

/// The hash of the bucketing key, without building `flagKey + targetingKey`.
fn fractional_hash<'a>(
    f: &'a Fractional,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Result<u32, String> {
    if f.key.is_none()
        && let Some(Value::String(tk)) = env.attr("targetingKey")
    {
        return Ok(fractional::hash_concat(env.flag_key, tk));
    }
    fractional_key(f, env, data).map(|k| fractional::hash(&k))
}

pub(super) fn eval_fractional<'a>(
    f: &'a Fractional,
    env: &Env<'a>,
    data: Data<'a, '_>,
) -> Eval<'a> {
    let weights = fractional_weights(f, env, data)?;
    let chosen = if weights.iter().filter(|w| **w > 0).count() == 1 {
        // One bucket takes everything: no targeting key is needed, but a bucketing expression
        // must still give a key.
        if f.key.is_some() {
            fractional_key(f, env, data)?;
        }
        weights.iter().position(|w| *w > 0).unwrap_or(0)
    } else {
        fractional::pick(fractional_hash(f, env, data)?, &weights)?
    };
    let variant = match &f.buckets[chosen].variant {
        // What rule builders write: the name of a variant.
        Expr::Lit(v) => {
            env.step()?;
            Val::from_json(v)
        }
        computed => computed.eval(env, data)?,
    };
    fractional::check_variant(&variant)?;
    env.split.set(true);
    Ok(variant)
}
