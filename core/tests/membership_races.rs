//! Role changes and removals write only the membership they read (issue #16): a removal made
//! while a role change is on its way is not undone by it, and two role changes from the same read
//! cannot both land (so the owner count stays the number of owners).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use async_trait::async_trait;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{ChangeError, Changes};
use switchyard_core::clock::SystemClock;
use switchyard_core::domain::{Actor, Role};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{Kv, KvError, Op, Store};

/// What the racing writer does (with the organization and the editor's user id), on the store
/// underneath, right before the first transaction that writes the editor's membership is sent.
type Race =
    Box<dyn FnOnce(Changes, String, String) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// The racing writer, its organization and user, and the race.
type Armed = (Changes, String, String, Race);

#[derive(Default)]
struct RaceBeforeMemberWrite {
    race: Mutex<Option<Armed>>,
}

impl std::fmt::Debug for RaceBeforeMemberWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RaceBeforeMemberWrite")
    }
}

#[async_trait]
impl Hook for RaceBeforeMemberWrite {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        let Call::Transact { ops } = call else {
            return Ok(());
        };
        let armed = {
            let guard = self.race.lock().unwrap();
            guard
                .as_ref()
                .map(|(_, _, user, _)| format!("MEMBER#{user}"))
        };
        let Some(member) = armed else {
            return Ok(());
        };
        let writes_member = ops.iter().any(|op| match op {
            Op::Put { item, .. } => item.sk == member,
            Op::Delete { sk, .. } => *sk == member,
        });
        let taken = if writes_member {
            self.race.lock().unwrap().take()
        } else {
            None
        };
        if let Some((changes, org, user, race)) = taken {
            race(changes, org, user).await;
        }
        Ok(())
    }
}

/// A team whose store runs `race` before the next write of `editor`'s membership.
async fn team_with_race(race: Race) -> (governance::Team, String) {
    let dir = tempfile::tempdir().unwrap();
    let inner: Arc<dyn Kv> = Arc::new(Embedded::open(dir.path()).unwrap());
    let kv = Arc::new(Intercepted::new(
        inner.clone(),
        RaceBeforeMemberWrite::default(),
    ));
    let team = governance::Team::new(Store::new(kv.clone()), Box::new(dir)).await;
    let Actor::User(editor) = team.editor.clone() else {
        unreachable!()
    };
    let underneath = Changes::new(
        Store::new(inner),
        Arc::new(InProcessBus::new(8)),
        Arc::new(SystemClock),
    );
    let armed = (underneath, team.org.id.clone(), editor.clone(), race);
    *kv.hook().race.lock().unwrap() = Some(armed);
    (team, editor)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_racing_a_removal_does_not_bring_the_member_back() {
    let race: Race = Box::new(|c, org, user| {
        Box::pin(async move {
            let actor = Actor::System("test".into());
            c.remove_member(&actor, Role::Owner, &org, &user)
                .await
                .unwrap();
        })
    });
    let (team, id) = team_with_race(race).await;
    let changed = team
        .changes
        .set_role(&team.owner, Role::Owner, &team.org.id, &id, Role::Admin)
        .await;
    assert!(
        matches!(
            changed,
            Err(ChangeError::NotFound(_) | ChangeError::Conflict { .. })
        ),
        "{changed:?}"
    );
    let store = team.changes.store();
    assert_eq!(store.get_membership(&team.org.id, &id).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_role_changes_from_one_read_do_not_both_land() {
    let race: Race = Box::new(|c, org, user| {
        Box::pin(async move {
            let actor = Actor::System("test".into());
            c.set_role(&actor, Role::Owner, &org, &user, Role::Owner)
                .await
                .unwrap();
        })
    });
    let (team, id) = team_with_race(race).await;
    let changed = team
        .changes
        .set_role(&team.owner, Role::Owner, &team.org.id, &id, Role::Viewer)
        .await;
    assert!(
        matches!(changed, Err(ChangeError::Conflict { .. })),
        "{changed:?}"
    );
    let store = team.changes.store();
    let now = store
        .get_membership(&team.org.id, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.role, Role::Owner);
    assert_eq!(store.owner_count(&team.org.id).await.unwrap().1, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_accepted_while_the_role_changes_does_not_overwrite_the_change() {
    let race: Race = Box::new(|c, org, user| {
        Box::pin(async move {
            let actor = Actor::System("test".into());
            c.set_role(&actor, Role::Owner, &org, &user, Role::Admin)
                .await
                .unwrap();
        })
    });
    let (team, id) = team_with_race(race).await;
    let store = team.changes.store();
    let owner = match &team.owner {
        Actor::User(u) => store.get_user(u).await.unwrap().unwrap(),
        other => unreachable!("{other:?}"),
    };
    let editor = store.get_user(&id).await.unwrap().unwrap();
    let invited = team
        .changes
        .invite(
            &team.owner,
            &owner,
            Role::Owner,
            &team.org.id,
            &editor.email,
            Role::Viewer,
        )
        .await
        .unwrap();
    let accepted = team
        .changes
        .accept_invitation(&editor, &invited.token)
        .await;
    assert!(accepted.is_err(), "{accepted:?}");
    let now = store
        .get_membership(&team.org.id, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.role, Role::Admin);
}
