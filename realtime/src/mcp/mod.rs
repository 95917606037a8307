//! Switchyard for AI agents: an MCP server (Model Context Protocol, the `rmcp` crate) whose tools
//! list and explain flags, propose changes as change requests, comment on them and read the
//! audit log. Agents propose; humans decide: no tool applies, approves or rejects.
//!
//! The server is a client of the dashboard API, acting as an API token (best with only the
//! `read` and `propose` scopes), so every authorization rule and every audit record is the API's
//! own: what an agent proposes is recorded as `token:ID`.
//!
//! Layout:
//! - [`tools`] — the tools as the agent sees them (descriptions, schemas, hints)
//! - [`args`] — their arguments, and the checks made before the API is asked
//! - [`ops`] — what each tool does, in API requests
//! - [`api`] — requests as the token, the API's errors as tool errors, who a token is
//! - [`backend`] — where requests go: HTTP to an API URL, or the API router in this process
//! - [`http`] — `/mcp` in `switchyard serve` (streamable HTTP): a bearer token on every request,
//!   sessions bound to their token, bounded
//!
//! `switchyard mcp` (stdio) is in [`crate::cli::mcp`].

pub mod api;
pub mod args;
pub mod backend;
pub mod http;
mod ops;
mod tools;

use axum::http::request::Parts;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};
use std::sync::Arc;

use api::Identity;
use backend::Backend;

const INSTRUCTIONS: &str = "Switchyard feature flags. You act as an API token of one \
organization: you can read projects, flags, change requests and the audit log, evaluate flags \
for a context, and propose changes as change requests. You cannot change anything directly: \
members of the organization review, approve and apply what you propose. Start with \
list_projects; read a flag with get_flag before proposing a change to it; check the effect \
with explain_flag.";

/// Whose token the tools use.
#[derive(Debug, Clone)]
enum Credentials {
    /// One token for the life of the server (`switchyard mcp` over stdio).
    Fixed(Arc<Identity>),
    /// The token of the HTTP request that carries the call, which [`http`] checked and put in
    /// the request's extensions.
    PerRequest,
}

/// The MCP server.
#[derive(Debug, Clone)]
pub struct SwitchyardMcp {
    backend: Arc<dyn Backend>,
    credentials: Credentials,
    tool_router: ToolRouter<SwitchyardMcp>,
}

impl SwitchyardMcp {
    /// Acting as one token throughout.
    pub fn with_identity(backend: Arc<dyn Backend>, who: Identity) -> SwitchyardMcp {
        SwitchyardMcp {
            backend,
            credentials: Credentials::Fixed(Arc::new(who)),
            tool_router: Self::tool_router(),
        }
    }

    /// Acting as the token of each HTTP request.
    pub fn per_request(backend: Arc<dyn Backend>) -> SwitchyardMcp {
        SwitchyardMcp {
            backend,
            credentials: Credentials::PerRequest,
            tool_router: Self::tool_router(),
        }
    }

    /// The names of the tools, as listed to clients.
    pub fn tool_names(&self) -> Vec<String> {
        self.tool_router
            .list_all()
            .into_iter()
            .map(|t| t.name.into_owned())
            .collect()
    }

    /// Who this call acts as; logged with the tool's name (the token's id, never its secret).
    fn identity(
        &self,
        ctx: &RequestContext<RoleServer>,
        tool: &str,
    ) -> Result<Identity, ErrorData> {
        let who = match &self.credentials {
            Credentials::Fixed(who) => Some(who.as_ref().clone()),
            Credentials::PerRequest => ctx
                .extensions
                .get::<Parts>()
                .and_then(|p| p.extensions.get::<Identity>())
                .cloned(),
        };
        let who = who.ok_or_else(|| ErrorData::invalid_request("no API token", None))?;
        tracing::info!(tool, actor = %who.actor(), "mcp tool call");
        Ok(who)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for SwitchyardMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("switchyard", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend::HttpBackend;

    #[test]
    fn no_tool_applies_approves_or_rejects() {
        let backend: Arc<dyn Backend> = Arc::new(HttpBackend::new("http://127.0.0.1:1").unwrap());
        let names = SwitchyardMcp::per_request(backend).tool_names();
        assert_eq!(names.len(), 10, "{names:?}");
        for forbidden in [
            "apply", "approve", "reject", "delete", "withdraw", "put", "import",
        ] {
            assert!(
                names.iter().all(|n| !n.contains(forbidden)),
                "{forbidden} in {names:?}"
            );
        }
    }
}
