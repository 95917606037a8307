//! The webhook dispatcher Lambda: on the table's stream (new change records and queued
//! deliveries: the organizations they belong to) and every minute on a schedule (every endpoint:
//! retries that came due). Runs outside the VPC: it reaches customers' endpoints and nothing of
//! ours but the table. Reads `SWITCHYARD_TABLE`, `SWITCHYARD_WEBHOOK_KEY_SECRET_ARN`,
//! `SWITCHYARD_DASHBOARD_URL`.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;
use std::sync::Arc;
use switchyard_core::backends::{Backends, BusConfig, StoreConfig};
use switchyard_core::changes::Changes;
use switchyard_core::clock::SystemClock;
use switchyard_functions::webhooks::{Dispatcher, RetryPolicy};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt().json().without_time().init();
    let table = std::env::var("SWITCHYARD_TABLE").map_err(|_| "set SWITCHYARD_TABLE")?;
    let setup = switchyard_functions::config::webhooks_from_env()
        .await?
        .ok_or("set SWITCHYARD_WEBHOOK_KEY_SECRET_ARN")?;
    let Backends { store, bus } = Backends::open(
        StoreConfig::DynamoDb {
            table,
            create: false,
        },
        BusConfig::InProcess,
    )
    .await?;
    let changes = Changes::new(store, bus, Arc::new(SystemClock));
    let dispatcher = Dispatcher::new(changes, setup, RetryPolicy::default())?;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let dispatcher = dispatcher.clone();
        async move {
            match switchyard_functions::webhooks::stream_orgs(&event.payload) {
                Some(orgs) => {
                    for org in orgs {
                        dispatcher.run(Some(&org), true).await?;
                    }
                }
                None => dispatcher.run(None, true).await?,
            }
            let report = dispatcher.take_report();
            tracing::info!(
                queued = report.queued,
                delivered = report.delivered,
                failed = report.failed,
                "webhooks run"
            );
            Ok::<Value, lambda_runtime::Error>(Value::Null)
        }
    }))
    .await
}
