//! One contract suite, run against both backends: the embedded store (redb in a temporary
//! directory) and DynamoDB (a moto server started for each test, or `AWS_ENDPOINT_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use std::sync::Arc;
use switchyard_core::domain::*;
use switchyard_core::engine::{Context, FlagSet, FlagType};
use switchyard_core::store::{Batch, Kv, Order, Store, StoreError};

#[allow(missing_debug_implementations)]
pub struct Harness {
    pub store: Store,
    _guards: Box<dyn std::any::Any + Send>,
}

fn embedded() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    Harness {
        store: Store::new(Arc::new(kv)),
        _guards: Box::new(dir),
    }
}

async fn dynamodb() -> Harness {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let (endpoint, server) = support::dynamodb_endpoint();
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .build();
    let table = format!("switchyard-test-{}", new_id());
    let kv = switchyard_core::store::dynamodb::DynamoDb::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        table,
    );
    kv.create_table().await.expect("table created");
    Harness {
        store: Store::new(Arc::new(kv)),
        _guards: Box::new(server),
    }
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded_store {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::cases::$case(super::embedded()).await })*
        }
        mod dynamodb_store {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::cases::$case(super::dynamodb().await).await })*
        }
    };
}

contract!(
    accounts_and_tokens,
    a_user_update_from_a_stale_read_is_refused,
    projects_environments_and_keys,
    flag_lifecycle,
    twenty_concurrent_writers_one_winner,
    failed_change_leaves_no_trace,
    pagination,
    counters_written_in_batches_are_all_stored,
    a_nodes_new_total_replaces_its_last,
    totals_of_several_nodes_are_summed,
    a_window_read_returns_only_the_window,
    a_window_read_does_not_read_the_rest_of_the_partition,
    one_flags_counters_leave_out_the_others,
    expired_counters_are_not_returned,
    attempts_count_up_and_remember_the_last,
    concurrent_attempts_are_all_counted,
    attempts_start_again_after_going_quiet,
    cleared_attempts_are_forgotten,
    counters_that_cannot_be_stored_are_refused,
    changes_list_newest_first_with_cursor,
    one_targets_history_reads_newest_first,
    records_are_numbered_without_gaps,
    changes_after_a_cursor_are_the_newer_ones_in_order,
    a_record_too_large_for_one_item_is_read_back_whole,
    a_change_larger_than_one_transaction_is_refused_and_writes_nothing,
    a_record_names_its_keys_and_revisions,
    changes_of_one_organization_stay_in_it,
    a_consumer_reads_every_change_once_in_order,
    a_failed_handler_leaves_the_consumers_place,
    two_workers_of_one_consumer_cannot_both_move_its_place,
    concurrent_changes_across_one_organization_all_commit,
    counting_stops_at_its_limit_and_stays_in_its_prefix,
    a_filter_by_actor_finds_entries_older_than_the_page_budget,
    a_filter_by_actor_pages_through_the_actors_records,
    a_record_expires_after_its_organizations_audit_retention,
    expired_records_are_hidden_from_every_read,
    an_account_event_is_numbered_in_each_organizations_log,
    an_account_event_reaches_more_organizations_than_one_write_holds,
);

#[path = "contract/mod.rs"]
mod cases;
use cases::FlagWrites;

#[tokio::test]
async fn embedded_store_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (org_id, project_id, env_id) = {
        let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
        let store = Store::new(Arc::new(kv));
        let (org, project, envs) = cases::setup(&store, 1).await;
        let f = cases::flag(&project.id, "durable");
        store
            .create_flag(
                &f,
                &cases::audit(&org.id, &project.id, "flag:durable", "flag.create"),
            )
            .await
            .unwrap();
        store
            .put_flag_state(
                &project.id,
                &cases::state(&envs[0].id, "durable", 1, true),
                &cases::audit(&org.id, &project.id, "flag:durable", "flag_state.update"),
            )
            .await
            .unwrap();
        (org.id, project.id, envs[0].id.clone())
    };
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    let store = Store::new(Arc::new(kv));
    let snap = store.load_environment(&env_id).await.unwrap().unwrap();
    assert_eq!(snap.environment.revision, 2);
    assert!(snap.flags[0].1.enabled);
    assert_eq!(
        store
            .get_project(&project_id)
            .await
            .unwrap()
            .unwrap()
            .org_id,
        org_id
    );
}

#[tokio::test]
async fn keys_that_cannot_be_stored_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    assert!(
        kv.get("bad\0key", "x").await.is_err() || kv.get("bad\0key", "x").await.unwrap().is_none()
    );
    let store = Store::new(Arc::new(kv));
    let f = cases::flag("p", "bad\0key");
    assert!(matches!(
        store
            .create_flag(&f, &cases::audit("o", "p", "flag:x", "flag.create"))
            .await,
        Err(StoreError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_embedded_store_sweeps_expired_change_records() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap());
    let store = Store::new(kv.clone());
    let (org, project, _) = cases::setup(&store, 1).await;
    let mut old = cases::audit(&org.id, &project.id, "flag:gone", "flag.update");
    old.at = now_ms() - 400 * 86_400_000;
    let old = store.commit(Batch::new(), old).await.unwrap().record;
    let now = now_ms() / 1000;
    // The record and its place in its actor's history.
    assert_eq!(store.sweep_expired(now).await.unwrap(), 2);
    assert_eq!(
        kv.get(&format!("CHANGE#{}", org.id), &old.id)
            .await
            .unwrap(),
        None
    );
    let target = kv
        .query_index(
            &format!("TARGET#{}#flag:gone", org.id),
            "",
            None,
            10,
            Order::Asc,
        )
        .await
        .unwrap();
    assert!(target.is_empty());
    assert_eq!(store.sweep_expired(now).await.unwrap(), 0);
    let left = store
        .list_audit(&org.id, &AuditFilter::default(), None, 50, Order::Desc)
        .await
        .unwrap();
    assert!(!left.items.is_empty(), "the live records stay");
}

#[tokio::test]
async fn the_embedded_store_sweeps_expired_counters() {
    let dir = tempfile::tempdir().unwrap();
    let kv = Arc::new(switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap());
    let store = Store::new(kv.clone());
    let hour = hour_of(now_ms());
    let t = |h: i64| CounterTotal {
        environment_id: "env-a".into(),
        flag_key: "f".into(),
        variant: "on".into(),
        hour: h,
        count: 1,
    };
    // Kept for an hour after their hour: the three oldest have expired.
    store
        .put_counters(
            "node-a",
            &[t(hour - 5), t(hour - 4), t(hour - 3), t(hour)],
            3600,
        )
        .await
        .unwrap();
    let now = now_ms() / 1000;
    assert_eq!(store.sweep_counters(now).await.unwrap(), 3);
    let (low, high) = switchyard_core::store::layout::counter_window(hour - 10, hour + 1);
    let left = kv
        .counter_range("STATS#env-a", &low, &high, None, 100)
        .await
        .unwrap();
    assert_eq!(left.len(), 1, "only the live counter is left: {left:?}");
    assert_eq!(store.sweep_counters(now).await.unwrap(), 0);
}
