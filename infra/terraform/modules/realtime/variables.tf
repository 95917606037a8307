variable "name" {
  description = "Prefix for the service's resource names."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks."
  type        = list(string)
}

variable "ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the load balancer on 443."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener."
  type        = string
}

variable "idle_timeout_seconds" {
  description = "Load balancer idle timeout; long, so quiet streams stay open."
  type        = number
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
}

variable "access_log_bucket" {
  description = "Bucket for the load balancer's access logs."
  type        = string
}

variable "repository_url" {
  description = "ECR repository of the image."
  type        = string
}

variable "image_tag" {
  description = "Tag of the image to run."
  type        = string
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
}

variable "memory_mb" {
  description = "Task memory (MiB)."
  type        = number
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64: must match the image's platform."
  type        = string
}

variable "min_tasks" {
  description = "Fewest running tasks."
  type        = number
}

variable "max_tasks" {
  description = "Most running tasks."
  type        = number
}

variable "cpu_target_percent" {
  description = "Average CPU that autoscaling holds."
  type        = number
}

variable "requests_per_task_target" {
  description = "Requests per task per minute that autoscaling holds."
  type        = number
}

variable "connections_per_task_target" {
  description = "Active load balancer connections per task that autoscaling holds (about two per client)."
  type        = number
}

variable "table_name" {
  description = "The DynamoDB table."
  type        = string
}

variable "table_arn" {
  description = "The table's ARN."
  type        = string
}

variable "table_index_arn" {
  description = "The gsi1 index's ARN (SDK key lookup)."
  type        = string
}

variable "redis_url_secret_arn" {
  description = "Secret holding the rediss:// URL (injected as SWITCHYARD_REDIS_URL)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the secret, the image and the log group."
  type        = string
}

variable "log_level" {
  description = "RUST_LOG of the server."
  type        = string
}

variable "log_retention_days" {
  description = "Days the server's logs are kept."
  type        = number
}

variable "scrape_cidrs" {
  description = "Ranges inside the VPC allowed to reach the tasks on 8080 for /metrics and /readyz (e.g. a Prometheus subnet)."
  type        = list(string)
}

variable "trusted_proxy_hops" {
  description = "Proxies in front of the tasks that append to X-Forwarded-For (the load balancer: 1)."
  type        = number
}
