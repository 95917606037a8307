//! Projects, environments and SDK keys.

use super::batch::Batch;
use super::{Cond, Order, Page, Result, Store, item, layout};
use crate::domain::{Environment, Project, SdkKey};

impl Store {
    pub async fn get_project(&self, id: &str) -> Result<Option<Project>> {
        self.get_doc(&layout::project(id), "PROJECT").await
    }

    pub async fn list_projects(
        &self,
        org: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Project>> {
        self.index_page(&layout::org(org), "PROJECT#", cursor, limit, Order::Asc)
            .await
    }

    pub async fn get_environment(&self, id: &str) -> Result<Option<Environment>> {
        self.get_doc(&layout::env(id), "ENV").await
    }

    /// The environment's current revision (0 for one that does not exist).
    pub async fn environment_revision(&self, id: &str) -> Result<u64> {
        Ok(self
            .kv
            .get(&layout::env(id), "ENV")
            .await?
            .map_or(0, |i| i.v))
    }

    /// Every environment of a project.
    pub async fn list_environments(&self, project: &str) -> Result<Vec<Environment>> {
        self.all_index(&layout::project(project), "ENV#").await
    }

    /// Looks a key up by the hash of its secret.
    pub async fn find_sdk_key(&self, secret_hash: &str) -> Result<Option<SdkKey>> {
        self.find_by_secret(secret_hash, "KEY").await
    }

    pub async fn list_sdk_keys(&self, env: &str) -> Result<Vec<SdkKey>> {
        self.all(&layout::env(env), "KEY#").await
    }
}

/// Projects, environments and SDK keys, written as part of a change.
impl Batch {
    pub fn create_project(&mut self, p: &Project) -> Result<()> {
        let put = item(
            layout::project(&p.id),
            "PROJECT".into(),
            Some((layout::org(&p.org_id), layout::project(&p.id))),
            0,
            p,
        )?;
        self.push(put, Cond::Absent);
        Ok(())
    }

    /// Saves a project's name or settings (the last write wins: settings, not flags).
    pub fn update_project(&mut self, p: &Project) -> Result<()> {
        let put = item(
            layout::project(&p.id),
            "PROJECT".into(),
            Some((layout::org(&p.org_id), layout::project(&p.id))),
            0,
            p,
        )?;
        self.push(put, Cond::Version(0));
        Ok(())
    }

    /// Creates an environment at revision 0. Its flags start in their default state (disabled).
    pub fn create_environment(&mut self, e: &Environment) -> Result<()> {
        self.push(env_item(e, 0)?, Cond::Absent);
        Ok(())
    }

    /// Saves an environment's name or origin allow-list; `e.revision` must be the stored one.
    /// The revision moves on, so realtime nodes reload the environment.
    pub fn update_environment(&mut self, e: &Environment) -> Result<()> {
        let mut next = e.clone();
        next.revision = e.revision + 1;
        self.push(env_item(&next, next.revision)?, Cond::Version(e.revision));
        self.moved(&e.id, next.revision);
        Ok(())
    }

    /// Removes a project (its environments go in the same change, see
    /// [`Batch::delete_environment`]). Its flags and segments are left unreachable.
    pub fn delete_project(&mut self, p: &Project) {
        self.delete(layout::project(&p.id), "PROJECT".into(), Cond::Version(0));
    }

    /// Removes an environment at its stored revision, with its SDK keys (so no key of it
    /// authenticates again). Its flag states are left unreachable.
    pub fn delete_environment(&mut self, e: &Environment, keys: &[SdkKey]) {
        self.delete(layout::env(&e.id), "ENV".into(), Cond::Version(e.revision));
        for k in keys {
            self.delete(layout::env(&e.id), layout::sdk_key(&k.id), Cond::Any);
        }
    }

    /// Writes an SDK key: a new one (`create`), or a change to a stored one (revocation).
    pub fn put_sdk_key(&mut self, k: &SdkKey, create: bool) -> Result<()> {
        self.push(
            sdk_key_item(k)?,
            if create {
                Cond::Absent
            } else {
                Cond::Version(0)
            },
        );
        Ok(())
    }
}

pub(super) fn env_item(e: &Environment, revision: u64) -> Result<super::Item> {
    item(
        layout::env(&e.id),
        "ENV".into(),
        Some((layout::project(&e.project_id), layout::env(&e.id))),
        revision,
        e,
    )
}

fn sdk_key_item(k: &SdkKey) -> Result<super::Item> {
    item(
        layout::env(&k.environment_id),
        layout::sdk_key(&k.id),
        Some((layout::secret(&k.secret_hash), "KEY".into())),
        0,
        k,
    )
}
