"""Seeds a fresh `switchyard serve` for scripts/schemathesis.sh and writes the schemathesis config
that points every path parameter at a real resource.

Usage: schemathesis_seed.py BASE_URL CONFIG_OUT

What it creates, signed up as fuzz@example.com (the owner the run signs its requests as):
- organization, project (with the `development` and `production` environments), flag `seeded`
  with its state set once in `development` (an audit entry to restore), segment `seeded`, an SDK
  key and an API token;
- victims for the operations that destroy what they touch, so the seeded resources stay for every
  other operation: a flag and a segment to delete, a key to rotate, a key and a token to revoke,
  a member to remove and one whose role changes;
- an invitation to another organization for fuzz@example.com, to accept;
- a change request opened by an editor (the owner may review it), and a ramp of `seeded` in
  `development`.

Each fixed value goes into the config as a `parameters` entry (for every operation, or for one
operation where it names a victim); the versions that change as the run goes are set by
scripts/schemathesis_hooks.py. The config also names the operations whose acceptance depends on
rules JSON Schema cannot state (see `SEMANTIC` below).
"""

import email
import email.policy
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PASSWORD = "correct horse battery"


class Api:
    def __init__(self, base, token=None):
        self.base = base
        self.token = token

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        if status not in expect:
            sys.exit(f"seeding: {method} {path} answered {status}: {text[:300]!r}")
        return json.loads(text) if text else None


def verification_token(to):
    """The token of the verification link mailed to `to` (the server mails through the SMTP
    server whose Maildir SWITCHYARD_SEED_MAILDIR names), or None without one."""
    maildir = os.environ.get("SWITCHYARD_SEED_MAILDIR")
    if not maildir:
        return None
    deadline = time.time() + 20
    while time.time() < deadline:
        for f in sorted(Path(maildir, "new").glob("*")) if Path(maildir, "new").exists() else []:
            msg = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
            if to not in str(msg["To"]):
                continue
            found = re.search(r"/verify-email#token=(\S+)", msg.get_content())
            if found:
                return found.group(1)
        time.sleep(0.05)
    sys.exit(f"seeding: no verification mail reached {to}")


def signup(base, address, org):
    """Signs `address` up and, when the server mails, opens the verification link it sent."""
    s = Api(base).call(
        "POST",
        "/api/v1/auth/signup",
        {"email": address, "password": PASSWORD, "name": address.split("@")[0], "organization": org},
    )
    token = verification_token(address)
    if token:
        Api(base).call("POST", "/api/v1/auth/verify-email", {"token": token}, expect=(204,))
    return Api(base, s["token"]), s


def join(owner, org, base, email, role):
    """Invites `email` into `org` as `role` and signs them up to accept; returns their user id."""
    inv = owner.call("POST", f"/api/v1/orgs/{org}/invitations", {"email": email, "role": role})
    api, s = signup(base, email, f"{email} home")
    api.call("POST", "/api/v1/invitations/accept", {"token": inv["token"]})
    return s["user"]["id"]


