"""The dashboard's change feed in Terraform (feed.tf): the `feed` route group runs as a function of
its own behind a Lambda function URL that streams (API Gateway would buffer the event stream),
open to the dashboard's origin only, authenticated inside the function, reading only, capped by a
variable; config.json tells the dashboard where it is."""

import re

import hcl2
import pytest

import rust_source
import terraform_source as tf
from terraform_source import _OPTIONS

LAMBDA_MODULE = "./modules/lambda_function"
BINARY = "feed"
FEED_FILE = tf.ROOT / "feed.tf"


@pytest.fixture(scope="module")
def root() -> tf.Module:
    return tf.load()


@pytest.fixture(scope="module")
def function(root) -> tf.Block:
    (block,) = [b for b in root.modules() if b.body["source"] == LAMBDA_MODULE and b.body["binary"] == BINARY]
    return block


@pytest.fixture(scope="module")
def url(root) -> dict:
    (block,) = root.resources("aws_lambda_function_url")
    return block.body


def ref(function: tf.Block, output: str) -> str:
    return "${module." + function.name + "." + output + "}"


def variables() -> dict[str, dict]:
    doc = hcl2.load((tf.ROOT / "variables.tf").open(), serialization_options=_OPTIONS)
    return {name: body for entry in doc["variable"] for name, body in entry.items()}


# ---- The function ----


def test_the_feed_binary_is_its_own_function_not_an_api_gateway_one(root, function):
    assert BINARY in rust_source.lambda_binaries()
    assert BINARY in rust_source.group_of_route_file().values()
    assert "for_each" not in function.body and "count" not in function.body
    assert BINARY not in root.locals["api_functions"]
    # The binary serves the feed group, streaming (functions/src/config.rs, run_feed_lambda).
    main = (rust_source.FUNCTIONS / "bin" / f"{BINARY}.rs").read_text()
    assert "run_feed_lambda()" in main
    config = (rust_source.FUNCTIONS / "config.rs").read_text()
    body = rust_source._fn_body(config, "pub async fn run_feed_lambda")
    assert "run_with_streaming_response" in body and "Group::Feed" in body


def test_the_feed_function_has_a_streaming_function_url(function, url):
    assert url["function_name"] == ref(function, "function_name")
    # On the live alias, like every caller of a function.
    assert url["qualifier"] == ref(function, "alias_name")
    assert url["invoke_mode"] == "RESPONSE_STREAM"
    # Callers are authenticated inside the function by their session JWT, like every API function.
    assert url["authorization_type"] == "NONE"
    skip = re.search(r"#checkov:skip=CKV_AWS_258:(.*)", FEED_FILE.read_text())
    assert skip and "JWT" in skip.group(1), "the skip of CKV_AWS_258 must say how callers are authenticated"
    # One invocation is one stream: Lambda's longest, 15 minutes; the dashboard reconnects.
    assert function.body["timeout_seconds"] == 900


def test_the_feed_urls_cors_allows_only_the_dashboard_origin(root, url):
    (cors,) = tf.as_list(url["cors"])
    assert cors["allow_origins"] == ["${local.dashboard_origin}"]
    assert cors["allow_methods"] == ["GET"]
    assert sorted(cors["allow_headers"]) == ["authorization", "last-event-id"]
    assert not cors.get("allow_credentials"), "the session travels in the Authorization header, not in cookies"
    # The same origin the API's CORS names.
    (api,) = [b for b in root.modules() if b.body["source"] == "./modules/http_api"]
    assert api.body["allowed_origins"] == cors["allow_origins"]


def test_config_json_carries_the_feed_url_from_the_function_url(root):
    (config,) = [b for b in root.resources("aws_s3_object") if b.body.get("key") == "config.json"]
    assert "feedUrl = local.feed_url" in config.body["content"]
    # Routes hang under it (<feedUrl>/api/v1/orgs/{org}/events): the URL without its trailing slash.
    assert root.locals["feed_url"] == '${trimsuffix(aws_lambda_function_url.feed.function_url, "/")}'
    assert tf.outputs()["feed_url"]["value"] == "${local.feed_url}"


def test_the_dashboard_may_connect_to_the_feed(root):
    """The dashboard's CSP cannot name the URL itself (the URL's CORS names the dashboard's origin,
    which would be a cycle): any function URL of the region, as for the API's generated URL."""
    assert root.locals["feed_csp_source"] == "https://*.lambda-url.${var.region}.on.aws"
    # join("; ", [...]) is one expression; its connect-src directive is one string literal in it.
    (connect,) = re.findall(r'"(connect-src [^"]*)"', root.locals["dashboard_csp"])
    assert "${local.feed_csp_source}" in connect.split()


def test_only_invocations_through_the_url_are_public(function, root):
    """Auth type NONE needs principal "*" in the alias's policy: for InvokeFunctionUrl on URLs of
    auth type NONE, and for InvokeFunction only through the function URL (never the Invoke API)."""
    permissions = {b.body["action"]: b.body for b in root.resources("aws_lambda_permission")}
    assert set(permissions) == {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}
    for p in permissions.values():
        assert p["function_name"] == ref(function, "function_name")
        assert p["qualifier"] == ref(function, "alias_name")
        assert p["principal"] == "*"
    assert permissions["lambda:InvokeFunctionUrl"]["function_url_auth_type"] == "NONE"
    assert permissions["lambda:InvokeFunction"]["invoked_via_function_url"] is True
    # invoked_via_function_url came with the AWS provider 6.28.
    (versions,) = hcl2.load((tf.ROOT / "versions.tf").open(), serialization_options=_OPTIONS)["terraform"]
    (providers,) = tf.as_list(versions["required_providers"])
    assert providers["aws"]["version"] == ">= 6.28, < 7.0"


def test_the_feed_reads_only_with_the_signing_key_and_the_redis_url(root, function):
    assert function.body["statements"] == "${local.api_read_statements}"
    actions = {a for s in root.locals["api_read_statements"] for a in s["actions"]}
    assert actions == {"dynamodb:GetItem", "dynamodb:Query", "secretsmanager:GetSecretValue", "kms:Decrypt"}
    (secrets,) = [s for s in root.locals["api_read_statements"] if s["sid"] == "Secrets"]
    assert secrets["resources"] == ["${module.jwt_secret.arn}", "${module.redis.url_secret_arn}"]
    assert function.body["environment"] == "${local.function_environment}"
    env = root.locals["function_environment"]
    assert env["SWITCHYARD_JWT_SECRET_ARN"] == "${module.jwt_secret.arn}"
    assert env["SWITCHYARD_REDIS_URL_SECRET_ARN"] == "${module.redis.url_secret_arn}"
    assert env["SWITCHYARD_TABLE"] == "${module.table.name}"


def test_the_feed_runs_in_the_vpc_like_the_api_functions(root, function):
    (api,) = [b for b in root.modules() if b.name == "api_function"]
    assert function.body["vpc"] == api.body["vpc"]


def test_open_streams_are_capped_by_a_documented_variable(function):
    assert function.body["reserved_concurrency"] == "${var.feed_reserved_concurrency}"
    cap = variables()["feed_reserved_concurrency"]
    assert cap["type"] == "number"
    assert "dashboard tab" in cap["description"]
    assert isinstance(cap["default"], int) and cap["default"] >= 1
    readme = (tf.ROOT / "README.md").read_text()
    assert "## The change feed" in readme and "feed_reserved_concurrency" in readme
