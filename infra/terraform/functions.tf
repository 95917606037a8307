# The Lambda functions: one per binary in functions/src/bin/ (infra/tests/test_functions.py proves
# it). Six route groups of functions/src/lib.rs (enum Group) serve the dashboard API behind API
# Gateway; the seventh, the change feed, streams behind a function URL (feed.tf); the publisher
# reads the table's stream; the webhooks dispatcher is in webhooks.tf, the change-request
# scheduler in scheduler.tf. Each has its own role with only what its code does.

locals {
  lambda_zip_dir = coalesce(var.lambda_zip_dir, "${path.root}/../../target/lambda-zips")

  # The route groups behind API Gateway (functions/src/lib.rs, Group::name); the feed group is
  # module.feed_function (feed.tf).
  api_functions = ["auth", "orgs", "projects", "flags", "segments", "audit"]

  # What each group's store calls write (core/src/store): every write is one TransactWriteItems of
  # Puts, plus Deletes where the group removes things (members and invitations; projects and
  # environments with their SDK keys; flags; segments). IAM authorises each action of a
  # transaction as PutItem / DeleteItem. The auth group deletes a password reset token as it
  # sets the new password.
  table_writes = {
    auth     = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    orgs     = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    projects = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    flags    = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    segments = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    audit    = []
  }

  # Every group (and the feed) authenticates callers and reads: items (GetItem), partitions
  # (Query) and the gsi1 index (Query: emails, secrets, memberships, projects, environments,
  # audit targets).
  api_read_statements = [
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
      sid        = "Secrets"
      actions    = ["secretsmanager:GetSecretValue"]
      resources  = [module.jwt_secret.arn, module.redis.url_secret_arn]
      conditions = []
    },
    {
      sid        = "DecryptSecretsAndEnvironment"
      actions    = ["kms:Decrypt"]
      resources  = [module.kms.key_arn]
      conditions = []
    },
  ]

  # What one group needs beyond the others. The orgs group manages webhooks (docs/webhooks.md) and
  # encrypts their secrets on create and rotate with the webhook key: only it gets the key (and
  # the dashboard's address, which test events link to).
  # The auth group opens single sign-on client secrets (sealed with the same key by PUT
  # /orgs/{org}/sso, which is in the auth group too) and tells identity providers to call back at
  # the API's address (SWITCHYARD_API_URL; the HTTP API's URL does not depend on the functions).
  group_environment = {
    auth = {
      SWITCHYARD_WEBHOOK_KEY_SECRET_ARN = module.webhook_key.arn
      SWITCHYARD_DASHBOARD_URL          = local.dashboard_origin
      SWITCHYARD_API_URL                = module.api.url
    }
    orgs = {
      SWITCHYARD_WEBHOOK_KEY_SECRET_ARN = module.webhook_key.arn
      SWITCHYARD_DASHBOARD_URL          = local.dashboard_origin
    }
    projects = {}
    flags    = {}
    segments = {}
    audit    = {}
  }
  group_statements = {
    # Login and signup limits (functions/src/auth/rate_limit.rs) count attempts in counters of
    # their own partitions: an atomic UpdateItem (ADD), a PutItem replacing an expired count and
    # a BatchWriteItem of the last attempt's time, all outside transactions, so confined to the
    # ATTEMPT# partitions (core/src/store/layout.rs, ATTEMPT_PREFIX).
    auth = [{
      sid       = "LoginAttemptCounters"
      actions   = ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"]
      resources = [module.table.arn]
      conditions = [{
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["ATTEMPT#*"]
      }]
      }, {
      sid        = "WebhookKey"
      actions    = ["secretsmanager:GetSecretValue"]
      resources  = [module.webhook_key.arn]
      conditions = []
    }]
    orgs = [{
      sid        = "WebhookKey"
      actions    = ["secretsmanager:GetSecretValue"]
      resources  = [module.webhook_key.arn]
      conditions = []
    }]
    projects = []
    flags    = []
    segments = []
    audit    = []
  }

  # Password reset mail for the auth group (functions/src/config.rs, MailArgs), only when an SMTP
  # URL secret is given (SES's SMTP interface: smtps://USER:PASSWORD@email-smtp.REGION.amazonaws.com:465).
  mail_environment = var.smtp_url_secret_arn == null ? {} : {
    SWITCHYARD_SMTP_URL_SECRET_ARN = var.smtp_url_secret_arn
    SWITCHYARD_MAIL_FROM           = var.mail_from
    SWITCHYARD_DASHBOARD_URL       = local.dashboard_origin
  }
  mail_statements = var.smtp_url_secret_arn == null ? [] : [{
    sid        = "SmtpUrl"
    actions    = ["secretsmanager:GetSecretValue"]
    resources  = [var.smtp_url_secret_arn]
    conditions = []
  }]

  # The quotas (functions/src/config.rs, QuotaArgs): SWITCHYARD_QUOTA_<NAME>, only those set.
  quota_environment = { for name, limit in var.quotas : "SWITCHYARD_QUOTA_${upper(name)}" => tostring(limit) }

  function_environment = {
    SWITCHYARD_TABLE          = module.table.name
    SWITCHYARD_JWT_SECRET_ARN = module.jwt_secret.arn
    # The Redis URL carries the AUTH token: only the secret's ARN is here; the functions read
    # the secret at start (functions/src/config.rs).
    SWITCHYARD_REDIS_URL_SECRET_ARN = module.redis.url_secret_arn
    RUST_LOG                        = var.log_level
  }
}

