variable "name" {
  description = "Prefix for the Redis resources' names."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the cache nodes."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect, by a name for the rule's description."
  type        = map(string)
}

variable "node_type" {
  description = "Cache node type."
  type        = string
}

variable "nodes" {
  description = "Cache nodes: a primary and replicas in other zones (automatic failover needs two or more)."
  type        = number
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots kept (0: none; the data is only change hints)."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key for the cache at rest, its slow log and the URL secret."
  type        = string
}

variable "log_retention_days" {
  description = "Days the slow log is kept."
  type        = number
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored (0 deletes at once)."
  type        = number
  default     = 7
}
