variable "name" {
  description = "Prefix of the queue, schedule, role and alarm names (<name>-webhook-...)."
  type        = string
}

variable "stream_arn" {
  description = "The table's stream."
  type        = string
}

variable "function_name" {
  description = "The webhooks function's name."
  type        = string
}

variable "function_alias_name" {
  description = "The alias the stream and the schedule invoke (live)."
  type        = string
}

variable "function_alias_arn" {
  description = "ARN of that alias."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the failure queue and the schedule."
  type        = string
}

variable "alarm_actions" {
  description = "ARNs (e.g. SNS topics) notified when work lands in the failure queue."
  type        = list(string)
}
