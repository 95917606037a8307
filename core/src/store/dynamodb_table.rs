//! Making the table for local runs and tests (in AWS, Terraform makes it): on-demand billing, the
//! `gsi1` index, a stream of new images, TTL on `ttl`.
//!
//! Two processes starting at once on a new table (a `serve` and a realtime node, two nodes) may
//! both find it missing; the one whose create loses takes the table the other made. Either way the
//! table is used only once it is ACTIVE (real DynamoDB takes writes a few seconds after the create).

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType, TableStatus,
    TimeToLiveSpecification,
};
use std::time::Duration;

use super::dynamodb::{DynamoDb, backend, invalid};
use super::kv::KvError;
use super::layout::{
    INDEX_HASH_KEY, INDEX_NAME, INDEX_RANGE_KEY, TABLE_HASH_KEY, TABLE_RANGE_KEY, TTL_ATTRIBUTE,
};

/// How long a table may stay CREATING before starting up fails.
const ACTIVE_WITHIN: Duration = Duration::from_secs(120);
const POLL_EVERY: Duration = Duration::from_millis(500);

impl DynamoDb {
    /// Makes the table unless it exists, then waits until it is ACTIVE.
    pub async fn create_table(&self) -> Result<(), KvError> {
        match self.table_status().await {
            None => self.create_new_table().await,
            Some(_) => self.wait_until_active().await,
        }
    }

    /// Creates the table and waits until it is ACTIVE; one that another process made meanwhile
    /// is as good (DynamoDB's `ResourceInUseException`), and keeps the settings its maker gave it.
    pub async fn create_new_table(&self) -> Result<(), KvError> {
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(invalid)
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(invalid)
        };
        let index = GlobalSecondaryIndex::builder()
            .index_name(INDEX_NAME)
            .key_schema(key(INDEX_HASH_KEY, KeyType::Hash)?)
            .key_schema(key(INDEX_RANGE_KEY, KeyType::Range)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(invalid)?;
        let created = self
            .client()
            .create_table()
            .table_name(self.table())
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr(TABLE_HASH_KEY)?)
            .attribute_definitions(attr(TABLE_RANGE_KEY)?)
            .attribute_definitions(attr(INDEX_HASH_KEY)?)
            .attribute_definitions(attr(INDEX_RANGE_KEY)?)
            .key_schema(key(TABLE_HASH_KEY, KeyType::Hash)?)
            .key_schema(key(TABLE_RANGE_KEY, KeyType::Range)?)
            .global_secondary_indexes(index)
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewImage)
                    .build()
                    .map_err(invalid)?,
            )
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_in_use_exception()) =>
            {
                return self.wait_until_active().await;
            }
            Err(e) => return Err(backend(e)),
        }
        self.wait_until_active().await?;
        // Counters and change records expire through DynamoDB's TTL (Terraform sets it in AWS).
        // Best effort: an endpoint without TTL still works, expired items are only hidden on read.
        let ttl = TimeToLiveSpecification::builder()
            .attribute_name(TTL_ATTRIBUTE)
            .enabled(true)
            .build()
            .map_err(invalid)?;
        if let Err(e) = self
            .client()
            .update_time_to_live()
            .table_name(self.table())
            .time_to_live_specification(ttl)
            .send()
            .await
        {
            tracing::warn!(error = %DisplayErrorContext(e), "could not turn on TTL for counters");
        }
        Ok(())
    }

    /// The table's status; `None` when it does not exist (or cannot be described).
    async fn table_status(&self) -> Option<TableStatus> {
        let out = self
            .client()
            .describe_table()
            .table_name(self.table())
            .send()
            .await
            .ok()?;
        Some(out.table?.table_status.unwrap_or(TableStatus::Active))
    }

    async fn wait_until_active(&self) -> Result<(), KvError> {
        let deadline = tokio::time::Instant::now() + ACTIVE_WITHIN;
        loop {
            let status = self.table_status().await;
            if status == Some(TableStatus::Active) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(KvError::Backend(format!(
                    "the table {} is not ACTIVE after {} s (status: {status:?})",
                    self.table(),
                    ACTIVE_WITHIN.as_secs()
                )));
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }
}
