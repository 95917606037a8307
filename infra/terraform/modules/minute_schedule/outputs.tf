output "failure_queue_arn" {
  description = "ARN of the queue of ticks not delivered and runs that failed (the function must be allowed to send to it)."
  value       = aws_sqs_queue.failures.arn
}

output "failure_queue_name" {
  description = "Name of that queue."
  value       = aws_sqs_queue.failures.name
}

output "failure_queue_url" {
  description = "URL of that queue (aws sqs receive-message --queue-url ...)."
  value       = aws_sqs_queue.failures.url
}

output "schedule_name" {
  description = "The every-minute schedule."
  value       = aws_scheduler_schedule.every_minute.name
}
