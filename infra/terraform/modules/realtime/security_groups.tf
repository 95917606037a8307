# The load balancer takes HTTPS from the allowed ranges and talks only to the tasks; the tasks take
# traffic only from the load balancer and call out over HTTPS (DynamoDB, logs, ECR) and to Redis
# (that rule is added where Redis is built).

resource "aws_security_group" "alb" {
  name        = "${var.name}-realtime-alb"
  description = "Realtime load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each          = toset(var.ingress_cidrs)
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from SDK clients"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the realtime tasks"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.tasks.id
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks_flagd" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the realtime tasks' flagd gRPC listener"
  ip_protocol                  = "tcp"
  from_port                    = 8013
  to_port                      = 8013
  referenced_security_group_id = aws_security_group.tasks.id
}

resource "aws_security_group" "tasks" {
  name        = "${var.name}-realtime-tasks"
  description = "Realtime tasks"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "From the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_flagd_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "flagd gRPC from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = 8013
  to_port                      = 8013
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (DynamoDB, ECR, logs, Secrets Manager)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# Prometheus (or any collector) inside the VPC scrapes /metrics and reads /readyz on the tasks.
resource "aws_vpc_security_group_ingress_rule" "tasks_from_scrapers" {
  for_each          = toset(var.scrape_cidrs)
  security_group_id = aws_security_group.tasks.id
  description       = "Metrics and readiness from inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = each.value
}
