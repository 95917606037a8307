//! Revisions after a restore. Realtime nodes, the bus and every SDK ignore a revision at or below
//! the one they hold, and a restore moves revisions back to the backup's. So a restore lifts
//! every environment's revision to at least a floor taken from the clock: the restore's second
//! in the high bits (an epoch), room for 2^20 changes below it. Every layer then takes the
//! restored state as newer than anything it saw, with no change to any protocol; revisions stay
//! below 2^53, so JavaScript numbers hold them exactly.

use super::{Cond, Item, KvError, Op, Result, Store, StoreError};

/// Changes an environment can take within one second's epoch before running into the next (which
/// only moves its revisions on faster: still increasing).
const EPOCH_SHIFT: u32 = 20;

/// The lowest revision a restore at `now_ms` leaves an environment at.
pub fn revision_floor(now_ms: i64) -> u64 {
    (u64::try_from(now_ms).unwrap_or(0) / 1000) << EPOCH_SHIFT
}

/// The partition prefix and sort key of environment items (`ENV#{id}` / `ENV`).
pub(super) const ENV_PREFIX: &str = "ENV#";
pub(super) const ENV_SK: &str = "ENV";

/// Lifts one environment item to at least `floor` (one past its revision if it is there
/// already), in its version and its document alike.
pub(super) fn lift(item: &mut Item, floor: u64) {
    let next = floor.max(item.v + 1);
    item.v = next;
    if let Some(doc) = item.d.as_object_mut() {
        doc.insert("revision".into(), next.into());
    }
}

impl Store {
    /// The highest revision of any environment (0 with none).
    pub async fn highest_revision(&self) -> Result<u64> {
        let envs = self.kv.scan(ENV_PREFIX, ENV_SK).await?;
        Ok(envs.iter().map(|i| i.v).max().unwrap_or(0))
    }

    /// Moves every environment's revision up to at least `floor` (one past it for those already
    /// there), each conditioned on the revision it read. Returns how many moved. Run it on a
    /// restored store before anything serves from it.
    pub async fn lift_revisions(&self, floor: u64) -> Result<usize> {
        let mut moved = 0;
        for mut item in self.kv.scan(ENV_PREFIX, ENV_SK).await? {
            let read = item.v;
            lift(&mut item, floor);
            let ops = vec![Op::Put {
                item,
                cond: Cond::Version(read),
            }];
            match self.kv.transact(ops).await {
                Ok(()) => moved += 1,
                Err(KvError::Condition { .. }) => {
                    return Err(StoreError::Conflict {
                        what: "an environment (stop every writer while revisions are lifted)"
                            .into(),
                        current: None,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(moved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_rises_with_the_clock_and_stays_exact_in_javascript() {
        let now = 1_796_000_000_000; // 2026
        assert!(revision_floor(now + 1000) > revision_floor(now));
        let year_2200 = 7_258_118_400_000;
        assert!(revision_floor(year_2200) < 1 << 53);
    }
}
