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

use switchyard_core::backends::{Backends, BusConfig, StoreConfig};

use crate::auth::jwt::JwtKeys;
use crate::state::AppState;

pub async fn state_from_env() -> Result<AppState, String> {
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
    let jwt = JwtKeys::from_secret(&secret)?;
    Ok(AppState::new(backends.store, backends.bus, jwt))
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
        return hex::decode(text.trim()).map_err(|_| format!("{path} does not hold a hex key"));
    }
    let arn = std::env::var("SWITCHYARD_JWT_SECRET_ARN").map_err(|_| {
        "set SWITCHYARD_JWT_SECRET_ARN to the Secrets Manager secret of the token signing key"
            .to_owned()
    })?;
    secret("the signing key", &arn).await
}

/// A Secrets Manager secret's value (string or binary).
async fn secret(what: &str, arn: &str) -> Result<Vec<u8>, String> {
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
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let state = state_from_env().await?;
    lambda_http::run(crate::router(state, &[group])).await
}
