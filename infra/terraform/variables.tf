# ---- Naming and placement ----

variable "name" {
  description = "Name of this deployment: the prefix of every resource name (e.g. switchyard-prod)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3-20 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the deployment (everything except CloudFront's us-east-1 parts)."
  type        = string
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

# ---- Network ----

variable "vpc_cidr" {
  description = "The VPC's IPv4 range, /16 to /20."
  type        = string
  default     = "10.40.0.0/16"
  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 to /20."
  }
}

variable "az_count" {
  description = "Availability zones to use (2 or 3)."
  type        = number
  default     = 2
  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (survives losing a zone)."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints for Secrets Manager, ECR, CloudWatch Logs, X-Ray and SQS (private paths to AWS APIs, at an hourly cost each)."
  type        = bool
  default     = false
}

# ---- Domains and certificates ----

variable "realtime_domain" {
  description = "DNS name of the realtime service (SDK WebSocket, SSE, OFREP), e.g. flags.example.com; covered by regional_certificate_arn."
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.realtime_domain))
    error_message = "realtime_domain must be a lowercase DNS name."
  }
}

variable "api_domain" {
  description = "DNS name of the dashboard API (covered by regional_certificate_arn), or null to use the execute-api URL."
  type        = string
  default     = null
  validation {
    condition     = var.api_domain == null || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.api_domain))
    error_message = "api_domain must be a lowercase DNS name or null."
  }
}

variable "regional_certificate_arn" {
  description = "ACM certificate in var.region for realtime_domain (and api_domain): the load balancer's HTTPS listener."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.regional_certificate_arn))
    error_message = "regional_certificate_arn must be an ACM certificate ARN."
  }
}

variable "dashboard_domain" {
  description = "DNS name of the dashboard (needs cloudfront_certificate_arn), or null for its cloudfront.net name."
  type        = string
  default     = null
  validation {
    condition     = var.dashboard_domain == null || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.dashboard_domain))
    error_message = "dashboard_domain must be a lowercase DNS name or null."
  }
}

variable "sdk_domain" {
  description = "DNS name of the SDK CDN (needs cloudfront_certificate_arn), or null for its cloudfront.net name."
  type        = string
  default     = null
  validation {
    condition     = var.sdk_domain == null || can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.sdk_domain))
    error_message = "sdk_domain must be a lowercase DNS name or null."
  }
}

variable "cloudfront_certificate_arn" {
  description = "ACM certificate in us-east-1 covering dashboard_domain and sdk_domain; null when neither is set."
  type        = string
  default     = null
  validation {
    condition     = var.cloudfront_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$", var.cloudfront_certificate_arn))
    error_message = "cloudfront_certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates there)."
  }
  validation {
    condition     = (var.dashboard_domain == null && var.sdk_domain == null) || var.cloudfront_certificate_arn != null
    error_message = "dashboard_domain and sdk_domain need cloudfront_certificate_arn."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone in which to create alias records for the domains; null to manage DNS elsewhere (see the *_dns_target outputs)."
  type        = string
  default     = null
  validation {
    condition     = var.route53_zone_id == null || can(regex("^Z[A-Z0-9]+$", var.route53_zone_id))
    error_message = "route53_zone_id must be a hosted zone id (Z...)."
  }
}

# ---- Lambda functions and the API ----

variable "lambda_zip_dir" {
  description = "Directory of the function zips built by make lambda; null means <repository>/target/lambda-zips."
  type        = string
  default     = null
}

variable "lambda_memory_mb" {
  description = "Memory of each API function (MB); CPU scales with it (argon2id hashing wants at least 512)."
  type        = number
  default     = 1024
  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Longest run of one API invocation (API Gateway waits at most 29 s)."
  type        = number
  default     = 15
  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 29
    error_message = "lambda_timeout_seconds must be between 1 and 29."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) each API function."
  type        = number
  default     = 50
  validation {
    condition     = var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 1000
    error_message = "lambda_reserved_concurrency must be between 1 and 1000."
  }
}

