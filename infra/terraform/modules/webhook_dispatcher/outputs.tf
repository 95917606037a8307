output "failure_queue_arn" {
  description = "ARN of the queue of webhook work the dispatcher gave up on."
  value       = aws_sqs_queue.failures.arn
}

output "failure_queue_url" {
  description = "URL of that queue (aws sqs receive-message --queue-url ...)."
  value       = aws_sqs_queue.failures.url
}

output "schedule_name" {
  description = "The every-minute schedule."
  value       = aws_scheduler_schedule.sweep.name
}
