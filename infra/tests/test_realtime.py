"""The realtime service in Terraform: health checked on /healthz, operator routes kept off the
internet, its task role confined to the partitions the server reads and the counters it writes, and
the settings the code reads passed to it (read from the Rust source, not copied)."""

import re

import hcl2
import pytest

import rust_source
import terraform_source as tf
from terraform_source import _OPTIONS


@pytest.fixture(scope="module")
def root() -> tf.Module:
    return tf.load()


@pytest.fixture(scope="module")
def realtime(root) -> tf.Module:
    (block,) = [b for b in root.modules() if b.body["source"] == "./modules/realtime"]
    return root.child(block)


def resolve(module: tf.Module, value):
    """A literal, or the value of the `${local.x}` it names."""
    name = tf.local_reference(value)
    return module.locals[name] if name else value


def layout_prefixes() -> dict[str, str]:
    """`pub fn env(id: &str) -> String { format!("ENV#{id}") }` of layout.rs: name -> "ENV#"."""
    text = (rust_source.STORE / "layout.rs").read_text()
    return dict(re.findall(r'pub fn (\w+)\([^)]*\) -> String \{\s*format!\("([A-Z0-9]+#)', text))


def by_name(module, kind: str, name: str):
    (found,) = [r for r in module.resources(kind) if r.name == name]
    return found


def test_the_load_balancer_checks_healthz_which_asks_no_store(realtime):
    group = by_name(realtime, "aws_lb_target_group", "this")
    (check,) = tf.as_list(group.body["health_check"])
    assert check["path"] == "/healthz"
    health = (rust_source.REPO / "realtime" / "src" / "health.rs").read_text()
    assert '.route("/healthz", get(|| async { "ok" }))' in health, "healthz must answer without the store"


def test_readiness_and_metrics_answer_404_from_the_internet(realtime):
    (listener,) = realtime.resources("aws_lb_listener")
    rule = by_name(realtime, "aws_lb_listener_rule", "operator_routes")
    assert rule.body["listener_arn"] == f"${{aws_lb_listener.{listener.name}.arn}}"
    (condition,) = tf.as_list(rule.body["condition"])
    (paths,) = tf.as_list(condition["path_pattern"])
    values = resolve(realtime, paths["values"])
    assert {"/readyz", "/metrics"} <= set(values)
    (action,) = tf.as_list(rule.body["action"])
    assert action["type"] == "fixed-response"
    assert tf.as_list(action["fixed_response"])[0]["status_code"] == "404"


def test_flagd_grpc_reaches_the_tasks_listener_over_a_grpc_target_group(realtime):
    group = by_name(realtime, "aws_lb_target_group", "flagd")
    assert group.body["protocol_version"] == "GRPC"
    server = (rust_source.REPO / "realtime" / "src" / "server.rs").read_text()
    assert "SocketAddr::from(([0, 0, 0, 0], 8013))" in server, "the realtime role's flagd port"
    assert group.body["port"] == 8013
    rule = by_name(realtime, "aws_lb_listener_rule", "flagd")
    (condition,) = tf.as_list(rule.body["condition"])
    (paths,) = tf.as_list(condition["path_pattern"])
    values = set(resolve(realtime, paths["values"]))
    for service in ["flagd.sync.v1.FlagSyncService", "flagd.evaluation.v1.Service",
                    "flagd.evaluation.v2.Service"]:
        assert f"/{service}/*" in values
    (action,) = tf.as_list(rule.body["action"])
    assert action["target_group_arn"] == "${aws_lb_target_group.flagd.arn}"
    ingress = {r.name: r.body for r in realtime.resources("aws_vpc_security_group_ingress_rule")}
    assert ingress["tasks_flagd_from_alb"]["from_port"] == 8013


def test_scrapers_reach_the_tasks_only_from_configured_ranges(realtime):
    rules = {r.name: r.body for r in realtime.resources("aws_vpc_security_group_ingress_rule")}
    scrape = rules["tasks_from_scrapers"]
    assert scrape["cidr_ipv4"] == "${each.value}"
    assert scrape["for_each"] == "${toset(var.scrape_cidrs)}"
    assert (scrape["from_port"], scrape["to_port"]) == (8080, 8080)


def task_statements(realtime) -> dict[str, dict]:
    (doc,) = [b for b in realtime.blocks if b.kind == "data" and b.name == "task"]
    return {s["sid"]: s for s in tf.as_list(doc.body["statement"])}


def leading_keys(realtime, statement) -> list[str]:
    (condition,) = tf.as_list(statement.get("condition"))
    assert condition["test"] == "ForAllValues:StringLike"
    assert condition["variable"] == "dynamodb:LeadingKeys"
    return resolve(realtime, condition["values"])


