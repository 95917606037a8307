//! `flagd.evaluation.v1.Service`: what flagd's RPC providers call. Each resolve evaluates one
//! flag with the same engine, budget and heavy-environment offload as OFREP, and answers as
//! flagd does:
//! - a value, its variant, the reason (`STATIC`, `TARGETING_MATCH`, `SPLIT`, `DEFAULT`) and the
//!   flag's metadata;
//! - a disabled flag, or one without a default variant that nothing matched: the type's zero
//!   value, an empty variant and reason `DISABLED` / `DEFAULT` (providers then use the code
//!   default);
//! - errors as statuses the providers map back: `NOT_FOUND` (FLAG_NOT_FOUND),
//!   `INVALID_ARGUMENT` (TYPE_MISMATCH, a bad context), `DATA_LOSS` (PARSE_ERROR), `UNKNOWN`
//!   (GENERAL, e.g. an evaluation over its budget).
//!
//! This file holds what both protocol versions share (authentication, context, evaluation, type
//! checks) and v1's way of saying "use the code default"; the methods are written once, in
//! `service_impl`. `ResolveAll` answers every flag that resolved to a value (flags that errored,
//! are disabled or fall to the code default are left out, as flagd leaves them out).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use switchyard_core::engine::{Context, ErrorCode, Reason, Resolution};
use tonic::{Request, Status};

use super::auth::{self, FlagdState};
use super::proto::evaluation as pb;
use super::structs;
use crate::sdk::context_size;

/// The evaluation service.
#[derive(Debug, Clone)]
pub struct Evaluation(pub FlagdState);

/// One flag's resolution, owned (it leaves the offload thread).
#[derive(Debug)]
pub(super) struct Resolved {
    pub value: Option<Value>,
    pub variant: String,
    pub reason: Reason,
    error: Option<(ErrorCode, String)>,
    pub metadata: Map<String, Value>,
}

impl Resolved {
    fn of(r: &Resolution<'_>) -> Resolved {
        Resolved {
            value: r.value.cloned(),
            variant: r.variant.unwrap_or_default().to_owned(),
            reason: r.reason,
            error: r.error.clone(),
            metadata: r.metadata.clone(),
        }
    }
}

/// The reason as OpenFeature spells it.
pub fn reason_name(reason: Reason) -> String {
    match serde_json::to_value(reason) {
        Ok(Value::String(s)) => s,
        _ => "UNKNOWN".into(),
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The request's context over the static context, checked against the SDK context limit.
fn context(st: &FlagdState, ctx: Option<&prost_types::Struct>) -> Result<Value, Status> {
    let mut merged = (*st.context).clone();
    if let Some(ctx) = ctx {
        let sent = structs::to_json(ctx).ok_or_else(|| {
            Status::invalid_argument(format!(
                "the context nests deeper than {} levels",
                structs::MAX_DEPTH
            ))
        })?;
        merged.extend(sent);
    }
    let merged = Value::Object(merged);
    if let Err(e) = context_size::check(&merged, st.sdk.limits.max_context_bytes) {
        st.sdk.metrics.contexts_too_big.inc();
        return Err(Status::invalid_argument(e.to_string()));
    }
    Ok(merged)
}

fn error_status(code: ErrorCode, message: String) -> Status {
    match code {
        ErrorCode::FlagNotFound => Status::not_found(message),
        ErrorCode::TypeMismatch | ErrorCode::InvalidContext | ErrorCode::TargetingKeyMissing => {
            Status::invalid_argument(message)
        }
        ErrorCode::ParseError => Status::data_loss(message),
        ErrorCode::General => Status::unknown(message),
    }
}

impl Evaluation {
    /// Authenticates, then resolves `key` for the request's context.
    async fn resolve<T>(
        &self,
        req: &Request<T>,
        key: &str,
        ctx: Option<&prost_types::Struct>,
    ) -> Result<Resolved, Status> {
        let st = &self.0;
        let caller = auth::authenticate_call(st, req, "").await?;
        let context = context(st, ctx)?;
        let key = key.to_owned();
        let resolved = st
            .sdk
            .offload
            .run(&caller.env, move |env, _| {
                let ctx = Context::new(&context, now()).ok()?;
                let r = env.flags.evaluate(&key, &ctx);
                Some((Resolved::of(&r), r.budget_exceeded()))
            })
            .await
            .map_err(|e| auth::status(e.into()))?;
        let (resolved, exceeded) = resolved;
        st.sdk.metrics.evaluations.inc();
        st.sdk
            .metrics
            .evaluation_budget_exceeded
            .inc_by(u64::from(exceeded));
        match resolved.error {
            Some((code, message)) => Err(error_status(code, message)),
            None => Ok(resolved),
        }
    }

    /// Every flag that resolved without an error, and the flag-set metadata.
    pub(super) async fn all<T>(
        &self,
        req: &Request<T>,
        ctx: Option<&prost_types::Struct>,
    ) -> Result<(Vec<(String, Resolved)>, prost_types::Struct), Status> {
        let st = &self.0;
        let caller = auth::authenticate_call(st, req, "").await?;
        let context = context(st, ctx)?;
        let (flags, metadata, count) = st
            .sdk
            .offload
            .run(&caller.env, move |env, _| {
                let ctx = Context::new(&context, now()).ok()?;
                let mut count = 0u64;
                let flags = env
                    .flags
                    .evaluate_all(&ctx)
                    .inspect(|_| count += 1)
                    .filter(|(_, r)| r.error.is_none())
                    .map(|(key, r)| (key.to_owned(), Resolved::of(&r)))
                    .collect();
                Some((flags, structs::from_map(env.flags.metadata()), count))
            })
            .await
            .map_err(|e| auth::status(e.into()))?;
        st.sdk.metrics.evaluations.inc_by(count);
        Ok((flags, metadata))
    }

    /// Resolves and converts the value to the type asked for (`None` → the type's zero value,
    /// which providers read as "use the code default" beside an empty variant).
    pub(super) async fn typed<T, V>(
        &self,
        req: &Request<T>,
        key: &str,
        ctx: Option<&prost_types::Struct>,
        type_name: &str,
        convert: impl Fn(&Value) -> Option<V>,
    ) -> Result<(Option<V>, Resolved), Status> {
        let r = self.resolve(req, key, ctx).await?;
        let value = match &r.value {
            None => None,
            Some(v) => Some(convert(v).ok_or_else(|| {
                Status::invalid_argument(format!(
                    "TYPE_MISMATCH: flag {key:?} is not a {type_name} flag"
                ))
            })?),
        };
        Ok((value, r))
    }
}

pub(super) fn int_of(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        // A whole float (`2.0`) is an integer flag's value too.
        let f = v.as_f64()?;
        #[allow(clippy::cast_possible_truncation)]
        (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
    })
}

super::service_impl::evaluation_service!(pb, version_v1);

/// How v1 says "use the code default": the type's zero value and an empty variant.
mod version_v1 {
    pub fn value<V: Default>(v: Option<V>) -> V {
        v.unwrap_or_default()
    }

    pub fn variant(v: String) -> String {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        assert_eq!(int_of(&json!(3)), Some(3));
        assert_eq!(int_of(&json!(3.0)), Some(3));
        assert_eq!(int_of(&json!(3.5)), None);
        assert_eq!(int_of(&json!("3")), None);
    }

    #[test]
    fn reasons_are_spelled_as_openfeature_spells_them() {
        assert_eq!(reason_name(Reason::TargetingMatch), "TARGETING_MATCH");
        assert_eq!(reason_name(Reason::Disabled), "DISABLED");
    }
}
