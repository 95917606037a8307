//! The audit log and the analytics counters.

use super::{Page, Result, Store, layout};
use crate::domain::{AuditEntry, AuditFilter, CounterDelta, CounterRow};

impl Store {
    /// Audit entries of an organization, oldest first, filtered. Filtering on `target` reads the
    /// target's own index; other filters are applied to each page read.
    pub async fn list_audit(
        &self,
        org: &str,
        filter: &AuditFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<AuditEntry>> {
        let mut cursor = cursor.map(str::to_owned);
        let mut items = Vec::new();
        // Read pages until enough entries match or the log ends.
        loop {
            let page: Page<AuditEntry> = match &filter.target {
                Some(t) => {
                    self.index_page(&layout::audit_target(org, t), "", cursor.as_deref(), limit)
                        .await?
                }
                None => {
                    self.page(&layout::audit(org), "", cursor.as_deref(), limit)
                        .await?
                }
            };
            items.extend(page.items.into_iter().filter(|e| filter.matches(e)));
            cursor = page.next;
            if items.len() >= limit || cursor.is_none() {
                return Ok(Page {
                    items,
                    next: cursor,
                });
            }
        }
    }

    pub async fn get_audit(&self, org: &str, id: &str) -> Result<Option<AuditEntry>> {
        self.get_doc(&layout::audit(org), id).await
    }

    /// Adds evaluation counts.
    pub async fn add_counters(&self, deltas: &[CounterDelta]) -> Result<()> {
        let rows = deltas
            .iter()
            .filter(|d| d.count > 0)
            .map(|d| {
                (
                    layout::stats(&d.environment_id),
                    layout::counter(&d.flag_key, d.hour, &d.variant),
                    d.count,
                )
            })
            .collect();
        Ok(self.kv.add_counters(rows).await?)
    }

    /// Counters of one environment for hours `from..to`: of one flag, or of all (`flag: None`).
    pub async fn counters(
        &self,
        env: &str,
        flag: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<CounterRow>> {
        let pk = layout::stats(env);
        let prefix = flag.map(|f| format!("{f}#")).unwrap_or_default();
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .kv
                .query(&pk, &prefix, after.as_ref(), super::MAX_PAGE)
                .await?;
            let full = page.len() == super::MAX_PAGE;
            after = page.last().map(super::After::of);
            for item in page {
                // `flag#hour#variant`: flag keys and hours hold no `#`.
                let mut parts = item.sk.splitn(3, '#');
                let (Some(flag_key), Some(hour), Some(variant)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                if let Ok(hour) = hour.parse::<i64>()
                    && (from..to).contains(&hour)
                {
                    out.push(CounterRow {
                        flag_key: flag_key.to_owned(),
                        variant: variant.to_owned(),
                        hour,
                        count: item.v,
                    });
                }
            }
            if !full {
                return Ok(out);
            }
        }
    }
}
