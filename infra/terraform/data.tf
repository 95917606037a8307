# State: the table (source of truth), the token signing key, the webhook secrets' encryption key,
# and Redis (change hints).

module "table" {
  source = "./modules/table"

  name                = var.table_name != "" ? var.table_name : var.name
  kms_key_arn         = module.kms.key_arn
  deletion_protection = var.deletion_protection
}

module "jwt_secret" {
  source = "./modules/secret_key"

  name        = var.name
  purpose     = "jwt-signing-key"
  description = "Switchyard session token signing key (HS256)"
  format      = "alphanumeric"
  kms_key_arn = module.kms.key_arn
  out_of_band = var.jwt_key_out_of_band
  key_version = var.jwt_key_version
}

# Encrypts what webhooks keep secret in the table (signing secrets, Slack and Teams URLs):
# SWITCHYARD_WEBHOOK_KEY_SECRET_ARN of the orgs function (encrypts on create and rotate) and the
# webhooks dispatcher (decrypts to sign and send). 32 bytes, hex.
module "webhook_key" {
  source = "./modules/secret_key"

  name        = var.name
  purpose     = "webhook-encryption-key"
  description = "Switchyard webhook secrets encryption key (32 bytes, hex)"
  format      = "hex32"
  kms_key_arn = module.kms.key_arn
  out_of_band = var.webhook_key_out_of_band
  # Never raise it: a new key leaves every stored webhook secret and URL unreadable (the code
  # does not re-encrypt). To move a deployment, put the old key with webhook_key_out_of_band.
  key_version = 1
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
