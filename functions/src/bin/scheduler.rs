//! The scheduler Lambda: EventBridge Scheduler invokes it every minute; it applies the change
//! requests that came due (docs/governance.md), each exactly once. Runs outside the VPC like the
//! webhooks function: it needs only the table, and realtime nodes hear of what it applies from
//! the stream publisher. Reads `SWITCHYARD_TABLE` and the quotas (`SWITCHYARD_QUOTA_*`): a
//! scheduled change obeys the same ones as the API.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::backends::{Backends, BusConfig, StoreConfig};
use switchyard_core::changes::Changes;
use switchyard_core::clock::SystemClock;

/// Runs come a minute apart: a request applied more than two runs after its time says how late.
const LATE_AFTER: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt().json().without_time().init();
    let quotas = switchyard_functions::config::quotas_from_env()?;
    let table = std::env::var("SWITCHYARD_TABLE").map_err(|_| "set SWITCHYARD_TABLE")?;
    let Backends { store, bus } = Backends::open(
        StoreConfig::DynamoDb {
            table,
            create: false,
        },
        BusConfig::InProcess,
    )
    .await?;
    let changes = Changes::new(store, bus, Arc::new(SystemClock)).with_quotas(quotas);
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| {
        let changes = changes.clone();
        async move {
            let done = switchyard_functions::scheduler::run(&changes, LATE_AFTER).await?;
            Ok::<Value, lambda_runtime::Error>(json!({ "ran": done.len() }))
        }
    }))
    .await
}
