output "url_secret_arn" {
  description = "ARN of the secret holding the full rediss:// URL with the AUTH token."
  value       = aws_secretsmanager_secret.url.arn
}

output "primary_endpoint" {
  description = "The primary endpoint's host name."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "security_group_id" {
  description = "The cache's security group (clients need egress to it on 6379)."
  value       = aws_security_group.this.id
}
