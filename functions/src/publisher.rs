//! The change publisher: a Lambda on the table's DynamoDB stream that publishes every committed
//! environment revision on Redis (DESIGN.md section 4, the safety net behind the API's direct
//! publish). Idempotent by revision: a Lua script compares and sets the last revision published
//! for the environment and publishes only a newer one, so replayed or duplicated records publish
//! nothing new, and the API's fast-path publish and this one never both announce a revision.
//!
//! Stream records carry the environment item (`pk` = `ENV#{id}`, `sk` = `ENV`, `v` = revision),
//! which is all a change event holds; what changed is in the change log.

use serde_json::{Value, json};
use switchyard_core::domain::ChangeEvent;

/// Publishes `ARGV[3]` on channel `ARGV[2]` if revision `ARGV[1]` is newer than `KEYS[1]` holds.
pub const PUBLISH_IF_NEWER: &str = r"
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > last then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', 604800)
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
";

/// The change a stream record announces: `Ok(None)` for items that are not environments or
/// records without a new image (deletes); `Err` for a record that cannot be read.
pub fn change_of(record: &Value) -> Result<Option<ChangeEvent>, String> {
    let Some(image) = record.pointer("/dynamodb/NewImage") else {
        return Ok(None);
    };
    let text = |name: &str| image.pointer(&format!("/{name}/S")).and_then(Value::as_str);
    let (Some(pk), Some(sk)) = (text("pk"), text("sk")) else {
        return Err("the record's image has no pk/sk".into());
    };
    let Some(environment) = pk.strip_prefix("ENV#").filter(|_| sk == "ENV") else {
        return Ok(None);
    };
    let revision = image
        .pointer("/v/N")
        .and_then(Value::as_str)
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or("the environment item has no revision")?;
    Ok(Some(ChangeEvent {
        environment: environment.to_owned(),
        revision,
    }))
}

/// Publishes a change unless its revision was published already; true when it was sent now.
pub async fn publish_once(
    conn: &mut redis::aio::MultiplexedConnection,
    ev: &ChangeEvent,
) -> Result<bool, String> {
    let payload = serde_json::to_string(ev).map_err(|e| e.to_string())?;
    let sent: i64 = redis::Script::new(PUBLISH_IF_NEWER)
        .key(format!("switchyard:published:{}", ev.environment))
        .arg(ev.revision)
        .arg(switchyard_core::bus::redis_channel())
        .arg(payload)
        .invoke_async(conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(sent == 1)
}

/// Handles one stream batch: returns the partial-batch response naming the records that failed,
/// so only those are retried.
pub async fn handle(conn: &mut redis::aio::MultiplexedConnection, event: &Value) -> Value {
    let mut failures = Vec::new();
    for record in event["Records"].as_array().into_iter().flatten() {
        let id = record
            .pointer("/dynamodb/SequenceNumber")
            .or_else(|| record.get("eventID"))
            .cloned()
            .unwrap_or(Value::Null);
        let outcome = match change_of(record) {
            Ok(Some(ev)) => publish_once(conn, &ev).await.map(|_| ()),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            tracing::warn!(record = %id, error = %e, "record not published");
            failures.push(json!({"itemIdentifier": id}));
        }
    }
    json!({"batchItemFailures": failures})
}