variable "feed_reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the change feed function (feed.tf): every open dashboard tab holds one for as long as its stream is open (each invocation up to 15 minutes, billed for all of it, then the tab reconnects). Streams past the cap are throttled by Lambda until others close. See README.md, \"The change feed\"."
  type        = number
  default     = 50
  validation {
    condition     = var.feed_reserved_concurrency >= 1 && var.feed_reserved_concurrency <= 1000
    error_message = "feed_reserved_concurrency must be between 1 and 1000."
  }
}

variable "log_level" {
  description = "RUST_LOG of the functions and the realtime server."
  type        = string
  default     = "info"
  validation {
    condition     = can(regex("^[a-z_:=,0-9]+$", var.log_level))
    error_message = "log_level must be a RUST_LOG filter such as info or warn,switchyard=debug."
  }
}

variable "api_throttle_burst" {
  description = "API Gateway burst limit (requests) of every route."
  type        = number
  default     = 200
  validation {
    condition     = var.api_throttle_burst >= 1 && var.api_throttle_burst <= 5000
    error_message = "api_throttle_burst must be between 1 and 5000."
  }
}

variable "api_throttle_rate" {
  description = "API Gateway steady-state limit (requests per second) of every route."
  type        = number
  default     = 100
  validation {
    condition     = var.api_throttle_rate >= 1 && var.api_throttle_rate <= 10000
    error_message = "api_throttle_rate must be between 1 and 10000."
  }
}

# ---- The change publisher ----

variable "publisher_batch_size" {
  description = "Stream records per publisher invocation."
  type        = number
  default     = 100
  validation {
    condition     = var.publisher_batch_size >= 1 && var.publisher_batch_size <= 1000
    error_message = "publisher_batch_size must be between 1 and 1000."
  }
}

variable "publisher_max_retry_attempts" {
  description = "Retries of a failing stream batch before its records go to the failure queue."
  type        = number
  default     = 5
  validation {
    condition     = var.publisher_max_retry_attempts >= 0 && var.publisher_max_retry_attempts <= 10000
    error_message = "publisher_max_retry_attempts must be between 0 and 10000."
  }
}

variable "publisher_max_record_age_seconds" {
  description = "Stream records older than this go to the failure queue unprocessed (a late hint is useless: realtime nodes re-check revisions themselves)."
  type        = number
  default     = 3600
  validation {
    condition     = var.publisher_max_record_age_seconds >= 60 && var.publisher_max_record_age_seconds <= 604800
    error_message = "publisher_max_record_age_seconds must be between 60 and 604800."
  }
}

variable "alarm_actions" {
  description = "ARNs (e.g. SNS topics) notified when the change publisher or the webhook dispatcher gives up on work (messages in their failure queues)."
  type        = list(string)
  default     = []
}

# ---- The realtime service ----

variable "image_tag" {
  description = "Tag of the realtime image in ECR (make deploy passes the commit, short SHA)."
  type        = string
  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a Docker tag other than latest (tags are immutable)."
  }
}

variable "realtime_cpu" {
  description = "Fargate CPU units per realtime task."
  type        = number
  default     = 1024
  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.realtime_cpu)
    error_message = "realtime_cpu must be a Fargate CPU size (256 ... 16384)."
  }
}

variable "realtime_memory_mb" {
  description = "Memory (MiB) per realtime task; must fit Fargate's sizes for realtime_cpu."
  type        = number
  default     = 2048
  validation {
    condition     = var.realtime_memory_mb >= 512 && var.realtime_memory_mb <= 122880
    error_message = "realtime_memory_mb must be between 512 and 122880."
  }
}

variable "realtime_cpu_architecture" {
  description = "X86_64 or ARM64; must match the platform make deploy builds the image for (REALTIME_PLATFORM)."
  type        = string
  default     = "X86_64"
  validation {
    condition     = contains(["X86_64", "ARM64"], var.realtime_cpu_architecture)
    error_message = "realtime_cpu_architecture must be X86_64 or ARM64."
  }
}

