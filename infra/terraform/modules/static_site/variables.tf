variable "name" {
  description = "Name of the site (bucket prefix, CloudFront policy names)."
  type        = string
}

variable "comment" {
  description = "What the distribution serves."
  type        = string
}

variable "spa_fallback" {
  description = "Answer unknown paths with /index.html (a single-page app)."
  type        = bool
}

variable "cors_any_origin" {
  description = "Add CORS headers allowing any origin (the SDK is loaded by any site)."
  type        = bool
}

variable "content_security_policy" {
  description = "Content-Security-Policy header of every response."
  type        = string
}

variable "default_ttl_seconds" {
  description = "Edge cache time when the object has no Cache-Control."
  type        = number
}

variable "max_ttl_seconds" {
  description = "Longest edge cache time, whatever the object's Cache-Control says."
  type        = number
}

variable "aliases" {
  description = "Custom domain names (need certificate_arn)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1 for the aliases, or null for the cloudfront.net name."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
}

variable "web_acl_arn" {
  description = "WAF web ACL (CloudFront scope)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the bucket."
  type        = string
}

variable "log_bucket_id" {
  description = "Bucket for S3 server access logs."
  type        = string
}

variable "log_bucket_domain_name" {
  description = "Domain name of the bucket for CloudFront logs."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days an overwritten object version is kept (the rollback window)."
  type        = number
}

variable "force_destroy" {
  description = "Let terraform destroy delete the bucket with its objects."
  type        = bool
}
