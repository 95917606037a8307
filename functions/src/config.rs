//! Building the shared state from the environment, as the Lambda functions do.
//!
//! - `SWITCHYARD_TABLE`: the DynamoDB table (`AWS_ENDPOINT_URL` for another endpoint); or
//!   `SWITCHYARD_DATA_DIR` for the embedded store
//! - `SWITCHYARD_REDIS_URL`: where change events go (none: they stay in this process); in AWS,
//!   `SWITCHYARD_REDIS_URL_SECRET_ARN` names the Secrets Manager secret holding that URL instead
//!   (it carries the ElastiCache auth token)
//! - `SWITCHYARD_JWT_SECRET_ARN`: the Secrets Manager secret holding the token signing key (at
//!   least 32 bytes), read at start; never a plain environment value in AWS. Outside AWS,
//!   `SWITCHYARD_JWT_SECRET_FILE` names a file holding the key in hex instead.
//! - `SWITCHYARD_QUOTA_*`: the quotas ([`QuotaArgs`]; `switchyard serve` takes the same as flags)
//! - `SWITCHYARD_LOGIN_*`, `SWITCHYARD_SIGNUPS_PER_ADDRESS`: login and signup limits
//!   ([`LoginLimitArgs`])
//! - `SWITCHYARD_SMTP_URL` (or `SWITCHYARD_SMTP_URL_SECRET_ARN`), `SWITCHYARD_MAIL_FROM`: password
//!   reset mail ([`MailArgs`])
//! - webhooks ([`WebhookArgs`]): `SWITCHYARD_WEBHOOK_KEY_SECRET_ARN` names the secret holding the
//!   32-byte key (hex) that seals webhook secrets (outside AWS, `SWITCHYARD_WEBHOOK_KEY_FILE`
//!   names a file holding it; the same key seals single sign-on client secrets);
//!   `SWITCHYARD_DASHBOARD_URL`, `SWITCHYARD_API_URL` (single sign-on callbacks), `SWITCHYARD_WEBHOOK_ALLOW_HTTP`,
//!   `SWITCHYARD_WEBHOOK_ALLOW_PRIVATE_NETWORKS`. Functions without a key do not manage webhooks.

use std::sync::Arc;

use clap::{Args, Parser};
use switchyard_core::backends::{Backends, BusConfig, StoreConfig};
use switchyard_core::bus::Bus;
use switchyard_core::changes::Quotas;

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::Limits;
use crate::state::AppState;

/// The quotas of every organization (see README, "Quotas"): flags `--quota-*` of `switchyard
/// serve`, or the environment variables `SWITCHYARD_QUOTA_*` (how the Lambda functions get them).
#[derive(Debug, Clone, Args)]
pub struct QuotaArgs {
    /// Projects per organization.
    #[arg(long = "quota-projects-per-organization", env = "SWITCHYARD_QUOTA_PROJECTS_PER_ORGANIZATION", default_value_t = Quotas::default().projects_per_organization)]
    pub projects_per_organization: u64,
    /// Environments per project (at most 48).
    #[arg(long = "quota-environments-per-project", env = "SWITCHYARD_QUOTA_ENVIRONMENTS_PER_PROJECT", default_value_t = Quotas::default().environments_per_project)]
    pub environments_per_project: u64,
    /// Flags per project (archived flags count until deleted).
    #[arg(long = "quota-flags-per-project", env = "SWITCHYARD_QUOTA_FLAGS_PER_PROJECT", default_value_t = Quotas::default().flags_per_project)]
    pub flags_per_project: u64,
    /// Segments per project.
    #[arg(long = "quota-segments-per-project", env = "SWITCHYARD_QUOTA_SEGMENTS_PER_PROJECT", default_value_t = Quotas::default().segments_per_project)]
    pub segments_per_project: u64,
    /// Members plus pending invitations per organization.
    #[arg(long = "quota-members-per-organization", env = "SWITCHYARD_QUOTA_MEMBERS_PER_ORGANIZATION", default_value_t = Quotas::default().members_per_organization)]
    pub members_per_organization: u64,
    /// Active SDK keys per environment.
    #[arg(long = "quota-sdk-keys-per-environment", env = "SWITCHYARD_QUOTA_SDK_KEYS_PER_ENVIRONMENT", default_value_t = Quotas::default().sdk_keys_per_environment)]
    pub sdk_keys_per_environment: u64,
    /// Active API tokens per organization.
    #[arg(long = "quota-api-tokens-per-organization", env = "SWITCHYARD_QUOTA_API_TOKENS_PER_ORGANIZATION", default_value_t = Quotas::default().api_tokens_per_organization)]
    pub api_tokens_per_organization: u64,
    /// Bytes of flagd JSON one environment may hold (default 2 MiB).
    #[arg(long = "quota-environment-bytes", env = "SWITCHYARD_QUOTA_ENVIRONMENT_BYTES", default_value_t = Quotas::default().environment_bytes)]
    pub environment_bytes: u64,
    /// Webhook, Slack and Teams endpoints per organization.
    #[arg(long = "quota-webhooks-per-organization", env = "SWITCHYARD_QUOTA_WEBHOOKS_PER_ORGANIZATION", default_value_t = Quotas::default().webhooks_per_organization)]
    pub webhooks_per_organization: u64,
    #[arg(long = "quota-active-requests-per-project", env = "SWITCHYARD_QUOTA_ACTIVE_REQUESTS_PER_PROJECT", default_value_t = Quotas::default().active_requests_per_project)]
    pub active_requests_per_project: u64,
}