# Functions reach DynamoDB (gateway endpoint), Secrets Manager and X-Ray (HTTPS) and Redis.
resource "aws_security_group" "functions" {
  #checkov:skip=CKV2_AWS_5:Attached to every function's vpc_config through module.api_function, module.feed_function and module.publisher_function (security_group_ids); the graph check cannot follow module inputs.
  name        = "${var.name}-functions"
  description = "Lambda functions"
  vpc_id      = module.network.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "functions_https" {
  security_group_id = aws_security_group.functions.id
  description       = "HTTPS to AWS APIs (DynamoDB, Secrets Manager, X-Ray)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "functions_redis" {
  security_group_id            = aws_security_group.functions.id
  description                  = "Redis (change events)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = module.redis.security_group_id
}

module "api_function" {
  source   = "./modules/lambda_function"
  for_each = toset(local.api_functions)

  name_prefix = var.name
  binary      = each.key
  zip_dir     = local.lambda_zip_dir
  environment = merge(local.quota_environment, local.function_environment, each.key == "auth" ? local.mail_environment : {}, local.group_environment[each.key])
  statements = concat(local.api_read_statements, local.group_statements[each.key], each.key == "auth" ? local.mail_statements : [], [
    for writes in [local.table_writes[each.key]] : {
      sid       = "TransactionalWrites"
      actions   = writes
      resources = [module.table.arn]
      # The store writes only through TransactWriteItems.
      conditions = [{
        test     = "ForAnyValue:StringEquals"
        variable = "dynamodb:EnclosingOperation"
        values   = ["TransactWriteItems"]
      }]
    } if length(writes) > 0
  ])
  memory_mb            = var.lambda_memory_mb
  timeout_seconds      = var.lambda_timeout_seconds
  reserved_concurrency = var.lambda_reserved_concurrency
  vpc = {
    subnet_ids         = module.network.private_subnet_ids
    security_group_ids = [aws_security_group.functions.id]
  }
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

# The change publisher: reads the stream, publishes revisions on Redis, parks failures in SQS.
module "publisher_function" {
  source = "./modules/lambda_function"

  name_prefix = var.name
  binary      = "publisher"
  zip_dir     = local.lambda_zip_dir
  environment = {
    SWITCHYARD_REDIS_URL_SECRET_ARN = module.redis.url_secret_arn
    RUST_LOG                        = var.log_level
  }
  statements = [
    {
      sid        = "ReadTableStream"
      actions    = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
      resources  = ["${module.table.arn}/stream/*"]
      conditions = []
    },
    {
      sid        = "RedisUrlSecret"
      actions    = ["secretsmanager:GetSecretValue"]
      resources  = [module.redis.url_secret_arn]
      conditions = []
    },
    {
      sid        = "FailureQueue"
      actions    = ["sqs:SendMessage"]
      resources  = [module.stream_publisher.failure_queue_arn]
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
  timeout_seconds      = 60
  reserved_concurrency = 10
  vpc = {
    subnet_ids         = module.network.private_subnet_ids
    security_group_ids = [aws_security_group.functions.id]
  }
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

module "stream_publisher" {
  source = "./modules/stream_publisher"

  name                       = var.name
  stream_arn                 = module.table.stream_arn
  function_arn               = module.publisher_function.alias_arn
  batch_size                 = var.publisher_batch_size
  maximum_retry_attempts     = var.publisher_max_retry_attempts
  maximum_record_age_seconds = var.publisher_max_record_age_seconds
  kms_key_arn                = module.kms.key_arn
  alarm_actions              = var.alarm_actions
}
