# A Lambda function's alias invoked every minute by EventBridge Scheduler, and where what fails
# goes: one SQS queue (KMS, 14 days) for ticks the scheduler could not deliver and for runs that
# failed, with an alarm on any message. The caller may send more of its function's failures there
# (the webhooks dispatcher's stream batches: modules/webhook_dispatcher) and must let the function
# send to it (the async on-failure destination is written with the function's own role).
#
# Scheduler rather than an EventBridge rule: a schedule invokes through a role of its own that may
# invoke this one alias (no resource policy on the function for events.amazonaws.com), and
# its dead-letter queue is written with that role too, so the shared KMS key's policy needs no
# statement for EventBridge. There is no rule elsewhere in this configuration to stay alike with.

data "aws_caller_identity" "this" {}
data "aws_region" "this" {}
data "aws_partition" "this" {}

locals {
  account   = data.aws_caller_identity.this.account_id
  region    = data.aws_region.this.region
  partition = data.aws_partition.this.partition

  schedule_group_arn = "arn:${local.partition}:scheduler:${local.region}:${local.account}:schedule-group/default"
}

resource "aws_sqs_queue" "failures" {
  name                      = "${var.name}-failures"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
}

# ---- The schedule and its role ----

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.schedule_group_arn]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-schedule"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeTheFunctionOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.function_alias_arn]
  }
  statement {
    sid       = "DeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn]
  }
  # The schedule's input and the queue are encrypted with the key.
  statement {
    sid       = "KeyForScheduleAndQueue"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = var.policy_name
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "every_minute" {
  name                = var.schedule_name
  description         = var.description
  schedule_expression = "rate(1 minute)"
  state               = "ENABLED"
  kms_key_arn         = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.function_alias_arn
    role_arn = aws_iam_role.scheduler.arn
    # Shaped like EventBridge's "Scheduled Event", so the code can read it as one (the webhooks
    # dispatcher tells it from its stream's events, which carry Records instead).
    input = jsonencode({
      version       = "0"
      id            = "<aws.scheduler.execution-id>"
      "detail-type" = "Scheduled Event"
      source        = "aws.scheduler"
      account       = local.account
      time          = "<aws.scheduler.scheduled-time>"
      region        = local.region
      resources     = ["<aws.scheduler.schedule-arn>"]
      detail        = {}
    })

    # A tick is worth a minute: the next one supersedes it, so retries stop within the minute.
    retry_policy {
      maximum_event_age_in_seconds = 60
      maximum_retry_attempts       = 2
    }

    dead_letter_config {
      arn = aws_sqs_queue.failures.arn
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

# The schedule invokes asynchronously: a run that fails is not retried (the next tick is a minute
# away), a tick queued for more than two minutes behind throttling is dropped, and both are recorded
# in the queue (the function's role sends them).
resource "aws_lambda_function_event_invoke_config" "schedule" {
  function_name                = var.function_name
  qualifier                    = var.function_alias_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 120

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "failures" {
  alarm_name          = "${var.name}-failures"
  alarm_description   = format(var.alarm_description, aws_sqs_queue.failures.name)
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
}
