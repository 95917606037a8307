# Switchyard on AWS (DESIGN.md section 1): the dashboard API as Lambda functions behind API Gateway,
# the realtime service on ECS Fargate behind a load balancer, DynamoDB as the source of truth, Redis
# for change events, and the dashboard and SDK on S3 + CloudFront. Each part is a small module; this
# file holds the shared foundations (keys, network, logs, WAF), the others one part each.

module "kms" {
  source = "./modules/kms"
  name   = var.name
}

# For what must live in us-east-1: CloudFront's WAF log group.
module "kms_us_east_1" {
  source    = "./modules/kms"
  providers = { aws = aws.us_east_1 }
  name      = "${var.name}-us-east-1"
}

module "network" {
  source = "./modules/network"

  name                = var.name
  cidr                = var.vpc_cidr
  az_count            = var.az_count
  single_nat_gateway  = var.single_nat_gateway
  interface_endpoints = var.interface_endpoints
  kms_key_arn         = module.kms.key_arn
  log_retention_days  = var.log_retention_days
}

module "log_bucket" {
  source = "./modules/log_bucket"

  name           = var.name
  retention_days = var.access_log_retention_days
  force_destroy  = var.force_destroy
}

module "waf_regional" {
  source = "./modules/waf"

  name                     = "${var.name}-regional"
  scope                    = "REGIONAL"
  rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  kms_key_arn              = module.kms.key_arn
  log_retention_days       = var.log_retention_days
}

module "waf_cloudfront" {
  source    = "./modules/waf"
  providers = { aws = aws.us_east_1 }

  name                     = "${var.name}-cloudfront"
  scope                    = "CLOUDFRONT"
  rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  kms_key_arn              = module.kms_us_east_1.key_arn
  log_retention_days       = var.log_retention_days
}
