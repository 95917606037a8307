//! OFREP (OpenFeature Remote Evaluation Protocol, open-feature/protocol service/openapi.yaml):
//! single and bulk evaluation, ETag / 304, per-flag errors in bulk, `eventStreams` for browsers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use switchyard_core::domain::KeyKind;
use switchyard_core::engine::{Context, ErrorCode};

use super::SdkState;
use super::caller::Caller;
use super::error::SdkError;
use super::stream::{entry, now};

/// Reads `{"context": {...}}`; an empty body is an empty context.
fn read_context(body: &Bytes) -> Result<Value, (&'static str, String)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ("PARSE_ERROR", format!("the body is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(("PARSE_ERROR", "the body must be a JSON object".into()));
    }
    match v.get("context") {
        None | Some(Value::Null) => Ok(json!({})),
        Some(c @ Value::Object(_)) => Ok(c.clone()),
        Some(_) => Err(("INVALID_CONTEXT", "context must be a JSON object".into())),
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

pub async fn single(
    State(st): State<SdkState>,
    Path(key): Path<String>,
    Caller { env, .. }: Caller,
    body: Bytes,
) -> Result<Response, SdkError> {
    let context = match read_context(&body) {
        Ok(c) => c,
        Err((code, details)) => {
            return Ok(json_response(
                StatusCode::BAD_REQUEST,
                json!({"key": key, "errorCode": code, "errorDetails": details}),
            ));
        }
    };
    let ctx = Context::new(&context, now()).map_err(SdkError::BadRequest)?;
    let r = env.flags.evaluate(&key, &ctx);
    st.metrics.evaluations.inc();
    Ok(match &r.error {
        None => {
            let mut m = entry(&r);
            m.insert("key".into(), key.into());
            m.insert("metadata".into(), Value::Object(r.metadata.clone()));
            json_response(StatusCode::OK, Value::Object(m))
        }
        Some((code, message)) => {
            let status = if *code == ErrorCode::FlagNotFound {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::BAD_REQUEST
            };
            json_response(
                status,
                json!({"key": key, "errorCode": code, "errorDetails": message}),
            )
        }
    })
}

/// The bulk answer's ETag: the environment's revision and the context.
fn etag(env_id: &str, revision: u64, context: &Value) -> String {
    let digest = Sha256::digest(format!("{env_id}\n{revision}\n{context}").as_bytes());
    format!("\"{revision}-{}\"", hex::encode(&digest[..8]))
}

pub async fn bulk(
    State(st): State<SdkState>,
    Caller { key, info, env }: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SdkError> {
    let context = match read_context(&body) {
        Ok(c) => c,
        Err((code, details)) => {
            return Ok(json_response(
                StatusCode::BAD_REQUEST,
                json!({"errorCode": code, "errorDetails": details}),
            ));
        }
    };
    let tag = etag(&env.environment.id, env.revision, &context);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    let ctx = Context::new(&context, now()).map_err(SdkError::BadRequest)?;
    let mut flags = Vec::with_capacity(env.flags.len());
    for (key, r) in env.flags.evaluate_all(&ctx) {
        st.metrics.evaluations.inc();
        flags.push(match &r.error {
            None => {
                let mut m = entry(&r);
                m.insert("key".into(), key.into());
                m.insert("metadata".into(), Value::Object(r.metadata.clone()));
                Value::Object(m)
            }
            Some((code, message)) => {
                json!({"key": key, "errorCode": code, "errorDetails": message})
            }
        });
    }
    let mut out = json!({"flags": flags, "metadata": {"revision": env.revision}});
    if info.kind == KeyKind::Client
        && let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok())
    {
        // Browsers' EventSource cannot send headers: the stream URL carries the (public) client key.
        let scheme = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("http");
        out["eventStreams"] = json!([{"type": "sse", "url": format!("{scheme}://{host}/ofrep/v1/events?key={key}"), "inactivityDelaySec": 120}]);
    }
    let mut r = json_response(StatusCode::OK, out);
    if let Ok(v) = HeaderValue::from_str(&tag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    Ok(r)
}
