# The public entry point for SDKs: an Application Load Balancer with TLS, an hour of idle time so
# that quiet WebSockets and SSE streams stay open, health checks on /readyz (the store answers).

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
    path                = "/readyz"
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
