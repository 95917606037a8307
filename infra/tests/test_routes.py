"""Every method and path the Rust code declares is one API Gateway route, to the right function,
except the streamed feed group's (feed.tf: a function URL, as API Gateway buffers responses)."""

import re
from collections import Counter

import rust_source
import terraform_source as tf

ROUTES_FILE = tf.ROOT / "routes.tf"
# Routes served outside the utoipa attributes (functions/src/lib.rs, router()).
EXTRA_ROUTES = {"GET /api/openapi.json"}


def terraform_routes() -> dict[str, str]:
    return tf.load().locals["routes"]


def streamed_groups() -> set[str]:
    """The route groups served through a Lambda function URL instead of API Gateway: the binaries
    of the function modules that an aws_lambda_function_url points at."""
    root = tf.load()
    by_name = {b.name: b for b in root.modules()}
    out = set()
    for url in root.resources("aws_lambda_function_url"):
        m = re.fullmatch(r"\$\{module\.(\w+)\.function_name\}", url.body["function_name"])
        assert m, f"aws_lambda_function_url.{url.name} must point at a function module"
        out.add(by_name[m.group(1)].body["binary"])
    return out


def test_the_feed_group_is_the_one_streamed_group():
    assert streamed_groups() == {"feed"}
    assert "feed" in rust_source.group_of_route_file().values()


def test_every_declared_route_goes_to_its_group_function():
    groups = rust_source.group_of_route_file()
    declared = rust_source.api_routes()
    assert declared, "no #[utoipa::path] attributes found"
    routes = terraform_routes()
    streamed = streamed_groups()
    problems = []
    for r in declared:
        assert r.file in groups, f"routes/{r.file}.rs is in no Group (functions/src/lib.rs)"
        if groups[r.file] in streamed:
            continue  # test_the_feed_groups_routes_are_the_ones_not_on_api_gateway
        if r.key not in routes:
            problems.append(f"not routed: {r.key} (routes/{r.file}.rs)")
        elif routes[r.key] != groups[r.file]:
            problems.append(f"{r.key} goes to {routes[r.key]}, but routes/{r.file}.rs is the {groups[r.file]} group")
    assert not problems, "\n".join(problems)


def test_the_feed_groups_routes_are_the_ones_not_on_api_gateway():
    """API Gateway would buffer the stream: the feed group's routes must not be routes there, and
    every route of the other groups must be (the test above checks where it goes)."""
    groups = rust_source.group_of_route_file()
    declared = rust_source.api_routes()
    feed = {r.key for r in declared if groups[r.file] == "feed"}
    assert "GET /api/v1/orgs/{org}/events" in feed
    not_routed = {r.key for r in declared} - set(terraform_routes())
    assert not_routed == feed
    assert "feed" not in set(terraform_routes().values())


def test_no_route_the_code_does_not_declare():
    declared = {r.key for r in rust_source.api_routes()} | EXTRA_ROUTES
    unknown = set(terraform_routes()) - declared
    assert not unknown, f"routes to nothing in the Rust code: {sorted(unknown)}"


def test_each_route_key_appears_exactly_once():
    """HCL object keys that repeat would silently collapse into one when parsed."""
    text = ROUTES_FILE.read_text()
    keys = Counter(re.findall(r'^\s*"((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /[^"]*)"\s*=', text, re.M))
    assert keys, "no route keys found in routes.tf"
    repeated = {k: n for k, n in keys.items() if n > 1}
    assert not repeated, f"route keys repeated: {repeated}"
    assert set(keys) == set(terraform_routes())


def test_routes_target_existing_api_functions():
    root = tf.load()
    api_functions = set(root.locals["api_functions"])
    assert set(terraform_routes().values()) <= api_functions
    # Every group is an API Gateway function or a streamed one, never both.
    groups = set(rust_source.group_of_route_file().values())
    assert groups == api_functions | streamed_groups()
    assert not api_functions & streamed_groups()


def test_api_gateway_has_one_route_per_key_and_nothing_else():
    """The API module turns var.routes into routes, one each; there is no catch-all route."""
    root = tf.load()
    (api,) = [b for b in root.modules() if b.body["source"] == "./modules/http_api"]
    assert tf.local_reference(api.body["routes"]) == "routes"
    module = root.child(api)
    (route,) = module.resources("aws_apigatewayv2_route")
    assert route.body["for_each"] == "${var.routes}"
    assert route.body["route_key"] == "${each.key}"
    assert route.body["target"] == "integrations/${aws_apigatewayv2_integration.function[each.value].id}"
    everywhere = [b for m in [root] + [root.child(c) for c in root.modules()] for b in m.resources("aws_apigatewayv2_route")]
    assert everywhere == [route], "a route resource other than the one per routes.tf key"
    for key in terraform_routes():
        assert "{proxy+}" not in key and not key.startswith(("ANY ", "$default"))


def test_cors_allows_only_the_dashboard_origin():
    root = tf.load()
    (api,) = [b for b in root.modules() if b.body["source"] == "./modules/http_api"]
    assert api.body["allowed_origins"] == ["${local.dashboard_origin}"]
