//! The change publisher Lambda, on the table's DynamoDB stream (see `switchyard_functions::publisher`).
//! Reads `SWITCHYARD_REDIS_URL`, or in AWS the secret `SWITCHYARD_REDIS_URL_SECRET_ARN` names.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt().json().without_time().init();
    let url = switchyard_functions::config::redis_url()
        .await?
        .ok_or("set SWITCHYARD_REDIS_URL or SWITCHYARD_REDIS_URL_SECRET_ARN")?;
    let client = redis::Client::open(url)?;
    let conn = client.get_multiplexed_async_connection().await?;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let mut conn = conn.clone();
        async move {
            Ok::<Value, lambda_runtime::Error>(
                switchyard_functions::publisher::handle(&mut conn, &event.payload).await,
            )
        }
    }))
    .await
}
