//! Deleting environments and projects: one change each, with the SDK keys that reach them, so
//! no key authenticates afterwards. Their flag states, flags and segments are left in the store,
//! unreachable (nothing lists or loads them without the environment or project).

use super::error::{ChangeError, Result};
use super::{Changes, Scope};
use crate::domain::{Actor, Environment, Project, SdkKey};
use crate::store::{Batch, MAX_TRANSACTION_OPS};

/// What a change may delete at most, leaving room for the record and the change number.
const MAX_DELETES: usize = MAX_TRANSACTION_OPS - 4;

impl Changes {
    /// Deletes an environment and its SDK keys.
    pub async fn delete_environment(
        &self,
        actor: &Actor,
        p: &Project,
        env: &Environment,
    ) -> Result<()> {
        let keys = self.store.list_sdk_keys(&env.id).await?;
        let mut batch = Batch::new();
        batch.delete_environment(env, &keys);
        within_one_change(&batch)?;
        let record = self.record(
            actor,
            Scope::environment(p, &env.id),
            "environment.delete",
            format!("environment:{}", env.key),
            Some(env),
            None::<&Environment>,
        );
        self.commit(batch, record).await.map(|_| ())
    }

    /// Deletes a project with its environments and their SDK keys.
    pub async fn delete_project(&self, actor: &Actor, p: &Project) -> Result<()> {
        let envs = self.store.list_environments(&p.id).await?;
        let mut batch = Batch::new();
        batch.delete_project(p);
        for env in &envs {
            let keys: Vec<SdkKey> = self.store.list_sdk_keys(&env.id).await?;
            batch.delete_environment(env, &keys);
        }
        within_one_change(&batch)?;
        let record = self.record(
            actor,
            Scope::project(p),
            "project.delete",
            format!("project:{}", p.id),
            Some(p),
            None::<&Project>,
        );
        self.commit(batch, record).await.map(|_| ())
    }
}

/// A project with many environments and keys may not fit in one transaction: the caller deletes
/// some environments first.
fn within_one_change(batch: &Batch) -> Result<()> {
    if batch.len() > MAX_DELETES {
        return Err(ChangeError::Conflict {
            message: format!(
                "this would delete {} items, more than one change holds ({MAX_DELETES}); delete some environments or keys first",
                batch.len()
            ),
            details: serde_json::Value::Null,
        });
    }
    Ok(())
}
