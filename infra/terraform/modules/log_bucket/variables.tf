variable "name" {
  description = "Prefix of the bucket's name."
  type        = string
}

variable "retention_days" {
  description = "Days access logs are kept."
  type        = number
}

variable "force_destroy" {
  description = "Let terraform destroy delete the bucket with its logs."
  type        = bool
}