# Operations whose 422s come from rules a JSON Schema cannot state: a variant's value must be of
# the flag's type and variant names unique, a default variant must be one of the flag's variants,
# targeting and segment rules must be JsonLogic the engine compiles, a flagd document must be
# valid as a whole, an evaluation context must hold a valid targetingKey, a page cursor must be
# one the API issued, environment keys must be unique (uniqueItems, which utoipa cannot emit),
# integers must be written without a fraction (serde refuses 7.0 for an integer). For these, a 422 to
# schema-valid data is the API being right; every other status is still checked.
SEMANTIC = [
    "POST /api/v1/projects/{project}/flags",
    "PATCH /api/v1/projects/{project}/flags/{flag}",
    "PUT /api/v1/projects/{project}/environments/{environment}/flags/{flag}",
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluate",
    "POST /api/v1/projects/{project}/segments",
    "PUT /api/v1/projects/{project}/segments/{segment}",
    "PUT /api/v1/projects/{project}/environments/{environment}/flagd",
    "GET /api/v1/orgs/{org}/audit",
    "GET /api/v1/orgs/{org}/changes",
    "GET /api/v1/orgs/{org}/projects",
    "GET /api/v1/projects/{project}/flags",
    "POST /api/v1/orgs/{org}/projects",
    "POST /api/v1/orgs/{org}/tokens",
    # An overlap in seconds is an integer (serde refuses 7.0).
    "POST /api/v1/orgs/{org}/webhooks/{webhook}/rotate",
    "POST /api/v1/projects/{project}/environments/{environment}/keys/{key}/rotate",
    # An approval policy may not ask for more approvals than the organization has members to give.
    "PATCH /api/v1/projects/{project}/environments/{environment}",
    # A webhook's URL must be a URL (https, on a public address) and its event filter name known
    # event types; a delivery log's cursor must be one the API issued.
    "POST /api/v1/orgs/{org}/webhooks",
    "PATCH /api/v1/orgs/{org}/webhooks/{webhook}",
    "GET /api/v1/orgs/{org}/webhooks/{webhook}/deliveries",
    # Single sign-on: an issuer is an https URL (plain http only on loopback) the server may
    # reach, email domains are domain names, the default role viewer or editor; a start names
    # exactly one of an email (a valid one) or an organization.
    "PUT /api/v1/orgs/{org}/sso",
    "POST /api/v1/auth/sso/start",
    # Change requests and ramps: base versions must be the stored ones, a schedule in the future,
    # a request in a state that allows the step (approve an open one, refresh a conflicted one…),
    # the reviewer not its author, ramp steps growing, one ramp per flag at a time.
    "POST /api/v1/projects/{project}/change-requests",
    "PATCH /api/v1/projects/{project}/change-requests/{request}",
    "POST /api/v1/projects/{project}/change-requests/{request}/approve",
    "POST /api/v1/projects/{project}/change-requests/{request}/reject",
    "POST /api/v1/projects/{project}/change-requests/{request}/apply",
    "POST /api/v1/projects/{project}/change-requests/{request}/withdraw",
    "POST /api/v1/projects/{project}/change-requests/{request}/refresh",
    "POST /api/v1/projects/{project}/change-requests/{request}/comments",
    "GET /api/v1/projects/{project}/change-requests",
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp",
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/pause",
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/resume",
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/cancel",
]


def toml_value(v):
    return json.dumps(v)  # JSON strings and numbers are TOML strings and numbers


