output "arn" {
  description = "ARN of the signing key's secret (SWITCHYARD_JWT_SECRET_ARN)."
  value       = aws_secretsmanager_secret.this.arn
}
