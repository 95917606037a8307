# The realtime service and its image registry. make deploy applies module.registry first, pushes
# the image tagged with the commit, then applies everything with image_tag set to that tag.

module "registry" {
  source = "./modules/registry"

  name         = "${var.name}-realtime"
  kms_key_arn  = module.kms.key_arn
  keep_images  = 30
  force_delete = var.force_destroy
}

module "realtime" {
  source = "./modules/realtime"

  name                        = var.name
  vpc_id                      = module.network.vpc_id
  public_subnet_ids           = module.network.public_subnet_ids
  private_subnet_ids          = module.network.private_subnet_ids
  ingress_cidrs               = var.realtime_ingress_cidrs
  certificate_arn             = var.regional_certificate_arn
  idle_timeout_seconds        = var.realtime_idle_timeout_seconds
  deletion_protection         = var.deletion_protection
  access_log_bucket           = module.log_bucket.id
  repository_url              = module.registry.repository_url
  image_tag                   = var.image_tag
  cpu                         = var.realtime_cpu
  memory_mb                   = var.realtime_memory_mb
  cpu_architecture            = var.realtime_cpu_architecture
  min_tasks                   = var.realtime_min_tasks
  max_tasks                   = var.realtime_max_tasks
  cpu_target_percent          = var.realtime_cpu_target_percent
  requests_per_task_target    = var.realtime_requests_per_task_target
  connections_per_task_target = var.realtime_connections_per_task_target
  table_name                  = module.table.name
  table_arn                   = module.table.arn
  table_index_arn             = module.table.index_arn
  redis_url_secret_arn        = module.redis.url_secret_arn
  kms_key_arn                 = module.kms.key_arn
  log_level                   = var.log_level
  log_retention_days          = var.log_retention_days
  scrape_cidrs                = var.realtime_scrape_cidrs
  trusted_proxy_hops          = 1
}

resource "aws_vpc_security_group_egress_rule" "realtime_redis" {
  security_group_id            = module.realtime.task_security_group_id
  description                  = "Redis (change events)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = module.redis.security_group_id
}

resource "aws_wafv2_web_acl_association" "realtime" {
  resource_arn = module.realtime.alb_arn
  web_acl_arn  = module.waf_regional.arn
}
