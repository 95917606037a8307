//! The DynamoDB backend (`aws-sdk-dynamodb`): the single-table design of [`super::layout`].
//! `AWS_ENDPOINT_URL` points it at any DynamoDB-compatible endpoint (LocalStack, DynamoDB Local,
//! moto).

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, Put, ReturnValue, Select, TransactWriteItem,
};
use std::collections::HashMap;

use super::counter_writes::{WritePolicy, write_all};
use super::dynamodb_counters::{CounterBatches, counter_attrs, counter_from_attrs};
pub use super::dynamodb_retry::{ATTEMPT_TIMEOUT, TRANSACT_ATTEMPTS};
use super::dynamodb_retry::{Tried, backoff, judge};
use super::kv::{After, Cond, Counter, Item, Kv, KvError, Op, Order, check_key, check_transaction};
use super::layout::{
    INDEX_HASH_KEY, INDEX_NAME, INDEX_RANGE_KEY, TABLE_HASH_KEY, TABLE_RANGE_KEY, TTL_ATTRIBUTE,
};

type Attrs = HashMap<String, AttributeValue>;

#[derive(Debug, Clone)]
pub struct DynamoDb {
    client: Client,
    table: String,
    counter_writes: WritePolicy,
}

/// A request the SDK could not even build (a bug here, not DynamoDB's answer).
pub(super) fn invalid(e: aws_sdk_dynamodb::error::BuildError) -> KvError {
    KvError::Backend(DisplayErrorContext(e).to_string())
}

/// A request that failed after the SDK's own retries. DynamoDB saying it is too busy
/// (throttling, a request limit, a server error) or no answer at all is [`KvError::Busy`]: the
/// caller is told to come back in a moment (503), not that something broke.
pub(super) fn backend<E, R>(e: SdkError<E, R>) -> KvError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    let busy = match &e {
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            Some(
                "ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
            )
        ),
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        _ => false,
    };
    let message = DisplayErrorContext(e).to_string();
    if busy {
        KvError::Busy(message)
    } else {
        KvError::Backend(message)
    }
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

impl DynamoDb {
    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    pub fn new(client: Client, table: impl Into<String>) -> DynamoDb {
        DynamoDb {
            client,
            table: table.into(),
            counter_writes: WritePolicy::default(),
        }
    }

    /// How counter batches are written (concurrency, retries).
    pub fn with_counter_writes(mut self, policy: WritePolicy) -> DynamoDb {
        self.counter_writes = policy;
        self
    }

    /// A client from the standard AWS configuration (environment, profile, instance role;
    /// `AWS_ENDPOINT_URL` for another endpoint).
    pub async fn from_env(table: impl Into<String>) -> DynamoDb {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        // Without it a request whose answer never comes waits until the Lambda times out; with
        // it, the attempt is retried (transactions carry their idempotency token).
        let dynamo = aws_sdk_dynamodb::config::Builder::from(&config)
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .build(),
            )
            .build();
        DynamoDb::new(Client::from_conf(dynamo), table)
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn query_pages(
        &self,
        index: bool,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        let (hash, range) = if index {
            (INDEX_HASH_KEY, INDEX_RANGE_KEY)
        } else {
            (TABLE_HASH_KEY, TABLE_RANGE_KEY)
        };
        let condition = if prefix.is_empty() {
            "#h = :h".to_owned()
        } else {
            "#h = :h AND begins_with(#r, :p)".to_owned()
        };
        let mut start: Option<Attrs> = after.map(|a| {
            let mut k = Attrs::from([
                (TABLE_HASH_KEY.into(), s(&a.pk)),
                (TABLE_RANGE_KEY.into(), s(&a.sk)),
            ]);
            if let (true, Some((g, gs))) = (index, &a.g1) {
                k.insert(INDEX_HASH_KEY.into(), s(g));
                k.insert(INDEX_RANGE_KEY.into(), s(gs));
            }
            k
        });
        let mut out = Vec::new();
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(&condition)
                .expression_attribute_names("#h", hash)
                .expression_attribute_values(":h", s(pk))
                .set_exclusive_start_key(start.take())
                .scan_index_forward(order == Order::Asc)
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX));
            if !prefix.is_empty() {
                q = q
                    .expression_attribute_names("#r", range)
                    .expression_attribute_values(":p", s(prefix));
            }
            q = if index {
                q.index_name(INDEX_NAME)
            } else {
                q.consistent_read(true)
            };
            let page = q.send().await.map_err(backend)?;
            for attrs in page.items() {
                out.push(from_attrs(attrs)?);
            }
            match page.last_evaluated_key() {
                Some(k) if out.len() < limit => start = Some(k.clone()),
                _ => return Ok(out),
            }
        }
    }
}

