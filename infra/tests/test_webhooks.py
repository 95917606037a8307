"""Webhooks in Terraform (docs/webhooks.md): the dispatcher runs outside the VPC, wakes on the
stream's new change records and queued deliveries and on a schedule every minute (the dispatcher's
modules/minute_schedule), and parks what fails in an encrypted queue; only the functions that
encrypt or decrypt webhook secrets can read the key that does it."""

import pytest

import rust_source
import terraform_source as tf

LAMBDA_MODULE = "./modules/lambda_function"
DISPATCHER_MODULE = "./modules/webhook_dispatcher"
SCHEDULE_MODULE = "../minute_schedule"
# The functions that run outside the VPC: this one, and the change-request scheduler
# (test_scheduler.py).
OUTSIDE_VPC = {"webhooks", "scheduler"}
KEY_REFERENCE = "module.webhook_key.arn"
FOURTEEN_DAYS = 14 * 24 * 3600


@pytest.fixture(scope="module")
def root() -> tf.Module:
    return tf.load()


def module_block(root: tf.Module, name: str) -> tf.Block:
    (block,) = [b for b in root.modules() if b.name == name]
    return block


@pytest.fixture(scope="module")
def function(root) -> tf.Block:
    (block,) = [
        b for b in root.modules() if b.body["source"] == LAMBDA_MODULE and b.body["binary"] == "webhooks"
    ]
    return block


@pytest.fixture(scope="module")
def dispatcher_block(root) -> tf.Block:
    (block,) = [b for b in root.modules() if b.body["source"] == DISPATCHER_MODULE]
    return block


@pytest.fixture(scope="module")
def dispatcher(root, dispatcher_block) -> tf.Module:
    return root.child(dispatcher_block)


@pytest.fixture(scope="module")
def schedule_block(dispatcher) -> tf.Block:
    """The dispatcher's every-minute schedule, with the failure queue its stream shares."""
    (block,) = [b for b in dispatcher.modules() if b.body["source"] == SCHEDULE_MODULE]
    return block


@pytest.fixture(scope="module")
def schedule(dispatcher, schedule_block) -> tf.Module:
    return dispatcher.child(schedule_block)


def one(module: tf.Module, type_: str) -> dict:
    (block,) = module.resources(type_)
    return block.body


def single(value) -> dict:
    (block,) = tf.as_list(value)
    return block


def statements_by_sid(statements: list[dict]) -> dict[str, dict]:
    return {s["sid"]: s for s in statements}


# ---- Where it runs ----


def vpc_config_for_each(module: tf.Module) -> str:
    """The function module's `dynamic "vpc_config"` for_each (it has no static vpc_config)."""
    (fn,) = module.resources("aws_lambda_function")
    assert "vpc_config" not in fn.body
    (dynamic,) = [d["vpc_config"] for d in tf.as_list(fn.body.get("dynamic")) if "vpc_config" in d]
    return dynamic["for_each"]


def test_the_dispatcher_runs_outside_the_vpc(root, function):
    assert function.body["vpc"] is None
    # ... and a null vpc gives the function no vpc_config (and no network interfaces).
    assert vpc_config_for_each(root.child(function)) == "${var.vpc == null ? [] : [var.vpc]}"


def test_every_other_function_runs_in_the_private_subnets(root):
    others = [b for b in root.modules() if b.body["source"] == LAMBDA_MODULE and b.body["binary"] not in OUTSIDE_VPC]
    assert others
    for block in others:
        vpc = block.body["vpc"]
        assert isinstance(vpc, dict), f"module.{block.name} must run in the VPC"
        assert vpc["subnet_ids"] == "${module.network.private_subnet_ids}", block.name
        assert vpc["security_group_ids"] == ["${aws_security_group.functions.id}"], block.name


