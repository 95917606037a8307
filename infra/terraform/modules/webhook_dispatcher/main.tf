# What invokes the webhooks dispatcher (docs/webhooks.md), and where its failures go:
# - the table's stream (a second consumer beside the publisher): new change records (CHANGE#...)
#   to fan out and new queued deliveries (WHQ#...) to send at once, INSERTs only;
# - EventBridge Scheduler every minute: retries with backoff, sweeping every endpoint
#   (modules/minute_schedule: the schedule, its role, the failure queue and its alarm);
# - that one SQS queue (KMS, 14 days) for both: stream batches given up on, schedule ticks the
#   scheduler could not deliver, and ticks whose run failed. An alarm fires on any message.

locals {
  # INSERTs of items whose partition key starts with a prefix the dispatcher handles (layout.rs:
  # change records, queued deliveries); updates and deletes of them (a delivery's attempts, its
  # removal once sent) would only wake the function for nothing.
  stream_filter = {
    eventName = ["INSERT"]
    dynamodb = {
      Keys = {
        pk = {
          S = [{ prefix = "CHANGE#" }, { prefix = "WHQ#" }]
        }
      }
    }
  }
}

# ---- The stream ----

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn = var.stream_arn
  function_name    = var.function_alias_arn
  # From the oldest record kept (24 h) when the mapping is (re)created: deliveries are at least
  # once, and receivers dedupe on webhook-id.
  starting_position = "TRIM_HORIZON"
  # A queued delivery is sent at once, and each send may wait on a customer's endpoint: small
  # batches keep one slow endpoint from holding back many records.
  batch_size                         = 10
  maximum_batching_window_in_seconds = 0
  parallelization_factor             = 1
  maximum_retry_attempts             = 10
  maximum_record_age_in_seconds      = 86400
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]

  filter_criteria {
    filter {
      pattern = jsonencode(local.stream_filter)
    }
  }

  destination_config {
    on_failure {
      destination_arn = module.schedule.failure_queue_arn
    }
  }
}

# ---- The schedule, and the failure queue the stream shares ----

module "schedule" {
  source = "../minute_schedule"

  # Names as they were before the schedule had a module of its own (the resources moved below).
  name                = "${var.name}-webhook"
  schedule_name       = "${var.name}-webhook-sweep"
  description         = "Switchyard webhooks: retry due deliveries, sweeping every endpoint"
  policy_name         = "invoke-webhooks"
  alarm_description   = "Webhook work the dispatcher gave up on (see the %s queue and infra/terraform/README.md, Webhooks): stream batches, or schedule ticks that were not delivered or failed."
  function_name       = var.function_name
  function_alias_name = var.function_alias_name
  function_alias_arn  = var.function_alias_arn
  kms_key_arn         = var.kms_key_arn
  alarm_actions       = var.alarm_actions
}

# Where these were before modules/minute_schedule: moved, not replaced (the queue keeps its
# messages, the schedule and its role their names).
moved {
  from = aws_sqs_queue.failures
  to   = module.schedule.aws_sqs_queue.failures
}

moved {
  from = aws_iam_role.scheduler
  to   = module.schedule.aws_iam_role.scheduler
}

moved {
  from = aws_iam_role_policy.scheduler
  to   = module.schedule.aws_iam_role_policy.scheduler
}

moved {
  from = aws_scheduler_schedule.sweep
  to   = module.schedule.aws_scheduler_schedule.every_minute
}

moved {
  from = aws_lambda_function_event_invoke_config.schedule
  to   = module.schedule.aws_lambda_function_event_invoke_config.schedule
}

moved {
  from = aws_cloudwatch_metric_alarm.failures
  to   = module.schedule.aws_cloudwatch_metric_alarm.failures
}