def test_every_table_action_of_the_task_role_is_confined_by_leading_keys(realtime):
    for sid, s in task_statements(realtime).items():
        if s["actions"] == ["dynamodb:DescribeTable"]:
            continue
        assert all(a.startswith("dynamodb:") for a in s["actions"]), sid
        assert leading_keys(realtime, s), f"{sid} has no LeadingKeys condition"


def test_the_task_role_reads_environments_projects_and_key_lookups(realtime):
    prefixes = layout_prefixes()
    statements = task_statements(realtime)
    reads = statements["ReadEnvironmentsAndProjects"]
    assert set(reads["actions"]) == {"dynamodb:GetItem", "dynamodb:Query"}
    assert sorted(leading_keys(realtime, reads)) == sorted([prefixes["env"] + "*", prefixes["project"] + "*"])
    index = statements["KeyLookupIndex"]
    assert index["actions"] == ["dynamodb:Query"]
    assert index["resources"] == ["${var.table_index_arn}"]
    assert leading_keys(realtime, index) == [prefixes["secret"] + "*"]


def test_the_task_role_writes_only_analytics_counters(realtime):
    prefixes = layout_prefixes()
    writes = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem"}
    writing = [s for s in task_statements(realtime).values() if writes & set(s["actions"])]
    assert len(writing) == 1
    assert leading_keys(realtime, writing[0]) == [prefixes["stats"] + "*"]
    assert "dynamodb:DeleteItem" not in writing[0]["actions"]


def container_environment(realtime) -> str:
    (task,) = realtime.resources("aws_ecs_task_definition")
    return task.body["container_definitions"]


def test_the_tasks_trust_one_proxy_hop(root, realtime):
    assert re.search(
        r'name = "SWITCHYARD_TRUSTED_PROXY_HOPS", value = tostring\(var\.trusted_proxy_hops\)',
        container_environment(realtime),
    )
    (block,) = [b for b in root.modules() if b.body["source"] == "./modules/realtime"]
    assert block.body["trusted_proxy_hops"] == 1


def test_idle_connections_outlive_the_load_balancers_idle_timeout(realtime):
    assert re.search(
        r'name = "SWITCHYARD_HEADER_READ_TIMEOUT_SECS", value = tostring\(var\.idle_timeout_seconds \+ 10\)',
        container_environment(realtime),
    )
    (balancer,) = realtime.resources("aws_lb")
    assert balancer.body["idle_timeout"] == "${var.idle_timeout_seconds}"


def rust_quota_names() -> set[str]:
    """The quotas functions/src/config.rs reads: env = "SWITCHYARD_QUOTA_<NAME>"."""
    config = (rust_source.FUNCTIONS / "config.rs").read_text()
    return {n.lower() for n in re.findall(r'env = "SWITCHYARD_QUOTA_(\w+)"', config)}


def test_terraform_accepts_exactly_the_quotas_the_code_reads():
    doc = hcl2.load((tf.ROOT / "variables.tf").open(), serialization_options=_OPTIONS)
    (quotas,) = [v["quotas"] for v in doc["variable"] if "quotas" in v]
    condition = tf.as_list(quotas["validation"])[0]["condition"]
    accepted = set(re.findall(r'"([a-z_]+)"', condition))
    names = rust_quota_names()
    assert len(names) == 10
    assert accepted == names


def test_quotas_reach_every_api_function(root):
    assert root.locals["quota_environment"] == (
        '${{for name, limit in var.quotas : "SWITCHYARD_QUOTA_${upper(name)}" => tostring(limit)}}'
    )
    (api,) = [b for b in root.modules() if b.name == "api_function"]
    assert api.body["environment"] == (
        "${merge(local.quota_environment, local.function_environment, "
        'each.key == "auth" ? local.mail_environment : {}, local.group_environment[each.key])}'
    )
    # The per-group additions never carry quotas of their own (nor override the shared ones).
    assert not any("SWITCHYARD_QUOTA_" in str(env) for env in root.locals["group_environment"].values())


def test_a_task_may_hold_a_million_descriptors(realtime):
    # One per stream: the task's streams are bounded by the server's caps and memory, not this.
    assert re.search(
        r'name = "nofile", softLimit = 1048576, hardLimit = 1048576', container_environment(realtime)
    )


def test_the_accept_queue_is_as_deep_as_the_server_asks(realtime):
    asked = re.search(r"socket\.listen\((\d+)\)", (rust_source.REALTIME / "server.rs").read_text())
    assert asked, "server.rs listens with an explicit backlog"
    assert re.search(
        rf'namespace = "net.core.somaxconn", value = "{asked.group(1)}"', container_environment(realtime)
    )
