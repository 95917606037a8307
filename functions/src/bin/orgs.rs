//! The `orgs` route group as a Lambda function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    switchyard_functions::config::run_lambda(switchyard_functions::Group::Orgs).await
}
