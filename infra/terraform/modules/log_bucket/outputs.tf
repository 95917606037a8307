# Both wait for the bucket policy and ownership controls: the load balancer checks that it may
# write when it is created, and CloudFront logging needs ACLs enabled.

output "id" {
  description = "The bucket's name."
  value       = aws_s3_bucket.this.id
  depends_on  = [aws_s3_bucket_policy.this, aws_s3_bucket_ownership_controls.this]
}

output "domain_name" {
  description = "The bucket's domain name (CloudFront logging)."
  value       = aws_s3_bucket.this.bucket_domain_name
  depends_on  = [aws_s3_bucket_policy.this, aws_s3_bucket_ownership_controls.this]
}
