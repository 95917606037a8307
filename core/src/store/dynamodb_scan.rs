//! A whole-table scan for maintenance (lifting revisions after a point-in-time restore): pages
//! of `Scan` with a filter, consistent reads, never on a request's path.

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

use super::dynamodb::{DynamoDb, from_attrs};
use super::kv::{Item, KvError};
use super::layout::{TABLE_HASH_KEY, TABLE_RANGE_KEY};

impl DynamoDb {
    pub(super) async fn scan_items(&self, pk_prefix: &str, sk: &str) -> Result<Vec<Item>, KvError> {
        let mut out = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let page = self
                .client()
                .scan()
                .table_name(self.table())
                .filter_expression("begins_with(#h, :p) AND #r = :s")
                .expression_attribute_names("#h", TABLE_HASH_KEY)
                .expression_attribute_names("#r", TABLE_RANGE_KEY)
                .expression_attribute_values(":p", AttributeValue::S(pk_prefix.to_owned()))
                .expression_attribute_values(":s", AttributeValue::S(sk.to_owned()))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| KvError::Backend(DisplayErrorContext(e).to_string()))?;
            for attrs in page.items() {
                out.push(from_attrs(attrs)?);
            }
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => return Ok(out),
            }
        }
    }
}
