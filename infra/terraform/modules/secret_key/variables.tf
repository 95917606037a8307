variable "name" {
  description = "Prefix of the secret's name (<name>/<purpose>-...)."
  type        = string
}

variable "purpose" {
  description = "What the key is for, in the secret's name (e.g. jwt-signing-key); changing it replaces the secret."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.purpose))
    error_message = "purpose must be lowercase letters, digits and hyphens."
  }
}

variable "description" {
  description = "The secret's description."
  type        = string
}

variable "format" {
  description = "The generated value: alphanumeric (64 random letters and digits) or hex32 (32 random bytes as 64 hex digits)."
  type        = string
  validation {
    condition     = contains(["alphanumeric", "hex32"], var.format)
    error_message = "format must be alphanumeric or hex32."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the secret."
  type        = string
}

variable "out_of_band" {
  description = "Leave the secret's value to the operator instead of generating it."
  type        = bool
}

variable "key_version" {
  description = "Generation of the generated key; a higher number writes a new key."
  type        = number
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored (0 deletes at once)."
  type        = number
  default     = 7
}