fn to_attrs(item: &Item) -> Attrs {
    let mut a = Attrs::from([
        (TABLE_HASH_KEY.into(), s(&item.pk)),
        (TABLE_RANGE_KEY.into(), s(&item.sk)),
        ("v".into(), AttributeValue::N(item.v.to_string())),
        ("d".into(), s(&item.d.to_string())),
    ]);
    if let Some((g, gs)) = &item.g1 {
        a.insert(INDEX_HASH_KEY.into(), s(g));
        a.insert(INDEX_RANGE_KEY.into(), s(gs));
    }
    if let Some(ttl) = item.ttl {
        a.insert(TTL_ATTRIBUTE.into(), AttributeValue::N(ttl.to_string()));
    }
    a
}

pub(super) fn from_attrs(a: &Attrs) -> Result<Item, KvError> {
    let text = |k: &str| a.get(k).and_then(|v| v.as_s().ok()).cloned();
    let bad = || KvError::Backend("an item in the table does not have Switchyard's layout".into());
    let g1 = match (text(INDEX_HASH_KEY), text(INDEX_RANGE_KEY)) {
        (Some(g), Some(gs)) => Some((g, gs)),
        _ => None,
    };
    Ok(Item {
        pk: text(TABLE_HASH_KEY).ok_or_else(bad)?,
        sk: text(TABLE_RANGE_KEY).ok_or_else(bad)?,
        g1,
        v: a.get("v")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        d: match text("d") {
            Some(d) => serde_json::from_str(&d).map_err(|_| bad())?,
            None => serde_json::Value::Null,
        },
        ttl: a
            .get(TTL_ATTRIBUTE)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok()),
    })
}

/// The condition expression for a write, with its names and values.
fn condition(cond: Cond) -> Option<(String, Option<AttributeValue>)> {
    match cond {
        Cond::Any => None,
        Cond::Absent => Some(("attribute_not_exists(#pk)".into(), None)),
        Cond::Version(v) => Some(("#v = :v".into(), Some(AttributeValue::N(v.to_string())))),
    }
}

#[async_trait]
impl Kv for DynamoDb {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, KvError> {
        check_key(pk)?;
        check_key(sk)?;
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(TABLE_HASH_KEY, s(pk))
            .key(TABLE_RANGE_KEY, s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        out.item().map(from_attrs).transpose()
    }

    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        check_key(pk)?;
        self.query_pages(false, pk, prefix, after, limit, order)
            .await
    }

    async fn query_index(
        &self,
        g1pk: &str,
        prefix: &str,
        after: Option<&After>,
        limit: usize,
        order: Order,
    ) -> Result<Vec<Item>, KvError> {
        check_key(g1pk)?;
        self.query_pages(true, g1pk, prefix, after, limit, order)
            .await
    }

    async fn scan(&self, pk_prefix: &str, sk: &str) -> Result<Vec<Item>, KvError> {
        self.scan_items(pk_prefix, sk).await
    }

