"""The change-request scheduler in Terraform (DESIGN.md section 4, Governance): the `scheduler`
binary runs as a function outside the VPC with the table and nothing else, writes only through
transactions, and is invoked every minute by a schedule whose failures land in an encrypted queue
that raises an alarm."""

import re

import pytest

import rust_source
import terraform_source as tf

LAMBDA_MODULE = "./modules/lambda_function"
SCHEDULE_MODULE = "./modules/minute_schedule"
BINARY = "scheduler"


@pytest.fixture(scope="module")
def root() -> tf.Module:
    return tf.load()


@pytest.fixture(scope="module")
def function(root) -> tf.Block:
    (block,) = [b for b in root.modules() if b.body["source"] == LAMBDA_MODULE and b.body["binary"] == BINARY]
    return block


@pytest.fixture(scope="module")
def schedule_block(root, function) -> tf.Block:
    """The minute schedule that invokes the scheduler function (and no other)."""
    alias = "${module." + function.name + ".alias_arn}"
    (block,) = [
        b for b in root.modules()
        if b.body["source"] == SCHEDULE_MODULE and b.body["function_alias_arn"] == alias
    ]
    return block


@pytest.fixture(scope="module")
def schedule(root, schedule_block) -> tf.Module:
    return root.child(schedule_block)


def one(module: tf.Module, type_: str) -> dict:
    (block,) = module.resources(type_)
    return block.body


def single(value) -> dict:
    (block,) = tf.as_list(value)
    return block


def statements_by_sid(function: tf.Block) -> dict[str, dict]:
    return {s["sid"]: s for s in function.body["statements"]}


# ---- The function ----


def test_the_scheduler_binary_is_in_the_code_and_deployed(function):
    assert BINARY in rust_source.lambda_binaries()
    assert function.body["binary"] == BINARY
    assert "for_each" not in function.body and "count" not in function.body


def test_the_scheduler_runs_outside_the_vpc(root, function):
    assert function.body["vpc"] is None
    # ... and a null vpc gives the function no vpc_config (and no network interfaces).
    (fn,) = root.child(function).resources("aws_lambda_function")
    (dynamic,) = [d["vpc_config"] for d in tf.as_list(fn.body.get("dynamic")) if "vpc_config" in d]
    assert dynamic["for_each"] == "${var.vpc == null ? [] : [var.vpc]}"


def test_the_scheduler_gets_the_table_the_quotas_and_the_log_level(function):
    env = str(function.body["environment"])
    for part in ("local.quota_environment", "SWITCHYARD_TABLE", "module.table.name", "RUST_LOG", "var.log_level"):
        assert part in env, env
    main = (rust_source.FUNCTIONS / "bin" / f"{BINARY}.rs").read_text()
    assert '"SWITCHYARD_TABLE"' in main, "functions/src/bin/scheduler.rs no longer reads SWITCHYARD_TABLE"
    assert "quotas_from_env" in main, "functions/src/bin/scheduler.rs no longer reads the quotas"


def test_the_scheduler_can_read_no_secret_and_uses_no_redis(function):
    for s in function.body["statements"]:
        assert not any(a.startswith(("secretsmanager:", "elasticache:")) for a in s["actions"]), s["sid"]
    env = str(function.body["environment"]).lower()
    assert "redis" not in env and "secret" not in env, env


