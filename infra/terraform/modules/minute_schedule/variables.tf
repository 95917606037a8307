variable "name" {
  description = "Prefix of the queue and alarm (<name>-failures) and of the schedule's role (<name>-schedule)."
  type        = string
}

variable "schedule_name" {
  description = "The schedule's name."
  type        = string
}

variable "description" {
  description = "The schedule's description: what a run does."
  type        = string
}

variable "policy_name" {
  description = "Name of the schedule role's inline policy."
  type        = string
}

variable "alarm_description" {
  description = "The alarm's description: what lands in the queue; one %s, which becomes the queue's name."
  type        = string
  validation {
    condition     = can(format(var.alarm_description, "queue"))
    error_message = "alarm_description takes exactly one %s (the queue's name); write a literal percent sign as %%."
  }
}

variable "function_name" {
  description = "The function's name."
  type        = string
}

variable "function_alias_name" {
  description = "The alias the schedule invokes (live)."
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
