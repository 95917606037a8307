//! What the dispatcher looks up while it runs, once per run: the tags of the flags a change
//! touched (for tag filters) and the names a message shows instead of ids.

use std::collections::{HashMap, HashSet};
use switchyard_core::domain::{Actor, ChangeRecord};
use switchyard_core::store::{Store, StoreError};

use super::message::Names;

type Result<T> = std::result::Result<T, String>;

fn store_error(e: StoreError) -> String {
    format!("storage: {e}")
}

/// Flag tags looked up during one run.
#[derive(Default)]
pub(super) struct TagCache(HashMap<(String, String), Vec<String>>);

impl TagCache {
    /// The tags of the flags a change touched (as they were before and after, and as stored).
    pub(super) async fn of(
        &mut self,
        store: &Store,
        record: &ChangeRecord,
    ) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        for doc in [&record.before, &record.after].into_iter().flatten() {
            if let Some(tags) = doc["tags"].as_array() {
                out.extend(tags.iter().filter_map(|t| t.as_str().map(str::to_owned)));
            }
        }
        let Some(project) = &record.project_id else {
            return Ok(out);
        };
        for key in record.keys.iter().take(100) {
            let k = (project.clone(), key.clone());
            if !self.0.contains_key(&k) {
                let tags = store
                    .get_flag(project, key)
                    .await
                    .map_err(store_error)?
                    .map(|f| f.tags)
                    .unwrap_or_default();
                self.0.insert(k.clone(), tags);
            }
            out.extend(self.0[&k].iter().cloned());
        }
        Ok(out)
    }
}

/// Names of actors, projects and environments looked up during one run.
#[derive(Default)]
pub(super) struct NameCache(HashMap<String, Option<String>>);

impl NameCache {
    pub(super) async fn of(&mut self, store: &Store, record: &ChangeRecord) -> Result<Names> {
        let actor = match &record.actor {
            Actor::User(id) => self
                .name(format!("user:{id}"), async {
                    Ok(store.get_user(id).await?.map(|u| u.name))
                })
                .await?
                .unwrap_or_else(|| "Someone".to_owned()),
            Actor::Token(id) => {
                let org = record.org_id.clone();
                self.name(format!("token:{id}"), async move {
                    Ok(store
                        .get_api_token(&org, id)
                        .await?
                        .map(|t| format!("API token {}", t.name)))
                })
                .await?
                .unwrap_or_else(|| "An API token".to_owned())
            }
            Actor::System(name) => format!("Switchyard ({name})"),
        };
        let project = match &record.project_id {
            Some(p) => {
                self.name(format!("project:{p}"), async {
                    Ok(store.get_project(p).await?.map(|p| p.name))
                })
                .await?
            }
            None => None,
        };
        let environment = match &record.environment_id {
            Some(e) => {
                self.name(format!("env:{e}"), async {
                    Ok(store.get_environment(e).await?.map(|e| e.name))
                })
                .await?
            }
            None => None,
        };
        Ok(Names {
            actor,
            project,
            environment,
        })
    }

    async fn name(
        &mut self,
        key: String,
        find: impl Future<Output = std::result::Result<Option<String>, StoreError>>,
    ) -> Result<Option<String>> {
        if let Some(found) = self.0.get(&key) {
            return Ok(found.clone());
        }
        let found = find.await.map_err(store_error)?;
        self.0.insert(key, found.clone());
        Ok(found)
    }
}
