variable "name" {
  description = "The web ACL's name."
  type        = string
}

variable "scope" {
  description = "REGIONAL (load balancer) or CLOUDFRONT (distributions; the provider must be us-east-1)."
  type        = string
  validation {
    condition     = contains(["REGIONAL", "CLOUDFRONT"], var.scope)
    error_message = "scope must be REGIONAL or CLOUDFRONT."
  }
}

variable "rate_limit_per_5_minutes" {
  description = "Requests one IP address may make in 5 minutes before it is blocked."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key (in the ACL's region) for the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days WAF logs are kept."
  type        = number
}
