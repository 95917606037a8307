"""What the Rust code declares, read from its source: the Lambda binaries, the API's routes and the
route groups that serve them, and the DynamoDB table layout. Parsed, not copied, so that the
infrastructure tests fail when the code changes and Terraform does not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FUNCTIONS = REPO / "functions" / "src"
STORE = REPO / "core" / "src" / "store"
REALTIME = REPO / "realtime" / "src"


def lambda_binaries() -> set[str]:
    """The binaries of switchyard-functions: one Lambda function each."""
    return {p.stem for p in (FUNCTIONS / "bin").glob("*.rs")}


def _fn_body(source: str, signature: str) -> str:
    """The body of the first function whose text starts with `signature` (brace-matched)."""
    start = source.index(signature)
    open_at = source.index("{", start)
    depth = 0
    for i in range(open_at, len(source)):
        if source[i] == "{":
            depth += 1
        elif source[i] == "}":
            depth -= 1
            if depth == 0:
                return source[open_at + 1 : i]
    raise ValueError(f"unbalanced braces after {signature!r}")


def _match_arms(body: str) -> dict[str, str]:
    """`Group::X => ...` arms of a match: variant to the arm's text."""
    parts = re.split(r"Group::(\w+)\s*=>", body)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def group_of_route_file() -> dict[str, str]:
    """Route file stem (functions/src/routes/<stem>.rs) to the Lambda binary of its group, as
    `Group::routes` merges route modules and `Group::name` names the function."""
    lib = (FUNCTIONS / "lib.rs").read_text()
    names = {
        variant: re.search(r'"([^"]+)"', arm).group(1)
        for variant, arm in _match_arms(_fn_body(lib, "pub fn name(self)")).items()
    }
    out: dict[str, str] = {}
    for variant, arm in _match_arms(_fn_body(lib, "fn routes(self)")).items():
        for module in re.findall(r"routes::(\w+)::routes\(\)", arm):
            assert module not in out, f"routes/{module}.rs is merged into two groups"
            out[module] = names[variant]
    return out


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    file: str

    @property
    def key(self) -> str:
        """API Gateway's route key."""
        return f"{self.method} {self.path}"


_UTOIPA_PATH = re.compile(r'#\[utoipa::path\(\s*(get|post|put|patch|delete|head|options)\s*,\s*path\s*=\s*"([^"]+)"')


def api_routes() -> list[Route]:
    """Every `#[utoipa::path(method, path = "...")]` in functions/src/routes/*.rs."""
    routes = []
    for f in sorted((FUNCTIONS / "routes").glob("*.rs")):
        for m in _UTOIPA_PATH.finditer(f.read_text()):
            routes.append(Route(m.group(1).upper(), m.group(2), f.stem))
    return routes


def _constants() -> dict[str, str]:
    """`pub const NAME: &str = "value";` of the table layout."""
    text = (STORE / "layout.rs").read_text()
    return dict(re.findall(r'pub const (\w+): &str = "([^"]*)";', text))


def _screaming(variant: str) -> str:
    """An SDK enum variant as the API spells it: PayPerRequest -> PAY_PER_REQUEST."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", variant).upper()


@dataclass(frozen=True)
class Table:
    hash_key: str
    range_key: str
    attributes: dict[str, str]
    index_name: str
    index_hash_key: str
    index_range_key: str
    index_projection: str
    billing_mode: str
    stream_view_type: str
    ttl_attribute: str | None


def table_layout() -> Table:
    """The table `DynamoDb::create_new_table` creates, resolved through layout.rs's constants."""
    consts = _constants()
    source = (STORE / "dynamodb_table.rs").read_text()
    body = _fn_body(source, "pub async fn create_new_table")
    index_part, table_part = body.split("GlobalSecondaryIndex::builder()", 1)[1].split(".create_table()", 1)

    def keys(part: str) -> dict[str, str]:
        return {kind: consts[name] for name, kind in re.findall(r"key\((\w+), KeyType::(\w+)\)", part)}

    attr_type = re.search(r"ScalarAttributeType::(\w+)", body).group(1)
    assert attr_type == consts["KEY_ATTRIBUTE_TYPE"], "layout.rs and create_new_table disagree on key types"
    table_keys, index_keys = keys(table_part), keys(index_part)
    ttl = re.search(r'time_to_live|TimeToLive', source)
    return Table(
        hash_key=table_keys["Hash"],
        range_key=table_keys["Range"],
        attributes={consts[n]: attr_type for n in re.findall(r"attr\((\w+)\)", table_part)},
        index_name=consts[re.search(r"\.index_name\((\w+)\)", index_part).group(1)],
        index_hash_key=index_keys["Hash"],
        index_range_key=index_keys["Range"],
        index_projection=_screaming(re.search(r"ProjectionType::(\w+)", index_part).group(1)),
        billing_mode=_screaming(re.search(r"BillingMode::(\w+)", table_part).group(1)),
        stream_view_type=_screaming(re.search(r"StreamViewType::(\w+)", table_part).group(1)),
        # The store sets no expiry attribute today; a TTL would have to be declared to count here.
        ttl_attribute=consts.get("TTL_ATTRIBUTE") if ttl else None,
    )