variable "realtime_min_tasks" {
  description = "Fewest realtime tasks (two or more keep streams up through a task or zone loss)."
  type        = number
  default     = 2
  validation {
    condition     = var.realtime_min_tasks >= 1
    error_message = "realtime_min_tasks must be at least 1."
  }
}

variable "realtime_max_tasks" {
  description = "Most realtime tasks autoscaling may run."
  type        = number
  default     = 10
  validation {
    condition     = var.realtime_max_tasks >= var.realtime_min_tasks
    error_message = "realtime_max_tasks must be at least realtime_min_tasks."
  }
}

variable "realtime_cpu_target_percent" {
  description = "Average CPU of the realtime tasks that autoscaling holds."
  type        = number
  default     = 60
  validation {
    condition     = var.realtime_cpu_target_percent >= 10 && var.realtime_cpu_target_percent <= 90
    error_message = "realtime_cpu_target_percent must be between 10 and 90."
  }
}

variable "realtime_requests_per_task_target" {
  description = "Load balancer requests per task per minute that autoscaling holds (OFREP polling, SSE and WebSocket connects)."
  type        = number
  default     = 6000
  validation {
    condition     = var.realtime_requests_per_task_target >= 1
    error_message = "realtime_requests_per_task_target must be positive."
  }
}

variable "realtime_connections_per_task_target" {
  description = "Active load balancer connections per task that autoscaling holds (each streaming client counts about twice: client side and task side)."
  type        = number
  default     = 10000
  validation {
    condition     = var.realtime_connections_per_task_target >= 1
    error_message = "realtime_connections_per_task_target must be positive."
  }
}

variable "realtime_idle_timeout_seconds" {
  description = "Load balancer idle timeout: quiet WebSocket and SSE streams stay open this long."
  type        = number
  default     = 3600
  validation {
    condition     = var.realtime_idle_timeout_seconds >= 60 && var.realtime_idle_timeout_seconds <= 4000
    error_message = "realtime_idle_timeout_seconds must be between 60 and 4000 (the load balancer's maximum)."
  }
}

variable "realtime_ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the realtime load balancer (SDK clients: normally everyone)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  validation {
    condition     = length(var.realtime_ingress_cidrs) > 0 && alltrue([for c in var.realtime_ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "realtime_ingress_cidrs must be a non-empty list of IPv4 CIDR blocks."
  }
}

variable "realtime_scrape_cidrs" {
  description = "Ranges inside the VPC that may reach the realtime tasks on 8080 for /metrics and /readyz (Prometheus); the load balancer answers both 404 from the internet."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for c in var.realtime_scrape_cidrs : can(cidrhost(c, 0))])
    error_message = "realtime_scrape_cidrs must be IPv4 CIDR blocks."
  }
}

variable "quotas" {
  description = "Quotas the API enforces, by name (README, Quotas): e.g. { flags_per_project = 5000 }. Unset ones keep their defaults."
  type        = map(number)
  default     = {}
  validation {
    condition = alltrue([for k, v in var.quotas : contains([
      "projects_per_organization", "environments_per_project", "flags_per_project",
      "segments_per_project", "members_per_organization", "sdk_keys_per_environment",
      "api_tokens_per_organization", "environment_bytes", "webhooks_per_organization",
      "active_requests_per_project",
    ], k) && v >= 0 && floor(v) == v])
    error_message = "quotas takes projects_per_organization, environments_per_project, flags_per_project, segments_per_project, members_per_organization, sdk_keys_per_environment, api_tokens_per_organization, environment_bytes, webhooks_per_organization and active_requests_per_project, each a whole number."
  }
}

# ---- Redis ----

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
  validation {
    condition     = can(regex("^cache\\.", var.redis_node_type))
    error_message = "redis_node_type must be an ElastiCache node type (cache.*)."
  }
}

variable "redis_nodes" {
  description = "Cache nodes: a primary and replicas in other zones, with automatic failover (2 to 6)."
  type        = number
  default     = 2
  validation {
    condition     = var.redis_nodes >= 2 && var.redis_nodes <= 6
    error_message = "redis_nodes must be between 2 and 6 (a primary and at least one replica for failover)."
  }
}

