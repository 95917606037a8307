variable "name" {
  description = "Name of the key's alias (alias/<name>)."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Days a scheduled key deletion waits (7 to 30)."
  type        = number
  default     = 30
  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}
