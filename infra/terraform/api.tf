# The dashboard API: routes.tf's routes to the route groups' functions, callable from the
# dashboard's origin only.

module "api" {
  source = "./modules/http_api"

  name   = "${var.name}-api"
  routes = local.routes
  functions = {
    for group, fn in module.api_function : group => {
      function_name = fn.function_name
      alias_name    = fn.alias_name
      invoke_arn    = fn.alias_invoke_arn
    }
  }
  allowed_origins    = [local.dashboard_origin]
  throttle_burst     = var.api_throttle_burst
  throttle_rate      = var.api_throttle_rate
  domain_name        = var.api_domain
  certificate_arn    = var.api_domain == null ? null : var.regional_certificate_arn
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}
