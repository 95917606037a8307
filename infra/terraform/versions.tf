terraform {
  # 1.11: write-only arguments (the JWT key never enters the state).
  required_version = ">= 1.11"

  required_providers {
    # 6.28: aws_lambda_permission's invoked_via_function_url (the feed's function URL, feed.tf).
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.7, < 4.0"
    }
  }

  # Remote state in S3 with native locking; the bucket, key and region come from a backend file:
  #   terraform init -backend-config=backend.hcl   (see backend.hcl.example and README.md)
  backend "s3" {}
}
