output "failure_queue_arn" {
  description = "ARN of the queue of webhook work the dispatcher gave up on."
  value       = module.schedule.failure_queue_arn
}

output "failure_queue_url" {
  description = "URL of that queue (aws sqs receive-message --queue-url ...)."
  value       = module.schedule.failure_queue_url
}

output "schedule_name" {
  description = "The every-minute schedule."
  value       = module.schedule.schedule_name
}
