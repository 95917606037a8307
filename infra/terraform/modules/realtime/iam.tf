# Two roles: the execution role (pull the image, write logs, read the Redis URL secret for
# injection) and the task role (the table, read-mostly: the store reads environments and keys and
# adds analytics counters; dynamodb:LeadingKeys confines it to those partitions).

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

# What `switchyard realtime` reads (core/src/store): environments and their flag states and SDK
# keys (ENV#…), projects' flags and segments (PROJECT#…), and SDK keys by the hash of their secret
# on the gsi1 index (SECRET#…); what it writes: analytics counters only (STATS#…). LeadingKeys
# limits every item the role touches to those partitions, so it cannot read or change users,
# memberships, organizations, tokens or the change log.
locals {
  read_partitions    = ["ENV#*", "PROJECT#*"]
  index_partitions   = ["SECRET#*"]
  counter_partitions = ["STATS#*"]
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "DescribeTable"
    actions   = ["dynamodb:DescribeTable"]
    resources = [var.table_arn]
  }
  statement {
    sid       = "ReadEnvironmentsAndProjects"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [var.table_arn]
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = local.read_partitions
    }
  }
  statement {
    sid       = "KeyLookupIndex"
    actions   = ["dynamodb:Query"]
    resources = [var.table_index_arn]
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = local.index_partitions
    }
  }
  statement {
    sid       = "AnalyticsCounters"
    actions   = ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"]
    resources = [var.table_arn]
    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = local.counter_partitions
    }
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "table"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