impl QuotaArgs {
    pub fn quotas(&self) -> Quotas {
        Quotas {
            projects_per_organization: self.projects_per_organization,
            environments_per_project: self.environments_per_project,
            flags_per_project: self.flags_per_project,
            segments_per_project: self.segments_per_project,
            members_per_organization: self.members_per_organization,
            sdk_keys_per_environment: self.sdk_keys_per_environment,
            api_tokens_per_organization: self.api_tokens_per_organization,
            environment_bytes: self.environment_bytes,
            webhooks_per_organization: self.webhooks_per_organization,
            active_requests_per_project: self.active_requests_per_project,
        }
    }
}

/// Login and signup limits ([`crate::auth::rate_limit`]): flags `--login-*` / `--signups-*` of
/// `switchyard serve`, or the environment variables of the Lambda functions.
#[derive(Debug, Clone, Args)]
pub struct LoginLimitArgs {
    /// Failed logins to one account from one address before each further one waits (1 s,
    /// doubling).
    #[arg(long = "login-failures-per-account-and-address", env = "SWITCHYARD_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", default_value_t = Limits::default().pair_free)]
    pub pair_free: u64,
    /// Failed logins from one address over every account (password spraying).
    #[arg(long = "login-failures-per-address", env = "SWITCHYARD_LOGIN_FAILURES_PER_ADDRESS", default_value_t = Limits::default().address_free)]
    pub address_free: u64,
    /// Failed logins to one account from every address together.
    #[arg(long = "login-failures-per-account", env = "SWITCHYARD_LOGIN_FAILURES_PER_ACCOUNT", default_value_t = Limits::default().account_free)]
    pub account_free: u64,
    /// Signups from one address before each further one waits.
    #[arg(long = "signups-per-address", env = "SWITCHYARD_SIGNUPS_PER_ADDRESS", default_value_t = Limits::default().signup_free)]
    pub signup_free: u64,
}

impl LoginLimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            pair_free: self.pair_free,
            address_free: self.address_free,
            account_free: self.account_free,
            signup_free: self.signup_free,
            ..Limits::default()
        }
    }
}

/// Mail (password reset links): `--smtp-url` / `SWITCHYARD_SMTP_URL` (in AWS the secret
/// `SWITCHYARD_SMTP_URL_SECRET_ARN` names holds it, since it carries SES's SMTP credentials).
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// The SMTP server for password reset mail (`smtp://host:port`, `smtps://user:pass@host:465`);
    /// none: passwords cannot be reset by mail.
    #[arg(long = "smtp-url", env = "SWITCHYARD_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of that mail.
    #[arg(
        long = "mail-from",
        env = "SWITCHYARD_MAIL_FROM",
        default_value = "Switchyard <no-reply@switchyard.invalid>"
    )]
    pub from: String,
}

impl MailArgs {
    /// The mail sender, linking to `dashboard_url`; none without an SMTP URL.
    pub fn mail(&self, dashboard_url: &str) -> Result<Option<crate::mail::Mail>, String> {
        self.smtp_url
            .as_deref()
            .map(|url| crate::mail::Mail::new(url, &self.from, dashboard_url))
            .transpose()
    }
}

/// Where webhooks may go and what their messages link to (`switchyard serve` flags, or the
/// environment of the Lambda functions).
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// Let webhook endpoints use plain http (never in production: signatures do not hide the
    /// body).
    #[arg(long = "webhook-allow-http", env = "SWITCHYARD_WEBHOOK_ALLOW_HTTP", value_parser = clap::builder::FalseyValueParser::new())]
    pub allow_http: bool,
    /// Let webhook endpoints reach private, loopback and link-local addresses (a receiver on this
    /// machine or network; never where those hold anything to protect).
    #[arg(
        long = "webhook-allow-private-networks",
        env = "SWITCHYARD_WEBHOOK_ALLOW_PRIVATE_NETWORKS",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub allow_private: bool,
    /// The dashboard's public address, for the links in webhook messages and in mail.
    #[arg(long = "dashboard-url", env = "SWITCHYARD_DASHBOARD_URL")]
    pub dashboard_url: Option<String>,
    /// The API's public address, where identity providers send single sign-on callbacks
    /// (`<api-url>/api/v1/auth/sso/callback`; default: the dashboard's address, which serves the
    /// API too under `switchyard serve`).
    #[arg(long = "api-url", env = "SWITCHYARD_API_URL")]
    pub api_url: Option<String>,
}

