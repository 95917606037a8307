output "failure_queue_arn" {
  description = "ARN of the queue of records that could not be published."
  value       = aws_sqs_queue.failures.arn
}
