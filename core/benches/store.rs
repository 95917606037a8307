//! The embedded store: flag-state writes (each one a durable transaction with its audit entry and
//! revision bump), environment loads, and the size on disk of 10,000 flags.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use std::sync::Arc;
use switchyard_core::domain::*;
use switchyard_core::engine::FlagType;
use switchyard_core::store::Store;
use switchyard_core::store::embedded::Embedded;

#[path = "../tests/support/writes.rs"]
mod writes;
use writes::{AuditEntry, FlagWrites, Writes};

struct Fixture {
    store: Store,
    org: String,
    project: String,
    env: String,
}

fn audit(f: &Fixture, target: &str) -> AuditEntry {
    writes::record(&f.org, Some(&f.project), target, "bench")
}

fn flag(project: &str, key: &str) -> Flag {
    Flag {
        project_id: project.into(),
        key: key.into(),
        name: key.into(),
        description: "A flag for the benchmark".into(),
        kind: FlagType::Boolean,
        variants: vec![
            Variant {
                name: "on".into(),
                value: json!(true),
            },
            Variant {
                name: "off".into(),
                value: json!(false),
            },
        ],
        tags: vec!["bench".into()],
        archived: false,
        client_visible: true,
        version: 1,
        created_by: "bench".into(),
        created_at: now_ms(),
        updated_by: "bench".into(),
        updated_at: now_ms(),
    }
}

async fn fixture(dir: &std::path::Path, flags: usize) -> Fixture {
    let store = Store::new(Arc::new(Embedded::open(dir).unwrap()));
    let org = Organization::new(new_id(), "Bench", 0);
    store
        .create_org(
            &org,
            &Membership {
                org_id: org.id.clone(),
                user_id: "bench".into(),
                role: Role::Owner,
                created_at: 0,
            },
        )
        .await
        .unwrap();
    let project = Project {
        id: new_id(),
        org_id: org.id.clone(),
        name: "p".into(),
        created_at: 0,
        client_visible_by_default: true,
    };
    store.create_project(&project).await.unwrap();
    let env = Environment {
        id: new_id(),
        org_id: org.id.clone(),
        project_id: project.id.clone(),
        key: "prod".into(),
        name: "Prod".into(),
        revision: 0,
        allowed_origins: vec![],
        custom_events: false,
        created_at: 0,
        secure_mode: false,
        secure_mode_secret: None,
        approval: None,
        critical: false,
    };
    store.create_environment(&env).await.unwrap();
    let f = Fixture {
        store,
        org: org.id,
        project: project.id,
        env: env.id,
    };
    for i in 0..flags {
        let key = format!("flag-{i:05}");
        f.store
            .create_flag(&flag(&f.project, &key), &audit(&f, &key))
            .await
            .unwrap();
    }
    f
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

fn store_benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Size on disk of 10,000 flags (each created by its own transaction, with its audit entry).
    // Built on a memory-backed directory when there is one: the size is the same, the fsyncs cheaper.
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .unwrap();
    rt.block_on(fixture(base.path(), 10_000));
    let bytes = dir_size(base.path());
    println!(
        "store/size_on_disk_10000_flags: {bytes} bytes ({:.1} MiB, {:.0} bytes per flag with its audit entry)",
        bytes as f64 / 1048576.0,
        bytes as f64 / 10_000.0
    );

    let dir = tempfile::tempdir().unwrap();
    let f = rt.block_on(fixture(dir.path(), 100));
    let target = flag(&f.project, "flag-00000");
    let mut version = 0;
    let mut g = c.benchmark_group("store");
    g.sample_size(20);
    g.bench_function("flag_state_write_durable", |b| {
        b.iter(|| {
            version += 1;
            let state = FlagState {
                environment_id: f.env.clone(),
                flag_key: target.key.clone(),
                enabled: version % 2 == 0,
                default_variant: Some("off".into()),
                targeting: None,
                prerequisites: vec![],
                version,
                updated_by: "bench".into(),
                updated_at: 0,
            };
            rt.block_on(
                f.store
                    .put_flag_state(&f.project, &state, &audit(&f, "flag:flag-00000")),
            )
            .unwrap()
        })
    });
    g.bench_function("load_environment_100_flags", |b| {
        b.iter(|| black_box(rt.block_on(f.store.load_environment(&f.env)).unwrap()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = store_benches
}
criterion_main!(benches);
