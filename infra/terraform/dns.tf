# Alias records in a Route 53 zone, when route53_zone_id is given; otherwise point the names at
# the *_dns_target outputs wherever DNS is managed.

locals {
  manage_dns = var.route53_zone_id != null
}

resource "aws_route53_record" "realtime" {
  count   = local.manage_dns ? 1 : 0
  zone_id = var.route53_zone_id
  name    = var.realtime_domain
  type    = "A"
  alias {
    name                   = module.realtime.alb_dns_name
    zone_id                = module.realtime.alb_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "api" {
  count   = local.manage_dns && var.api_domain != null ? 1 : 0
  zone_id = var.route53_zone_id
  name    = var.api_domain
  type    = "A"
  alias {
    name                   = module.api.domain_target.name
    zone_id                = module.api.domain_target.zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "dashboard" {
  count   = local.manage_dns && var.dashboard_domain != null ? 1 : 0
  zone_id = var.route53_zone_id
  name    = var.dashboard_domain
  type    = "A"
  alias {
    name                   = module.dashboard.domain_name
    zone_id                = module.dashboard.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "sdk" {
  count   = local.manage_dns && var.sdk_domain != null ? 1 : 0
  zone_id = var.route53_zone_id
  name    = var.sdk_domain
  type    = "A"
  alias {
    name                   = module.sdk.domain_name
    zone_id                = module.sdk.hosted_zone_id
    evaluate_target_health = false
  }
}
