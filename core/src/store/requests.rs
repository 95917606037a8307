//! Change requests, their comments, and the index of what comes due (scheduled requests, ramps'
//! next steps) that the scheduler reads.

use serde::{Deserialize, Serialize};

use super::batch::{Batch, next_version};
use super::{Cond, MAX_PAGE, Order, Page, Result, Store, item, layout};
use crate::domain::{ChangeRequest, RequestComment, RequestStatus};

/// What comes due: a scheduled request, or a ramp's next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DueKind {
    #[default]
    Request,
    Ramp,
}

/// An entry of the due index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DueItem {
    #[serde(default)]
    pub kind: DueKind,
    pub org_id: String,
    pub project_id: String,
    /// The request's id, or the ramp's `{environment}#{flag}`.
    pub id: String,
    pub at: i64,
}

impl DueItem {
    fn sort_key(&self) -> String {
        layout::due(self.at, &self.project_id, &self.id)
    }
}

impl Batch {
    /// Writes a request at `r.version` (1: creates it), listed under its status.
    pub fn put_request(&mut self, r: &ChangeRequest) -> Result<()> {
        let put = item(
            layout::requests(&r.project_id),
            r.id.clone(),
            Some((
                layout::requests_in(&r.project_id, r.status.as_str()),
                r.id.clone(),
            )),
            r.version,
            r,
        )?;
        self.push(put, next_version(r.version)?);
        Ok(())
    }

    /// Lists a request in the due index at its scheduled time.
    pub fn put_due(&mut self, r: &ChangeRequest, at: i64) -> Result<()> {
        self.put_due_item(&request_due(r, at))
    }

    /// Takes a request out of the due index (if it is there).
    pub fn delete_due(&mut self, r: &ChangeRequest, at: i64) {
        self.delete_due_item(&request_due(r, at));
    }

    pub fn put_due_item(&mut self, due: &DueItem) -> Result<()> {
        let put = item(layout::DUE.to_owned(), due.sort_key(), None, 1, due)?;
        self.push(put, Cond::Any);
        Ok(())
    }

    pub fn delete_due_item(&mut self, due: &DueItem) {
        self.delete(layout::DUE.to_owned(), due.sort_key(), Cond::Any);
    }

    /// Adds a comment to a request.
    pub fn put_comment(&mut self, c: &RequestComment) -> Result<()> {
        let put = item(
            layout::request_comments(&c.request_id),
            c.id.clone(),
            None,
            1,
            c,
        )?;
        self.push(put, Cond::Absent);
        Ok(())
    }
}

fn request_due(r: &ChangeRequest, at: i64) -> DueItem {
    DueItem {
        kind: DueKind::Request,
        org_id: r.org_id.clone(),
        project_id: r.project_id.clone(),
        id: r.id.clone(),
        at,
    }
}

impl Store {
    pub async fn get_request(&self, project: &str, id: &str) -> Result<Option<ChangeRequest>> {
        self.get_doc(&layout::requests(project), id).await
    }

    /// A project's requests, newest first; only those in `status` when given.
    pub async fn list_requests(
        &self,
        project: &str,
        status: Option<RequestStatus>,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<ChangeRequest>> {
        match status {
            Some(s) => {
                let pk = layout::requests_in(project, s.as_str());
                self.index_page(&pk, "", cursor, limit, Order::Desc).await
            }
            None => {
                self.page(&layout::requests(project), "", cursor, limit, Order::Desc)
                    .await
            }
        }
    }

    /// How many of a project's requests are still active (open, approved or conflicted),
    /// counting no further than `at_most`.
    pub async fn count_active_requests(&self, project: &str, at_most: usize) -> Result<usize> {
        let mut n = 0;
        for s in RequestStatus::ALL.into_iter().filter(|s| s.is_active()) {
            let pk = layout::requests_in(project, s.as_str());
            let page = self
                .kv
                .query_index(&pk, "", None, at_most.saturating_sub(n).max(1), Order::Asc)
                .await?;
            n += page.len();
            if n >= at_most {
                return Ok(at_most);
            }
        }
        Ok(n)
    }

    /// A request's comments, oldest first (at most `MAX_PAGE`).
    pub async fn list_comments(&self, request: &str) -> Result<Vec<RequestComment>> {
        let page: Page<RequestComment> = self
            .page(
                &layout::request_comments(request),
                "",
                None,
                MAX_PAGE,
                Order::Asc,
            )
            .await?;
        Ok(page.items)
    }

    /// How many comments a request has, counting no further than `at_most`.
    pub async fn count_comments(&self, request: &str, at_most: usize) -> Result<usize> {
        Ok(self
            .kv
            .count(&layout::request_comments(request), "", at_most)
            .await?)
    }

    /// Takes a leftover out of the due index.
    pub async fn delete_due(&self, due: &DueItem) -> Result<()> {
        let op = super::Op::Delete {
            pk: layout::DUE.to_owned(),
            sk: due.sort_key(),
            cond: Cond::Any,
        };
        Ok(self.kv.transact(vec![op]).await?)
    }

    /// What is due at or before `now` (Unix ms), earliest first, at most `limit`.
    pub async fn due_items(&self, now: i64, limit: usize) -> Result<Vec<DueItem>> {
        let page: Page<DueItem> = self
            .page(layout::DUE, "", None, limit.min(MAX_PAGE), Order::Asc)
            .await?;
        Ok(page.items.into_iter().take_while(|d| d.at <= now).collect())
    }
}
