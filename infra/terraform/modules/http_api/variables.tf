variable "name" {
  description = "The API's name."
  type        = string
}

variable "routes" {
  description = "Route keys (\"METHOD /path\") to the key in var.functions that serves each."
  type        = map(string)
}

variable "functions" {
  description = "The route groups' functions: name, live alias and the alias's invoke ARN."
  type = map(object({
    function_name = string
    alias_name    = string
    invoke_arn    = string
  }))
}

variable "allowed_origins" {
  description = "Origins allowed by CORS: the dashboard's only."
  type        = list(string)
}

variable "throttle_burst" {
  description = "Burst limit (requests) of every route."
  type        = number
}

variable "throttle_rate" {
  description = "Steady-state limit (requests per second) of every route."
  type        = number
}

variable "integration_timeout_ms" {
  description = "How long API Gateway waits for a function (at most 30000)."
  type        = number
  default     = 29000
}

variable "domain_name" {
  description = "Custom domain for the API, or null for the execute-api URL."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "Regional ACM certificate for domain_name."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the access log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days access logs are kept."
  type        = number
}
