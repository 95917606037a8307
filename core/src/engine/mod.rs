//! The flagd-compatible evaluation engine. Pure: no I/O, no async runtime, no clock (the caller
//! passes the time in the [`Context`]).
//!
//! - [`document`]: parse and validate a flagd document into a compiled [`FlagSet`]
//! - `compile` / `expr`: JsonLogic (core operators, `fractional`, `sem_ver`, `starts_with`,
//!   `ends_with`, `$ref`) compiled once into an expression tree
//! - `env`: what an evaluation carries, its budget's fuel included
//! - `eval` / `value`: evaluation with JavaScript's coercion rules, borrowing from the rule and
//!   the context; `condition`: an `if`'s conditions, evaluated for their truth alone
//! - `fractional`, `semver`: flagd's custom operators
//! - [`resolve`]: OpenFeature resolution (one flag, or every flag of a set)
//! - [`budget`]: the fuel one evaluation may spend (steps and bytes built), and rules' static
//!   worst-case cost
//! - [`apply()`]: one rule applied to data (segments, rule testers)
//! - `recompile`: a new revision of a document compiled reusing every unchanged flag
//! - [`explain`]: which rule matched, for the dashboard's playground
//! - [`types`]: reasons, error codes and resolution details
//!
//! ```
//! use serde_json::json;
//! use switchyard_core::engine::{Context, FlagSet, Reason};
//!
//! let flags = FlagSet::parse(&json!({"flags": {"beta": {
//!     "state": "ENABLED",
//!     "variants": {"on": true, "off": false},
//!     "defaultVariant": "off",
//!     "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on"]}
//! }}})).unwrap();
//! let attrs = json!({"email": "ada@example.com"});
//! let r = flags.evaluate("beta", &Context::new(&attrs, 0).unwrap());
//! assert_eq!(r.value, Some(&json!(true)));
//! assert_eq!(r.reason, Reason::TargetingMatch);
//! ```

mod apply;
pub mod budget;
mod compile;
mod condition;
mod context_free;
pub mod document;
mod env;
mod eval;
mod eval_fractional;
pub mod explain;
mod expr;
mod fractional;
pub(crate) mod problem;
mod recompile;
pub mod resolve;
mod semver;
pub mod types;
mod value;

pub use apply::{ApplyError, apply, check_budget, validate_rule};
pub use budget::Budget;
pub use document::FlagSet;
pub use explain::{Explanation, PrerequisiteTrace, RuleTrace, SplitTrace};
pub use problem::{DocumentError, Problem};
pub use resolve::Context;
pub use types::{ErrorCode, FlagType, Reason, Resolution, ResolutionDetails};
