output "alb_arn" {
  description = "The load balancer (for the WAF association)."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "The load balancer's DNS name (point realtime_domain at it)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "The load balancer's hosted zone (for a Route 53 alias)."
  value       = aws_lb.this.zone_id
}

output "task_security_group_id" {
  description = "Security group of the tasks (Redis admits it)."
  value       = aws_security_group.tasks.id
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "The ECS service."
  value       = aws_ecs_service.this.name
}