def test_the_dispatcher_gets_its_settings_and_no_redis_or_signing_key(function):
    env = function.body["environment"]
    assert env == {
        "SWITCHYARD_TABLE": "${module.table.name}",
        "SWITCHYARD_WEBHOOK_KEY_SECRET_ARN": "${" + KEY_REFERENCE + "}",
        "SWITCHYARD_DASHBOARD_URL": "${local.dashboard_origin}",
        "RUST_LOG": "${var.log_level}",
    }


def test_the_dispatcher_gets_only_settings_the_code_reads(function):
    """Every SWITCHYARD_* name Terraform passes appears in the functions' Rust source."""
    source = "\n".join(p.read_text() for p in rust_source.FUNCTIONS.rglob("*.rs"))
    passed = {name for name in function.body["environment"] if name.startswith("SWITCHYARD_")}
    unread = sorted(name for name in passed if f'"{name}"' not in source)
    assert not unread, f"the Rust code reads none of {unread}"


# ---- The stream ----


def test_the_stream_mapping_takes_only_inserts_of_change_records_and_queued_deliveries(dispatcher):
    mapping = one(dispatcher, "aws_lambda_event_source_mapping")
    (flt,) = tf.as_list(single(mapping["filter_criteria"])["filter"])
    assert flt["pattern"] == "${jsonencode(local.stream_filter)}"
    assert dispatcher.locals["stream_filter"] == {
        "eventName": ["INSERT"],
        "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "CHANGE#"}, {"prefix": "WHQ#"}]}}},
    }


def test_the_filtered_prefixes_are_the_ones_the_store_writes(dispatcher):
    store = "\n".join(p.read_text() for p in rust_source.STORE.glob("*.rs"))
    prefixes = [p["prefix"] for p in dispatcher.locals["stream_filter"]["dynamodb"]["Keys"]["pk"]["S"]]
    missing = [p for p in prefixes if f'"{p}' not in store]
    assert not missing, f"core/src/store writes no key starting with {missing}"


def test_the_stream_mapping_reads_the_tables_stream_into_the_live_alias(root, dispatcher_block, dispatcher):
    mapping = one(dispatcher, "aws_lambda_event_source_mapping")
    assert mapping["event_source_arn"] == "${var.stream_arn}"
    assert mapping["function_name"] == "${var.function_alias_arn}"
    assert dispatcher_block.body["stream_arn"] == "${module.table.stream_arn}"
    assert dispatcher_block.body["function_alias_arn"] == "${module.webhooks_function.alias_arn}"
    # The publisher and the dispatcher: DynamoDB streams serve two readers without throttling.
    consumers = [b for b in root.modules() if b.body.get("stream_arn") == "${module.table.stream_arn}"]
    assert len(consumers) == 2


def test_failed_stream_batches_go_to_the_failure_queue(dispatcher):
    mapping = one(dispatcher, "aws_lambda_event_source_mapping")
    on_failure = single(single(mapping["destination_config"])["on_failure"])
    # The schedule's queue: one queue for all the dispatcher's failures.
    assert on_failure["destination_arn"] == "${module.schedule.failure_queue_arn}"
    assert not dispatcher.resources("aws_sqs_queue")
    # Bounded retries, so a poisoned record reaches the queue instead of blocking its shard.
    assert 0 <= mapping["maximum_retry_attempts"] <= 100
    assert 60 <= mapping["maximum_record_age_in_seconds"] <= 86400
    assert mapping["bisect_batch_on_function_error"] is True


# ---- The schedule ----


def test_the_schedule_invokes_the_dispatcher_every_minute(schedule_block, schedule):
    assert schedule_block.body["function_alias_arn"] == "${var.function_alias_arn}"
    every_minute = one(schedule, "aws_scheduler_schedule")
    assert every_minute["schedule_expression"] == "rate(1 minute)"
    assert every_minute["state"] == "ENABLED"
    assert single(every_minute["flexible_time_window"])["mode"] == "OFF"
    target = single(every_minute["target"])
    assert target["arn"] == "${var.function_alias_arn}"
    assert target["role_arn"] == "${aws_iam_role.scheduler.arn}"


