//! Projects, environments and SDK keys.

use super::{Cond, KvError, Op, Page, Result, Store, StoreError, item, layout};
use crate::domain::{Environment, Project, SdkKey};

impl Store {
    pub async fn create_project(&self, p: &Project) -> Result<()> {
        let put = item(
            layout::project(&p.id),
            "PROJECT".into(),
            Some((layout::org(&p.org_id), layout::project(&p.id))),
            0,
            p,
        )?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("project".into()),
        )
        .await
    }

    pub async fn get_project(&self, id: &str) -> Result<Option<Project>> {
        self.get_doc(&layout::project(id), "PROJECT").await
    }

    pub async fn list_projects(
        &self,
        org: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Project>> {
        self.index_page(&layout::org(org), "PROJECT#", cursor, limit)
            .await
    }

    /// Creates an environment at revision 0. Its flags start in their default state (disabled).
    pub async fn create_environment(&self, e: &Environment) -> Result<()> {
        let put = env_item(e, 0)?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("environment".into()),
        )
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

    /// Saves an environment's name or origin allow-list; `e.revision` must be current. The
    /// revision moves on, so realtime nodes reload the environment.
    pub async fn update_environment(&self, e: &Environment) -> Result<Environment> {
        let mut next = e.clone();
        next.revision = e.revision + 1;
        let put = env_item(&next, next.revision)?;
        match self
            .kv
            .transact(vec![Op::Put {
                item: put,
                cond: Cond::Version(e.revision),
            }])
            .await
        {
            Err(KvError::Condition { .. }) => Err(StoreError::Conflict {
                what: "environment".into(),
                current: self.kv.get(&layout::env(&e.id), "ENV").await?.map(|i| i.v),
            }),
            Err(other) => Err(other.into()),
            Ok(()) => Ok(next),
        }
    }

    pub async fn create_sdk_key(&self, k: &SdkKey) -> Result<()> {
        self.write(
            vec![Op::Put {
                item: sdk_key_item(k)?,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("SDK key".into()),
        )
        .await
    }

    /// Saves a key's changes (revocation).
    pub async fn update_sdk_key(&self, k: &SdkKey) -> Result<()> {
        self.write(
            vec![Op::Put {
                item: sdk_key_item(k)?,
                cond: Cond::Version(0),
            }],
            || StoreError::NotFound("SDK key".into()),
        )
        .await
    }

    /// Looks a key up by the hash of its secret.
    pub async fn find_sdk_key(&self, secret_hash: &str) -> Result<Option<SdkKey>> {
        let page: Page<SdkKey> = self
            .index_page(&layout::secret(secret_hash), "KEY", None, 1)
            .await?;
        Ok(page.items.into_iter().next())
    }

    pub async fn list_sdk_keys(&self, env: &str) -> Result<Vec<SdkKey>> {
        self.all(&layout::env(env), "KEY#").await
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
