//! Change requests, their comments, and the index of scheduled ones that the scheduler reads.

use serde::{Deserialize, Serialize};

use super::batch::{Batch, next_version};
use super::{Cond, MAX_PAGE, Order, Page, Result, Store, item, layout};
use crate::domain::{ChangeRequest, RequestComment, RequestStatus};

/// A scheduled request, as the due index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DueRequest {
    pub org_id: String,
    pub project_id: String,
    pub request_id: String,
    pub at: i64,
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
        let due = DueRequest {
            org_id: r.org_id.clone(),
            project_id: r.project_id.clone(),
            request_id: r.id.clone(),
            at,
        };
        let put = item(
            layout::DUE.to_owned(),
            layout::due(at, &r.project_id, &r.id),
            None,
            1,
            &due,
        )?;
        self.push(put, Cond::Any);
        Ok(())
    }

    /// Takes a request out of the due index (if it is there).
    pub fn delete_due(&mut self, r: &ChangeRequest, at: i64) {
        self.delete(
            layout::DUE.to_owned(),
            layout::due(at, &r.project_id, &r.id),
            Cond::Any,
        );
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
    pub async fn delete_due(&self, due: &DueRequest) -> Result<()> {
        let op = super::Op::Delete {
            pk: layout::DUE.to_owned(),
            sk: layout::due(due.at, &due.project_id, &due.request_id),
            cond: Cond::Any,
        };
        Ok(self.kv.transact(vec![op]).await?)
    }

    /// Requests scheduled at or before `now` (Unix ms), earliest first, at most `limit`.
    pub async fn due_requests(&self, now: i64, limit: usize) -> Result<Vec<DueRequest>> {
        let page: Page<DueRequest> = self
            .page(layout::DUE, "", None, limit.min(MAX_PAGE), Order::Asc)
            .await?;
        Ok(page.items.into_iter().take_while(|d| d.at <= now).collect())
    }
}