def test_the_webhook_resources_keep_their_names_and_addresses(dispatcher, schedule_block):
    """Moving the schedule into modules/minute_schedule replaced nothing: same names, and a
    `moved` block for each resource that changed address."""
    body = schedule_block.body
    assert (body["name"], body["schedule_name"], body["policy_name"]) == (
        "${var.name}-webhook", "${var.name}-webhook-sweep", "invoke-webhooks"
    )
    moves = {m["from"]: m["to"] for m in dispatcher.moved}
    assert moves == {
        "${aws_sqs_queue.failures}": "${module.schedule.aws_sqs_queue.failures}",
        "${aws_iam_role.scheduler}": "${module.schedule.aws_iam_role.scheduler}",
        "${aws_iam_role_policy.scheduler}": "${module.schedule.aws_iam_role_policy.scheduler}",
        "${aws_scheduler_schedule.sweep}": "${module.schedule.aws_scheduler_schedule.every_minute}",
        "${aws_lambda_function_event_invoke_config.schedule}": (
            "${module.schedule.aws_lambda_function_event_invoke_config.schedule}"
        ),
        "${aws_cloudwatch_metric_alarm.failures}": "${module.schedule.aws_cloudwatch_metric_alarm.failures}",
    }


def test_ticks_the_scheduler_cannot_deliver_go_to_the_failure_queue(schedule):
    target = single(one(schedule, "aws_scheduler_schedule")["target"])
    assert single(target["dead_letter_config"])["arn"] == "${aws_sqs_queue.failures.arn}"
    retry = single(target["retry_policy"])
    # A tick is worth a minute: the next one supersedes it.
    assert retry["maximum_event_age_in_seconds"] == 60
    assert 0 <= retry["maximum_retry_attempts"] <= 5


def test_failed_scheduled_runs_go_to_the_failure_queue(dispatcher_block, schedule_block, schedule):
    config = one(schedule, "aws_lambda_function_event_invoke_config")
    assert config["function_name"] == "${var.function_name}"
    assert config["qualifier"] == "${var.function_alias_name}"
    assert schedule_block.body["function_name"] == "${var.function_name}"
    assert schedule_block.body["function_alias_name"] == "${var.function_alias_name}"
    assert dispatcher_block.body["function_name"] == "${module.webhooks_function.function_name}"
    assert dispatcher_block.body["function_alias_name"] == "${module.webhooks_function.alias_name}"
    assert config["maximum_retry_attempts"] == 0
    on_failure = single(single(config["destination_config"])["on_failure"])
    assert on_failure["destination"] == "${aws_sqs_queue.failures.arn}"


def test_the_schedules_role_may_invoke_only_the_dispatcher(schedule):
    role = one(schedule, "aws_iam_role")
    assert role["assume_role_policy"] == "${data.aws_iam_policy_document.scheduler_assume.json}"
    docs = {b.name: b.body for b in schedule.blocks if b.kind == "data" and b.type == "aws_iam_policy_document"}
    trust = single(docs["scheduler_assume"]["statement"])
    assert single(trust["principals"])["identifiers"] == ["scheduler.amazonaws.com"]
    conditions = {c["variable"]: c["values"] for c in tf.as_list(trust["condition"])}
    assert conditions["aws:SourceAccount"] == ["${local.account}"]
    assert conditions["aws:SourceArn"] == ["${local.schedule_group_arn}"]

    policy = one(schedule, "aws_iam_role_policy")
    assert policy["role"] == "${aws_iam_role.scheduler.id}"
    assert policy["policy"] == "${data.aws_iam_policy_document.scheduler.json}"
    statements = tf.as_list(docs["scheduler"]["statement"])
    invoking = [s for s in statements if any(a.startswith("lambda:") for a in s["actions"])]
    assert invoking == [
        {"sid": "InvokeTheFunctionOnly", "actions": ["lambda:InvokeFunction"], "resources": ["${var.function_alias_arn}"]}
    ]
    for s in statements:
        assert "*" not in s["resources"], s["sid"]
        assert not any(a.endswith("*") for a in s["actions"]), s["sid"]


