//! Backups of a running `switchyard serve` and restoring one (issue #16): `switchyard backup`
//! asks the running server for a consistent copy, `switchyard restore` puts it back once the
//! server has stopped, and a server started on it serves the backed-up flags with the same keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, Switchyard, beta_for_pro};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn switchyard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(args)
        .env_remove("SWITCHYARD_DATA_DIR")
        .output()
        .unwrap()
}

fn backup(f: &Fixture, to: &Path) -> Output {
    let addr = format!("127.0.0.1:{}", f.server.port);
    switchyard(&[
        "backup",
        "--data-dir",
        f.data_dir().to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
        "--addr",
        &addr,
    ])
}

fn restore(dir: &Path, from: &Path) -> Output {
    switchyard(&[
        "restore",
        "--data-dir",
        dir.to_str().unwrap(),
        "--from",
        from.to_str().unwrap(),
    ])
}

/// `beta` for a pro user, as the server at `base` evaluates it with `key`.
async fn beta(base: &str, key: &str) -> Value {
    let r: Value = beta_for_pro(base, key).await.json().await.unwrap();
    r["value"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_server_backs_up_and_a_restore_brings_the_flags_back() {
    let mut f = Fixture::start().await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.redb");
    let made = backup(&f, &file);
    assert!(made.status.success(), "{made:?}");
    f.flip_and_wait().await;
    f.server.terminate();
    let restored = restore(f.data_dir(), &file);
    assert!(restored.status.success(), "{restored:?}");
    let dir = f.data_dir().to_str().unwrap().to_owned();
    let again = Switchyard::serve(&["--data-dir", &dir], &[]);
    assert_eq!(beta(&again.base, &f.t.server_key).await, true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_needs_the_data_directorys_admin_key() {
    let f = Fixture::start().await;
    let r = reqwest::Client::new()
        .post(f.url("/_switchyard/backup"))
        .bearer_auth("not-the-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let leftovers = std::fs::read_dir(f.data_dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".backup")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_refuses_while_the_server_runs() {
    let f = Fixture::start().await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.redb");
    assert!(backup(&f, &file).status.success());
    let r = restore(f.data_dir(), &file);
    assert!(!r.status.success());
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("in use"),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_refuses_to_overwrite_a_file() {
    let f = Fixture::start().await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.redb");
    std::fs::write(&file, b"keep").unwrap();
    let r = backup(&f, &file);
    assert!(!r.status.success());
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
}
