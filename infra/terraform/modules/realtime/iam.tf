# Two roles: the execution role (pull the image, write logs, read the Redis URL secret for
# injection) and the task role (the table, read-mostly: the store reads environments and keys and
# adds analytics counters).

data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

data "aws_partition" "this" {}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-realtime-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.this.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "RedisUrlSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.redis_url_secret_arn]
  }
  statement {
    sid       = "DecryptSecretAndImage"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-realtime-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    sid = "Table"
    # DescribeTable: the server checks the table exists at start; UpdateItem: analytics counters.
    actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"]
    resources = [var.table_arn]
  }
  statement {
    sid       = "KeyLookupIndex"
    actions   = ["dynamodb:Query"]
    resources = [var.table_index_arn]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "table"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
