//! Documents and files: the environment as a flagd document (server keys), and the SDK bundle.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::SdkState;
use super::caller::Caller;
use super::error::SdkError;

fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
}

fn with_etag(mut r: Response, tag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(tag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// `GET /sdk/v1/flagd.json`: for in-process providers, with a server key only (the document holds
/// every rule).
pub async fn flagd_document(caller: Caller, headers: HeaderMap) -> Result<Response, SdkError> {
    caller.require_server_key("the flagd document needs a server key")?;
    let env = &caller.env;
    let tag = format!("\"{}-{}\"", env.environment.id, env.revision);
    if not_modified(&headers, &tag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &tag));
    }
    let json = [(header::CONTENT_TYPE, "application/json")];
    Ok(with_etag(
        (json, env.document.clone()).into_response(),
        &tag,
    ))
}

/// `GET /sdk/v1/switchyard.js`: the browser SDK bundle.
pub async fn bundle(State(st): State<SdkState>, headers: HeaderMap) -> Response {
    let Some(path) = &st.bundle else {
        return (
            StatusCode::NOT_FOUND,
            "the SDK bundle is not built on this server",
        )
            .into_response();
    };
    let Ok(bytes) = tokio::fs::read(path).await else {
        return (
            StatusCode::NOT_FOUND,
            "the SDK bundle is not built on this server",
        )
            .into_response();
    };
    let tag = format!(
        "\"{}\"",
        hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&bytes)[..12])
    );
    if not_modified(&headers, &tag) {
        return with_etag(StatusCode::NOT_MODIFIED.into_response(), &tag);
    }
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/javascript; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300, stale-while-revalidate=86400"),
    );
    with_etag(r, &tag)
}
