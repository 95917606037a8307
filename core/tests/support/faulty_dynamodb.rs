//! A DynamoDB endpoint that fails the way DynamoDB does under load, which moto never does: an
//! HTTP proxy in front of a moto server that answers chosen requests itself.
//!
//! - `conflicts`: the next N `TransactWriteItems` are cancelled with `TransactionConflict` (another
//!   transaction holds one of the items), without reaching moto.
//! - `throttles`: the next N requests of any kind get `ThrottlingException`.
//! - `lost_answers`: the next N `TransactWriteItems` whose token is new are forwarded (they
//!   commit), then answered with a 500 as if the answer never came; repeats of a lost one are
//!   answered the same way while the count lasts.
//!
//! It also keeps DynamoDB's idempotency, which moto lacks: a `TransactWriteItems` carrying a
//! `ClientRequestToken` that already committed is answered with success and not run again.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
pub struct Faults {
    pub conflicts: AtomicUsize,
    pub throttles: AtomicUsize,
    pub lost_answers: AtomicUsize,
    /// `TransactWriteItems` requests that reached the proxy.
    pub transactions: AtomicUsize,
    /// Those forwarded to moto (so run).
    pub forwarded_transactions: AtomicUsize,
    committed: Mutex<HashSet<String>>,
}

#[derive(Debug)]
pub struct FaultyDynamoDb {
    pub url: String,
    pub faults: Arc<Faults>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultyDynamoDb {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Takes one from `n` if it is above zero.
fn take(n: &AtomicUsize) -> bool {
    n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| v.checked_sub(1))
        .is_ok()
}

fn dynamo_error(status: StatusCode, kind: &str, extra: Value) -> Response {
    let mut body = json!({
        "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"),
        "message": format!("{kind} (injected)"),
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    (
        status,
        [("content-type", "application/x-amz-json-1.0")],
        body.to_string(),
    )
        .into_response()
}

impl FaultyDynamoDb {
    /// Starts the proxy on a free loopback port in front of `moto` (its URL).
    pub async fn start(moto: String) -> FaultyDynamoDb {
        let faults = Arc::new(Faults::default());
        let client = reqwest::Client::new();
        let state = (faults.clone(), client, moto);
        let app = axum::Router::new()
            .fallback(axum::routing::any(
                |axum::extract::State((faults, client, moto)): axum::extract::State<(
                    Arc<Faults>,
                    reqwest::Client,
                    String,
                )>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    handle(&faults, &client, &moto, headers, body).await
                },
            ))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FaultyDynamoDb { url, faults, task }
    }
}

async fn handle(
    faults: &Faults,
    client: &reqwest::Client,
    moto: &str,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if take(&faults.throttles) {
        return dynamo_error(StatusCode::BAD_REQUEST, "ThrottlingException", json!({}));
    }
    let transaction = target.ends_with(".TransactWriteItems");
    let mut token = None;
    if transaction {
        faults.transactions.fetch_add(1, Ordering::SeqCst);
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        token = request["ClientRequestToken"].as_str().map(str::to_owned);
        let done = token
            .as_ref()
            .is_some_and(|t| faults.committed.lock().unwrap().contains(t));
        if done {
            if take(&faults.lost_answers) {
                return dynamo_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    json!({}),
                );
            }
            return (
                StatusCode::OK,
                [("content-type", "application/x-amz-json-1.0")],
                "{}",
            )
                .into_response();
        }
        if take(&faults.conflicts) {
            let items = request["TransactItems"].as_array().map_or(1, Vec::len);
            let mut reasons = vec![json!({"Code": "None"}); items];
            reasons[items - 1] = json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"});
            return dynamo_error(
                StatusCode::BAD_REQUEST,
                "TransactionCanceledException",
                json!({"CancellationReasons": reasons}),
            );
        }
    }
    let mut forward = client.post(moto).body(body.clone());
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            forward = forward.header(name, value);
        }
    }
    let Ok(answer) = forward.send().await else {
        return dynamo_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            json!({}),
        );
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-amz-json-1.0")
        .to_owned();
    let text = answer.bytes().await.unwrap_or_default();
    if transaction {
        faults.forwarded_transactions.fetch_add(1, Ordering::SeqCst);
        if status == StatusCode::OK {
            if let Some(t) = token {
                faults.committed.lock().unwrap().insert(t);
            }
            if take(&faults.lost_answers) {
                return dynamo_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    json!({}),
                );
            }
        }
    }
    (status, [("content-type", content_type)], text).into_response()
}