def main():
    base, out = sys.argv[1], sys.argv[2]
    me, s = signup(base, "fuzz@example.com", "Fuzz")
    token = s["token"]
    org = s["organization"]["id"]
    created = me.call("POST", f"/api/v1/orgs/{org}/projects", {"name": "Seeded"})
    project = created["project"]["id"]
    envs = {e["key"]: e["id"] for e in created["environments"]}
    dev, prod = envs["development"], envs["production"]
    p = f"/api/v1/projects/{project}"
    variants = [{"name": "on", "value": True}, {"name": "off", "value": False}]
    for key in ("seeded", "doomed"):
        me.call("POST", f"{p}/flags", {"key": key, "type": "boolean", "variants": variants})
        me.call("POST", f"{p}/segments", {"key": f"{key}-segment", "rule": {"==": [1, 1]}})
    me.call(
        "PUT",
        f"{p}/environments/{dev}/flags/seeded",
        {"enabled": True, "defaultVariant": "on", "version": 0},
    )
    audit = me.call(
        "GET", f"/api/v1/orgs/{org}/audit?target=flag:seeded&environment={dev}&limit=1"
    )["items"][0]["id"]
    keys = {
        name: me.call("POST", f"{p}/environments/{dev}/keys", {"kind": kind})["key"]["id"]
        for name, kind in (("seeded", "server"), ("rotated", "server"), ("doomed", "client"))
    }
    tokens = {
        name: me.call(
            "POST", f"/api/v1/orgs/{org}/tokens", {"name": name, "scopes": ["read"]}
        )["token"]["id"]
        for name in ("seeded", "doomed")
    }
    hooks = {
        name: me.call(
            "POST",
            f"/api/v1/orgs/{org}/webhooks",
            {"kind": "standard", "url": f"https://hooks.example.com/{name}"},
        )["webhook"]["id"]
        for name in ("seeded", "doomed")
    }
    delivery = me.call(
        "POST", f"/api/v1/orgs/{org}/webhooks/{hooks['seeded']}/test", expect=(202,)
    )["id"]
    # A change request by an editor (so the fuzzing owner may review it), and a ramp of `seeded`.
    inv = me.call("POST", f"/api/v1/orgs/{org}/invitations", {"email": "editor@example.com", "role": "editor"})
    editor, _ = signup(base, "editor@example.com", "Editor home")
    editor.call("POST", "/api/v1/invitations/accept", {"token": inv["token"]})
    request = editor.call(
        "POST",
        f"{p}/change-requests",
        {"title": "Seeded request", "changes": [
            {"kind": "state", "environmentId": prod, "flag": "seeded", "baseVersion": 0, "enabled": True}
        ]},
    )["id"]
    me.call(
        "POST",
        f"{p}/environments/{dev}/flags/seeded/ramp",
        {"variant": "on", "baseline": "off", "version": 1,
         "steps": [{"percent": 10, "holdMs": 3600000}, {"percent": 100, "holdMs": 3600000}]},
    )
    # Approval policies are fuzzed on a project of their own: a protected environment refuses
    # direct changes to the seeded project's flags (403 approval_required) for the rest of the run.
    governed = me.call("POST", f"/api/v1/orgs/{org}/projects", {"name": "Governed"})
    member = join(me, org, base, "member@example.com", "viewer")
    leaver = join(me, org, base, "leaver@example.com", "viewer")
    other, s2 = signup(base, "other@example.com", "Other")
    invitation = other.call(
        "POST",
        f"/api/v1/orgs/{s2['organization']['id']}/invitations",
        {"email": "fuzz@example.com", "role": "viewer"},
    )["token"]

    everywhere = {
        "path.org": org,
        "path.project": project,
        "path.environment": dev,
        "path.flag": "seeded",
        "path.segment": "seeded-segment",
        "path.key": keys["seeded"],
        "path.token": tokens["seeded"],
        "path.user": member,
        "path.entry": audit,
        "path.webhook": hooks["seeded"],
        "path.delivery": delivery,
        "path.request": request,
    }
    per_operation = {
        "DELETE /api/v1/projects/{project}/flags/{flag}": {"path.flag": "doomed"},
        "DELETE /api/v1/projects/{project}/segments/{segment}": {"path.segment": "doomed-segment"},
        "POST /api/v1/projects/{project}/environments/{environment}/keys/{key}/rotate": {
            "path.key": keys["rotated"]
        },
        "DELETE /api/v1/projects/{project}/environments/{environment}/keys/{key}": {
            "path.key": keys["doomed"]
        },
        "DELETE /api/v1/orgs/{org}/tokens/{token}": {"path.token": tokens["doomed"]},
        "DELETE /api/v1/orgs/{org}/members/{user}": {"path.user": leaver},
        "DELETE /api/v1/orgs/{org}/webhooks/{webhook}": {"path.webhook": hooks["doomed"]},
        "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/copy": {
            "body.toEnvironment": prod
        },
        "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/restore": {
            "body.auditId": audit
        },
        "POST /api/v1/invitations/accept": {"body.token": invitation},
        "PATCH /api/v1/projects/{project}/environments/{environment}": {
            "path.project": governed["project"]["id"],
            "path.environment": governed["environments"][0]["id"],
        },
        "POST /api/v1/auth/login": {"body.email": "fuzz@example.com", "body.password": PASSWORD},
    }
    lines = ["# Written by scripts/schemathesis_seed.py for one run.", "[parameters]"]
    lines += [f"{toml_value(k)} = {toml_value(v)}" for k, v in everywhere.items()]
    for name, params in per_operation.items():
        lines += ["", "[[operations]]", f"include-name = {toml_value(name)}", "[operations.parameters]"]
        lines += [f"{toml_value(k)} = {toml_value(v)}" for k, v in params.items()]
    for name in SEMANTIC:
        lines += [
            "",
            "[[operations]]",
            f"include-name = {toml_value(name)}",
            "[operations.checks.positive_data_acceptance]",
            'expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]',
        ]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(token)


if __name__ == "__main__":
    main()
