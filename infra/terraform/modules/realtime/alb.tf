# The public entry point for SDKs: an Application Load Balancer with TLS, an hour of idle time so
# that quiet WebSockets and SSE streams stay open, health checks on /healthz (the process serves:
# no store call, so a DynamoDB brownout never makes ECS replace tasks serving from memory).
# /readyz (readiness details) and /metrics are not for the internet: the listener answers them 404
# here; Prometheus scrapes the tasks on port 8080 from inside the VPC (var.scrape_cidrs).

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:The WAF web ACL is associated in the root module (module.waf_regional, aws_wafv2_web_acl_association).
  name                       = "${var.name}-realtime"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  idle_timeout               = var.idle_timeout_seconds
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "defensive"
  enable_deletion_protection = var.deletion_protection

  access_logs {
    bucket  = var.access_log_bucket
    prefix  = "alb/${var.name}-realtime"
    enabled = true
  }
}

resource "aws_lb_target_group" "this" {
  name                 = "${var.name}-realtime"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

# flagd providers speak gRPC: the listener sends flagd's service paths to the tasks' flagd
# listener (8013) over HTTP/2; everything else stays HTTP/1.1 on 8080. Providers connect to the
# load balancer's host on 443 with TLS. A gRPC health check of a path nobody serves answers
# UNIMPLEMENTED (12): the gRPC server is up.
resource "aws_lb_target_group" "flagd" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer, as for the HTTP target group; the hop to the tasks stays inside the VPC's private subnets.
  name                 = "${var.name}-flagd"
  port                 = 8013
  protocol             = "HTTP"
  protocol_version     = "GRPC"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/AWS.ALB/healthcheck"
    matcher             = "12"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener_rule" "flagd" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 2

  condition {
    path_pattern {
      values = local.flagd_paths
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.flagd.arn
  }
}

# Operator routes stay inside the VPC: the load balancer never forwards them.
resource "aws_lb_listener_rule" "operator_routes" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 1

  condition {
    path_pattern {
      values = local.operator_paths
    }
  }

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }
}

locals {
  # /readyz and /metrics, with any query string or trailing path (ALB path patterns match the
  # path only, case-sensitively; the server's routes are lower-case).
  operator_paths = ["/readyz", "/readyz/*", "/metrics", "/metrics/*"]
  # flagd's gRPC services (sync for in-process providers, evaluation v1 and v2 for RPC ones).
  flagd_paths = [
    "/flagd.sync.v1.FlagSyncService/*",
    "/flagd.evaluation.v1.Service/*",
    "/flagd.evaluation.v2.Service/*",
  ]
}
