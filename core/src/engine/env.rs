//! What an evaluation carries besides the rule: the context, the flag, the time, whether a
//! split was chosen, and its fuel (the evaluation budget's steps and bytes, charged as it runs).

use serde_json::Value;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use super::budget::{Budget, EXCEEDED, SCAN_PER_STEP, built_bytes, container_len};
use super::value::{Val, same_text};

/// The most attributes a context may have for [`Env::attr`] to scan it rather than search it.
const SMALL_CONTEXT: usize = 12;

/// What a rule sees besides its own literals.
#[derive(Debug)]
pub(crate) struct Env<'a> {
    /// The evaluation context: a JSON object.
    pub(crate) ctx: &'a Value,
    pub(crate) flag_key: &'a str,
    /// Unix seconds, for `$flagd.timestamp`.
    pub(crate) now: i64,
    /// Set when a `fractional` operation chose a bucket (the reason becomes SPLIT).
    pub(crate) split: Cell<bool>,
    /// The first error of a flagd operator that failed and so evaluated to null (the rule went
    /// on, as in flagd and json-logic-js); the playground shows it.
    operator_error: RefCell<Option<String>>,
    /// Fuel left: steps and bytes (below zero: the budget ran out, see [`Env::exhausted`]).
    steps: Cell<i64>,
    bytes: Cell<i64>,
    budget: Budget,
}

impl<'a> Env<'a> {
    pub(crate) fn new(ctx: &'a Value, flag_key: &'a str, now: i64, budget: Budget) -> Env<'a> {
        let fuel = |n: u64| Cell::new(i64::try_from(n).unwrap_or(i64::MAX));
        Env {
            ctx,
            flag_key,
            now,
            split: Cell::new(false),
            operator_error: RefCell::new(None),
            steps: fuel(budget.steps),
            bytes: fuel(budget.bytes),
            budget,
        }
    }

    /// A top-level attribute of the context (what `{"var": "key"}` reads). Small contexts, what
    /// nearly every evaluation gets, are scanned comparing lengths first, which passes over most
    /// keys without comparing their text (the map's own search compares the text of each key it
    /// passes); larger ones use the map's search.
    #[inline]
    pub(crate) fn attr(&self, key: &str) -> Option<&'a Value> {
        let Value::Object(map) = self.ctx else {
            return None;
        };
        if map.len() > SMALL_CONTEXT {
            return map.get(key);
        }
        map.iter().find(|(k, _)| same_text(k, key)).map(|(_, v)| v)
    }

    /// A flagd operator's outcome: its value, or null when it failed (the failure is remembered
    /// for [`Env::operator_error`]). Running out of fuel is not a failure of the operator: it
    /// ends the evaluation.
    pub(crate) fn null_on_error<T>(
        &self,
        outcome: Result<T, String>,
        null: T,
    ) -> Result<T, String> {
        match outcome {
            Err(e) if self.exhausted() => Err(e),
            Err(e) => {
                self.operator_error.borrow_mut().get_or_insert(e);
                Ok(null)
            }
            ok => ok,
        }
    }

    /// The first operator failure of the evaluation, if any.
    pub(crate) fn operator_error(&self) -> Option<String> {
        self.operator_error.borrow().clone()
    }

    /// Steps left (tests compare what two ways of evaluating charged).
    #[cfg(test)]
    pub(crate) fn steps_left(&self) -> i64 {
        self.steps.get()
    }

    /// Whether the evaluation ran out of fuel (its error is then the budget's).
    pub(crate) fn exhausted(&self) -> bool {
        self.steps.get() < 0 || self.bytes.get() < 0
    }

    /// One step: evaluating one operation.
    #[inline(always)]
    pub(crate) fn step(&self) -> Result<(), String> {
        let left = self.steps.get() - 1;
        self.steps.set(left);
        if left < 0 {
            Err(self.exceeded())
        } else {
            Ok(())
        }
    }

    /// Steps for scanning `elements` list elements.
    #[inline]
    pub(crate) fn scan(&self, elements: usize) -> Result<(), String> {
        let n = elements / SCAN_PER_STEP;
        if n == 0 {
            return Ok(());
        }
        let left = self.steps.get().saturating_sub(n as i64);
        self.steps.set(left);
        if left < 0 {
            Err(self.exceeded())
        } else {
            Ok(())
        }
    }

    /// Bytes about to be built.
    pub(crate) fn build(&self, bytes: usize) -> Result<(), String> {
        let left = self
            .bytes
            .get()
            .saturating_sub(i64::try_from(bytes).unwrap_or(i64::MAX));
        self.bytes.set(left);
        if left < 0 {
            Err(self.exceeded())
        } else {
            Ok(())
        }
    }

    /// A copy of a value the evaluation built earlier (read back through `var`).
    pub(crate) fn copy(&self, v: &Val<'_>) -> Result<(), String> {
        match v {
            Val::Str(Cow::Owned(_)) | Val::Arr(_) => self.build(built_bytes(v)),
            _ => Ok(()),
        }
    }

    /// A container about to be turned into a string (loose equality, `in` on a string).
    pub(crate) fn stringify(&self, v: &Val<'_>) -> Result<(), String> {
        let n = container_len(v);
        if n == 0 {
            return Ok(());
        }
        self.scan(n)?;
        self.build(n.saturating_mul(8))
    }

    #[cold]
    pub(crate) fn exceeded(&self) -> String {
        let Budget { steps, bytes } = self.budget;
        if self.steps.get() < 0 {
            format!("{EXCEEDED}: the rule took more than {steps} steps")
        } else {
            format!("{EXCEEDED}: the rule built more than {bytes} bytes")
        }
    }
}

/// The data `var` reads: the context, or the element inside `map`/`filter`/`all`/`none`/`some`,
/// or `current` and `accumulator` inside `reduce`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Data<'a, 'b> {
    Root,
    Item(&'b Val<'a>),
    Reduce(&'b Val<'a>, &'b Val<'a>),
}
