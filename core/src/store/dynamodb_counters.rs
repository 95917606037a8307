//! Counters as DynamoDB items (`pk`, `sk`, `v` the count, `ttl`), and their batch writes, retried
//! where DynamoDB says a batch may be sent again.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemError;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use std::collections::HashMap;

use super::counter_writes::{BatchError, BatchSink};
use super::kv::{Counter, KvError};
use super::layout::{TABLE_HASH_KEY, TABLE_RANGE_KEY, TTL_ATTRIBUTE};

type Attrs = HashMap<String, AttributeValue>;

fn backend<E: std::error::Error>(e: E) -> KvError {
    KvError::Backend(DisplayErrorContext(e).to_string())
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

/// Counters as DynamoDB attributes: `pk`, `sk`, `v` (the count), `ttl` (epoch seconds).
pub(super) fn counter_attrs(c: &Counter) -> Attrs {
    Attrs::from([
        (TABLE_HASH_KEY.into(), s(&c.pk)),
        (TABLE_RANGE_KEY.into(), s(&c.sk)),
        ("v".into(), AttributeValue::N(c.count.to_string())),
        (TTL_ATTRIBUTE.into(), AttributeValue::N(c.ttl.to_string())),
    ])
}

pub(super) fn counter_from_attrs(a: &Attrs) -> Option<Counter> {
    let text = |k: &str| a.get(k).and_then(|v| v.as_s().ok()).cloned();
    let number = |k: &str| a.get(k).and_then(|v| v.as_n().ok());
    Some(Counter {
        pk: text(TABLE_HASH_KEY)?,
        sk: text(TABLE_RANGE_KEY)?,
        count: number("v")?.parse().ok()?,
        ttl: number(TTL_ATTRIBUTE)?.parse().ok()?,
    })
}

/// One `BatchWriteItem` of counter puts.
pub(super) struct CounterBatches<'a> {
    pub(super) client: &'a Client,
    pub(super) table: &'a str,
}

#[async_trait]
impl BatchSink<Counter> for CounterBatches<'_> {
    async fn write(&self, batch: &[Counter]) -> Result<Vec<Counter>, BatchError> {
        let mut requests = Vec::with_capacity(batch.len());
        for c in batch {
            let put = PutRequest::builder()
                .set_item(Some(counter_attrs(c)))
                .build()
                .map_err(|e| BatchError::Fatal(backend(e)))?;
            requests.push(WriteRequest::builder().put_request(put).build());
        }
        let out = self
            .client
            .batch_write_item()
            .request_items(self.table, requests)
            .send()
            .await
            .map_err(|e| {
                if retryable(&e) {
                    BatchError::Retryable(DisplayErrorContext(&e).to_string())
                } else {
                    BatchError::Fatal(backend(e))
                }
            })?;
        Ok(out
            .unprocessed_items()
            .and_then(|u| u.get(self.table))
            .map(|left| {
                left.iter()
                    .filter_map(|w| w.put_request().and_then(|p| counter_from_attrs(p.item())))
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// Throttling, server errors and failures to get an answer: worth another try (counter puts are
/// idempotent, so even a write that did happen may be repeated).
fn retryable<R>(e: &SdkError<BatchWriteItemError, R>) -> bool {
    match e {
        SdkError::ServiceError(s) => {
            matches!(
                s.err(),
                BatchWriteItemError::ProvisionedThroughputExceededException(_)
                    | BatchWriteItemError::RequestLimitExceeded(_)
                    | BatchWriteItemError::ThrottlingException(_)
                    | BatchWriteItemError::InternalServerError(_)
            ) || s.err().code() == Some("ServiceUnavailable")
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        _ => false,
    }
}
