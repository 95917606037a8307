"""Every Lambda binary of switchyard-functions is deployed as exactly one function."""

from collections import Counter

import rust_source
import terraform_source as tf

LAMBDA_MODULE = "./modules/lambda_function"


def deployed_binaries(root: tf.Module) -> Counter:
    """The binaries the root module deploys, counting every instance of the function module."""
    deployed: Counter = Counter()
    for block in root.modules():
        if block.body["source"] != LAMBDA_MODULE:
            continue
        binary = block.body["binary"]
        if "for_each" in block.body:
            collection = tf.local_reference(block.body["for_each"])
            assert collection, f"module.{block.name}: for_each must name a local list of binaries"
            assert binary == "${each.key}", f"module.{block.name}: binary must be each.key"
            deployed.update(root.locals[collection])
        else:
            assert "count" not in block.body, f"module.{block.name}: count would deploy a binary more than once"
            assert tf.expression(binary) is None, f"module.{block.name}: binary must be a literal"
            deployed[binary] += 1
    return deployed


def test_every_binary_is_exactly_one_function():
    deployed = deployed_binaries(tf.load())
    binaries = rust_source.lambda_binaries()
    assert binaries, "no binaries found in functions/src/bin"
    assert set(deployed) == binaries, (
        f"missing: {sorted(binaries - set(deployed))}, not a binary: {sorted(set(deployed) - binaries)}"
    )
    assert all(n == 1 for n in deployed.values()), f"deployed more than once: {deployed}"


def test_function_module_holds_one_function_per_instance_running_its_binary():
    root = tf.load()
    module = root.child(next(b for b in root.modules() if b.body["source"] == LAMBDA_MODULE))
    functions = module.resources("aws_lambda_function")
    assert len(functions) == 1
    fn = functions[0].body
    assert "count" not in fn and "for_each" not in fn
    assert fn["runtime"] == "provided.al2023"
    assert fn["architectures"] == ["arm64"]
    assert fn["handler"] == "bootstrap"
    assert module.locals["zip_path"] == "${var.zip_dir}/${var.binary}.zip"
    assert fn["filename"] == "${local.zip_path}"
    assert tf.as_list(fn["tracing_config"])[0]["mode"] == "Active"
    # Its own role, log group (with retention) and nothing shared between functions.
    assert fn["role"] == "${aws_iam_role.this.arn}"
    (logs,) = module.resources("aws_cloudwatch_log_group")
    assert "retention_in_days" in logs.body


def test_function_module_runs_the_function_in_the_vpc_it_is_given_and_only_then():
    """vpc_config and the VPC access policy come from var.vpc; null (the webhooks dispatcher,
    test_webhooks.py) runs the function outside any VPC."""
    root = tf.load()
    module = root.child(next(b for b in root.modules() if b.body["source"] == LAMBDA_MODULE))
    (fn,) = module.resources("aws_lambda_function")
    assert "vpc_config" not in fn.body
    (vpc_config,) = [d["vpc_config"] for d in tf.as_list(fn.body.get("dynamic")) if "vpc_config" in d]
    assert vpc_config["for_each"] == "${var.vpc == null ? [] : [var.vpc]}"
    (content,) = tf.as_list(vpc_config["content"])
    assert content == {
        "subnet_ids": "${vpc_config.value.subnet_ids}",
        "security_group_ids": "${vpc_config.value.security_group_ids}",
    }
    attachments = {b.name: b.body for b in module.resources("aws_iam_role_policy_attachment")}
    assert attachments["vpc"]["policy_arn"].endswith(":policy/service-role/AWSLambdaVPCAccessExecutionRole")
    assert attachments["vpc"]["count"] == "${var.vpc == null ? 0 : 1}"


def test_every_function_states_where_it_runs():
    """`vpc` has no default: each function module block says VPC (an object) or not (null)."""
    root = tf.load()
    for block in root.modules():
        if block.body["source"] == LAMBDA_MODULE:
            assert "vpc" in block.body, f"module.{block.name} must set vpc"
            assert "subnet_ids" not in block.body and "security_group_ids" not in block.body, block.name


