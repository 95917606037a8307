# The dashboard's change feed (GET /api/v1/orgs/{org}/events, functions/src/routes/events.rs): the
# `feed` route group as a function of its own (functions/src/bin/feed.rs) behind a Lambda function
# URL that streams its response. Not an API Gateway route: HTTP APIs buffer a Lambda response until
# the invocation ends, which an event stream never does on its own. Each invocation is one stream,
# ended by the function's timeout at the latest; the dashboard reconnects with Last-Event-ID.
# infra/tests/test_feed.py proves the shape; README.md ("The change feed") says what it costs.

module "feed_function" {
  source = "./modules/lambda_function"

  name_prefix = var.name
  binary      = "feed"
  zip_dir     = local.lambda_zip_dir
  # The table, the signing key (callers present the session JWT, checked in the function like in
  # every API function) and the Redis URL (it subscribes to the bus to wake its streams).
  environment = local.function_environment
  # It only reads: the change log, memberships (checked again every 30 s while a stream is open),
  # members' and tokens' names; and the two secrets. No table writes.
  statements = local.api_read_statements
  # Mostly waiting on Redis and the fallback poll: little memory, billed for the whole stream.
  memory_mb = 256
  # Lambda's longest invocation: one stream lasts up to 15 minutes, then the client reconnects.
  timeout_seconds = 900
  # Each open stream (one per open dashboard tab) holds one concurrent execution.
  reserved_concurrency = var.feed_reserved_concurrency
  vpc = {
    subnet_ids         = module.network.private_subnet_ids
    security_group_ids = [aws_security_group.functions.id]
  }
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

# The stream's address, on the `live` alias like every other caller of a function.
resource "aws_lambda_function_url" "feed" {
  #checkov:skip=CKV_AWS_258:The dashboard calls it from the browser with the user's session, not with AWS credentials: callers are authenticated inside the function by the bearer session JWT (or API token), exactly like every API function behind API Gateway, and refused with 401 before any stream opens.
  function_name      = module.feed_function.function_name
  qualifier          = module.feed_function.alias_name
  authorization_type = "NONE"
  invoke_mode        = "RESPONSE_STREAM"

  # Browsers may call it from the dashboard's origin only, as they may the API.
  cors {
    allow_origins  = [local.dashboard_origin]
    allow_methods  = ["GET"]
    allow_headers  = ["authorization", "last-event-id"]
    expose_headers = ["retry-after"]
    max_age        = 3600
  }
}

# A function URL with auth type NONE needs both statements in the alias's resource policy (AWS,
# since October 2025): InvokeFunctionUrl for URLs of auth type NONE, and InvokeFunction only when
# invoked through the function URL (so no one may call the Invoke API on it). The AWS provider
# (>= 6.28) also adds such statements itself when it creates the URL, outside the state; these are
# Terraform's, kept and removed with the URL.
resource "aws_lambda_permission" "feed_url" {
  #checkov:skip=CKV_AWS_301:A public function URL (auth type NONE) needs principal "*"; the statement is limited to invocations through a URL of auth type NONE, and the function authenticates every caller by the session JWT.
  statement_id           = "FeedFunctionUrlPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = module.feed_function.function_name
  qualifier              = module.feed_function.alias_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "feed_url_invoke" {
  #checkov:skip=CKV_AWS_301:A public function URL (auth type NONE) needs principal "*"; invoked_via_function_url limits the statement to invocations through the function URL (the Invoke API stays closed), and the function authenticates every caller by the session JWT.
  statement_id             = "FeedFunctionUrlInvoke"
  action                   = "lambda:InvokeFunction"
  function_name            = module.feed_function.function_name
  qualifier                = module.feed_function.alias_name
  principal                = "*"
  invoked_via_function_url = true
}

locals {
  # config.json's feedUrl: routes are under it (…/api/v1/orgs/{org}/events), so no trailing slash.
  feed_url = trimsuffix(aws_lambda_function_url.feed.function_url, "/")
}
