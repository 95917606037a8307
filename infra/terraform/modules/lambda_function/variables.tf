variable "name_prefix" {
  description = "Prefix of the function's name (<prefix>-<binary>)."
  type        = string
}

variable "binary" {
  description = "The cargo binary of switchyard-functions this function runs (functions/src/bin/<binary>.rs)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]*$", var.binary))
    error_message = "binary must be a cargo binary name such as auth or publisher."
  }
}

variable "zip_dir" {
  description = "Directory holding <binary>.zip (make lambda writes target/lambda-zips)."
  type        = string
}

variable "environment" {
  description = "Environment variables (names of secrets, never their values)."
  type        = map(string)
}

variable "statements" {
  description = "The IAM statements this function needs beyond writing its own logs."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
}

variable "memory_mb" {
  description = "Memory (MB); CPU scales with it."
  type        = number
}

variable "timeout_seconds" {
  description = "Longest run of one invocation."
  type        = number
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) this function."
  type        = number
}

variable "vpc" {
  description = "Private subnets the function runs in and the security groups of its network interfaces; null runs it outside any VPC (only for a function that must reach the internet and nothing inside: say why where you pass null)."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  validation {
    condition     = var.vpc == null || (length(try(var.vpc.subnet_ids, [])) > 0 && length(try(var.vpc.security_group_ids, [])) > 0)
    error_message = "vpc needs at least one subnet and one security group (or is null)."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the environment variables and the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days the function's logs are kept."
  type        = number
}