def test_the_scheduler_reads_items_and_queries_the_table_and_its_index(function):
    statements = statements_by_sid(function)
    assert statements["TableReads"]["actions"] == ["dynamodb:GetItem", "dynamodb:Query"]
    assert statements["TableReads"]["resources"] == ["${module.table.arn}"]
    assert statements["IndexQueries"]["actions"] == ["dynamodb:Query"]
    assert statements["IndexQueries"]["resources"] == ["${module.table.index_arn}"]
    table_actions = {a for s in statements.values() for a in s["actions"] if a.startswith("dynamodb:")}
    assert table_actions == {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"}


def test_the_scheduler_writes_only_through_transactions(function):
    writes = {
        "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    }
    writing = [s for s in function.body["statements"] if writes & set(s["actions"])]
    assert [s["sid"] for s in writing] == ["TransactionalWrites"]
    assert writing[0]["resources"] == ["${module.table.arn}"]
    (condition,) = writing[0]["conditions"]
    assert condition == {
        "test": "ForAnyValue:StringEquals",
        "variable": "dynamodb:EnclosingOperation",
        "values": ["TransactWriteItems"],
    }


def transaction_item_kinds() -> set[str]:
    """The kinds of item a transaction of the DynamoDB store holds (`TransactWriteItem::builder()
    .put(...)`, `.delete(...)`, ...), as the IAM actions that authorise them."""
    source = (rust_source.STORE / "dynamodb.rs").read_text()
    body = rust_source._fn_body(source, "async fn transact")
    kinds = set(re.findall(r"TransactWriteItem::builder\(\)\s*\.(\w+)\(", body))
    actions = {"put": "PutItem", "delete": "DeleteItem", "update": "UpdateItem", "condition_check": "ConditionCheckItem"}
    unknown = kinds - set(actions)
    assert not unknown, f"transact builds {unknown}: which IAM action authorises it?"
    return {f"dynamodb:{actions[k]}" for k in kinds}


def test_the_transactional_writes_are_the_kinds_the_store_builds(function):
    """Conditions ride on the Puts and Deletes themselves (no ConditionCheck, no Update items):
    the grant is exactly what `DynamoDb::transact` sends."""
    kinds = transaction_item_kinds()
    assert kinds == {"dynamodb:PutItem", "dynamodb:DeleteItem"}
    assert set(statements_by_sid(function)["TransactionalWrites"]["actions"]) == kinds


def test_the_scheduler_may_send_failed_runs_to_its_queue(function):
    statements = statements_by_sid(function)
    assert statements["FailureQueue"]["actions"] == ["sqs:SendMessage"]
    assert statements["FailureQueue"]["resources"] == ["${module.scheduler_schedule.failure_queue_arn}"]
    # The queue is encrypted with the key that also encrypts the function's environment.
    key = statements["KeyForQueueAndEnvironment"]
    assert set(key["actions"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert key["resources"] == ["${module.kms.key_arn}"]


def test_runs_are_short_and_few_at_once(function):
    """A run ends within its minute; overlapping runs are safe (conditional writes), so a small
    reserved concurrency only keeps a slow run from holding the next tick back."""
    assert function.body["timeout_seconds"] <= 60
    assert 1 <= function.body["reserved_concurrency"] <= 2


# ---- The schedule ----


def test_a_schedule_invokes_the_scheduler_every_minute(function, schedule_block, schedule):
    assert schedule_block.body["function_name"] == "${module.scheduler_function.function_name}"
    assert schedule_block.body["function_alias_name"] == "${module.scheduler_function.alias_name}"
    every_minute = one(schedule, "aws_scheduler_schedule")
    assert every_minute["schedule_expression"] == "rate(1 minute)"
    assert every_minute["state"] == "ENABLED"
    assert single(every_minute["flexible_time_window"])["mode"] == "OFF"
    target = single(every_minute["target"])
    assert target["arn"] == "${var.function_alias_arn}"
    assert target["role_arn"] == "${aws_iam_role.scheduler.arn}"


def test_the_schedules_role_may_invoke_only_the_scheduler(schedule):
    docs = {b.name: b.body for b in schedule.blocks if b.kind == "data" and b.type == "aws_iam_policy_document"}
    trust = single(docs["scheduler_assume"]["statement"])
    assert single(trust["principals"])["identifiers"] == ["scheduler.amazonaws.com"]
    statements = tf.as_list(docs["scheduler"]["statement"])
    invoking = [s for s in statements if any(a.startswith("lambda:") for a in s["actions"])]
    assert [(s["actions"], s["resources"]) for s in invoking] == [
        (["lambda:InvokeFunction"], ["${var.function_alias_arn}"])
    ]
    for s in statements:
        assert "*" not in s["resources"], s["sid"]


def test_ticks_not_delivered_and_failed_runs_go_to_the_queue(schedule):
    target = single(one(schedule, "aws_scheduler_schedule")["target"])
    assert single(target["dead_letter_config"])["arn"] == "${aws_sqs_queue.failures.arn}"
    config = one(schedule, "aws_lambda_function_event_invoke_config")
    assert config["function_name"] == "${var.function_name}"
    assert config["qualifier"] == "${var.function_alias_name}"
    on_failure = single(single(config["destination_config"])["on_failure"])
    assert on_failure["destination"] == "${aws_sqs_queue.failures.arn}"


def test_the_queue_is_encrypted_and_its_own(root, schedule_block, schedule):
    queue = one(schedule, "aws_sqs_queue")
    assert queue["kms_master_key_id"] == "${var.kms_key_arn}"
    assert schedule_block.body["kms_key_arn"] == "${module.kms.key_arn}"
    # Not the webhooks dispatcher's queue (nor its role, schedule or alarm): names of their own.
    assert schedule_block.body["name"] == "${var.name}-scheduler"
    assert schedule_block.body["schedule_name"].startswith("${var.name}-scheduler-")


def test_work_in_the_queue_raises_the_alarm(schedule_block, schedule):
    alarm = one(schedule, "aws_cloudwatch_metric_alarm")
    assert alarm["dimensions"] == {"QueueName": "${aws_sqs_queue.failures.name}"}
    assert alarm["metric_name"] == "ApproximateNumberOfMessagesVisible"
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["alarm_actions"] == "${var.alarm_actions}"
    assert schedule_block.body["alarm_actions"] == "${var.alarm_actions}"