impl WebhookArgs {
    pub fn setup(
        &self,
        key: &[u8],
        default_dashboard: &str,
    ) -> Result<crate::webhooks::Setup, String> {
        Ok(crate::webhooks::Setup {
            sealer: crate::webhooks::Sealer::new(key)?,
            egress: crate::webhooks::Egress {
                allow_http: self.allow_http,
                allow_private: self.allow_private,
            },
            dashboard: self
                .dashboard_url
                .clone()
                .unwrap_or_else(|| default_dashboard.to_owned()),
        })
    }
}

/// What a Lambda function reads from its environment through clap (no command line).
#[derive(Debug, Parser)]
#[command(name = "switchyard-lambda")]
struct LambdaConfig {
    #[command(flatten)]
    quotas: QuotaArgs,
    #[command(flatten)]
    login: LoginLimitArgs,
    #[command(flatten)]
    mail: MailArgs,
    #[command(flatten)]
    webhooks: WebhookArgs,
}

/// The webhook setup from the environment, if this function has a webhook key.
pub async fn webhooks_from_env() -> Result<Option<crate::webhooks::Setup>, String> {
    let key = if let Ok(path) = std::env::var("SWITCHYARD_WEBHOOK_KEY_FILE") {
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?
    } else if let Ok(arn) = std::env::var("SWITCHYARD_WEBHOOK_KEY_SECRET_ARN") {
        String::from_utf8(secret("the webhook key", &arn).await?)
            .map_err(|_| "the webhook key secret is not text".to_owned())?
    } else {
        return Ok(None);
    };
    let key = hex::decode(key.trim()).map_err(|_| "the webhook key must be hex".to_owned())?;
    let args = LambdaConfig::try_parse_from(["switchyard-lambda"])
        .map_err(|e| format!("bad webhook setting: {e}"))?
        .webhooks;
    args.setup(&key, "").map(Some)
}

/// The mail sender from the environment: `SWITCHYARD_SMTP_URL`, or the secret
/// `SWITCHYARD_SMTP_URL_SECRET_ARN` names; links go to `SWITCHYARD_DASHBOARD_URL`.
pub async fn mail_from_env() -> Result<Option<crate::mail::Mail>, String> {
    let config = LambdaConfig::try_parse_from(["switchyard-lambda"])
        .map_err(|e| format!("bad mail setting: {e}"))?;
    let mut args = config.mail;
    if args.smtp_url.is_none()
        && let Ok(arn) = std::env::var("SWITCHYARD_SMTP_URL_SECRET_ARN")
    {
        let url = String::from_utf8(secret("the SMTP URL", &arn).await?)
            .map_err(|_| "the SMTP URL secret is not text".to_owned())?;
        args.smtp_url = Some(url.trim().to_owned());
    }
    let dashboard = config.webhooks.dashboard_url.unwrap_or_default();
    args.mail(&dashboard)
}

/// The quotas from the `SWITCHYARD_QUOTA_*` environment variables (defaults where unset).
pub fn quotas_from_env() -> Result<Quotas, String> {
    LambdaConfig::try_parse_from(["switchyard-lambda"])
        .map(|c| c.quotas.quotas())
        .map_err(|e| format!("bad quota setting: {e}"))
}

pub async fn state_from_env() -> Result<AppState, String> {
    Ok(state_and_bus_from_env().await?.0)
}

/// The state, and the bus its change layer publishes on.
pub async fn state_and_bus_from_env() -> Result<(AppState, Arc<dyn Bus>), String> {
    let quotas = quotas_from_env()?;
    let login = LambdaConfig::try_parse_from(["switchyard-lambda"])
        .map_err(|e| format!("bad login limit setting: {e}"))?
        .login
        .limits();
    let store = if let Ok(table) = std::env::var("SWITCHYARD_TABLE") {
        StoreConfig::DynamoDb {
            table,
            create: false,
        }
    } else if let Ok(dir) = std::env::var("SWITCHYARD_DATA_DIR") {
        StoreConfig::Embedded(dir.into())
    } else {
        return Err("set SWITCHYARD_TABLE (DynamoDB) or SWITCHYARD_DATA_DIR (embedded)".into());
    };
    let bus = match redis_url().await? {
        Some(url) => BusConfig::Redis(url),
        None => BusConfig::InProcess,
    };
    let backends = Backends::open(store, bus).await?;
    let secret = signing_key().await?;
    let jwt = JwtKeys::from_config(&secret)?;
    let state = AppState::with_options(
        backends.store,
        backends.bus.clone(),
        jwt,
        crate::auth::rate_limit::LoginLimiter::new(login),
        quotas,
    );
    let state = match webhooks_from_env().await? {
        Some(setup) => state.with_webhooks(setup),
        None => state,
    };
    let state = match mail_from_env().await? {
        Some(mail) => state.with_mail(mail),
        None => state,
    };
    let api_url = LambdaConfig::try_parse_from(["switchyard-lambda"])
        .map_err(|e| format!("bad API URL setting: {e}"))?
        .webhooks
        .api_url;
    let state = state.with_api_url(api_url);
    Ok((state, backends.bus))
}

