# The CloudFront distribution: HTTPS only, compressed, cached by the origin's Cache-Control
# within this site's TTL bounds, with security headers (and CORS, for the SDK) on every response.

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = var.name
  description                       = "${var.name}: CloudFront reads the private bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_cache_policy" "this" {
  name        = var.name
  comment     = "${var.name}: by path only, compressed"
  min_ttl     = 0
  default_ttl = var.default_ttl_seconds
  max_ttl     = var.max_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "this" {
  name    = var.name
  comment = "${var.name}: security headers"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
    xss_protection {
      protection = true
      mode_block = true
      override   = true
    }
    content_security_policy {
      content_security_policy = var.content_security_policy
      override                = true
    }
  }

  dynamic "cors_config" {
    for_each = var.cors_any_origin ? [1] : []
    content {
      access_control_allow_credentials = false
      origin_override                  = true
      access_control_max_age_sec       = 86400
      access_control_allow_headers {
        items = ["*"]
      }
      access_control_allow_methods {
        items = ["GET", "HEAD", "OPTIONS"]
      }
      access_control_allow_origins {
        items = ["*"]
      }
    }
  }
}

locals {
  custom_certificate = var.certificate_arn != null
  origin_id          = "s3-${var.name}"
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_310:One origin: the bucket is regional and its contents are rebuilt by make deploy; a failover origin would need a replicated bucket.
  #checkov:skip=CKV_AWS_174:With a custom domain the minimum is TLSv1.2_2021; only the optional no-domain setup uses the *.cloudfront.net certificate, whose minimum CloudFront fixes at TLSv1.
  #checkov:skip=CKV_AWS_374:The dashboard and the SDK serve customers' sites worldwide; restricting countries is a business decision, not a default.
  #checkov:skip=CKV2_AWS_47:web_acl_id is module.waf_cloudfront, whose rules include AWSManagedRulesKnownBadInputsRuleSet (Log4j); the graph check cannot follow the module input.
  enabled             = true
  comment             = var.comment
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  price_class         = var.price_class
  default_root_object = "index.html"
  aliases             = var.aliases
  web_acl_id          = var.web_acl_arn

  origin {
    origin_id                = local.origin_id
    domain_name              = aws_s3_bucket.this.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.this.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
  }

  # A single-page app: paths the bucket does not hold (S3 answers 403 without ListBucket) are the
  # app's own routes, so they get index.html.
  dynamic "custom_error_response" {
    for_each = var.spa_fallback ? [403, 404] : []
    content {
      error_code            = custom_error_response.value
      response_code         = 200
      response_page_path    = "/index.html"
      error_caching_min_ttl = 10
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_certificate
    acm_certificate_arn            = var.certificate_arn
    ssl_support_method             = local.custom_certificate ? "sni-only" : null
    minimum_protocol_version       = local.custom_certificate ? "TLSv1.2_2021" : "TLSv1"
  }

  logging_config {
    bucket          = var.log_bucket_domain_name
    prefix          = "cloudfront/${var.name}/"
    include_cookies = false
  }
}
