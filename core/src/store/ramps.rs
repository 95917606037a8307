//! Ramps: one per flag and environment, in their project's partition.

use super::batch::{Batch, next_version};
use super::{Result, Store, item, layout};
use crate::domain::Ramp;

impl Batch {
    /// Writes a ramp at `r.version` (1: creates it where none is, or replaces a finished one
    /// read at `replaces`).
    pub fn put_ramp(&mut self, r: &Ramp, replaces: Option<u64>) -> Result<()> {
        let put = item(
            layout::ramps(&r.project_id),
            layout::ramp(&r.environment_id, &r.flag),
            None,
            r.version,
            r,
        )?;
        let cond = match replaces {
            Some(v) => super::Cond::Version(v),
            None => next_version(r.version)?,
        };
        self.push(put, cond);
        Ok(())
    }
}

impl Store {
    /// The ramp of a flag in an environment (the last one, whatever its status).
    pub async fn get_ramp(&self, project: &str, env: &str, flag: &str) -> Result<Option<Ramp>> {
        let found = self
            .kv
            .get(&layout::ramps(project), &layout::ramp(env, flag))
            .await?;
        match found {
            Some(item) => {
                let mut r: Ramp = super::decode(&item)?;
                r.version = item.v;
                Ok(Some(r))
            }
            None => Ok(None),
        }
    }

    /// A project's ramps (each flag and environment's last one).
    pub async fn list_ramps(&self, project: &str) -> Result<Vec<Ramp>> {
        self.all(&layout::ramps(project), "").await
    }
}
