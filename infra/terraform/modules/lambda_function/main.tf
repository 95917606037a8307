# One Lambda function for one binary of switchyard-functions (functions/src/bin/<binary>.rs), built
# by `make lambda` into target/lambda-zips/<binary>.zip: its own role with only the statements it
# is given, its log group, X-Ray tracing, and a `live` alias that callers invoke. It runs in the
# VPC's private subnets unless the caller passes `vpc = null` (and says why).

locals {
  function_name = "${var.name_prefix}-${var.binary}"
  zip_path      = "${var.zip_dir}/${var.binary}.zip"
}

data "aws_partition" "this" {}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = local.function_name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "own"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# Network interfaces in the VPC (for functions in it), and trace segments: AWS's managed policies
# for exactly these.
resource "aws_iam_role_policy_attachment" "vpc" {
  count      = var.vpc == null ? 0 : 1
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.this.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

# It had no count before functions could run outside the VPC.
moved {
  from = aws_iam_role_policy_attachment.vpc
  to   = aws_iam_role_policy_attachment.vpc[0]
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.this.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously (API Gateway) or by a stream mapping, which has its own on-failure destination; a function DLQ only serves asynchronous invocations, and the functions invoked asynchronously (webhooks and scheduler, by their schedules) send failures to their queues through an aws_lambda_function_event_invoke_config on-failure destination (modules/minute_schedule).
  #checkov:skip=CKV_AWS_272:The zips are built by make lambda in the deploy pipeline from the tagged commit and uploaded by Terraform directly; there is no AWS Signer profile in this deployment.
  function_name = local.function_name
  description   = "Switchyard ${var.binary} (functions/src/bin/${var.binary}.rs)"
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  architectures = ["arm64"]
  handler       = "bootstrap"
  filename      = local.zip_path
  # Absent zips (e.g. terraform destroy from a clean checkout) must not fail planning.
  source_code_hash               = fileexists(local.zip_path) ? filebase64sha256(local.zip_path) : null
  memory_size                    = var.memory_mb
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency
  publish                        = true
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  depends_on = [
    aws_iam_role_policy.this,
    aws_iam_role_policy_attachment.vpc,
    aws_iam_role_policy_attachment.xray,
  ]
}

# Callers invoke the alias; rolling back is pointing it at an earlier published version.
resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}
