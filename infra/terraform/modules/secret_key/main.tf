# A generated key in Secrets Manager: the token signing key (jwt_secret) and the webhook secrets'
# encryption key (webhook_key). Functions read it at start through the secret's ARN; only the ARN
# is ever in their environment.
#
# Generated: an ephemeral random value written through a write-only argument, so the key is in
# neither the plan nor the state. A higher key_version writes a new key. Supplied out of band:
# Terraform creates the empty secret and the operator puts the value (in the form `format` names):
#   aws secretsmanager put-secret-value --secret-id <arn> --secret-string "$(openssl rand -hex 32)"

locals {
  # alphanumeric: the 64 random letters and digits themselves (about 381 bits).
  # hex32: 32 bytes as 64 lowercase hex digits, the SHA-256 of those characters (ephemeral too).
  value = {
    alphanumeric = ephemeral.random_password.key.result
    hex32        = sha256(ephemeral.random_password.key.result)
  }
}

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:Rotated by hand through key_version where that is safe (the JWT key: every session ends, so a timed rotation Lambda would sign users out on a timer); the webhook key encrypts stored webhook secrets and is never rewritten (its key_version is fixed in data.tf).
  name_prefix             = "${var.name}/${var.purpose}-"
  description             = var.description
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
}

ephemeral "random_password" "key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret_version" "generated" {
  count                    = var.out_of_band ? 0 : 1
  secret_id                = aws_secretsmanager_secret.this.id
  secret_string_wo         = local.value[var.format]
  secret_string_wo_version = var.key_version
}
