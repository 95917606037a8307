//! Backups and restores (issue #16): the embedded store backs up online and consistently, a
//! restore brings back what the backup held with every revision lifted above anything served
//! before, and bad input changes nothing. Lifting revisions (after a DynamoDB point-in-time
//! restore) works on both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use governance::Team;
use std::path::Path;
use std::sync::Arc;
use switchyard_core::changes::StateInput;
use switchyard_core::domain::{FlagState, now_ms};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::{EnvironmentSnapshot, KvError, Store, revision_floor};
use tempfile::TempDir;

/// Temporary directories: the store's, one for backup files, and a fresh one to restore into.
fn dirs() -> (TempDir, TempDir, TempDir) {
    let new = || tempfile::tempdir().unwrap();
    (new(), new(), new())
}

/// A team on an embedded store in `dir`.
async fn team_in(dir: &Path) -> Team {
    let kv = Embedded::open(dir).unwrap();
    Team::new(Store::new(Arc::new(kv)), Box::new(())).await
}

async fn set_checkout(team: &Team, on: bool) {
    let env = team.current(&team.staging.id).await;
    let version = team.state(&env).await.version;
    let input = StateInput {
        enabled: on,
        default_variant: Some("on".into()),
        targeting: None,
        prerequisites: vec![],
    };
    team.changes
        .put_state(&team.owner, &team.project, &env, "checkout", version, input)
        .await
        .unwrap();
}

fn checkout(snap: &EnvironmentSnapshot) -> &FlagState {
    &snap
        .flags
        .iter()
        .find(|(f, _)| f.key == "checkout")
        .unwrap()
        .1
}

async fn backup(team: &Team, to: &Path, files: Vec<(String, Vec<u8>)>) {
    team.changes.store().kv().backup(to, files).await.unwrap();
}