    /// Counts with `Select=COUNT`: pages of keys are read, no item comes back.
    async fn count(&self, pk: &str, prefix: &str, at_most: usize) -> Result<usize, KvError> {
        check_key(pk)?;
        let mut count = 0;
        let mut start: Option<Attrs> = None;
        while count < at_most {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_names("#h", TABLE_HASH_KEY)
                .expression_attribute_values(":h", s(pk))
                .select(Select::Count)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .limit(i32::try_from(at_most - count).unwrap_or(i32::MAX));
            q = if prefix.is_empty() {
                q.key_condition_expression("#h = :h")
            } else {
                q.key_condition_expression("#h = :h AND begins_with(#r, :p)")
                    .expression_attribute_names("#r", TABLE_RANGE_KEY)
                    .expression_attribute_values(":p", s(prefix))
            };
            let page = q.send().await.map_err(backend)?;
            count += usize::try_from(page.count()).unwrap_or(0);
            match page.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => break,
            }
        }
        Ok(count.min(at_most))
    }

    async fn transact(&self, ops: Vec<Op>) -> Result<(), KvError> {
        check_transaction(&ops)?;
        let mut writes = Vec::with_capacity(ops.len());
        for op in &ops {
            let write = match op {
                Op::Put { item, cond } => {
                    let mut put = Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(to_attrs(item)));
                    if let Some((expr, value)) = condition(*cond) {
                        put = put.condition_expression(expr);
                        put = if value.is_some() {
                            put.expression_attribute_names("#v", "v")
                                .set_expression_attribute_values(
                                    value.map(|v| HashMap::from([(":v".to_owned(), v)])),
                                )
                        } else {
                            put.expression_attribute_names("#pk", TABLE_HASH_KEY)
                        };
                    }
                    TransactWriteItem::builder()
                        .put(put.build().map_err(invalid)?)
                        .build()
                }
                Op::Delete { pk, sk, cond } => {
                    let mut del = Delete::builder()
                        .table_name(&self.table)
                        .key(TABLE_HASH_KEY, s(pk))
                        .key(TABLE_RANGE_KEY, s(sk));
                    if let Some((expr, value)) = condition(*cond) {
                        del = del.condition_expression(expr);
                        del = if value.is_some() {
                            del.expression_attribute_names("#v", "v")
                                .set_expression_attribute_values(
                                    value.map(|v| HashMap::from([(":v".to_owned(), v)])),
                                )
                        } else {
                            del.expression_attribute_names("#pk", TABLE_HASH_KEY)
                        };
                    }
                    TransactWriteItem::builder()
                        .delete(del.build().map_err(invalid)?)
                        .build()
                }
            };
            writes.push(write);
        }
        // One token for every try: DynamoDB answers a repeat of a transaction that already
        // committed (its answer lost to a timeout) with success instead of running it again.
        let token = hex::encode(rand::random::<[u8; 16]>());
        let mut last = String::new();
        for attempt in 0..TRANSACT_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(backoff(attempt)).await;
            }
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes.clone()))
                .client_request_token(&token)
                .send()
                .await;
            match judge(sent) {
                Tried::Done => return Ok(()),
                Tried::Failed(e) => return Err(e),
                Tried::Again(why) => {
                    tracing::debug!(attempt, %why, "transaction retried");
                    last = why;
                }
            }
        }
        Err(KvError::Busy(format!(
            "the transaction did not go through in {TRANSACT_ATTEMPTS} tries: {last}"
        )))
    }

    async fn put_counters(&self, counters: Vec<Counter>) -> Result<(), KvError> {
        for c in &counters {
            check_key(&c.pk)?;
            check_key(&c.sk)?;
        }
        let sink = CounterBatches {
            client: &self.client,
            table: &self.table,
        };
        write_all(&sink, counters, &self.counter_writes).await
    }

    async fn add_counter(
        &self,
        pk: &str,
        sk: &str,
        by: u64,
        now: i64,
        ttl: i64,
    ) -> Result<u64, KvError> {
        check_key(pk)?;
        check_key(sk)?;
        let n = |v: i64| AttributeValue::N(v.to_string());
        // DynamoDB deletes expired items lazily (up to days later): a counter past its ttl is
        // replaced, not added to. Two tries cover a race with another process replacing it.
        for _ in 0..3 {
            let added = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(TABLE_HASH_KEY, s(pk))
                .key(TABLE_RANGE_KEY, s(sk))
                .update_expression("ADD #v :by SET #ttl = :ttl")
                .condition_expression("attribute_not_exists(#ttl) OR #ttl > :now")
                .expression_attribute_names("#v", "v")
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":by", AttributeValue::N(by.to_string()))
                .expression_attribute_values(":ttl", n(ttl))
                .expression_attribute_values(":now", n(now))
                .return_values(ReturnValue::UpdatedNew)
                .send()
                .await;
            match added {
                Ok(out) => {
                    return out
                        .attributes()
                        .and_then(|a| a.get("v"))
                        .and_then(|v| v.as_n().ok())
                        .and_then(|v| v.parse().ok())
                        .ok_or_else(|| KvError::Backend("the counter came back without v".into()));
                }
                Err(SdkError::ServiceError(e))
                    if e.err().is_conditional_check_failed_exception() => {}
                Err(e) => return Err(backend(e)),
            }
            let replaced = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(counter_attrs(&Counter {
                    pk: pk.to_owned(),
                    sk: sk.to_owned(),
                    count: by,
                    ttl,
                })))
                .condition_expression("#ttl <= :now")
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":now", n(now))
                .send()
                .await;
            match replaced {
                Ok(_) => return Ok(by),
                Err(SdkError::ServiceError(e))
                    if e.err().is_conditional_check_failed_exception() => {}
                Err(e) => return Err(backend(e)),
            }
        }
        Err(KvError::Backend(format!("counter {pk}/{sk} kept changing")))
    }

    async fn counter_range(
        &self,
        pk: &str,
        from: &str,
        to: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Counter>, KvError> {
        check_key(pk)?;
        let mut start: Option<Attrs> = after.map(|a| {
            Attrs::from([
                (TABLE_HASH_KEY.into(), s(pk)),
                (TABLE_RANGE_KEY.into(), s(a)),
            ])
        });
        let mut out = Vec::new();
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#h = :h AND #r BETWEEN :from AND :to")
                .expression_attribute_names("#h", TABLE_HASH_KEY)
                .expression_attribute_names("#r", TABLE_RANGE_KEY)
                .expression_attribute_values(":h", s(pk))
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(to))
                .set_exclusive_start_key(start.take())
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX))
                .send()
                .await
                .map_err(backend)?;
            // Items without a `ttl` are counters of the old layout: left out.
            out.extend(page.items().iter().filter_map(counter_from_attrs));
            match page.last_evaluated_key() {
                Some(k) if out.len() < limit => start = Some(k.clone()),
                _ => return Ok(out),
            }
        }
    }
}
