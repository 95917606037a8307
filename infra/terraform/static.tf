# The dashboard (a single-page app) and the SDK bundle, each from a private bucket through
# CloudFront. make deploy uploads web/dist and sdk-js/dist after terraform apply; Terraform itself
# writes the dashboard's /config.json, which tells the app where the API, the change feed (feed.tf)
# and the realtime service are.

locals {
  dashboard_origin = var.dashboard_domain == null ? "https://${module.dashboard.domain_name}" : "https://${var.dashboard_domain}"
  realtime_url     = "https://${var.realtime_domain}"

  # Known before the API exists (the API's CORS names the dashboard's origin, so the dashboard's
  # headers cannot name the API's generated URL).
  api_csp_source = var.api_domain == null ? "https://*.execute-api.${var.region}.amazonaws.com" : "https://${var.api_domain}"
  # Likewise the change feed's function URL (its CORS names the dashboard's origin too).
  feed_csp_source = "https://*.lambda-url.${var.region}.on.aws"

  dashboard_csp = join("; ", [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self' ${local.api_csp_source} ${local.feed_csp_source} ${local.realtime_url} wss://${var.realtime_domain}",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ])
}

module "dashboard" {
  source = "./modules/static_site"

  name                    = "${var.name}-dashboard"
  comment                 = "Switchyard dashboard"
  spa_fallback            = true
  cors_any_origin         = false
  content_security_policy = local.dashboard_csp
  # index.html and config.json are uploaded with no-cache; hashed assets with a year.
  default_ttl_seconds     = 300
  max_ttl_seconds         = 31536000
  aliases                 = var.dashboard_domain == null ? [] : [var.dashboard_domain]
  certificate_arn         = var.dashboard_domain == null ? null : var.cloudfront_certificate_arn
  price_class             = var.cloudfront_price_class
  web_acl_arn             = module.waf_cloudfront.arn
  kms_key_arn             = module.kms.key_arn
  log_bucket_id           = module.log_bucket.id
  log_bucket_domain_name  = module.log_bucket.domain_name
  noncurrent_version_days = var.static_noncurrent_version_days
  force_destroy           = var.force_destroy
}

module "sdk" {
  source = "./modules/static_site"

  name                    = "${var.name}-sdk"
  comment                 = "Switchyard JavaScript SDK (/sdk/v1/...)"
  spa_fallback            = false
  cors_any_origin         = true
  content_security_policy = "default-src 'none'; frame-ancestors 'none'"
  # Versioned paths (/sdk/v1/, /sdk/v<x.y.z>/) cache long at the edge; make deploy invalidates /sdk/v1/*.
  default_ttl_seconds     = 86400
  max_ttl_seconds         = 31536000
  aliases                 = var.sdk_domain == null ? [] : [var.sdk_domain]
  certificate_arn         = var.sdk_domain == null ? null : var.cloudfront_certificate_arn
  price_class             = var.cloudfront_price_class
  web_acl_arn             = module.waf_cloudfront.arn
  kms_key_arn             = module.kms.key_arn
  log_bucket_id           = module.log_bucket.id
  log_bucket_domain_name  = module.log_bucket.domain_name
  noncurrent_version_days = var.static_noncurrent_version_days
  force_destroy           = var.force_destroy
}

# Read by the dashboard at start (web/: fetch("/config.json")).
resource "aws_s3_object" "dashboard_config" {
  bucket        = module.dashboard.bucket
  key           = "config.json"
  content_type  = "application/json"
  cache_control = "no-cache"
  content = jsonencode({
    apiBaseUrl  = module.api.url
    feedUrl     = local.feed_url
    realtimeUrl = local.realtime_url
  })
}