def test_no_secret_value_in_any_function_environment():
    """Functions get the ARNs of the signing key, Redis URL and webhook key secrets, never their
    values."""
    root = tf.load()
    environments = [root.locals["function_environment"], *root.locals["group_environment"].values()]
    environments += [
        b.body["environment"] for b in root.modules()
        if b.body["source"] == LAMBDA_MODULE and isinstance(b.body["environment"], dict)
    ]
    for env in environments:
        for name, value in env.items():
            assert "SECRET" not in name or name.endswith("_ARN"), name
            assert "random_password" not in str(value) and "secret_string" not in str(value), name
    assert root.locals["function_environment"]["SWITCHYARD_JWT_SECRET_ARN"] == "${module.jwt_secret.arn}"


def test_the_projects_group_may_delete():
    """Deleting a project (with its environments) or an environment removes their items and their
    SDK keys in one transaction of Delete items, which IAM authorises as DeleteItem."""
    routes = (rust_source.FUNCTIONS / "routes" / "projects.rs").read_text()
    assert "st.changes.delete_project(" in routes, "routes/projects.rs no longer deletes projects"
    assert ".delete_environment(" in routes, "routes/projects.rs no longer deletes environments"
    assert rust_source.group_of_route_file()["projects"] == "projects"
    batch = (rust_source.STORE / "projects.rs").read_text()
    for fn in ("pub fn delete_project", "pub fn delete_environment"):
        assert "self.delete(" in rust_source._fn_body(batch, fn), f"{fn} no longer deletes items"
    root = tf.load()
    assert "dynamodb:DeleteItem" in root.locals["table_writes"]["projects"]
    # ... and the group's function gets its table_writes, conditioned on TransactWriteItems.
    (api,) = [b for b in root.modules() if b.name == "api_function"]
    assert "for writes in [local.table_writes[each.key]]" in api.body["statements"]
    assert "TransactWriteItems" in api.body["statements"]


def test_the_auth_group_writes_attempt_counters_only_in_their_partitions():
    """The login limits write outside transactions (an atomic ADD, a replacing put, a batch of
    the last attempt's time): the auth group may, only under the ATTEMPT# prefix the store uses."""
    layout = (rust_source.STORE / "layout.rs").read_text()
    assert 'pub const ATTEMPT_PREFIX: &str = "ATTEMPT#";' in layout
    attempts = (rust_source.STORE / "attempts.rs").read_text()
    assert "add_counter(" in attempts and "put_counters(" in attempts
    root = tf.load()
    # Beside it only the sealing key's read (single sign-on client secrets, test_webhooks.py).
    table = [s for s in root.locals["group_statements"]["auth"] if s["sid"] != "WebhookKey"]
    (statement,) = table
    assert set(statement["actions"]) == {"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:BatchWriteItem"}
    (condition,) = statement["conditions"]
    assert condition["test"] == "ForAllValues:StringLike"
    assert condition["variable"] == "dynamodb:LeadingKeys"
    assert condition["values"] == ["ATTEMPT#*"]
    for group, statements in root.locals["group_statements"].items():
        if group != "auth":
            assert all("dynamodb:UpdateItem" not in s["actions"] for s in statements), group


def test_only_the_auth_group_gets_the_smtp_secret_and_only_its_arn():
    """Password reset mail: the auth function gets the SMTP URL secret's ARN (never the URL, which
    carries SES's SMTP credentials) and may read that one secret, only when one is configured."""
    root = tf.load()
    (api,) = [b for b in root.modules() if b.name == "api_function"]
    assert 'each.key == "auth" ? local.mail_environment : {}' in api.body["environment"]
    assert 'each.key == "auth" ? local.mail_statements : []' in api.body["statements"]
    env = root.locals["mail_environment"]
    assert env.startswith("${var.smtp_url_secret_arn == null ? {} : {")
    assert "SWITCHYARD_SMTP_URL_SECRET_ARN = var.smtp_url_secret_arn" in env
    assert "SWITCHYARD_SMTP_URL " not in env and "SWITCHYARD_SMTP_URL=" not in env
    statements = root.locals["mail_statements"]
    assert "secretsmanager:GetSecretValue" in statements and "var.smtp_url_secret_arn" in statements
    config = (rust_source.FUNCTIONS / "config.rs").read_text()
    assert '"SWITCHYARD_SMTP_URL_SECRET_ARN"' in config
