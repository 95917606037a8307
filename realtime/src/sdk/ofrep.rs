//! OFREP (OpenFeature Remote Evaluation Protocol, open-feature/protocol service/openapi.yaml):
//! single and bulk evaluation, ETag / 304, per-flag errors in bulk, `eventStreams` for browsers
//! (served by [`super::ofrep_events`]), refetches after a notice. A flag with no default variant
//! that nothing matched answers without a `value` (ADR-0006's `codeDefaultFlag`: reason DEFAULT,
//! the caller's code default applies), alone or in bulk.
//! Client keys do not see flags hidden from them (a single one is FLAG_NOT_FOUND, bulk leaves it
//! out) and, in secure mode, send the hash of their targeting key in `X-Switchyard-Hash`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use switchyard_core::domain::KeyKind;
use switchyard_core::engine::{Context, ErrorCode, Resolution};

use super::SdkState;
use super::caller::Caller;
use super::catch_up;
use super::context_size;
use super::error::SdkError;
use super::protocol::Evaluation;
use super::secure::{self, HASH_HEADER};
use super::view::now;

/// An OFREP request body: `{"context": {...}}`; other fields are ignored.
#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    context: Option<Value>,
}

/// The query of a refetch a `refetchEvaluation` notice caused (ADR-0008). The tag may come from
/// another server's notice (then it names nothing we can compare, and is ignored); a query
/// that is not even that is 400. `flagConfigLastModified` is accepted and unused: we send no
/// `lastModified` (a revision is not a time).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refetch {
    flag_config_etag: Option<String>,
}

impl Refetch {
    /// The revision the notice named.
    fn revision(&self) -> Option<u64> {
        self.flag_config_etag
            .as_deref()
            .and_then(catch_up::revision_of_tag)
    }
}

/// A flag OFREP could not evaluate (or a request it could not read).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Failure<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    error_code: ErrorCode,
    error_details: &'a str,
}

/// One flag of a bulk answer.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Evaluated(Evaluation<'a>),
    Failed(Failure<'a>),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Bulk<'a> {
    flags: Vec<Entry<'a>>,
    metadata: BulkMetadata,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    event_streams: Vec<EventStream>,
}

#[derive(Debug, Serialize)]
struct BulkMetadata {
    revision: u64,
}

/// Where a client's event stream is (ADR-0008): a request URI only, which the client resolves
/// against the base URL it was configured with. So it works through a CDN or proxy that serves
/// this server under another host, and no `url` is given (clients take `url` first).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EventStream {
    #[serde(rename = "type")]
    kind: &'static str,
    endpoint: Endpoint,
    inactivity_delay_sec: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    request_uri: String,
}

/// Seconds a client keeps its event stream open while inactive (a hidden tab): ADR-0008's default.
const INACTIVITY_DELAY_SEC: u32 = 120;

/// Reads the context; an empty body, or no `context`, is an empty context. A context over the
/// size limit is `INVALID_CONTEXT`.
fn read_context(st: &SdkState, body: &Bytes) -> Result<Value, (ErrorCode, String)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err((
            ErrorCode::ParseError,
            "the body must be a JSON object".into(),
        ));
    }
    let request: Request = serde_json::from_slice(body).map_err(|e| {
        (
            ErrorCode::ParseError,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    match request.context {
        None | Some(Value::Null) => Ok(Value::Object(Map::new())),
        Some(c @ Value::Object(_)) => match context_size::check(&c, st.limits.max_context_bytes) {
            Ok(()) => Ok(c),
            Err(e) => {
                st.metrics.contexts_too_big.inc();
                Err((ErrorCode::InvalidContext, e.to_string()))
            }
        },
        Some(_) => Err((
            ErrorCode::InvalidContext,
            "context must be a JSON object".into(),
        )),
    }
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Secure mode's check for this caller and context, with the hash from the header.
fn check_secure(caller: &Caller, headers: &HeaderMap, context: &Value) -> Result<(), SdkError> {
    let hash = headers.get(HASH_HEADER).and_then(|v| v.to_str().ok());
    Ok(secure::check(
        &caller.env.environment,
        caller.info.kind,
        context,
        hash,
    )?)
}

/// Whether the caller may see the flag (client keys do not see hidden flags).
fn shown(caller: &Caller, key: &str) -> bool {
    caller.info.kind == KeyKind::Server || !caller.env.hidden.contains(key)
}

/// A JSON body serialised where it was evaluated (perhaps on a heavy-evaluation thread).
fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    (status, json, body).into_response()
}

/// What an evaluation produced: the serialised answer, flags evaluated, and how many of them
/// ran out of the evaluation budget.
struct Evaluated {
    status: StatusCode,
    body: Vec<u8>,
    flags: u64,
    exceeded: u64,
}

impl Evaluated {
    fn respond(self, st: &SdkState) -> Response {
        st.metrics.evaluations.inc_by(self.flags);
        st.metrics.evaluation_budget_exceeded.inc_by(self.exceeded);
        json_bytes(self.status, self.body)
    }
}

fn entry<'a>(key: &'a str, r: &'a Resolution<'a>) -> Entry<'a> {
    match &r.error {
        None => Entry::Evaluated(Evaluation::with_key(r, key)),
        Some((code, message)) => Entry::Failed(Failure {
            key: Some(key),
            error_code: *code,
            error_details: message,
        }),
    }
}

