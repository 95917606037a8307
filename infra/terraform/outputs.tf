output "dashboard_url" {
  description = "The dashboard."
  value       = local.dashboard_origin
}

output "api_url" {
  description = "Base URL of the dashboard API (routes under /api/v1, document at /api/openapi.json)."
  value       = module.api.url
}

output "feed_url" {
  description = "The dashboard's change feed: the feed function's URL (GET <feed_url>/api/v1/orgs/{org}/events, Server-Sent Events; config.json's feedUrl)."
  value       = local.feed_url
}

output "realtime_url" {
  description = "The realtime service: OFREP, SDK WebSocket (wss://) and SSE streams."
  value       = local.realtime_url
}

output "sdk_url" {
  description = "The SDK bundle on the CDN (major-version path, the same path the realtime server serves it at; exact versions under /sdk/v<x.y.z>/)."
  value       = "${module.sdk.url}/sdk/v1/switchyard.js"
}

output "realtime_dns_target" {
  description = "Where realtime_domain must point (a CNAME or alias to the load balancer) when DNS is not in route53_zone_id."
  value       = module.realtime.alb_dns_name
}

output "dashboard_bucket" {
  description = "Bucket of the dashboard's files (make deploy syncs web/dist here)."
  value       = module.dashboard.bucket
}

output "dashboard_distribution_id" {
  description = "CloudFront distribution of the dashboard (invalidated after uploads)."
  value       = module.dashboard.distribution_id
}

output "sdk_bucket" {
  description = "Bucket of the SDK (make deploy syncs sdk-js/dist under sdk/v1/)."
  value       = module.sdk.bucket
}

output "sdk_distribution_id" {
  description = "CloudFront distribution of the SDK (invalidated after uploads)."
  value       = module.sdk.distribution_id
}

output "ecr_repository_url" {
  description = "Repository of the realtime image."
  value       = module.registry.repository_url
}

output "table_name" {
  description = "The DynamoDB table."
  value       = module.table.name
}

output "function_names" {
  description = "The Lambda functions, by binary."
  value = merge(
    { for group, fn in module.api_function : group => fn.function_name },
    { feed = module.feed_function.function_name },
    { publisher = module.publisher_function.function_name },
    { webhooks = module.webhooks_function.function_name },
    { scheduler = module.scheduler_function.function_name },
  )
}

output "webhook_failure_queue_url" {
  description = "Queue of webhook work the dispatcher gave up on (README.md, Webhooks)."
  value       = module.webhook_dispatcher.failure_queue_url
}

output "scheduler_failure_queue_url" {
  description = "Queue of scheduler runs that were not delivered or failed (README.md, Scheduled change requests)."
  value       = module.scheduler_schedule.failure_queue_url
}

output "realtime_service" {
  description = "The ECS cluster and service of the realtime server."
  value       = { cluster = module.realtime.cluster_name, service = module.realtime.service_name }
}

output "region" {
  description = "The deployment's region (make deploy's aws commands use it)."
  value       = var.region
}

output "dashboard_pinned_csp" {
  description = "The dashboard's connect-src with the API's and the feed's exact origins: make deploy writes it into index.html as a <meta> policy (infra/pin_csp.py). The header policy (static.tf) can only name their domains' wildcards, since the API and the feed name the dashboard's origin in their CORS; a browser enforces both policies, so the exact origins are what hold."
  value       = "connect-src 'self' ${module.api.url} ${local.feed_url} ${local.realtime_url} wss://${var.realtime_domain}"
}
