//! One change as one transaction: the entity writes of a [`Batch`], the revision bump of every
//! environment they affect, the organization's next change number and the [`ChangeRecord`],
//! all or nothing.

use std::collections::BTreeMap;

use super::projects::env_item;
use super::{After, Cond, Item, KvError, MAX_PAGE, Op, Order, Result, Store, StoreError, item};
use super::{MAX_TRANSACTION_OPS, decode, item_bytes, layout};
use crate::domain::{ChangeEvent, ChangeRecord, DEFAULT_AUDIT_RETENTION_DAYS, Environment};

/// How many times a change is tried when it loses a race for a revision or the change number.
pub const MAX_ATTEMPTS: usize = 16;

/// The writes of one change, built up before it is committed.
#[derive(Debug, Default)]
pub struct Batch {
    pub(crate) ops: Vec<Op>,
    bump: Bump,
    /// Flags whose state goes in every environment of the project (deleted flags).
    dropped_states: Vec<String>,
    keys: Vec<String>,
    /// Environments whose own item the batch writes at a new revision.
    moved: Vec<(String, u64)>,
    /// The revisions a check was made on: the change commits only if the environments it moves
    /// are exactly these, still at these revisions.
    pinned: Option<BTreeMap<String, u64>>,
}

/// Which environments' revisions a change moves.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum Bump {
    #[default]
    None,
    Environment {
        project: String,
        env: String,
    },
    Project(String),
}

/// A committed change: its record (numbered, with the revisions it made) and the events to
/// publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Committed {
    pub record: ChangeRecord,
    pub events: Vec<ChangeEvent>,
}

