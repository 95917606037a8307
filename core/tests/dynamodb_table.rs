//! Making the DynamoDB table when processes start at once on a new one (a `serve` beside a
//! realtime node, several nodes): each starts, whichever made the table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use switchyard_core::domain::new_id;
use switchyard_core::store::dynamodb::DynamoDb;

fn client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_loses_to_another_process_takes_its_table() {
    let (endpoint, _moto) = support::dynamodb_endpoint();
    let table = format!("race-{}", new_id());
    let first = DynamoDb::new(client(&endpoint), table.clone());
    let second = DynamoDb::new(client(&endpoint), table);
    first.create_table().await.unwrap();
    // The second process found the table missing a moment before the first made it.
    second.create_new_table().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_starting_at_once_on_a_new_table_all_start() {
    let (endpoint, _moto) = support::dynamodb_endpoint();
    let table = format!("race-{}", new_id());
    let starts = (0..4).map(|_| {
        let kv = DynamoDb::new(client(&endpoint), table.clone());
        tokio::spawn(async move { kv.create_table().await })
    });
    for start in futures_util::future::join_all(starts).await {
        start.unwrap().unwrap();
    }
}
