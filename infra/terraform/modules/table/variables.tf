variable "name" {
  description = "The table's name (SWITCHYARD_TABLE of the functions and the realtime service)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the table and its stream."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the table (turn off before terraform destroy)."
  type        = bool
}
