output "name" {
  description = "The table's name."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "The table's ARN."
  value       = aws_dynamodb_table.this.arn
}

output "index_arn" {
  description = "ARN of the gsi1 index (for IAM: Query on it)."
  value       = "${aws_dynamodb_table.this.arn}/index/gsi1"
}

output "stream_arn" {
  description = "The table's stream (new images), read by the change publisher."
  value       = aws_dynamodb_table.this.stream_arn
}
