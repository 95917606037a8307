# Webhooks (docs/webhooks.md): the dispatcher function, on the table's stream and on a schedule
# every minute, with its failure queue (modules/webhook_dispatcher). The API half (endpoints,
# secrets encrypted on create and rotate) is the orgs function's (functions.tf, routes.tf).

module "webhooks_function" {
  source = "./modules/lambda_function"

  name_prefix = var.name
  binary      = "webhooks"
  zip_dir     = local.lambda_zip_dir
  # No Redis URL and no signing key: it needs neither.
  environment = {
    SWITCHYARD_TABLE                  = module.table.name
    SWITCHYARD_WEBHOOK_KEY_SECRET_ARN = module.webhook_key.arn
    # Links in messages (".../audit?change=...") point at the dashboard.
    SWITCHYARD_DASHBOARD_URL = local.dashboard_origin
    RUST_LOG                 = var.log_level
  }
  statements = [
    {
      sid        = "ReadTableStream"
      actions    = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
      resources  = ["${module.table.arn}/stream/*"]
      conditions = []
    },
    # Change records, webhooks, queued and sent deliveries, and the names messages show.
    {
      sid        = "TableReads"
      actions    = ["dynamodb:GetItem", "dynamodb:Query"]
      resources  = [module.table.arn]
      conditions = []
    },
    {
      sid        = "IndexQueries"
      actions    = ["dynamodb:Query"]
      resources  = [module.table.index_arn]
      conditions = []
    },
    {
      sid       = "TransactionalWrites"
      actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
      resources = [module.table.arn]
      # Like the API's store, it writes only through TransactWriteItems.
      conditions = [{
        test     = "ForAnyValue:StringEquals"
        variable = "dynamodb:EnclosingOperation"
        values   = ["TransactWriteItems"]
      }]
    },
    {
      sid        = "WebhookKey"
      actions    = ["secretsmanager:GetSecretValue"]
      resources  = [module.webhook_key.arn]
      conditions = []
    },
    # Failed stream batches (the mapping's destination) and failed scheduled runs (the async
    # destination) are sent with the function's own role.
    {
      sid        = "FailureQueue"
      actions    = ["sqs:SendMessage"]
      resources  = [module.webhook_dispatcher.failure_queue_arn]
      conditions = []
    },
    {
      sid        = "KeyForSecretQueueAndEnvironment"
      actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources  = [module.kms.key_arn]
      conditions = []
    },
  ]
  memory_mb            = 256
  timeout_seconds      = 120
  reserved_concurrency = 10
  # Outside the VPC, on purpose. It sends requests to URLs that customers choose, so it must reach
  # the internet (without a NAT gateway in its path) and nothing else: from outside, no address
  # it is tricked into calling (SSRF) can be Redis, the load balancer's targets, the tasks' 8080
  # or a VPC endpoint. That is defence in depth: the code is still to refuse loopback, private
  # and link-local addresses (the Lambda runtime API listens on 127.0.0.1:9001). It uses no VPC
  # resource: the table, the secret and SQS are public AWS APIs, reached with its IAM role.
  # (checkov's CKV_AWS_117, "in a VPC", passes here only because it does not evaluate the
  # function module's dynamic vpc_config; infra/tests/test_webhooks.py proves the placement.)
  vpc                = null
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

module "webhook_dispatcher" {
  source = "./modules/webhook_dispatcher"

  name                = var.name
  stream_arn          = module.table.stream_arn
  function_name       = module.webhooks_function.function_name
  function_alias_name = module.webhooks_function.alias_name
  function_alias_arn  = module.webhooks_function.alias_arn
  kms_key_arn         = module.kms.key_arn
  alarm_actions       = var.alarm_actions
}
