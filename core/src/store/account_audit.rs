//! Account events (sign-ins, password and two-factor changes) in the change logs of every
//! organization their user belongs to: one record per organization, numbered in each, written
//! in transactions of at most [`ORGS_PER_WRITE`] organizations. They change no state and move
//! no revision.

use super::batch::{expiry, record_items};
use super::{Cond, KvError, MAX_ATTEMPTS, Op, Result, Store, StoreError, item, layout};
use crate::domain::ChangeRecord;

/// Organizations one transaction records an event in: three items each (the change number,
/// the record, its place in the actor's history), within DynamoDB's 100 per transaction.
pub const ORGS_PER_WRITE: usize = 30;

impl Store {
    /// Commits `records` (one per organization, none twice), each as the next record of its
    /// organization, in transactions of [`ORGS_PER_WRITE`]. A lost race for a change number is
    /// retried; what committed before a failure stays committed.
    pub async fn commit_in_orgs(&self, records: Vec<ChangeRecord>) -> Result<Vec<ChangeRecord>> {
        let mut orgs: Vec<&str> = records.iter().map(|r| r.org_id.as_str()).collect();
        orgs.sort_unstable();
        if orgs.windows(2).any(|w| w[0] == w[1]) {
            return Err(StoreError::Invalid(
                "one record per organization at a time".into(),
            ));
        }
        let mut out = Vec::with_capacity(records.len());
        for chunk in records.chunks(ORGS_PER_WRITE) {
            out.extend(self.commit_chunk(chunk.to_vec()).await?);
        }
        Ok(out)
    }

    async fn commit_chunk(&self, mut records: Vec<ChangeRecord>) -> Result<Vec<ChangeRecord>> {
        for r in &mut records {
            let retention = self.audit_retention_secs(&r.org_id).await?;
            r.expires_at = Some(expiry(r.at, retention));
            r.revisions.clear();
        }
        for _attempt in 0..MAX_ATTEMPTS {
            let mut ops = Vec::with_capacity(records.len() * 3);
            for r in &mut records {
                let pk = layout::org(&r.org_id);
                let seq_item = self.kv.get(&pk, layout::CHANGE_SEQ).await?;
                let last = seq_item.as_ref().map_or(0, |i| i.v);
                r.seq = last + 1;
                r.id = ChangeRecord::id_of(r.seq);
                ops.push(Op::Put {
                    item: item(
                        pk,
                        layout::CHANGE_SEQ.to_owned(),
                        None,
                        r.seq,
                        &serde_json::json!({}),
                    )?,
                    cond: if seq_item.is_some() {
                        Cond::Version(last)
                    } else {
                        Cond::Absent
                    },
                });
                for item in record_items(r)? {
                    ops.push(Op::Put {
                        item,
                        cond: Cond::Absent,
                    });
                }
            }
            match self.kv.transact(ops).await {
                Ok(()) => return Ok(records),
                // Another change took a change number meanwhile: read them again.
                Err(KvError::Condition { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict {
            what: "these organizations (too many changes at once)".into(),
            current: None,
        })
    }
}
