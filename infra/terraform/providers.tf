provider "aws" {
  region = var.region
  default_tags {
    tags = merge(var.tags, { Application = "switchyard", Deployment = var.name })
  }
}

# CloudFront's WAF web ACL, its log group and key, and CloudFront certificates live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = merge(var.tags, { Application = "switchyard", Deployment = var.name })
  }
}