/// Reopens the store in `dir` (after a restore): (store, staging's checkout enabled, staging's
/// revision).
async fn reopened(dir: &Path, staging: &str) -> (Store, bool, u64) {
    let store = Store::new(Arc::new(Embedded::open(dir).unwrap()));
    let snap = store.load_environment(staging).await.unwrap().unwrap();
    let on = checkout(&snap).enabled;
    let revision = snap.environment.revision;
    (store, on, revision)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_brings_back_what_the_backup_held() {
    let (dir, out, _) = dirs();
    let file = out.path().join("backup.redb");
    let team = team_in(dir.path()).await;
    backup(&team, &file, vec![]).await;
    set_checkout(&team, true).await;
    let staging = team.staging.id.clone();
    drop(team);
    Embedded::restore(dir.path(), &file, now_ms()).unwrap();
    let (_, on, _) = reopened(dir.path(), &staging).await;
    assert!(!on, "the backup was taken before checkout was turned on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_lifts_every_revision_above_what_was_served() {
    let (dir, out, _) = dirs();
    let file = out.path().join("backup.redb");
    let team = team_in(dir.path()).await;
    backup(&team, &file, vec![]).await;
    for on in [true, false, true] {
        set_checkout(&team, on).await;
    }
    let served = team.current(&team.staging.id).await.revision;
    let staging = team.staging.id.clone();
    drop(team);
    let now = now_ms();
    let restored = Embedded::restore(dir.path(), &file, now).unwrap();
    let (_, _, revision) = reopened(dir.path(), &staging).await;
    assert!(revision > served, "{revision} after {served}");
    assert!(revision >= revision_floor(now));
    assert_eq!(restored.environments, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_holds_whole_transactions() {
    let (dir, out, _) = dirs();
    let file = out.path().join("backup.redb");
    let team = team_in(dir.path()).await;
    let writes = async {
        for i in 0..40 {
            set_checkout(&team, i % 2 == 0).await;
        }
    };
    let snapshot = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        backup(&team, &file, vec![]).await;
    };
    tokio::join!(writes, snapshot);
    let staging = team.staging.clone();
    drop(team);
    Embedded::restore(dir.path(), &file, now_ms()).unwrap();
    let store = Store::new(Arc::new(Embedded::open(dir.path()).unwrap()));
    let snap = store.load_environment(&staging.id).await.unwrap().unwrap();
    let version = checkout(&snap).version;
    let org = store
        .get_project(&staging.project_id)
        .await
        .unwrap()
        .unwrap()
        .org_id;
    let filter = switchyard_core::domain::AuditFilter::default();
    let log = store
        .list_audit(&org, &filter, None, 500, switchyard_core::store::Order::Asc)
        .await
        .unwrap();
    let updates = log
        .items
        .iter()
        .filter(|r| r.action == "flag_state.update")
        .count();
    // Each toggle wrote the state and its audit record in one transaction: a snapshot has both or
    // neither.
    assert_eq!(version as usize, updates);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_never_overwrites_a_file() {
    let (dir, out, _) = dirs();
    let file = out.path().join("backup.redb");
    std::fs::write(&file, b"keep me").unwrap();
    let team = team_in(dir.path()).await;
    let r = team.changes.store().kv().backup(&file, vec![]).await;
    assert!(matches!(r, Err(KvError::Invalid(_))), "{r:?}");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_refuses_a_file_that_is_not_a_backup() {
    let (dir, out, _) = dirs();
    let file = out.path().join("notes.txt");
    std::fs::write(&file, b"not a database").unwrap();
    let team = team_in(dir.path()).await;
    set_checkout(&team, true).await;
    let staging = team.staging.id.clone();
    drop(team);
    let r = Embedded::restore(dir.path(), &file, now_ms());
    assert!(
        matches!(&r, Err(KvError::Invalid(m)) if m.contains("not a Switchyard backup")),
        "{r:?}"
    );
    let (_, on, _) = reopened(dir.path(), &staging).await;
    assert!(on, "the live store is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_refuses_while_a_server_has_the_store_open() {
    let (dir, out, _) = dirs();
    let file = out.path().join("backup.redb");
    let team = team_in(dir.path()).await;
    backup(&team, &file, vec![]).await;
    let r = Embedded::restore(dir.path(), &file, now_ms());
    assert!(
        matches!(&r, Err(KvError::Invalid(m)) if m.contains("in use")),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_into_a_new_directory_brings_back_the_key_files() {
    let (dir, out, fresh) = dirs();
    let file = out.path().join("backup.redb");
    let team = team_in(dir.path()).await;
    let key = b"00112233".to_vec();
    backup(&team, &file, vec![("webhook.key".into(), key.clone())]).await;
    let staging = team.staging.id.clone();
    let restored = Embedded::restore(fresh.path(), &file, now_ms()).unwrap();
    assert_eq!(restored.files, ["webhook.key"]);
    assert_eq!(
        std::fs::read(fresh.path().join("webhook.key")).unwrap(),
        key
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fresh.path().join("webhook.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (_, _, revision) = reopened(fresh.path(), &staging).await;
    assert!(revision >= revision_floor(now_ms() - 60_000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_backup_cannot_write_outside_the_data_directory() {
    let (dir, out, fresh) = dirs();
    let file = out.path().join("backup.redb");
    let team = team_in(dir.path()).await;
    backup(&team, &file, vec![("../escaped".into(), b"x".to_vec())]).await;
    let r = Embedded::restore(fresh.path(), &file, now_ms());
    assert!(matches!(&r, Err(KvError::Invalid(_))), "{r:?}");
    assert!(!fresh.path().join("../escaped").exists());
    assert!(
        !fresh.path().join("switchyard.redb").exists(),
        "nothing restored"
    );
}

mod lifting {
    use super::*;

    on_both_stores!(
        governance::embedded_store(),
        governance::dynamodb_store();
        lifting_moves_every_environment_to_the_floor,
        lifting_moves_an_environment_past_the_floor_by_one,
    );

    mod cases {
        use super::*;

        pub async fn lifting_moves_every_environment_to_the_floor(
            (store, guard): (Store, Box<dyn std::any::Any + Send>),
        ) {
            let team = Team::new(store, guard).await;
            let store = team.changes.store();
            let floor = revision_floor(now_ms());
            assert_eq!(store.lift_revisions(floor).await.unwrap(), 2);
            for env in [&team.staging, &team.production] {
                assert_eq!(team.current(&env.id).await.revision, floor);
            }
            assert_eq!(store.highest_revision().await.unwrap(), floor);
        }

        pub async fn lifting_moves_an_environment_past_the_floor_by_one(
            (store, guard): (Store, Box<dyn std::any::Any + Send>),
        ) {
            let team = Team::new(store, guard).await;
            let before = team.current(&team.staging.id).await.revision;
            team.changes.store().lift_revisions(before).await.unwrap();
            assert_eq!(team.current(&team.staging.id).await.revision, before + 1);
        }
    }
}