# ---- The failure queue ----


def test_the_failure_queue_is_encrypted_and_keeps_messages_14_days(dispatcher_block, schedule_block, schedule):
    queue = one(schedule, "aws_sqs_queue")
    assert queue["kms_master_key_id"] == "${var.kms_key_arn}"
    assert schedule_block.body["kms_key_arn"] == "${var.kms_key_arn}"
    assert dispatcher_block.body["kms_key_arn"] == "${module.kms.key_arn}"
    assert queue["message_retention_seconds"] == FOURTEEN_DAYS


def test_the_dispatcher_may_send_to_its_failure_queue(function, dispatcher):
    statements = statements_by_sid(function.body["statements"])
    assert statements["FailureQueue"]["actions"] == ["sqs:SendMessage"]
    assert statements["FailureQueue"]["resources"] == ["${module.webhook_dispatcher.failure_queue_arn}"]
    outputs = tf.outputs(dispatcher.path)
    assert outputs["failure_queue_arn"]["value"] == "${module.schedule.failure_queue_arn}"
    key = statements["KeyForSecretQueueAndEnvironment"]
    assert {"kms:Decrypt", "kms:GenerateDataKey"} <= set(key["actions"])


def test_work_in_the_failure_queue_raises_the_alarm(dispatcher_block, schedule_block, schedule):
    alarm = one(schedule, "aws_cloudwatch_metric_alarm")
    assert alarm["dimensions"] == {"QueueName": "${aws_sqs_queue.failures.name}"}
    assert alarm["metric_name"] == "ApproximateNumberOfMessagesVisible"
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["alarm_actions"] == "${var.alarm_actions}"
    assert schedule_block.body["alarm_actions"] == "${var.alarm_actions}"
    assert dispatcher_block.body["alarm_actions"] == "${var.alarm_actions}"


# ---- The webhook key ----


def references(value, needle: str) -> bool:
    return needle in str(value)


def test_only_the_orgs_auth_and_webhooks_functions_can_read_the_webhook_key(root, function):
    # In the root module the key's ARN is named by the dispatcher's block and by the orgs and
    # auth entries of the per-group locals (auth opens single sign-on client secrets sealed with
    # the same key), which only the API functions use; by nothing else.
    blocks = sorted(b.name for b in root.blocks if references(b.body, KEY_REFERENCE))
    assert blocks == [function.name]
    api = module_block(root, "api_function")
    assert api.body["environment"].endswith(", local.group_environment[each.key])}")
    assert "local.group_statements[each.key]" in api.body["statements"]
    holding = sorted(name for name, value in root.locals.items() if references(value, KEY_REFERENCE))
    assert holding == ["group_environment", "group_statements"]
    for name in holding:
        users = sorted(b.name for b in root.blocks if references(b.body, f"local.{name}"))
        users += sorted(k for k, v in root.locals.items() if references(v, f"local.{name}"))
        assert users == ["api_function"], f"local.{name} is used by {users}"
        groups = sorted(g for g, value in root.locals[name].items() if references(value, KEY_REFERENCE))
        assert groups == ["auth", "orgs"], f"local.{name}: only orgs and auth get the webhook key"
    (grant,) = root.locals["group_statements"]["orgs"]
    assert grant["actions"] == ["secretsmanager:GetSecretValue"]
    assert grant["resources"] == ["${" + KEY_REFERENCE + "}"]
    (auth_grant,) = [s for s in root.locals["group_statements"]["auth"] if s["sid"] == "WebhookKey"]
    assert auth_grant["actions"] == ["secretsmanager:GetSecretValue"]
    assert auth_grant["resources"] == ["${" + KEY_REFERENCE + "}"]
    assert root.locals["group_environment"]["auth"] == {
        "SWITCHYARD_WEBHOOK_KEY_SECRET_ARN": "${" + KEY_REFERENCE + "}",
        "SWITCHYARD_DASHBOARD_URL": "${local.dashboard_origin}",
        "SWITCHYARD_API_URL": "${module.api.url}",
    }
    assert root.locals["group_environment"]["orgs"] == {
        "SWITCHYARD_WEBHOOK_KEY_SECRET_ARN": "${" + KEY_REFERENCE + "}",
        "SWITCHYARD_DASHBOARD_URL": "${local.dashboard_origin}",
    }
    assert statements_by_sid(function.body["statements"])["WebhookKey"]["resources"] == ["${" + KEY_REFERENCE + "}"]


