//! Segments: named, reusable conditions (flagd `$evaluators`, referenced as `{"$ref": key}`).

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ChangeError, Result};
use super::quotas::{Growth, Quota};
use super::{Changes, Scope, rules};
use crate::domain::{Actor, Project, Segment};
use crate::store::Batch;

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSegment {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Key))]
    pub key: String,
    /// Defaults to the key.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::changes::rules::schema::Description))]
    pub description: String,
    /// A JsonLogic condition.
    pub rule: Value,
}

/// Changes to a segment; what is absent stays.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SegmentPatch {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Name>))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::changes::rules::schema::Description>))]
    pub description: Option<String>,
    pub rule: Option<Value>,
    /// The version last seen (or send `If-Match`).
    pub version: Option<u64>,
}

impl Changes {
    pub async fn create_segment(
        &self,
        actor: &Actor,
        p: &Project,
        new: NewSegment,
    ) -> Result<Segment> {
        let name = new.name.unwrap_or_else(|| new.key.clone());
        rules::key("key", &new.key)?;
        rules::name("name", &name)?;
        let seg = Segment {
            project_id: p.id.clone(),
            key: new.key,
            name: name.trim().to_owned(),
            description: new.description,
            rule: new.rule,
            version: 1,
            updated_by: actor.to_string(),
            updated_at: self.now(),
        };
        rules::segment(&seg)?;
        if self.store.get_flag(&p.id, &seg.key).await?.is_some() {
            return Err(ChangeError::field("key", "is already a flag's key"));
        }
        let used = self
            .store
            .count_segments(&p.id, self.count_to(Quota::SegmentsPerProject))
            .await?;
        self.within(Quota::SegmentsPerProject, used, 1)?;
        self.check_environment_bytes(
            p,
            &Growth {
                segments: vec![seg.clone()],
                ..Growth::default()
            },
        )
        .await?;
        let mut batch = Batch::new();
        batch.put_segment(&seg)?;
        let record = self.record(
            actor,
            Scope::project(p),
            "segment.create",
            format!("segment:{}", seg.key),
            None::<&Segment>,
            Some(&seg),
        );
        self.commit(batch, record).await?;
        Ok(seg)
    }

    pub async fn update_segment(
        &self,
        actor: &Actor,
        p: &Project,
        key: &str,
        expected: u64,
        patch: SegmentPatch,
    ) -> Result<Segment> {
        self.guard_segment(p, key).await?;
        let (current, next) = self.stage_segment(actor, p, key, expected, patch).await?;
        if next.rule != current.rule {
            self.check_environment_bytes(
                p,
                &Growth {
                    segments: vec![next.clone()],
                    ..Growth::default()
                },
            )
            .await?;
        }
        let mut batch = Batch::new();
        batch.put_segment(&next)?;
        let record = self.record(
            actor,
            Scope::project(p),
            "segment.update",
            format!("segment:{key}"),
            Some(&current),
            Some(&next),
        );
        self.commit(batch, record).await?;
        Ok(next)
    }

    /// Checks a patch against the domain's rules, returning the stored segment and the next
    /// one; writes nothing.
    pub(super) async fn stage_segment(
        &self,
        actor: &Actor,
        p: &Project,
        key: &str,
        expected: u64,
        patch: SegmentPatch,
    ) -> Result<(Segment, Segment)> {
        let current = self.segment(p, key).await?;
        if expected != current.version {
            return Err(ChangeError::stale(
                &format!("segment {key}"),
                current.version,
            ));
        }
        let mut next = current.clone();
        if let Some(n) = patch.name {
            rules::name("name", &n)?;
            next.name = n.trim().to_owned();
        }
        if let Some(d) = patch.description {
            next.description = d;
        }
        if let Some(r) = patch.rule {
            next.rule = r;
        }
        rules::segment(&next)?;
        next.version += 1;
        next.updated_by = actor.to_string();
        next.updated_at = self.now();
        Ok((current, next))
    }

    /// Deletes a segment stored at `expected` that no flag's targeting uses.
    pub async fn delete_segment(
        &self,
        actor: &Actor,
        p: &Project,
        key: &str,
        expected: u64,
    ) -> Result<()> {
        let current = self.segment(p, key).await?;
        let mut users = Vec::new();
        let mut checked = std::collections::BTreeMap::new();
        for env in self.store.list_environments(&p.id).await? {
            if let Some(snap) = self.store.load_environment(&env.id).await? {
                checked.insert(env.id.clone(), snap.environment.revision);
                for (f, s) in &snap.flags {
                    if s.targeting.as_ref().is_some_and(|t| references(t, key)) {
                        users.push(json!({"flag": f.key, "environment": env.key}));
                    }
                }
            }
        }
        if !users.is_empty() {
            return Err(ChangeError::Conflict {
                message: format!("segment {key} is still used by flags"),
                details: Value::Array(users),
            });
        }
        let mut batch = Batch::new();
        batch.delete_segment(&p.id, key, expected);
        // A flag that starts using the segment meanwhile moves its environment's revision.
        batch.pin_revisions(checked);
        let record = self.record(
            actor,
            Scope::project(p),
            "segment.delete",
            format!("segment:{key}"),
            Some(&current),
            None::<&Segment>,
        );
        self.commit(batch, record).await?;
        Ok(())
    }

    async fn segment(&self, p: &Project, key: &str) -> Result<Segment> {
        self.store
            .get_segment(&p.id, key)
            .await?
            .ok_or_else(|| ChangeError::NotFound("segment".into()))
    }
}

/// Whether a rule references a segment anywhere.
pub(super) fn references(rule: &Value, key: &str) -> bool {
    match rule {
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| (k == "$ref" && v == key) || references(v, key)),
        Value::Array(a) => a.iter().any(|v| references(v, key)),
        _ => false,
    }
}
