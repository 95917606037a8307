# The change-request scheduler (DESIGN.md section 4, Governance): the `scheduler` function applies
# the change requests whose scheduled time came, each exactly once (its write of a request is
# conditional on the version it read, so two runs at once are safe), invoked every minute by
# EventBridge Scheduler (modules/minute_schedule): a request applies within about a minute of its
# time. What it applies reaches realtime nodes through the stream publisher, like any change.

module "scheduler_function" {
  source = "./modules/lambda_function"

  name_prefix = var.name
  binary      = "scheduler"
  zip_dir     = local.lambda_zip_dir
  # No Redis URL and no secret: it needs neither (functions/src/bin/scheduler.rs). The quotas,
  # as the API functions get them: a scheduled change obeys the same ones.
  environment = merge(local.quota_environment, {
    SWITCHYARD_TABLE = module.table.name
    RUST_LOG         = var.log_level
  })
  statements = [
    # Due requests, their projects, environments, flags, segments and policies.
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
    # A request's changes with their records and revision bumps (Puts, Deletes where a change
    # removes a flag or segment), and leftovers taken out of the due index (a Delete).
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
    # Failed scheduled runs (the async on-failure destination) are sent with the function's role.
    {
      sid        = "FailureQueue"
      actions    = ["sqs:SendMessage"]
      resources  = [module.scheduler_schedule.failure_queue_arn]
      conditions = []
    },
    {
      sid        = "KeyForQueueAndEnvironment"
      actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources  = [module.kms.key_arn]
      conditions = []
    },
  ]
  memory_mb       = 256
  timeout_seconds = 60
  # Two: a run that takes most of its minute does not hold the next tick back behind throttling;
  # the runs' conditional writes make the overlap safe.
  reserved_concurrency = 2
  # Outside the VPC, on purpose: it uses nothing inside. The table and SQS are public AWS APIs it
  # reaches with its IAM role, it needs no Redis (realtime nodes learn of what it applies from the
  # stream publisher), and outside it needs neither network interfaces in the private subnets nor
  # the NAT gateway. (checkov's CKV_AWS_117, "in a VPC", passes here only because it does not
  # evaluate the function module's dynamic vpc_config; infra/tests/test_scheduler.py proves the
  # placement.)
  vpc                = null
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

module "scheduler_schedule" {
  source = "./modules/minute_schedule"

  name                = "${var.name}-scheduler"
  schedule_name       = "${var.name}-scheduler-due-requests"
  description         = "Switchyard change requests: apply the scheduled ones that came due"
  policy_name         = "invoke-scheduler"
  alarm_description   = "Scheduler runs that were not delivered or failed (see the %s queue and infra/terraform/README.md, Scheduled change requests); due requests stay due and the next run applies them."
  function_name       = module.scheduler_function.function_name
  function_alias_name = module.scheduler_function.alias_name
  function_alias_arn  = module.scheduler_function.alias_arn
  kms_key_arn         = module.kms.key_arn
  alarm_actions       = var.alarm_actions
}
