# The token signing key (HS256, at least 32 bytes) in Secrets Manager. The functions read it at
# start through SWITCHYARD_JWT_SECRET_ARN; only the ARN is ever in their environment.
#
# Generated: an ephemeral random value written through a write-only argument, so the key is in
# neither the plan nor the state. Bump key_version to write a new key (this ends every session).
# Supplied out of band: Terraform creates the empty secret and the operator puts the value:
#   aws secretsmanager put-secret-value --secret-id <arn> --secret-string "$(openssl rand -hex 32)"

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:The key is rotated by bumping jwt_key_version (new value, every session ends); an automatic rotation Lambda would sign users out on a timer.
  name_prefix             = "${var.name}/jwt-signing-key-"
  description             = "Switchyard session token signing key (HS256)"
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
  secret_string_wo         = ephemeral.random_password.key.result
  secret_string_wo_version = var.key_version
}