variable "redis_engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
  validation {
    condition     = can(regex("^[67]\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be a Redis 6.x or 7.x version such as 7.1."
  }
}

variable "redis_snapshot_retention_days" {
  description = "Days of Redis snapshots kept (0: none; Redis holds only change hints and last-published revisions)."
  type        = number
  default     = 1
  validation {
    condition     = var.redis_snapshot_retention_days >= 0 && var.redis_snapshot_retention_days <= 35
    error_message = "redis_snapshot_retention_days must be between 0 and 35."
  }
}

# ---- The token signing key ----

variable "jwt_key_out_of_band" {
  description = "Leave the JWT signing key's value to the operator (aws secretsmanager put-secret-value) instead of generating it."
  type        = bool
  default     = false
}

variable "jwt_key_version" {
  description = "Generation of the generated JWT signing key; raise it to write a new key (every session ends)."
  type        = number
  default     = 1
  validation {
    condition     = var.jwt_key_version >= 1 && floor(var.jwt_key_version) == var.jwt_key_version
    error_message = "jwt_key_version must be a positive whole number."
  }
}

# ---- Webhooks ----

variable "webhook_key_out_of_band" {
  description = "Leave the webhook encryption key's value (32 bytes as 64 hex digits) to the operator instead of generating it: e.g. to bring the key of a deployment whose table this one restores."
  type        = bool
  default     = false
}

# ---- Logs, static sites, lifecycle ----

variable "log_retention_days" {
  description = "Days CloudWatch log groups keep logs (one of CloudWatch's retention values)."
  type        = number
  default     = 365
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, ...)."
  }
}

variable "access_log_retention_days" {
  description = "Days S3, CloudFront and load balancer access logs are kept in the log bucket."
  type        = number
  default     = 90
  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "access_log_retention_days must be positive."
  }
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests one IP address may make in 5 minutes (per web ACL) before WAF blocks it."
  type        = number
  default     = 20000
  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 100 && var.waf_rate_limit_per_5_minutes <= 2000000000
    error_message = "waf_rate_limit_per_5_minutes must be between 100 and 2000000000."
  }
}

variable "cloudfront_price_class" {
  description = "CloudFront price class of the dashboard and SDK distributions."
  type        = string
  default     = "PriceClass_100"
  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cloudfront_price_class)
    error_message = "cloudfront_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "static_noncurrent_version_days" {
  description = "Days overwritten dashboard and SDK files are kept (the window for rolling an upload back)."
  type        = number
  default     = 90
  validation {
    condition     = var.static_noncurrent_version_days >= 1
    error_message = "static_noncurrent_version_days must be positive."
  }
}

variable "table_name" {
  description = "The DynamoDB table's name when it is not the deployment's name: a table restored to a point in time (see README, Restoring the table to a point in time)."
  type        = string
  default     = ""
  validation {
    condition     = var.table_name == "" || can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3-255 characters: letters, digits, '_', '-', '.'."
  }
}

variable "deletion_protection" {
  description = "Protect the table and the load balancer from deletion (turn off, apply, then destroy)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let terraform destroy delete non-empty buckets and the image repository (set true, apply, then destroy)."
  type        = bool
  default     = false
}

variable "smtp_url_secret_arn" {
  description = "Secrets Manager secret holding the SMTP URL password reset mail goes through (SES's SMTP interface: smtps://USER:PASSWORD@email-smtp.REGION.amazonaws.com:465), or null: passwords cannot be reset by mail (the API answers 501)."
  type        = string
  default     = null
  validation {
    condition     = var.smtp_url_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:", var.smtp_url_secret_arn))
    error_message = "smtp_url_secret_arn must be a Secrets Manager ARN or null."
  }
}

variable "mail_from" {
  description = "The sender of password reset mail (an address SES has verified)."
  type        = string
  default     = "Switchyard <no-reply@example.com>"
}
