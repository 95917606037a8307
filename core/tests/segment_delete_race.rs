//! A segment's delete checks that no flag uses it, and that check holds at the commit (issue
//! #16): a flag that starts using the segment between the check and the commit makes the delete a
//! conflict, never a flag pointing at a deleted segment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use async_trait::async_trait;
use serde_json::json;
use std::sync::{Arc, Mutex};
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{ChangeError, Changes, StateInput};
use switchyard_core::clock::SystemClock;
use switchyard_core::domain::{Actor, Environment, Project};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{Kv, KvError, Op, Store};

/// What the racing writer does: `checkout` starts using segment `beta` in `env`.
struct Race {
    changes: Changes,
    project: Project,
    env: Environment,
    actor: Actor,
}

/// Runs the race right before the segment's delete is sent, once armed.
#[derive(Default)]
struct RaceBeforeSegmentDelete(Mutex<Option<Race>>);

impl std::fmt::Debug for RaceBeforeSegmentDelete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RaceBeforeSegmentDelete")
    }
}

#[async_trait]
impl Hook for RaceBeforeSegmentDelete {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        let Call::Transact { ops } = call else {
            return Ok(());
        };
        let deletes_segment = ops
            .iter()
            .any(|op| matches!(op, Op::Delete { sk, .. } if sk == "SEGMENT#beta"));
        let race = if deletes_segment {
            self.0.lock().unwrap().take()
        } else {
            None
        };
        if let Some(r) = race {
            let targeting = json!({"if": [{"$ref": "beta"}, "on", "off"]});
            let input = StateInput {
                enabled: true,
                default_variant: Some("off".into()),
                targeting: Some(targeting),
                prerequisites: vec![],
            };
            r.changes
                .put_state(&r.actor, &r.project, &r.env, "checkout", 0, input)
                .await
                .unwrap();
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_that_starts_using_the_segment_during_its_delete_makes_the_delete_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let inner: Arc<dyn Kv> = Arc::new(Embedded::open(dir.path()).unwrap());
    let kv = Arc::new(Intercepted::new(
        inner.clone(),
        RaceBeforeSegmentDelete::default(),
    ));
    let team = governance::Team::new(Store::new(kv.clone()), Box::new(dir)).await;
    *kv.hook().0.lock().unwrap() = Some(Race {
        changes: Changes::new(
            Store::new(inner),
            Arc::new(InProcessBus::new(8)),
            Arc::new(SystemClock),
        ),
        project: team.project.clone(),
        env: team.staging.clone(),
        actor: team.owner.clone(),
    });
    let deleted = team
        .changes
        .delete_segment(&team.owner, &team.project, "beta", 1)
        .await;
    assert!(
        matches!(deleted, Err(ChangeError::Conflict { .. })),
        "{deleted:?}"
    );
    let store = team.changes.store();
    assert!(
        store
            .get_segment(&team.project.id, "beta")
            .await
            .unwrap()
            .is_some()
    );
}
