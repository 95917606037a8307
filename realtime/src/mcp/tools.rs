//! The tools an agent sees: names, descriptions, argument schemas and hints. Each one reads or
//! proposes through the API ([`super::ops`]); none applies, approves or rejects anything.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, tool, tool_router};

use super::SwitchyardMcp;
use super::api::{Api, done};
use super::args::{
    CommentOnChangeRequest, ExplainFlag, GetChangeRequest, GetFlag, ListChangeRequests, ListFlags,
    ProposeChange, ProposeToggle, ReadAuditLog,
};
use super::ops;

const LIST_PROJECTS: &str = "List the projects of your organization, each with its environments \
(id, key, name, and whether changes there require approval). Start here: the other tools take a \
project's id, and an environment's id or key.";

const LIST_FLAGS: &str = "List a project's flags (a page of them; pass `next` back as `cursor` for \
more). For each flag: key, name, type, variants, archived, and per environment a summary of its \
state: enabled, default variant, whether targeting rules or prerequisites exist, the state's \
version, and whether the environment requires approval for changes.";

const GET_FLAG: &str = "Read one flag in full: its definition (variants, description, tags, \
version) and its complete state in every environment (enabled, defaultVariant, targeting as \
JsonLogic, prerequisites, version).";

const EXPLAIN_FLAG: &str = "Evaluate a flag for a context in one environment, as an SDK would, \
and explain the result: value, variant, reason (STATIC, DEFAULT, TARGETING_MATCH, SPLIT, \
DISABLED, ERROR) and which rule matched. Use it to check what a user would get, before and after \
proposing a change.";

const PROPOSE_CHANGE: &str = "Open a change request: one or more changes to flags or segments \
that members of the organization review and apply. Nothing changes until a human applies it. \
Each change is an object tagged by `kind`, made against the version it was read at (read it \
with get_flag first):\n\
- state (a flag in one environment): {\"kind\":\"state\", \"environmentId\":ID, \"flag\":KEY, \
\"baseVersion\":N, \"enabled\":bool, \"defaultVariant\":NAME|null, \"targeting\":JsonLogic|null, \
\"prerequisites\"?:[{\"flag\":KEY, \"variants\":[NAME]}]} — the whole new state: copy what \
should stay from get_flag. Targeting is flagd JsonLogic, such as {\"if\": [{\"==\": [{\"var\": \
\"plan\"}, \"pro\"]}, \"on\", \"off\"]}, with `fractional` for percentage splits and {\"$ref\": \
\"segment-key\"} for segments.\n\
- flag (the definition, all environments): {\"kind\":\"flag\", \"flag\":KEY, \"baseVersion\":N \
(the flag's version), and any of \"name\", \"description\", \"tags\", \"variants\":[{\"name\", \
\"value\"}], \"archived\", \"clientVisible\"}.\n\
- segment: {\"kind\":\"segment\", \"segment\":KEY, \"baseVersion\":N, and any of \"name\", \
\"description\", \"rule\":JsonLogic}.\n\
- ramp (a timed rollout): {\"kind\":\"ramp\", \"environmentId\":ID, \"flag\":KEY, \
\"baseVersion\":N, \"variant\":NAME, \"baseline\":NAME, \"steps\":[{\"percent\":1-100, \
\"holdMs\":MS}]}.\n\
At most 20 changes; one target once. An API error (a stale baseVersion is a 409, a rule broken \
is a 422 with the problem's path under /changes/N) comes back with the API's message: fix and \
propose again. Where no approval is required the request is approved at once, and still waits \
for a member to apply it.";

const PROPOSE_TOGGLE: &str = "Propose turning one flag on or off in one environment: reads the \
flag's current state there and opens a change request with just that change (targeting and \
default variant kept). A human reviews and applies it; nothing changes before.";

const LIST_CHANGE_REQUESTS: &str = "List a project's change requests, newest first, optionally \
only those in one status (open, approved, applied, rejected, conflicted, failed, withdrawn).";

const GET_CHANGE_REQUEST: &str = "Read one change request: its changes, status, author, \
approvals, the policy it needs, its schedule, and its comments.";

const COMMENT: &str = "Add a comment to a change request (up to 2000 characters), such as \
an answer to a reviewer's question. It is recorded in the request and the audit log.";

const READ_AUDIT_LOG: &str = "Read your organization's audit log, newest first: who changed what \
and when (actor such as `user:ID`, `token:ID` or `system:scheduler`; action such as \
`flag_state.update` or `change_request.open`), with each change's before → after diff. Filter by \
project, environment (id, or key with a project) and flag (changes that touched the flag; a change request's own records, such as `change_request.open`, are not filtered by flag).";

#[tool_router(router = tool_router, vis = "pub(super)")]
impl SwitchyardMcp {
    #[tool(description = LIST_PROJECTS, annotations(read_only_hint = true, open_world_hint = false))]
    async fn list_projects(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "list_projects")?;
        Ok(done(
            ops::list_projects(&Api::new(&*self.backend, &who)).await,
        ))
    }

    #[tool(description = LIST_FLAGS, annotations(read_only_hint = true, open_world_hint = false))]
    async fn list_flags(
        &self,
        Parameters(a): Parameters<ListFlags>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "list_flags")?;
        Ok(done(
            ops::list_flags(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = GET_FLAG, annotations(read_only_hint = true, open_world_hint = false))]
    async fn get_flag(
        &self,
        Parameters(a): Parameters<GetFlag>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "get_flag")?;
        Ok(done(
            ops::get_flag(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = EXPLAIN_FLAG, annotations(read_only_hint = true, open_world_hint = false))]
    async fn explain_flag(
        &self,
        Parameters(a): Parameters<ExplainFlag>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "explain_flag")?;
        Ok(done(
            ops::explain_flag(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = PROPOSE_CHANGE, annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false))]
    async fn propose_change(
        &self,
        Parameters(a): Parameters<ProposeChange>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "propose_change")?;
        Ok(done(
            ops::propose_change(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = PROPOSE_TOGGLE, annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false))]
    async fn propose_toggle(
        &self,
        Parameters(a): Parameters<ProposeToggle>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "propose_toggle")?;
        Ok(done(
            ops::propose_toggle(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = LIST_CHANGE_REQUESTS, annotations(read_only_hint = true, open_world_hint = false))]
    async fn list_change_requests(
        &self,
        Parameters(a): Parameters<ListChangeRequests>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "list_change_requests")?;
        Ok(done(
            ops::list_change_requests(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = GET_CHANGE_REQUEST, annotations(read_only_hint = true, open_world_hint = false))]
    async fn get_change_request(
        &self,
        Parameters(a): Parameters<GetChangeRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "get_change_request")?;
        Ok(done(
            ops::get_change_request(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = COMMENT, annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false))]
    async fn comment_on_change_request(
        &self,
        Parameters(a): Parameters<CommentOnChangeRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "comment_on_change_request")?;
        Ok(done(
            ops::comment_on_change_request(&Api::new(&*self.backend, &who), &a).await,
        ))
    }

    #[tool(description = READ_AUDIT_LOG, annotations(read_only_hint = true, open_world_hint = false))]
    async fn read_audit_log(
        &self,
        Parameters(a): Parameters<ReadAuditLog>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let who = self.identity(&ctx, "read_audit_log")?;
        Ok(done(
            ops::read_audit_log(&Api::new(&*self.backend, &who), &a).await,
        ))
    }
}
