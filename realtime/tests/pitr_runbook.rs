//! The point-in-time restore runbook of infra/terraform/README.md (issue #16), step by step
//! against moto: enable point-in-time recovery, restore to a new table, `switchyard
//! lift-revisions` on it, serve from it. The restored flags come back and an SDK sees a revision
//! above anything the old table served, so it takes the restored state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::PointInTimeRecoverySpecification;
use futures_util::SinkExt;
use harness::{Client, Switchyard, next_json, support};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

fn dynamodb(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// The snapshot a WebSocket client gets from `server` for a pro user.
async fn snapshot(server: &Switchyard, client_key: &str) -> Value {
    let (mut ws, _) = tokio_tungstenite::connect_async(server.ws_url(client_key))
        .await
        .unwrap();
    ws.send(Message::text(
        json!({"type": "hello", "context": {"plan": "pro"}}).to_string(),
    ))
    .await
    .unwrap();
    next_json(&mut ws).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_point_in_time_restore_runbook_serves_the_restored_flags_at_a_higher_revision() {
    let (endpoint, _moto) = support::dynamodb_endpoint();
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ];
    let id = std::process::id();
    let (live, restored) = (format!("pitr-{id}"), format!("pitr-{id}-restored"));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let serve = |table: &str| {
        Switchyard::serve(
            &["--store", "dynamodb", "--table", table, "--data-dir", &data],
            &env,
        )
    };

    let old = serve(&live);
    let admin = Client::signup(&old.base, "ada@example.com").await;
    let t = admin.tenant().await;
    // Step 1 (Terraform does it): point-in-time recovery on. Step 2: restore to a new table.
    let ddb = dynamodb(&endpoint);
    ddb.update_continuous_backups()
        .table_name(&live)
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    ddb.restore_table_to_point_in_time()
        .source_table_name(&live)
        .target_table_name(&restored)
        .send()
        .await
        .unwrap();
    // A change after the restore point: lost, but its revision was served.
    admin.set_beta(&t, false, 1).await;
    let served = snapshot(&old, &t.client_key).await;
    assert_eq!(served["flags"]["beta"]["value"], false);
    drop(old);

    // Step 3: lift the restored table's revisions. Step 4: serve from it.
    let lifted = std::process::Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(["lift-revisions", "--table", &restored])
        .envs(env)
        .output()
        .unwrap();
    assert!(lifted.status.success(), "{lifted:?}");
    let new = serve(&restored);
    let now = snapshot(&new, &t.client_key).await;
    assert_eq!(now["flags"]["beta"]["value"], true, "{now}");
    let (before, after) = (
        served["revision"].as_u64().unwrap(),
        now["revision"].as_u64().unwrap(),
    );
    assert!(after > before, "restored revision {after} after {before}");
}
