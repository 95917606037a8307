# State: the table (source of truth), the token signing key, and Redis (change hints).

module "table" {
  source = "./modules/table"

  name                = var.name
  kms_key_arn         = module.kms.key_arn
  deletion_protection = var.deletion_protection
}

module "jwt_secret" {
  source = "./modules/jwt_secret"

  name        = var.name
  kms_key_arn = module.kms.key_arn
  out_of_band = var.jwt_key_out_of_band
  key_version = var.jwt_key_version
}

module "redis" {
  source = "./modules/redis"

  name       = var.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
  client_security_group_ids = {
    "the realtime tasks"   = module.realtime.task_security_group_id
    "the Lambda functions" = aws_security_group.functions.id
  }
  node_type               = var.redis_node_type
  nodes                   = var.redis_nodes
  engine_version          = var.redis_engine_version
  snapshot_retention_days = var.redis_snapshot_retention_days
  kms_key_arn             = module.kms.key_arn
  log_retention_days      = var.log_retention_days
}
