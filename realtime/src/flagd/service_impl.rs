//! The evaluation service's gRPC methods, written once for both protocol versions: v1 and v2
//! have the same messages but for how they say "use the code default" (`$version::value` and
//! `$version::variant` adapt the answer).

/// Implements `$pb::service_server::Service` for [`super::evaluation::Evaluation`].
macro_rules! evaluation_service {
    ($pb:ident, $version:ident) => {
        #[tonic::async_trait]
        impl $pb::service_server::Service for Evaluation {
            async fn resolve_all(
                &self,
                req: tonic::Request<$pb::ResolveAllRequest>,
            ) -> Result<tonic::Response<$pb::ResolveAllResponse>, tonic::Status> {
                use serde_json::Value;
                use $pb::any_flag::Value as V;
                let (flags, set_metadata) = self.all(&req, req.get_ref().context.as_ref()).await?;
                let flags = flags
                    .into_iter()
                    .filter_map(|(key, r)| {
                        // Numbers travel as doubles, objects as Structs; a value the message
                        // cannot carry (an array, null) is left out with the flags that have none.
                        let value = match r.value.as_ref()? {
                            Value::Bool(b) => V::BoolValue(*b),
                            Value::String(s) => V::StringValue(s.clone()),
                            Value::Number(n) => V::DoubleValue(n.as_f64()?),
                            Value::Object(o) => V::ObjectValue(super::structs::from_map(o)),
                            Value::Null | Value::Array(_) => return None,
                        };
                        let flag = $pb::AnyFlag {
                            reason: super::evaluation::reason_name(r.reason),
                            variant: $version::variant(r.variant),
                            value: Some(value),
                            metadata: Some(super::structs::from_map(&r.metadata)),
                        };
                        Some((key, flag))
                    })
                    .collect();
                Ok(tonic::Response::new($pb::ResolveAllResponse {
                    flags,
                    metadata: Some(set_metadata),
                }))
            }

            async fn resolve_boolean(
                &self,
                req: tonic::Request<$pb::ResolveBooleanRequest>,
            ) -> Result<tonic::Response<$pb::ResolveBooleanResponse>, tonic::Status> {
                let m = req.get_ref();
                let (value, r) = self
                    .typed(&req, &m.flag_key, m.context.as_ref(), "boolean", |v| {
                        v.as_bool()
                    })
                    .await?;
                Ok(tonic::Response::new($pb::ResolveBooleanResponse {
                    value: $version::value(value),
                    reason: super::evaluation::reason_name(r.reason),
                    metadata: Some(super::structs::from_map(&r.metadata)),
                    variant: $version::variant(r.variant),
                }))
            }

            async fn resolve_string(
                &self,
                req: tonic::Request<$pb::ResolveStringRequest>,
            ) -> Result<tonic::Response<$pb::ResolveStringResponse>, tonic::Status> {
                let m = req.get_ref();
                let (value, r) = self
                    .typed(&req, &m.flag_key, m.context.as_ref(), "string", |v| {
                        v.as_str().map(str::to_owned)
                    })
                    .await?;
                Ok(tonic::Response::new($pb::ResolveStringResponse {
                    value: $version::value(value),
                    reason: super::evaluation::reason_name(r.reason),
                    metadata: Some(super::structs::from_map(&r.metadata)),
                    variant: $version::variant(r.variant),
                }))
            }

            async fn resolve_float(
                &self,
                req: tonic::Request<$pb::ResolveFloatRequest>,
            ) -> Result<tonic::Response<$pb::ResolveFloatResponse>, tonic::Status> {
                let m = req.get_ref();
                let (value, r) = self
                    .typed(&req, &m.flag_key, m.context.as_ref(), "number", |v| {
                        v.as_f64()
                    })
                    .await?;
                Ok(tonic::Response::new($pb::ResolveFloatResponse {
                    value: $version::value(value),
                    reason: super::evaluation::reason_name(r.reason),
                    metadata: Some(super::structs::from_map(&r.metadata)),
                    variant: $version::variant(r.variant),
                }))
            }

            async fn resolve_int(
                &self,
                req: tonic::Request<$pb::ResolveIntRequest>,
            ) -> Result<tonic::Response<$pb::ResolveIntResponse>, tonic::Status> {
                let m = req.get_ref();
                let (value, r) = self
                    .typed(
                        &req,
                        &m.flag_key,
                        m.context.as_ref(),
                        "integer",
                        super::evaluation::int_of,
                    )
                    .await?;
                Ok(tonic::Response::new($pb::ResolveIntResponse {
                    value: $version::value(value),
                    reason: super::evaluation::reason_name(r.reason),
                    metadata: Some(super::structs::from_map(&r.metadata)),
                    variant: $version::variant(r.variant),
                }))
            }

            async fn resolve_object(
                &self,
                req: tonic::Request<$pb::ResolveObjectRequest>,
            ) -> Result<tonic::Response<$pb::ResolveObjectResponse>, tonic::Status> {
                let m = req.get_ref();
                let (value, r) = self
                    .typed(&req, &m.flag_key, m.context.as_ref(), "object", |v| {
                        v.as_object().map(super::structs::from_map)
                    })
                    .await?;
                Ok(tonic::Response::new($pb::ResolveObjectResponse {
                    // A message field: absent in both versions when there is no value.
                    value,
                    reason: super::evaluation::reason_name(r.reason),
                    metadata: Some(super::structs::from_map(&r.metadata)),
                    variant: $version::variant(r.variant),
                }))
            }

            type EventStreamStream = super::events::EventStream<$pb::EventStreamResponse>;

            async fn event_stream(
                &self,
                req: tonic::Request<$pb::EventStreamRequest>,
            ) -> Result<tonic::Response<Self::EventStreamStream>, tonic::Status> {
                super::events::open(&self.0, req, |kind, data| $pb::EventStreamResponse {
                    r#type: kind.to_owned(),
                    data,
                })
                .await
                .map(tonic::Response::new)
            }
        }
    };
}

pub(super) use evaluation_service;
