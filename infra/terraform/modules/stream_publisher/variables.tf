variable "name" {
  description = "Prefix for the queue and alarm names."
  type        = string
}

variable "stream_arn" {
  description = "The table's stream."
  type        = string
}

variable "function_arn" {
  description = "The publisher function's live alias ARN."
  type        = string
}

variable "batch_size" {
  description = "Stream records per invocation."
  type        = number
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before its records go to the failure queue."
  type        = number
}

variable "maximum_record_age_seconds" {
  description = "Records older than this are sent to the failure queue instead of being processed."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key of the failure queue."
  type        = string
}

variable "alarm_actions" {
  description = "ARNs (e.g. SNS topics) notified when records fail."
  type        = list(string)
}
