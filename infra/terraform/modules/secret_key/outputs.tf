output "arn" {
  description = "ARN of the key's secret (what the functions get, e.g. SWITCHYARD_JWT_SECRET_ARN)."
  value       = aws_secretsmanager_secret.this.arn
}
