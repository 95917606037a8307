# The publisher function on the table's stream (DESIGN.md section 4, the safety net): only
# environment items (sk = ENV, whose `v` is the revision) reach it; failed records are retried,
# a failing batch is split to isolate the bad record, and what still fails lands in an SQS queue
# (with an alarm) instead of blocking the shard.

resource "aws_sqs_queue" "failures" {
  name                      = "${var.name}-publisher-failures"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn                   = var.stream_arn
  function_name                      = var.function_arn
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = 0
  parallelization_factor             = 1
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_seconds
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]

  filter_criteria {
    filter {
      pattern = jsonencode({
        eventName = ["INSERT", "MODIFY"]
        dynamodb  = { Keys = { sk = { S = ["ENV"] } } }
      })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failures.arn
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "failures" {
  alarm_name          = "${var.name}-publisher-failures"
  alarm_description   = "Stream records the change publisher gave up on (see the ${aws_sqs_queue.failures.name} queue); realtime nodes still converge through their periodic revision checks."
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