def policy_statements(module: tf.Module) -> list[dict]:
    """The statements of a module's policy documents and the statements it gives functions."""
    out = []
    for b in module.blocks:
        if b.kind == "data" and b.type == "aws_iam_policy_document":
            out += tf.as_list(b.body.get("statement"))
        if b.kind == "module" and isinstance(b.body.get("statements"), list):
            out += b.body["statements"]
    for value in module.locals.values():
        if isinstance(value, list):
            out += [s for s in value if isinstance(s, dict) and "actions" in s]
        if isinstance(value, dict):
            out += [s for v in value.values() if isinstance(v, list) for s in v if isinstance(s, dict) and "actions" in s]
    return out


def test_no_policy_reads_every_secret():
    """A wildcard secret read would also reach the webhook key."""
    modules = [tf.load()] + [tf.load(d) for d in sorted((tf.ROOT / "modules").iterdir()) if d.is_dir()]
    for module in modules:
        for s in policy_statements(module):
            actions = s["actions"] if isinstance(s["actions"], list) else [s["actions"]]
            if any(a.startswith("secretsmanager:") or a == "*" for a in actions):
                assert isinstance(s["resources"], list) and "*" not in s["resources"], (module.path, s)
                assert not any(a.endswith("*") for a in actions), (module.path, s)


def test_the_webhook_key_is_32_generated_bytes_in_hex_and_never_rewritten(root):
    block = module_block(root, "webhook_key")
    assert block.body["source"] == "./modules/secret_key"
    assert block.body["format"] == "hex32"
    # A new key would leave every stored webhook secret unreadable: no variable may raise it.
    assert block.body["key_version"] == 1
    module = root.child(block)
    value = module.locals["value"]["hex32"]
    assert value == "${sha256(ephemeral.random_password.key.result)}"
    (version,) = module.resources("aws_secretsmanager_secret_version")
    assert version.body["secret_string_wo"] == "${local.value[var.format]}"


def test_the_jwt_secret_keeps_its_name_and_value_form(root):
    """Sharing the module with the webhook key must not replace the signing key's secret."""
    block = module_block(root, "jwt_secret")
    assert block.body["source"] == "./modules/secret_key"
    assert block.body["purpose"] == "jwt-signing-key"
    assert block.body["format"] == "alphanumeric"
    assert block.body["key_version"] == "${var.jwt_key_version}"
    (secret,) = root.child(block).resources("aws_secretsmanager_secret")
    assert secret.body["name_prefix"] == "${var.name}/${var.purpose}-"


def test_the_dispatcher_writes_only_through_transactions(function):
    statements = function.body["statements"]
    writes = {"dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}
    writing = [s for s in statements if writes & set(s["actions"])]
    assert [s["sid"] for s in writing] == ["TransactionalWrites"]
    (condition,) = writing[0]["conditions"]
    assert condition == {
        "test": "ForAnyValue:StringEquals",
        "variable": "dynamodb:EnclosingOperation",
        "values": ["TransactWriteItems"],
    }
