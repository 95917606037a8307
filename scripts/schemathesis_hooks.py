"""schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

- `map_case`: a schema-valid (positive) case that writes a versioned resource is sent with the
  version the server holds now, so it can succeed instead of always meeting 409 (the versions move
  as the run writes). Negative cases keep what was generated.
- `after_call`: records each operation's status codes; at exit they go to $SWITCHYARD_FUZZ_STATS
  (JSON), from which the script prints how many operations reached a 2xx.
"""

import atexit
import json
import os
import urllib.request
from collections import defaultdict

import schemathesis

BASE = os.environ["SWITCHYARD_FUZZ_BASE"]
TOKEN = os.environ["SWITCHYARD_FUZZ_TOKEN"]
STATS = os.environ.get("SWITCHYARD_FUZZ_STATS")

P = "/api/v1/projects/{project}"
STATE = P + "/environments/{environment}/flags/{flag}"
REQUEST = P + "/change-requests/{request}"
# operation → (the GET that holds its version, where the version goes)
VERSIONED = {
    ("PATCH", P + "/flags/{flag}"): (P + "/flags/{flag}", "body.version"),
    ("DELETE", P + "/flags/{flag}"): (P + "/flags/{flag}", "query.version"),
    ("PUT", P + "/segments/{segment}"): (P + "/segments/{segment}", "body.version"),
    ("DELETE", P + "/segments/{segment}"): (P + "/segments/{segment}", "query.version"),
    ("PUT", STATE): (STATE, "body.version"),
    ("PATCH", STATE): (STATE, "body.version"),
    ("POST", STATE + "/restore"): (STATE, "body.version"),
    ("PATCH", "/api/v1/orgs/{org}/webhooks/{webhook}"): (
        "/api/v1/orgs/{org}/webhooks/{webhook}",
        "body.version",
    ),
    ("PATCH", REQUEST): (REQUEST, "body.version"),
    ("POST", REQUEST + "/withdraw"): (REQUEST, "body.version"),
    ("POST", REQUEST + "/refresh"): (REQUEST, "body.version"),
    ("POST", STATE + "/ramp/pause"): (STATE + "/ramp", "body.version"),
    ("POST", STATE + "/ramp/resume"): (STATE + "/ramp", "body.version"),
    ("POST", STATE + "/ramp/cancel"): (STATE + "/ramp", "body.version"),
}

statuses: dict[str, set[int]] = defaultdict(set)


def current_version(path):
    req = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r).get("version")
    except Exception:  # a missing resource: the case goes as generated and meets its 404
        return None


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    op = case.operation
    method, path = op.method.upper(), op.path
    if (method, path) == ("POST", STATE + "/copy") and isinstance(case.body, dict):
        # Without a targetVersion the copy overwrites whatever the target holds.
        case.body.pop("targetVersion", None)
        return case
    found = VERSIONED.get((method, path))
    if found is None:
        return case
    source, where = found
    params = case.path_parameters or {}
    try:
        concrete = source.format(**params)
    except KeyError:
        return case
    # A resource already gone (deleted earlier in the run) still gets a version, to meet its 404.
    version = current_version(concrete) or 1
    if where == "body.version" and isinstance(case.body, dict):
        case.body["version"] = version
    elif where == "query.version":
        case.query = {**(case.query or {}), "version": version}
    return case


@schemathesis.hook
def after_call(context, case, response):
    statuses[f"{case.operation.method.upper()} {case.operation.path}"].add(response.status_code)


def _dump():
    if STATS:
        with open(STATS, "w") as f:
            json.dump({k: sorted(v) for k, v in statuses.items()}, f)


atexit.register(_dump)
