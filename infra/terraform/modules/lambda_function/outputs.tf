output "function_name" {
  description = "The function's name."
  value       = aws_lambda_function.this.function_name
}

output "alias_name" {
  description = "The alias callers invoke."
  value       = aws_lambda_alias.live.name
}

output "alias_arn" {
  description = "ARN of the live alias."
  value       = aws_lambda_alias.live.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the live alias (API Gateway integrations)."
  value       = aws_lambda_alias.live.invoke_arn
}

output "role_name" {
  description = "The function's execution role."
  value       = aws_iam_role.this.name
}
