//! The dashboard's change feed (`GET /api/v1/orgs/{org}/events`) as a streaming Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    switchyard_functions::config::run_feed_lambda().await
}