/// The Redis URL: `SWITCHYARD_REDIS_URL`, or the secret `SWITCHYARD_REDIS_URL_SECRET_ARN` names.
pub async fn redis_url() -> Result<Option<String>, String> {
    if let Ok(url) = std::env::var("SWITCHYARD_REDIS_URL") {
        return Ok(Some(url));
    }
    let Ok(arn) = std::env::var("SWITCHYARD_REDIS_URL_SECRET_ARN") else {
        return Ok(None);
    };
    let bytes = secret("the Redis URL", &arn).await?;
    String::from_utf8(bytes)
        .map(|s| Some(s.trim().to_owned()))
        .map_err(|_| "the Redis URL secret is not text".into())
}

async fn signing_key() -> Result<Vec<u8>, String> {
    if let Ok(path) = std::env::var("SWITCHYARD_JWT_SECRET_FILE") {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
        // A key ring (JSON, see auth::jwt) as it is; one key in hex.
        if text.trim_start().starts_with('{') {
            return Ok(text.into_bytes());
        }
        return hex::decode(text.trim()).map_err(|_| format!("{path} does not hold a hex key"));
    }
    let arn = std::env::var("SWITCHYARD_JWT_SECRET_ARN").map_err(|_| {
        "set SWITCHYARD_JWT_SECRET_ARN to the Secrets Manager secret of the token signing key"
            .to_owned()
    })?;
    secret("the signing key", &arn).await
}

/// A Secrets Manager secret's value (string or binary).
pub async fn secret(what: &str, arn: &str) -> Result<Vec<u8>, String> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    let out = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            format!(
                "cannot read the secret of {what}: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(e)
            )
        })?;
    match (out.secret_string(), out.secret_binary()) {
        (Some(s), _) => Ok(s.as_bytes().to_vec()),
        (None, Some(b)) => Ok(b.as_ref().to_vec()),
        _ => Err(format!("the secret of {what} is empty")),
    }
}

/// Runs one route group as a Lambda function.
pub async fn run_lambda(group: crate::Group) -> Result<(), lambda_http::Error> {
    init_lambda_logs();
    let state = state_from_env().await?;
    lambda_http::run(crate::router(state, &[group])).await
}

/// How long one stream of the `feed` function lasts: a little less than the function's timeout
/// (900 s in infra/terraform/feed.tf), so it ends cleanly instead of being cut off.
pub const FEED_LAMBDA_STREAM: std::time::Duration = std::time::Duration::from_secs(870);

/// The dashboard's change feed as a Lambda function behind a function URL that streams its
/// response (API Gateway's HTTP API buffers responses). Each invocation is one stream, ended by
/// the function's timeout at the latest; the dashboard reconnects with `Last-Event-ID`. The bus
/// (Redis in AWS) wakes the stream on flag changes.
pub async fn run_feed_lambda() -> Result<(), lambda_http::Error> {
    init_lambda_logs();
    let (state, bus) = state_and_bus_from_env().await?;
    let state = state.with_feed(crate::feed::Feed::default().with_max_lifetime(FEED_LAMBDA_STREAM));
    tokio::spawn(state.feed.clone().follow(bus));
    lambda_http::run_with_streaming_response(crate::router(state, &[crate::Group::Feed])).await
}

fn init_lambda_logs() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        quotas: QuotaArgs,
    }

    #[test]
    fn quota_flags_default_to_the_shipped_quotas() {
        let cli = Cli::try_parse_from(["x"]).unwrap();
        assert_eq!(cli.quotas.quotas(), Quotas::default());
    }

    #[test]
    fn a_quota_flag_sets_its_limit() {
        let cli = Cli::try_parse_from(["x", "--quota-flags-per-project", "5000"]).unwrap();
        assert_eq!(cli.quotas.quotas().flags_per_project, 5000);
    }

    #[test]
    fn a_quota_that_is_not_a_number_is_refused() {
        assert!(Cli::try_parse_from(["x", "--quota-environment-bytes", "2MB"]).is_err());
    }
}