/// A committed change of several records.
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedAll {
    pub records: Vec<ChangeRecord>,
    pub events: Vec<ChangeEvent>,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Commits only if the environments the change moves are still exactly `revisions` (id →
    /// revision read): a check made on what they held (no flag uses this segment) then holds at
    /// the commit. Otherwise [`StoreError::Conflict`], and nothing is written.
    pub fn pin_revisions(&mut self, revisions: BTreeMap<String, u64>) {
        self.pinned = Some(revisions);
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// How many entity writes the batch holds.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub(crate) fn push(&mut self, item: Item, cond: Cond) {
        self.ops.push(Op::Put { item, cond });
    }

    pub(crate) fn delete(&mut self, pk: String, sk: String, cond: Cond) {
        self.ops.push(Op::Delete { pk, sk, cond });
    }

    /// The change touches key `key` of a project's flags or segments: every environment of the
    /// project moves on.
    pub(crate) fn touch_project(&mut self, project: &str, key: &str) {
        self.bump = Bump::Project(project.to_owned());
        self.touch_key(key);
    }

    /// The change touches flag `key` in one environment (in a second one: every environment of
    /// the project moves on).
    pub(crate) fn touch_environment(&mut self, project: &str, env: &str, key: &str) {
        match &self.bump {
            Bump::None => {
                self.bump = Bump::Environment {
                    project: project.to_owned(),
                    env: env.to_owned(),
                }
            }
            Bump::Environment { env: first, .. } if first != env => {
                self.bump = Bump::Project(project.to_owned());
            }
            _ => {}
        }
        self.touch_key(key);
    }

    pub(crate) fn moved(&mut self, env: &str, revision: u64) {
        self.moved.push((env.to_owned(), revision));
    }

    pub(crate) fn drop_states(&mut self, project: &str, key: &str) {
        self.touch_project(project, key);
        self.dropped_states.push(key.to_owned());
    }

    fn touch_key(&mut self, key: &str) {
        if !self.keys.iter().any(|k| k == key) {
            self.keys.push(key.to_owned());
        }
    }
}

/// The optimistic-concurrency condition for writing version `v` of an item (1: a new one).
pub(crate) fn next_version(v: u64) -> Result<Cond> {
    match v {
        0 => Err(StoreError::Invalid(
            "a stored version is 1 or more".to_owned(),
        )),
        1 => Ok(Cond::Absent),
        n => Ok(Cond::Version(n - 1)),
    }
}

impl Store {
    /// Commits a change: the batch, the revision bumps, the next change number and the record,
    /// in one transaction. A lost race on a revision or on the change number is retried; a
    /// failed condition of the batch is a conflict (or "already exists" for a create), and
    /// nothing is written.
    pub async fn commit(&self, batch: Batch, mut record: ChangeRecord) -> Result<Committed> {
        if record.keys.is_empty() {
            record.keys.clone_from(&batch.keys);
        }
        let mut all = self.commit_records(batch, vec![record]).await?;
        Ok(Committed {
            record: all.records.remove(0),
            events: all.events,
        })
    }

    /// Commits a change that several records describe (an applied change request: one record
    /// per change it held), numbered in order, all in the batch's one transaction.
    pub async fn commit_records(
        &self,
        batch: Batch,
        mut records: Vec<ChangeRecord>,
    ) -> Result<CommittedAll> {
        let Some(org) = records.first().map(|r| r.org_id.clone()) else {
            return Err(StoreError::Invalid("a change needs a record".into()));
        };
        let retention = self.audit_retention_secs(&org).await?;
        for record in &mut records {
            record.expires_at = Some(expiry(record.at, retention));
        }
        for _attempt in 0..MAX_ATTEMPTS {
            let envs = self.bumped_environments(&batch.bump).await?;
            if let Some(pins) = &batch.pinned {
                let now: BTreeMap<String, u64> = envs
                    .iter()
                    .map(|e| Ok((decode::<Environment>(e)?.id, e.v)))
                    .collect::<Result<_>>()?;
                if &now != pins {
                    return Err(StoreError::Conflict {
                        what: "the project's environments (they changed while this change was checked)"
                            .into(),
                        current: None,
                    });
                }
            }
            let dropped = batch.dropped_states.len() * envs.len();
            // Each record is at least two items: itself and its place in its actor's history.
            let total = batch.ops.len() + dropped + envs.len() + 1 + 2 * records.len();
            if total > MAX_TRANSACTION_OPS {
                return Err(StoreError::Invalid(format!(
                    "this change writes {total} items; at most {MAX_TRANSACTION_OPS} fit in one change"
                )));
            }
            let seq_item = self.kv.get(&layout::org(&org), layout::CHANGE_SEQ).await?;
            let last = seq_item.as_ref().map_or(0, |i| i.v);
            let mut ops = batch.ops.clone();
            for key in &batch.dropped_states {
                for env in &envs {
                    ops.push(Op::Delete {
                        pk: env.pk.clone(),
                        sk: layout::state(key),
                        cond: Cond::Any,
                    });
                }
            }
            let mut events = Vec::with_capacity(envs.len());
            let mut revisions = BTreeMap::new();
            for (env, revision) in &batch.moved {
                events.push(ChangeEvent {
                    environment: env.clone(),
                    revision: *revision,
                });
                revisions.insert(env.clone(), *revision);
            }
            for env in &envs {
                let mut e: Environment = decode(env)?;
                e.revision = env.v + 1;
                events.push(ChangeEvent {
                    environment: e.id.clone(),
                    revision: e.revision,
                });
                revisions.insert(e.id.clone(), e.revision);
                ops.push(Op::Put {
                    item: env_item(&e, e.revision)?,
                    cond: Cond::Version(env.v),
                });
            }
            let mut seq = last;
            for record in &mut records {
                seq += 1;
                record.seq = seq;
                record.id = ChangeRecord::id_of(seq);
                record.revisions.clone_from(&revisions);
            }
            ops.push(Op::Put {
                item: item(
                    layout::org(&org),
                    layout::CHANGE_SEQ.to_owned(),
                    None,
                    seq,
                    &serde_json::json!({}),
                )?,
                cond: if seq_item.is_some() {
                    Cond::Version(last)
                } else {
                    Cond::Absent
                },
            });
            for record in &records {
                for item in record_items(record)? {
                    ops.push(Op::Put {
                        item,
                        cond: Cond::Absent,
                    });
                }
            }
            if ops.len() > MAX_TRANSACTION_OPS {
                return Err(StoreError::Invalid(format!(
                    "this change writes {} items with its record; at most {MAX_TRANSACTION_OPS} fit in one change",
                    ops.len()
                )));
            }
            match self.kv.transact(ops).await {
                Ok(()) => return Ok(CommittedAll { records, events }),
                Err(KvError::Condition { index }) if index < batch.ops.len() => {
                    return Err(self.condition_failed(&batch.ops[index]).await);
                }
                // A revision, the change number or the record moved meanwhile: read them again.
                Err(KvError::Condition { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        // Every attempt lost a race for a revision or the change number: the caller tries later.
        Err(StoreError::Conflict {
            what: "this organization (too many changes at once)".into(),
            current: None,
        })
    }

    async fn condition_failed(&self, op: &Op) -> StoreError {
        let (pk, sk) = op.key();
        let current = match self.kv.get(pk, sk).await {
            Ok(found) => found.map(|i| i.v),
            Err(e) => return e.into(),
        };
        match (op, current) {
            // A state's first write is version 1 of something that always existed: stale.
            (
                Op::Put {
                    cond: Cond::Absent, ..
                },
                Some(_),
            ) if !sk.starts_with("STATE#") => StoreError::AlreadyExists(describe(sk)),
            (_, None) => StoreError::NotFound(describe(sk)),
            _ => StoreError::Conflict {
                what: describe(sk),
                current,
            },
        }
    }

    async fn bumped_environments(&self, bump: &Bump) -> Result<Vec<Item>> {
        match bump {
            Bump::None => Ok(Vec::new()),
            Bump::Environment { project, env } => {
                match self.kv.get(&layout::env(env), "ENV").await? {
                    Some(item) if decode::<Environment>(&item)?.project_id == *project => {
                        Ok(vec![item])
                    }
                    _ => Err(StoreError::NotFound("environment".into())),
                }
            }
            Bump::Project(project) => self.environment_items(project).await,
        }
    }

    /// The raw environment items of a project (their `v` is the revision).
    pub(crate) async fn environment_items(&self, project: &str) -> Result<Vec<Item>> {
        let pk = layout::project(project);
        let mut out = Vec::new();
        let mut after: Option<After> = None;
        loop {
            let page = self
                .kv
                .query_index(&pk, "ENV#", after.as_ref(), MAX_PAGE, Order::Asc)
                .await?;
            let full = page.len() == MAX_PAGE;
            after = page.last().map(After::of);
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
    }
}

/// When a record written at `at_ms` expires, kept `retention_secs`: Unix seconds.
pub(crate) fn expiry(at_ms: i64, retention_secs: i64) -> i64 {
    at_ms.div_euclid(1000).saturating_add(retention_secs)
}

impl Store {
    /// How long `org` keeps its change records, in seconds (the default for an organization
    /// that is not stored).
    pub(crate) async fn audit_retention_secs(&self, org: &str) -> Result<i64> {
        let days = self
            .get_org(org)
            .await?
            .map_or(DEFAULT_AUDIT_RETENTION_DAYS, |o| o.audit_retention_days);
        Ok(i64::from(days) * 86_400)
    }
}

/// A record's items: the record, its place in its actor's history, and when it would not fit one
/// item (a large targeting rule's before and after, an import's documents), its before and after
/// as JSON text in parts of [`BODY_PART_BYTES`], the record naming how many (`bodyParts`). Every
/// one expires with the record.
pub(crate) fn record_items(r: &ChangeRecord) -> Result<Vec<Item>> {
    let mut items = record_items_untimed(r)?;
    for i in &mut items {
        i.ttl = r.expires_at;
    }
    Ok(items)
}

fn record_items_untimed(r: &ChangeRecord) -> Result<Vec<Item>> {
    let actor = item(
        layout::audit_actor(&r.org_id, &r.actor.to_string()),
        r.id.clone(),
        None,
        0,
        &serde_json::json!({ "id": r.id }),
    )?;
    let whole = item(
        layout::changes(&r.org_id),
        r.id.clone(),
        Some((layout::audit_target(&r.org_id, &r.target), r.id.clone())),
        0,
        r,
    )?;
    if item_bytes(&whole) <= BODY_PART_BYTES {
        return Ok(vec![whole, actor]);
    }
    let body = serde_json::json!({"before": r.before, "after": r.after}).to_string();
    let parts = split_text(&body, BODY_PART_BYTES);
    let head = ChangeRecord {
        before: None,
        after: None,
        ..r.clone()
    };
    let mut record = item(
        layout::changes(&r.org_id),
        r.id.clone(),
        Some((layout::audit_target(&r.org_id, &r.target), r.id.clone())),
        0,
        &head,
    )?;
    if let Some(d) = record.d.as_object_mut() {
        d.insert("bodyParts".into(), parts.len().into());
    }
    let mut items = vec![record, actor];
    for (n, text) in parts.into_iter().enumerate() {
        items.push(item(
            layout::change_bodies(&r.org_id),
            layout::change_body_part(&r.id, n),
            None,
            0,
            &serde_json::json!({ "text": text }),
        )?);
    }
    Ok(items)
}

/// How much JSON text one body part holds (under DynamoDB's 400 KB item limit, with room for
/// the keys and the JSON escaping of the text).
pub const BODY_PART_BYTES: usize = 300 * 1024;

/// `text` in pieces of at most `max` bytes, cut at character boundaries.
fn split_text(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(max);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        out.push(head.to_owned());
        rest = tail;
    }
    out
}

/// Names an item for a conflict message.
fn describe(sk: &str) -> String {
    match sk.split_once('#') {
        Some(("FLAG", k)) => format!("flag {k}"),
        Some(("STATE", k)) => format!("the state of flag {k}"),
        Some(("SEGMENT", k)) => format!("segment {k}"),
        Some(("MEMBER", _)) => "the member".to_owned(),
        Some(("KEY", _)) => "the SDK key".to_owned(),
        Some(("TOKEN", _)) => "the API token".to_owned(),
        Some(("INVITE", _)) => "the invitation".to_owned(),
        _ => match sk {
            "ENV" => "the environment".to_owned(),
            "PROJECT" => "the project".to_owned(),
            "ORG" => "the organization".to_owned(),
            "EMAIL" => "a user with this email".to_owned(),
            "USER" => "this user".to_owned(),
            layout::OWNERS => "the organization's owners".to_owned(),
            other => other.to_owned(),
        },
    }
}
