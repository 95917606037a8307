output "bucket" {
  description = "The origin bucket."
  value       = aws_s3_bucket.this.id
}

output "distribution_id" {
  description = "The distribution (for invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "domain_name" {
  description = "The distribution's cloudfront.net name."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "hosted_zone_id" {
  description = "CloudFront's hosted zone (for a Route 53 alias)."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "url" {
  description = "The site's base URL (no trailing slash)."
  value       = "https://${length(var.aliases) > 0 ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name}"
}
