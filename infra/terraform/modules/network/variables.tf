variable "name" {
  description = "Prefix for the network's resource names."
  type        = string
}

variable "cidr" {
  description = "The VPC's IPv4 range; a /16 leaves room for /24 public and /20 private subnets."
  type        = string
}

variable "az_count" {
  description = "Availability zones to spread subnets over."
  type        = number
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
}

variable "interface_endpoints" {
  description = "Create interface VPC endpoints for Secrets Manager, ECR, CloudWatch Logs, X-Ray and SQS."
  type        = bool
}

variable "kms_key_arn" {
  description = "KMS key for the flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days flow logs are kept."
  type        = number
}