pub async fn single(
    State(st): State<SdkState>,
    Path(key): Path<String>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SdkError> {
    let context = match read_context(&st, &body) {
        Ok(c) => c,
        Err((code, details)) => {
            let failure = Failure {
                key: Some(&key),
                error_code: code,
                error_details: &details,
            };
            return Ok(json_response(StatusCode::BAD_REQUEST, &failure));
        }
    };
    check_secure(&caller, &headers, &context)?;
    if !shown(&caller, &key) {
        // As if it did not exist: a client key cannot tell a hidden flag from a missing one.
        let details = format!("flag {key:?} was not found");
        let failure = Failure {
            key: Some(&key),
            error_code: ErrorCode::FlagNotFound,
            error_details: &details,
        };
        return Ok(json_response(StatusCode::NOT_FOUND, &failure));
    }
    Context::new(&context, now()).map_err(SdkError::BadRequest)?;
    let evaluated = st
        .offload
        .run(&caller.env, move |env, _| {
            let ctx = Context::new(&context, now()).ok()?;
            let r = env.flags.evaluate(&key, &ctx);
            let status = match &r.error {
                None => StatusCode::OK,
                Some((ErrorCode::FlagNotFound, _)) => StatusCode::NOT_FOUND,
                Some(_) => StatusCode::BAD_REQUEST,
            };
            Some(Evaluated {
                status,
                body: serde_json::to_vec(&entry(&key, &r)).ok()?,
                flags: 1,
                exceeded: u64::from(r.budget_exceeded()),
            })
        })
        .await?;
    Ok(evaluated.respond(&st))
}

/// The bulk answer's ETag: the environment's revision, the context, and the key's kind (client
/// keys see fewer flags).
fn etag(env_id: &str, revision: u64, context: &Value, kind: KeyKind) -> String {
    let digest = Sha256::digest(format!("{env_id}\n{revision}\n{context}\n{kind:?}").as_bytes());
    format!("\"{revision}-{}\"", hex::encode(&digest[..8]))
}

/// Browsers' EventSource cannot send headers: the stream URL carries the (public) client key.
/// Server keys get none: their key may not travel in a URL.
fn event_streams(caller: &Caller) -> Vec<EventStream> {
    if caller.info.kind != KeyKind::Client {
        return Vec::new();
    }
    vec![EventStream {
        kind: "sse",
        endpoint: Endpoint {
            request_uri: format!("/ofrep/v1/events?key={}", caller.key),
        },
        inactivity_delay_sec: INACTIVITY_DELAY_SEC,
    }]
}

/// Whether `If-None-Match` names the current answer.
fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
}

/// A refetch (`?flagConfigEtag=&flagConfigLastModified=`, after a `refetchEvaluation` notice) is
/// answered for the current configuration, caught up with the one the notice named if this node
/// was behind; and never with 304 unless the answer is for the configuration the notice named.
pub async fn bulk(
    State(st): State<SdkState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SdkError> {
    let Query(refetch) = Query::<Refetch>::try_from_uri(&uri)
        .map_err(|_| SdkError::BadRequest("the query string is malformed".into()))?;
    let named = refetch.revision();
    let env = &catch_up::at_least(&st, caller.env.clone(), named).await?;
    let context = match read_context(&st, &body) {
        Ok(c) => c,
        Err((code, details)) => {
            let failure = Failure {
                key: None,
                error_code: code,
                error_details: &details,
            };
            return Ok(json_response(StatusCode::BAD_REQUEST, &failure));
        }
    };
    check_secure(&caller, &headers, &context)?;
    let tag = etag(
        &env.environment.id,
        env.revision,
        &context,
        caller.info.kind,
    );
    let stale = named.is_some_and(|n| n != env.revision);
    if !stale && not_modified(&headers, &tag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    let client = caller.info.kind == KeyKind::Client;
    Context::new(&context, now()).map_err(SdkError::BadRequest)?;
    let event_streams = event_streams(&caller);
    let evaluated = st
        .offload
        .run(env, move |env, deadline| {
            let ctx = Context::new(&context, now()).ok()?;
            let mut resolutions = Vec::with_capacity(env.flags.len());
            for (k, r) in env.flags.evaluate_all(&ctx) {
                if client && env.hidden.contains(k) {
                    continue;
                }
                if deadline.passed() {
                    return None;
                }
                resolutions.push((k, r));
            }
            let out = Bulk {
                flags: resolutions.iter().map(|(k, r)| entry(k, r)).collect(),
                metadata: BulkMetadata {
                    revision: env.revision,
                },
                event_streams,
            };
            Some(Evaluated {
                status: StatusCode::OK,
                body: serde_json::to_vec(&out).ok()?,
                flags: resolutions.len() as u64,
                exceeded: resolutions
                    .iter()
                    .filter(|(_, r)| r.budget_exceeded())
                    .count() as u64,
            })
        })
        .await?;
    let mut r = evaluated.respond(&st);
    if let Ok(v) = HeaderValue::from_str(&tag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    Ok(r)
}
