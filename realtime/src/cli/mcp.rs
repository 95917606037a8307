//! `switchyard mcp --api-url URL`: the MCP server over stdio, for agents that start it as a
//! process (Claude Desktop, IDEs). It acts as the API token in `SWITCHYARD_API_TOKEN` — an
//! environment variable, never an argument, which every user of the machine could read in the
//! process list. Standard output carries the protocol only; logs go to standard error.

use clap::Args;
use rmcp::ServiceExt;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::mcp::SwitchyardMcp;
use crate::mcp::api::{ToolError, whoami};
use crate::mcp::backend::{Backend, HttpBackend, Secret};

/// The environment variable that holds the API token.
pub const TOKEN_VAR: &str = "SWITCHYARD_API_TOKEN";

#[derive(Debug, Args)]
pub struct McpArgs {
    /// The Switchyard to act on, such as https://flags.example.com or http://127.0.0.1:8080.
    #[arg(long, env = "SWITCHYARD_API_URL", value_name = "URL")]
    api_url: String,
}

pub fn run(args: &McpArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let Some(token) = std::env::var(TOKEN_VAR)
        .ok()
        .filter(|t| !t.trim().is_empty())
    else {
        eprintln!(
            "switchyard mcp: set {TOKEN_VAR} to an API token (one with the read and propose scopes)"
        );
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchyard mcp: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match runtime.block_on(serve(&args.api_url, Secret::new(token.trim()))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchyard mcp: {e}");
            ExitCode::FAILURE
        }
    };
    // A read of standard input cannot be cancelled: do not wait for one at exit.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn serve(api_url: &str, token: Secret) -> Result<(), String> {
    let backend: Arc<dyn Backend> = Arc::new(HttpBackend::new(api_url)?);
    let who = whoami(&*backend, &token).await.map_err(|e| match e {
        ToolError::Api { .. } => format!("{api_url} does not accept the token: {e}"),
        _ => e.to_string(),
    })?;
    tracing::info!(actor = %who.actor(), api = api_url, "mcp over stdio");
    let server = SwitchyardMcp::with_identity(backend, who)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("the MCP client did not start a session: {e}"))?;
    server.waiting().await.map_err(|e| e.to_string())?;
    Ok(())
}
