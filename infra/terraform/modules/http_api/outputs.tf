output "url" {
  description = "Base URL of the API (no trailing slash)."
  value       = var.domain_name == null ? trimsuffix(aws_apigatewayv2_api.this.api_endpoint, "/") : "https://${var.domain_name}"
}

output "domain_target" {
  description = "Where a DNS alias for the custom domain points: target domain and hosted zone (null without a custom domain)."
  value = var.domain_name == null ? null : {
    name    = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
  }
}
