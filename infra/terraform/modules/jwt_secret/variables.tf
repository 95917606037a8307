variable "name" {
  description = "Prefix of the secret's name."
  type        = string
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
