# The realtime service: `switchyard realtime` on Fargate in private subnets, behind the load balancer.
# It keeps SDK WebSocket and SSE streams open, answers OFREP and serves the SDK bundle.

data "aws_region" "this" {}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/switchyard/${var.name}/realtime"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-realtime"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory_mb
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([{
    name                   = "realtime"
    image                  = "${var.repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    user                   = "65532:65532"
    stopTimeout            = 30
    portMappings = [
      { containerPort = 8080, protocol = "tcp" },
      { containerPort = 8013, protocol = "tcp" },
    ]
    environment = [
      { name = "SWITCHYARD_ADDR", value = "0.0.0.0:8080" },
      { name = "SWITCHYARD_FLAGD_ADDR", value = "0.0.0.0:8013" },
      { name = "SWITCHYARD_TABLE", value = var.table_name },
      { name = "AWS_REGION", value = data.aws_region.this.region },
      { name = "RUST_LOG", value = var.log_level },
      # The load balancer is the one proxy: client addresses are read behind one hop.
      { name = "SWITCHYARD_TRUSTED_PROXY_HOPS", value = tostring(var.trusted_proxy_hops) },
      # The header read timeout also ends idle keep-alive connections: it must outlast the load
      # balancer's idle timeout, or the balancer reuses a closed connection (502). The balancer
      # itself holds slow clients off.
      { name = "SWITCHYARD_HEADER_READ_TIMEOUT_SECS", value = tostring(var.idle_timeout_seconds + 10) },
    ]
    # The URL carries Redis's AUTH token: injected by ECS from Secrets Manager, never in the task definition.
    secrets = [{ name = "SWITCHYARD_REDIS_URL", valueFrom = var.redis_url_secret_arn }]
    # Every open stream is a socket: Fargate's highest descriptor limit, so that the streams a
    # task holds are bounded by SWITCHYARD_MAX_STREAMS / _MAX_CONNECTIONS and memory, not by this.
    ulimits = [{ name = "nofile", softLimit = 1048576, hardLimit = 1048576 }]
    # The accept queue the server asks for (8192): a deploy's reconnect storm waits in it.
    systemControls  = [{ namespace = "net.core.somaxconn", value = "8192" }]
    linuxParameters = { initProcessEnabled = true }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.this.region
        awslogs-stream-prefix = "realtime"
      }
    }
  }])
}

resource "aws_ecs_service" "this" {
  name                               = "realtime"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this.arn
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  desired_count                      = var.min_tasks
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 30
  propagate_tags                     = "SERVICE"
  enable_execute_command             = false

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "realtime"
    container_port   = 8080
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.flagd.arn
    container_name   = "realtime"
    container_port   = 8013
  }

  # A deployment whose tasks never turn healthy rolls back to the last good task definition.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count] # owned by autoscaling
  }

  depends_on = [aws_lb_listener.https]
}
