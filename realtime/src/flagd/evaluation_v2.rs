//! `flagd.evaluation.v2.Service`, which the current npm provider speaks: the same resolves as v1
//! ([`super::evaluation`]), with "use the code default" said as it should be — no value and no
//! variant — instead of a zero value and an empty variant. `EventStream` is the same stream.

use serde_json::Value;
use tonic::{Request, Response, Status};

use super::evaluation::{Evaluation, Resolved, int_of, reason_name};
use super::events::{self, EventStream};
use super::proto::evaluation_v2 as pb;
use super::structs;

fn variant(r: &Resolved) -> Option<String> {
    Some(r.variant.clone()).filter(|v| !v.is_empty())
}

fn metadata(r: &Resolved) -> Option<prost_types::Struct> {
    Some(structs::from_map(&r.metadata))
}

fn any_value(v: &Value) -> Option<pb::any_flag::Value> {
    use pb::any_flag::Value as V;
    Some(match v {
        Value::Bool(b) => V::BoolValue(*b),
        Value::String(s) => V::StringValue(s.clone()),
        Value::Number(n) => V::DoubleValue(n.as_f64()?),
        Value::Object(o) => V::ObjectValue(structs::from_map(o)),
        Value::Null | Value::Array(_) => return None,
    })
}

#[tonic::async_trait]
impl pb::service_server::Service for Evaluation {
    async fn resolve_all(
        &self,
        req: Request<pb::ResolveAllRequest>,
    ) -> Result<Response<pb::ResolveAllResponse>, Status> {
        let (flags, set_metadata) = self.all(&req, req.get_ref().context.as_ref()).await?;
        let flags = flags
            .into_iter()
            .filter_map(|(key, r)| {
                let flag = pb::AnyFlag {
                    reason: reason_name(r.reason),
                    variant: variant(&r),
                    value: Some(any_value(r.value.as_ref()?)?),
                    metadata: metadata(&r),
                };
                Some((key, flag))
            })
            .collect();
        Ok(Response::new(pb::ResolveAllResponse {
            flags,
            metadata: Some(set_metadata),
        }))
    }

    async fn resolve_boolean(
        &self,
        req: Request<pb::ResolveBooleanRequest>,
    ) -> Result<Response<pb::ResolveBooleanResponse>, Status> {
        let m = req.get_ref();
        let (value, r) = self
            .typed(
                &req,
                &m.flag_key,
                m.context.as_ref(),
                "boolean",
                Value::as_bool,
            )
            .await?;
        Ok(Response::new(pb::ResolveBooleanResponse {
            value,
            reason: reason_name(r.reason),
            variant: variant(&r),
            metadata: metadata(&r),
        }))
    }

    async fn resolve_string(
        &self,
        req: Request<pb::ResolveStringRequest>,
    ) -> Result<Response<pb::ResolveStringResponse>, Status> {
        let m = req.get_ref();
        let (value, r) = self
            .typed(&req, &m.flag_key, m.context.as_ref(), "string", |v| {
                v.as_str().map(str::to_owned)
            })
            .await?;
        Ok(Response::new(pb::ResolveStringResponse {
            value,
            reason: reason_name(r.reason),
            variant: variant(&r),
            metadata: metadata(&r),
        }))
    }

    async fn resolve_float(
        &self,
        req: Request<pb::ResolveFloatRequest>,
    ) -> Result<Response<pb::ResolveFloatResponse>, Status> {
        let m = req.get_ref();
        let (value, r) = self
            .typed(
                &req,
                &m.flag_key,
                m.context.as_ref(),
                "number",
                Value::as_f64,
            )
            .await?;
        Ok(Response::new(pb::ResolveFloatResponse {
            value,
            reason: reason_name(r.reason),
            variant: variant(&r),
            metadata: metadata(&r),
        }))
    }

    async fn resolve_int(
        &self,
        req: Request<pb::ResolveIntRequest>,
    ) -> Result<Response<pb::ResolveIntResponse>, Status> {
        let m = req.get_ref();
        let (value, r) = self
            .typed(&req, &m.flag_key, m.context.as_ref(), "integer", int_of)
            .await?;
        Ok(Response::new(pb::ResolveIntResponse {
            value,
            reason: reason_name(r.reason),
            variant: variant(&r),
            metadata: metadata(&r),
        }))
    }

    async fn resolve_object(
        &self,
        req: Request<pb::ResolveObjectRequest>,
    ) -> Result<Response<pb::ResolveObjectResponse>, Status> {
        let m = req.get_ref();
        let (value, r) = self
            .typed(&req, &m.flag_key, m.context.as_ref(), "object", |v| {
                v.as_object().map(structs::from_map)
            })
            .await?;
        Ok(Response::new(pb::ResolveObjectResponse {
            value,
            reason: reason_name(r.reason),
            variant: variant(&r),
            metadata: metadata(&r),
        }))
    }

    type EventStreamStream = EventStream<pb::EventStreamResponse>;

    async fn event_stream(
        &self,
        req: Request<pb::EventStreamRequest>,
    ) -> Result<Response<Self::EventStreamStream>, Status> {
        events::open(&self.0, req, |kind, data| pb::EventStreamResponse {
            r#type: kind.to_owned(),
            data,
        })
        .await
        .map(Response::new)
    }
}
