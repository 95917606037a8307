//! Resolving flags: one flag, or every flag of a set, for one context.

use serde_json::Value;
use std::borrow::Cow;

use super::budget::Budget;
use super::document::{Flag, FlagSet, Targeting};
use super::eval::{Data, Env};
use super::types::{ErrorCode, Reason, Resolution};
use super::value::{Val, format_number};

/// The evaluation context: the caller's attributes (a JSON object, `targetingKey` among them) and
/// the time, which the caller supplies so that evaluation stays pure and repeatable.
#[derive(Debug, Clone, Copy)]
pub struct Context<'c> {
    attrs: &'c Value,
    now: i64,
}

static EMPTY: Value = Value::Null;

impl<'c> Context<'c> {
    /// A context from a JSON object; anything else is an INVALID_CONTEXT error.
    pub fn new(attrs: &'c Value, now_unix_seconds: i64) -> Result<Context<'c>, String> {
        match attrs {
            Value::Object(_) => Ok(Context {
                attrs,
                now: now_unix_seconds,
            }),
            Value::Null => Ok(Context {
                attrs: &EMPTY,
                now: now_unix_seconds,
            }),
            other => Err(format!(
                "the evaluation context must be a JSON object, not {}",
                super::types::FlagType::name_of(other)
            )),
        }
    }

    pub fn attrs(&self) -> &'c Value {
        self.attrs
    }

    pub fn now(&self) -> i64 {
        self.now
    }
}

impl FlagSet {
    /// Resolves one flag.
    pub fn evaluate<'s>(&'s self, key: &str, ctx: &Context<'_>) -> Resolution<'s> {
        match self.get(key) {
            Some(flag) => resolve(flag, ctx, self.budget),
            None => Resolution::error(
                ErrorCode::FlagNotFound,
                format!("flag {key:?} was not found"),
                &self.metadata,
            ),
        }
    }

    /// Resolves every flag of the set for one context, in key order.
    pub fn evaluate_all<'s>(
        &'s self,
        ctx: &Context<'_>,
    ) -> impl Iterator<Item = (&'s str, Resolution<'s>)> {
        let ctx = *ctx;
        let budget = self.budget;
        self.flags
            .iter()
            .map(move |f| (f.key.as_str(), resolve(f, &ctx, budget)))
    }
}

pub(crate) fn resolve<'s>(flag: &'s Flag, ctx: &Context<'_>, budget: Budget) -> Resolution<'s> {
    if !flag.enabled {
        return Resolution {
            value: None,
            variant: None,
            reason: Reason::Disabled,
            error: None,
            metadata: &flag.metadata,
        };
    }
    let rule = match &flag.targeting {
        Targeting::None => return default_variant(flag, Reason::Static),
        Targeting::Broken(message) => {
            return Resolution::error(ErrorCode::ParseError, message.clone(), &flag.metadata);
        }
        Targeting::OverBudget(message) => {
            return Resolution::error(ErrorCode::General, message.clone(), &flag.metadata);
        }
        Targeting::Rule(rule) => rule,
    };
    let env = Env::new(ctx.attrs, &flag.key, ctx.now, budget);
    match rule.eval(&env, Data::Root) {
        // Running out of fuel is not an operator error: the flag answers the budget's error.
        Err(message) if env.exhausted() => {
            Resolution::error(ErrorCode::General, message, &flag.metadata)
        }
        // An operator error ends the rule; flagd then serves the default variant.
        Err(_) | Ok(Val::Null) => default_variant(flag, Reason::Default),
        Ok(chosen) => {
            let reason = if env.split.get() {
                Reason::Split
            } else {
                Reason::TargetingMatch
            };
            select(flag, &chosen, reason)
        }
    }
}

/// The default variant, or the caller's default when the flag has none.
fn default_variant(flag: &Flag, reason: Reason) -> Resolution<'_> {
    let chosen = flag.default_variant.map(|i| &flag.variants[i]);
    Resolution {
        value: chosen.map(|(_, v)| v),
        variant: chosen.map(|(n, _)| n.as_str()),
        reason: if chosen.is_some() {
            reason
        } else {
            Reason::Default
        },
        error: None,
        metadata: &flag.metadata,
    }
}

/// Turns a targeting result into the variant it names.
fn select<'s>(flag: &'s Flag, chosen: &Val<'_>, reason: Reason) -> Resolution<'s> {
    let name: Cow<'_, str> = match chosen {
        Val::Str(s) => Cow::Borrowed(s.as_ref()),
        Val::Bool(true) => Cow::Borrowed("true"),
        Val::Bool(false) => Cow::Borrowed("false"),
        Val::Num(n) => Cow::Owned(format_number(*n)),
        other => {
            return Resolution::error(
                ErrorCode::General,
                format!(
                    "targeting returned {}, which cannot name a variant",
                    other.to_json()
                ),
                &flag.metadata,
            );
        }
    };
    match flag.variant_index(&name) {
        Some(i) => {
            let (n, v) = &flag.variants[i];
            Resolution {
                value: Some(v),
                variant: Some(n),
                reason,
                error: None,
                metadata: &flag.metadata,
            }
        }
        None => Resolution::error(
            ErrorCode::General,
            format!("targeting chose variant {name:?}, which the flag does not define"),
            &flag.metadata,
        ),
    }
}
